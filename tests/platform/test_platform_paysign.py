"""`wx.requestPayment` verification on the platform side: the v3 paySign and its fields (wx-fidelity.md §4)."""

from __future__ import annotations

import pytest
from wxpay_helpers import MerchantClient, NotifyReceiver

from mock_wx.platform import SIGN_FAILED, PaymentRejected, WeChatPlatform, build_pay_params


async def test_pay_sign_ok(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 signing: RSA over appId\\ntimeStamp\\nnonceStr\\npackage\\n with the merchant key verifies."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    params = build_pay_params(merchant.creds.appid, prepay_id, merchant.creds.private_key_pem)
    assert set(params) == {"timeStamp", "nonceStr", "package", "signType", "paySign"}
    assert params["signType"] == "RSA" and params["package"] == f"prepay_id={prepay_id}"
    order = platform.pay.verify_client_payment(merchant.creds.appid, **params)
    assert order.out_trade_no == "ORDER_0001" and order.trade_state == "NOTPAY"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("paySign", "tampered", "SIGN_ERROR"),
        ("nonceStr", "ANOTHERNONCE", "SIGN_ERROR"),  # signed fields changed after signing
        ("timeStamp", "1767574899", "SIGN_ERROR"),
        ("signType", "MD5", "PARAM_ERROR"),
        ("timeStamp", "1767574800000", "PARAM_ERROR"),  # milliseconds, not 10 digits
        ("nonceStr", "N" * 33, "PARAM_ERROR"),
        ("package", "wx123", "PARAM_ERROR"),
        ("package", "prepay_id=wx404", "PREPAY_NOT_FOUND"),
    ],
)
async def test_pay_sign_rejected(
    platform: WeChatPlatform,
    merchant: MerchantClient,
    receiver: NotifyReceiver,
    field: str,
    value: str,
    reason: str,
) -> None:
    """§4: a tampered or malformed requestPayment call is refused with a `requestPayment:fail` detail."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    params = merchant.creds.pay_params(prepay_id, timestamp=1767574800)
    params[field] = value
    with pytest.raises(PaymentRejected) as info:
        platform.pay.verify_client_payment(merchant.creds.appid, **params)
    assert info.value.reason == reason
    if reason == "SIGN_ERROR":
        assert str(info.value) == SIGN_FAILED


async def test_app_id_must_equal_ordering_appid(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 signing rules: the appId must equal the appid used at ordering, even if correctly signed."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    params = build_pay_params("wx0000000000000000", prepay_id, merchant.creds.private_key)
    with pytest.raises(PaymentRejected) as info:
        platform.pay.verify_client_payment("wx0000000000000000", **params)
    assert info.value.reason == "APPID_MISMATCH"


async def test_prepay_expires_after_two_hours(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4: an expired prepay cannot be paid; ordering again with the same body gives a fresh prepay_id."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    await platform.clock.advance(hours=2)
    with pytest.raises(PaymentRejected) as info:
        platform.pay.verify_client_payment(merchant.creds.appid, **merchant.creds.pay_params(prepay_id))
    assert info.value.reason == "PREPAY_EXPIRED"
    fresh = await merchant.order("ORDER_0001", receiver.url())
    assert fresh != prepay_id
    platform.pay.verify_client_payment(merchant.creds.appid, **merchant.creds.pay_params(fresh))


async def test_payer_must_be_the_ordering_user(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 ordering: payer.openid names who pays; another user's client cannot pay that prepay."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    params = merchant.creds.pay_params(prepay_id)
    with pytest.raises(PaymentRejected) as info:
        platform.pay.verify_client_payment(
            merchant.creds.appid, **params, openid=platform.login.openid("bob")
        )
    assert info.value.reason == "PAYER_MISMATCH"
    payer = merchant.order_body("X", "")["payer"]["openid"]
    assert (
        platform.pay.verify_client_payment(merchant.creds.appid, **params, openid=payer).out_trade_no
        == "ORDER_0001"
    )
