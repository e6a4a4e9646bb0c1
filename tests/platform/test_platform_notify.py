"""Payment notifications: signature, AEAD_AES_256_GCM resource, retry schedule, duplicates (wx-fidelity.md §4)."""

from __future__ import annotations

import json

from wxpay_helpers import MerchantClient, NotifyReceiver

from mock_wx.clock import VirtualClock
from mock_wx.platform import RETRY_SCHEDULE, WeChatPlatform, decrypt_resource, verify_notification
from mock_wx.platform._util import rfc3339


async def pay(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, no: str = "ORDER_0001"
) -> str:
    prepay_id = await merchant.order(no, receiver.url(), total=2990, attach="group=42")
    order = platform.pay.verify_client_payment(merchant.creds.appid, **merchant.creds.pay_params(prepay_id))
    await platform.pay.settle(order.prepay_id, "confirm")
    assert order.transaction_id is not None
    return order.transaction_id


async def test_notification_signed_and_encrypted(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 payment notification: Wechatpay-* headers, platform-key signature, envelope and decrypted fields."""
    transaction_id = await pay(platform, merchant, receiver)
    [got] = receiver.received
    assert got.headers["Wechatpay-Serial"] == merchant.creds.platform_serial
    assert got.headers["Wechatpay-Timestamp"] == str(int(platform.clock.time()))
    assert verify_notification(got.headers, got.body, merchant.creds.platform_public_key_pem)
    assert merchant.creds.verify_notification(got.headers, got.body)
    envelope = got.json
    assert envelope["event_type"] == "TRANSACTION.SUCCESS" and envelope["resource_type"] == "encrypt-resource"
    assert envelope["summary"] == "支付成功" and envelope["create_time"] == rfc3339(platform.clock.time())
    assert envelope["resource"]["algorithm"] == "AEAD_AES_256_GCM"
    assert len(envelope["resource"]["nonce"]) == 12
    resource = decrypt_resource(envelope["resource"], merchant.creds.apiv3_key)
    assert resource == {
        "appid": merchant.creds.appid,
        "mchid": merchant.creds.mchid,
        "out_trade_no": "ORDER_0001",
        "transaction_id": transaction_id,
        "trade_type": "JSAPI",
        "trade_state": "SUCCESS",
        "trade_state_desc": "支付成功",
        "bank_type": "OTHERS",
        "attach": "group=42",
        "success_time": rfc3339(platform.clock.time()),
        "payer": {"openid": "oUser0000000000000000000000A"},
        "amount": {"total": 2990, "payer_total": 2990, "currency": "CNY", "payer_currency": "CNY"},
    }
    assert platform.pay.deliveries[0].acknowledged


async def test_tampered_notification_rejected(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4: a changed body fails the signature check; a changed ciphertext fails the GCM tag."""
    await pay(platform, merchant, receiver)
    got = receiver.received[0]
    forged = got.body.replace("TRANSACTION.SUCCESS", "TRANSACTION.SUCCESS ")
    assert not verify_notification(got.headers, forged, merchant.creds.platform_public_key_pem)
    other_key = WeChatPlatform(platform.clock, seed=1).merchant.platform_public_key_pem
    assert not verify_notification(got.headers, got.body, other_key)
    resource = dict(got.json["resource"])
    resource["associated_data"] = "refund"
    try:
        decrypt_resource(resource, merchant.creds.apiv3_key)
    except ValueError:
        pass
    else:
        raise AssertionError("a changed associated_data must fail decryption")


async def test_retries_on_the_virtual_clock(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock
) -> None:
    """§4 retry schedule: answered 500 twice, the notification is retried at +15 s and +30 s, then delivered."""
    receiver.answers = [500, 500]
    t0 = clock.time()
    await pay(platform, merchant, receiver)
    [delivery] = platform.pay.deliveries
    assert [a.status for a in delivery.attempts] == [500] and delivery.next_attempt_at == t0 + 15
    await clock.advance(seconds=14)
    assert len(receiver.received) == 1
    await clock.advance(seconds=1)
    assert [a.status for a in delivery.attempts] == [500, 500]
    await clock.advance(seconds=15)
    assert [(a.at - t0, a.status) for a in delivery.attempts] == [(0, 500), (15, 500), (30, 200)]
    assert delivery.acknowledged and delivery.next_attempt_at is None
    bodies = {r.body for r in receiver.received}
    assert len(bodies) == 1  # the same notification id each time
    assert len({r.headers["Wechatpay-Nonce"] for r in receiver.received}) == 3  # freshly signed each time
    await clock.advance(days=2)
    assert len(receiver.received) == 3


async def test_gives_up_after_the_schedule(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock
) -> None:
    """§4: 15 retries spread over 24h4m, then no more."""
    receiver.default = 503
    t0 = clock.time()
    await pay(platform, merchant, receiver)
    await clock.advance(days=2)
    [delivery] = platform.pay.deliveries
    assert len(delivery.attempts) == 1 + len(RETRY_SCHEDULE) and delivery.gave_up
    assert delivery.attempts[-1].at - t0 == 24 * 3600 + 4 * 60


async def test_transport_error_is_retried(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock
) -> None:
    """§4: a transport error counts as a failed delivery and is retried."""
    prepay_id = await merchant.order("ORDER_0001", "http://127.0.0.1:9/closed")
    await platform.pay.settle(prepay_id)
    [delivery] = platform.pay.deliveries
    assert delivery.attempts[0].status is None and delivery.attempts[0].error
    delivery.url = receiver.url()  # the merchant's server comes back
    await clock.advance(seconds=15)
    assert delivery.acknowledged and len(receiver.received) == 1


async def test_duplicate_redelivery(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4: duplicates are possible; `redeliver` posts the same notification (same id) again."""
    transaction_id = await pay(platform, merchant, receiver)
    attempt = await platform.pay.redeliver(transaction_id)
    assert attempt.ok and attempt.redelivery
    first, second = receiver.received
    assert json.loads(first.body)["id"] == json.loads(second.body)["id"]
    assert verify_notification(second.headers, second.body, merchant.creds.platform_public_key_pem)


async def test_cancel_and_fail_leave_the_order_unpaid(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4: cancel and fail send nothing; a JSAPI order stays NOTPAY and payable."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url())
    await platform.pay.settle(prepay_id, "cancel")
    await platform.pay.settle(prepay_id, "fail")
    order = platform.pay.orders["ORDER_0001"]
    assert order.trade_state == "NOTPAY" and order.sheet_answers == ["cancel", "fail"]
    assert receiver.received == [] and platform.pay.deliveries == []
    await platform.pay.settle(prepay_id, "confirm")
    assert order.trade_state == "SUCCESS" and len(receiver.received) == 1
