"""End-to-end smoke: login, order, pay, notification (wx-fidelity.md §4, §9)."""

from __future__ import annotations

from wxpay_helpers import MerchantClient, NotifyReceiver

from mock_wx.platform import WeChatPlatform, decrypt_resource, verify_notification


async def test_order_pay_notify(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4: prepay → signed pay params → sheet confirmed → one verified, decryptable notification."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    params = merchant.creds.pay_params(prepay_id, timestamp=int(platform.clock.time()))
    order = platform.pay.verify_client_payment(merchant.creds.appid, **params)
    await platform.pay.settle(order.prepay_id, "confirm")
    assert len(receiver.received) == 1
    got = receiver.received[0]
    assert verify_notification(got.headers, got.body, merchant.creds.platform_public_key_pem)
    resource = decrypt_resource(got.json["resource"], merchant.creds.apiv3_key)
    assert resource["trade_state"] == "SUCCESS"
