"""JSAPI ordering: field validation, merchant request signatures, out_trade_no uniqueness (wx-fidelity.md §4)."""

from __future__ import annotations

from typing import Any

import pytest
from wxpay_helpers import MerchantClient, NotifyReceiver

from mock_wx.platform import PayApiError, WeChatPlatform
from mock_wx.platform._util import rfc3339

JSAPI = "/v3/pay/transactions/jsapi"


def without(body: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != key}


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        (lambda b: b.update(description="x" * 128), "description"),
        (lambda b: b.pop("description"), "description"),
        (lambda b: b.update(out_trade_no="abc"), "out_trade_no"),
        (lambda b: b.update(out_trade_no="ORDER#0001"), "out_trade_no"),
        (lambda b: b.update(amount={"total": 0, "currency": "CNY"}), "amount.total"),
        (lambda b: b.update(amount={"total": 9.9, "currency": "CNY"}), "amount.total"),
        (lambda b: b.update(amount={"total": "100"}), "amount.total"),
        (lambda b: b.update(amount={"total": 100, "currency": "USD"}), "currency"),
        (lambda b: b.update(notify_url="https://shop.example/notify?order=1"), "query string"),
        (lambda b: b.update(notify_url="/notify"), "notify_url"),
        (lambda b: b.update(payer={}), "payer.openid"),
        (lambda b: b.update(attach="a" * 129), "attach"),
        (lambda b: b.update(time_expire="tomorrow"), "time_expire"),
        (lambda b: b.update(time_expire="2026-01-05T09:00:30+08:00"), "1 minute"),  # now + 30 s
    ],
)
async def test_prepay_field_validation(
    merchant: MerchantClient, receiver: NotifyReceiver, change: Any, fragment: str
) -> None:
    """§4 ordering fields: a bad field answers 400 PARAM_ERROR naming it."""
    body = merchant.order_body("ORDER_0001", receiver.url())
    change(body)
    status, data = await merchant.request("POST", JSAPI, body)
    assert (status, data["code"]) == (400, "PARAM_ERROR")
    assert fragment in data["message"]


async def test_prepay_ok_and_time_expire(
    merchant: MerchantClient, receiver: NotifyReceiver, platform: WeChatPlatform
) -> None:
    """§4: a valid order answers 200 {prepay_id}; time_expire is RFC 3339 and echoes nothing else."""
    expire = rfc3339(platform.clock.time() + 900)
    status, data = await merchant.request(
        "POST", JSAPI, merchant.order_body("ORDER_0001", receiver.url(), time_expire=expire, attach="g=42")
    )
    assert status == 200 and set(data) == {"prepay_id"}
    assert data["prepay_id"].startswith("wx")
    assert platform.pay.orders["ORDER_0001"].time_expire == platform.clock.time() + 900


async def test_out_trade_no_unique_per_merchant(merchant: MerchantClient, receiver: NotifyReceiver) -> None:
    """§4: out_trade_no is unique per mchid; re-ordering the same body returns the same prepay."""
    first = await merchant.order("ORDER_0001", receiver.url())
    assert await merchant.order("ORDER_0001", receiver.url()) == first
    status, data = await merchant.request(
        "POST", JSAPI, merchant.order_body("ORDER_0001", receiver.url(), total=999)
    )
    assert (status, data["code"]) == (403, "OUT_TRADE_NO_USED")


async def test_wrong_ids(merchant: MerchantClient, receiver: NotifyReceiver) -> None:
    """§4: appid must be bound to the mchid of the sandbox."""
    body = merchant.order_body("ORDER_0001", receiver.url(), appid="wx0000000000000000")
    status, data = await merchant.request("POST", JSAPI, body)
    assert (status, data["code"]) == (400, "APPID_MCHID_NOT_MATCH")


async def test_request_signature_required(merchant: MerchantClient, receiver: NotifyReceiver) -> None:
    """§4: merchant requests carry a WECHATPAY2-SHA256-RSA2048 signature over METHOD/URL/ts/nonce/body."""
    body = merchant.order_body("ORDER_0001", receiver.url())
    signed_for_other_body = merchant.creds.sign_request("POST", JSAPI, '{"other": 1}')
    status, data = await merchant.request("POST", JSAPI, body, authorization=signed_for_other_body)
    assert (status, data["code"]) == (401, "SIGN_ERROR")
    status, data = await merchant.request("POST", JSAPI, body, authorization="Bearer x")
    assert (status, data["code"]) == (401, "SIGN_ERROR")
    signed_for_other_url = merchant.creds.sign_request(
        "GET", "/v3/pay/transactions/out-trade-no/X?mchid=1", ""
    )
    status, _ = await merchant.request(
        "GET",
        f"/v3/pay/transactions/out-trade-no/ORDER_0001?mchid={merchant.creds.mchid}",
        authorization=signed_for_other_url,
    )
    assert status == 401


def test_in_process_ordering_raises(platform: WeChatPlatform) -> None:
    """§4: in-process Python gets the same validation as PayApiError."""
    with pytest.raises(PayApiError) as info:
        platform.pay.create_jsapi({"appid": platform.appid})
    assert info.value.status == 400 and info.value.code in ("PARAM_ERROR", "MCH_NOT_EXISTS")
