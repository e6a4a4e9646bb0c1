"""Query, close and refund over HTTP, with trade states and refund notifications (wx-fidelity.md §4)."""

from __future__ import annotations

import pytest
from wxpay_helpers import MerchantClient, NotifyReceiver

from mock_wx.clock import VirtualClock
from mock_wx.platform import PaymentRejected, WeChatPlatform, decrypt_resource, verify_notification

REFUNDS = "/v3/refund/domestic/refunds"


def by_no(merchant: MerchantClient, no: str) -> str:
    return f"/v3/pay/transactions/out-trade-no/{no}?mchid={merchant.creds.mchid}"


async def paid(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, total: int = 1000
) -> str:
    prepay_id = await merchant.order("ORDER_0001", receiver.url(), total=total)
    order = await platform.pay.settle(prepay_id)
    assert order.transaction_id
    return order.transaction_id


async def test_query_states(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 trade_state: NOTPAY (only by out_trade_no) → SUCCESS (both ways) → REFUND."""
    await merchant.order("ORDER_0001", receiver.url(), total=1000)
    status, data = await merchant.request("GET", by_no(merchant, "ORDER_0001"))
    assert status == 200 and data["trade_state"] == "NOTPAY" and "transaction_id" not in data
    assert data["trade_state_desc"] == "未支付"
    transaction_id = await paid(platform, merchant, receiver)
    status, data = await merchant.request(
        "GET", f"/v3/pay/transactions/id/{transaction_id}?mchid={merchant.creds.mchid}"
    )
    assert status == 200 and data["trade_state"] == "SUCCESS" and data["out_trade_no"] == "ORDER_0001"
    body = {
        "out_trade_no": "ORDER_0001",
        "out_refund_no": "R1",
        "amount": {"refund": 100, "total": 1000, "currency": "CNY"},
    }
    assert (await merchant.request("POST", REFUNDS, body))[0] == 200
    assert (await merchant.request("GET", by_no(merchant, "ORDER_0001")))[1]["trade_state"] == "REFUND"
    status, data = await merchant.request("GET", by_no(merchant, "NOPE_0001"))
    assert (status, data["code"]) == (404, "ORDER_NOT_EXIST")


async def test_close_then_payment_refused(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 close: 204 No Content, the order turns CLOSED and the client can no longer pay it."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    close = "/v3/pay/transactions/out-trade-no/ORDER_0001/close"
    status, data = await merchant.request("POST", close, {"mchid": merchant.creds.mchid})
    assert (status, data) == (204, None)
    assert (await merchant.request("GET", by_no(merchant, "ORDER_0001")))[1]["trade_state"] == "CLOSED"
    with pytest.raises(PaymentRejected) as info:
        platform.pay.verify_client_payment(merchant.creds.appid, **merchant.creds.pay_params(prepay_id))
    assert info.value.reason == "ORDER_CLOSED"
    with pytest.raises(PaymentRejected):
        await platform.pay.settle(prepay_id)
    status, data = await merchant.request(
        "POST", "/v3/pay/transactions/jsapi", merchant.order_body("ORDER_0001", receiver.url())
    )
    assert (status, data["code"]) == (400, "ORDER_CLOSED")


async def test_close_paid_order_refused(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4: a paid order cannot be closed (ORDERPAID) nor paid twice."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    await platform.pay.settle(prepay_id)
    status, data = await merchant.request(
        "POST", "/v3/pay/transactions/out-trade-no/ORDER_0001/close", {"mchid": merchant.creds.mchid}
    )
    assert (status, data["code"]) == (400, "ORDERPAID")
    with pytest.raises(PaymentRejected) as info:
        await platform.pay.settle(prepay_id)
    assert info.value.reason == "ORDERPAID"
    assert len(receiver.received) == 1


async def test_refund_and_notification(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock
) -> None:
    """§4 refund: PROCESSING then SUCCESS with a REFUND.SUCCESS notification; out_refund_no is idempotent."""
    transaction_id = await paid(platform, merchant, receiver)
    body = {
        "transaction_id": transaction_id,
        "out_refund_no": "REFUND_0001",
        "reason": "团购失败",
        "notify_url": receiver.url("/refund/notify"),
        "amount": {"refund": 400, "total": 1000, "currency": "CNY"},
    }
    status, data = await merchant.request("POST", REFUNDS, body)
    assert status == 200 and data["status"] == "PROCESSING" and data["amount"]["refund"] == 400
    await clock.run_due()  # the sandbox's settle hook waits for the refund to complete
    status, again = await merchant.request("POST", REFUNDS, body)
    assert again["refund_id"] == data["refund_id"] and again["status"] == "SUCCESS"
    status, queried = await merchant.request("GET", f"{REFUNDS}/REFUND_0001")
    assert status == 200 and queried["status"] == "SUCCESS" and "success_time" in queried
    notes = [r for r in receiver.received if r.path == "/refund/notify"]
    assert len(notes) == 1
    assert verify_notification(notes[0].headers, notes[0].body, merchant.creds.platform_public_key_pem)
    assert notes[0].json["event_type"] == "REFUND.SUCCESS"
    resource = decrypt_resource(notes[0].json["resource"], merchant.creds.apiv3_key)
    assert resource["refund_status"] == "SUCCESS" and resource["out_refund_no"] == "REFUND_0001"
    assert resource["amount"] == {"total": 1000, "refund": 400, "payer_total": 1000, "payer_refund": 400}
    attempt = await platform.pay.redeliver(out_refund_no="REFUND_0001")
    assert attempt.ok and len([r for r in receiver.received if r.path == "/refund/notify"]) == 2


async def test_refund_amount_checks(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 refund: total must match the order; refunds cannot exceed what was paid; unpaid orders are unknown."""
    await merchant.order("ORDER_0002", receiver.url(), total=500)
    unpaid = {
        "out_trade_no": "ORDER_0002",
        "out_refund_no": "R0",
        "amount": {"refund": 1, "total": 500, "currency": "CNY"},
    }
    status, data = await merchant.request("POST", REFUNDS, unpaid)
    assert (status, data["code"]) == (404, "RESOURCE_NOT_EXISTS")
    await paid(platform, merchant, receiver)

    def body(no: str, refund: int, total: int = 1000) -> dict[str, object]:
        return {
            "out_trade_no": "ORDER_0001",
            "out_refund_no": no,
            "amount": {"refund": refund, "total": total, "currency": "CNY"},
        }

    status, data = await merchant.request("POST", REFUNDS, body("R1", 100, total=999))
    assert (status, data["code"]) == (400, "PARAM_ERROR")
    status, data = await merchant.request("POST", REFUNDS, body("R1", 0))
    assert (status, data["code"]) == (400, "PARAM_ERROR")
    assert (await merchant.request("POST", REFUNDS, body("R1", 600)))[0] == 200
    status, data = await merchant.request("POST", REFUNDS, body("R2", 401))
    assert (status, data["code"]) == (400, "INVALID_REQUEST")
    assert (await merchant.request("POST", REFUNDS, body("R2", 400)))[0] == 200
    status, data = await merchant.request("GET", f"{REFUNDS}/R404")
    assert (status, data["code"]) == (404, "RESOURCE_NOT_EXISTS")
