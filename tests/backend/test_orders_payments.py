"""Orders and WeChat Pay: prepay, notifications (duplicate, late, tampered), close, cancel, refund."""

from __future__ import annotations

import asyncio
import json

import pytest

from .conftest import Shop


@pytest.fixture
async def seeded(shop: Shop) -> Shop:
    await shop.seed()
    return shop


async def _order(shop: Shop, client, product: str = "p001", quantity: int = 1) -> dict:
    return await client.ok("POST", "/api/orders", {"productId": product, "quantity": quantity})


async def test_order_amount_is_computed_by_the_server(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    price = (await alice.ok("GET", "/api/products/p002"))["price"]
    data = await alice.ok("POST", "/api/orders", {"productId": "p002", "quantity": 2, "amount": 1})
    assert data["order"]["amount"] == 2 * price
    assert data["payment"]["signType"] == "RSA" and data["payment"]["package"].startswith("prepay_id=")
    assert seeded.scalar("SELECT COUNT(*) FROM events WHERE kind='ignored_client_value'") == 1
    # The stub's paySign is what the platform (and so wx.requestPayment) accepts.
    merchant = seeded.platform.merchant
    seeded.platform.pay.verify_client_payment(merchant.appid, **data["payment"])


async def test_paid_then_listed(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    stock = (await alice.ok("GET", "/api/products/p001"))["stock"]
    data = await _order(seeded, alice)
    assert (await alice.ok("GET", "/api/products/p001"))["stock"] == stock - 1
    await seeded.pay(data["payment"])
    orders = (await alice.ok("GET", "/api/orders", status="paid"))["orders"]
    assert [o["id"] for o in orders] == [data["order"]["id"]]
    assert orders[0]["paidAt"] is not None
    assert (await alice.ok("GET", "/api/products/p001"))["sales"] == 1


async def test_duplicate_and_late_notifications_after_refund(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    data = await _order(seeded, alice)
    oid = data["order"]["id"]
    await seeded.pay(data["payment"])
    tx = seeded.scalar("SELECT transaction_id FROM orders WHERE id=?", oid)
    assert (await seeded.platform.pay.redeliver(tx)).status == 204  # duplicate
    refunded = await alice.ok("POST", f"/api/orders/{oid}/refund", {"reason": "不想要了"})
    assert refunded["status"] in ("refunding", "refunded")
    await seeded.settle()
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refunded"
    # The payment notification again, now after the refund, and the refund notification twice more.
    assert (await seeded.platform.pay.redeliver(tx)).status == 204
    out_refund_no = seeded.scalar("SELECT out_refund_no FROM refunds WHERE order_id=?", oid)
    assert (await seeded.platform.pay.redeliver(out_refund_no=out_refund_no)).status == 204
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refunded"
    assert seeded.scalar("SELECT COUNT(*) FROM payments WHERE order_id=?", oid) == 1
    assert seeded.scalar("SELECT COUNT(*) FROM refunds WHERE order_id=?", oid) == 1
    assert len(seeded.platform.pay.refunds) == 1
    status, _ = await alice.post(f"/api/orders/{oid}/refund")
    assert status == 409


async def test_refund_notification_before_payment_notification(seeded: Shop) -> None:
    """Out of order: the stub hears of the refund first; the late payment must not resurrect the order."""
    from backend_stub.domains.payments import apply_payment, apply_refund

    alice = await seeded.login("alice")
    data = await _order(seeded, alice)
    order = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", data["order"]["id"])
    now = seeded.backend.now()
    refund = {"out_trade_no": order["out_trade_no"], "out_refund_no": "R1", "refund_status": "SUCCESS",
              "refund_id": "50x", "amount": {"refund": order["amount"], "total": order["amount"]}}
    payment = {"trade_state": "SUCCESS", "out_trade_no": order["out_trade_no"], "transaction_id": "4200x",
               "mchid": seeded.platform.merchant.mchid, "amount": {"total": order["amount"]}}
    assert apply_refund(seeded.backend, refund, now) == "refunded"
    assert apply_refund(seeded.backend, refund, now) == "duplicate"
    assert apply_payment(seeded.backend, payment, now).startswith("recorded_after")
    assert apply_payment(seeded.backend, payment, now) == "duplicate"
    assert (await alice.ok("GET", f"/api/orders/{order['id']}"))["status"] == "refunded"
    assert seeded.scalar("SELECT COUNT(*) FROM payments") == 1
    assert seeded.scalar("SELECT COUNT(*) FROM refunds") == 1


async def test_tampered_notification_is_rejected(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    data = await _order(seeded, alice)
    order = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", data["order"]["id"])
    notifier = seeded.platform.notifier
    resource = {"trade_state": "SUCCESS", "out_trade_no": order["out_trade_no"], "transaction_id": "4200y",
                "mchid": seeded.platform.merchant.mchid, "appid": seeded.platform.appid,
                "amount": {"total": order["amount"]}}
    delivery = notifier.build(seeded.url + "/api/pay/notify", "TRANSACTION.SUCCESS", "支付成功", "transaction",
                              resource)
    envelope = json.loads(delivery.body)
    envelope["summary"] = "篡改"
    tampered = json.dumps(envelope, ensure_ascii=False)
    headers = notifier.headers(delivery.body)  # signed over the original body
    async with seeded.session.post(seeded.url + "/api/pay/notify", data=tampered.encode(),
                                   headers={**headers, "Content-Type": "application/json"}) as resp:
        assert resp.status == 401
        assert (await resp.json())["code"] == "FAIL"
    wrong_serial = {**notifier.headers(delivery.body), "Wechatpay-Serial": "0000"}
    async with seeded.session.post(seeded.url + "/api/pay/notify", data=delivery.body.encode(),
                                   headers=wrong_serial) as resp:
        assert resp.status == 401
    # Correctly signed but with a forged ciphertext: decryption fails.
    envelope = json.loads(delivery.body)
    envelope["resource"]["ciphertext"] = envelope["resource"]["ciphertext"][:-8] + "AAAAAAA="
    forged = json.dumps(envelope)
    async with seeded.session.post(seeded.url + "/api/pay/notify", data=forged.encode(),
                                   headers=notifier.headers(forged)) as resp:
        assert resp.status == 401
    assert (await alice.ok("GET", f"/api/orders/{order['id']}"))["status"] == "created"
    # The genuine one is accepted.
    async with seeded.session.post(seeded.url + "/api/pay/notify", data=delivery.body.encode(),
                                   headers=notifier.headers(delivery.body)) as resp:
        assert resp.status == 204
    assert (await alice.ok("GET", f"/api/orders/{order['id']}"))["status"] == "paid"


async def test_unpaid_order_closes_after_the_window(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    stock = (await alice.ok("GET", "/api/products/p003"))["stock"]
    data = await _order(seeded, alice, "p003", 3)
    await seeded.advance(29 * 60)
    assert (await alice.ok("GET", f"/api/orders/{data['order']['id']}"))["status"] == "created"
    result = await seeded.advance(60)
    assert result["ordersClosed"] == 1
    order = await alice.ok("GET", f"/api/orders/{data['order']['id']}")
    assert (order["status"], order["closedReason"]) == ("closed", "timeout")
    assert (await alice.ok("GET", "/api/products/p003"))["stock"] == stock
    platform_order = seeded.platform.pay.orders[data["order"]["outTradeNo"]]
    assert platform_order.trade_state == "CLOSED"
    status, body = await alice.post(f"/api/orders/{data['order']['id']}/pay")
    assert (status, body["error"]) == (409, "invalid_state")


async def test_cancel_and_confirm_flow(seeded: Shop) -> None:
    alice, bob = await seeded.users(2)
    first = await _order(seeded, alice)
    cancelled = await alice.ok("POST", f"/api/orders/{first['order']['id']}/cancel")
    assert cancelled["status"] == "closed" and cancelled["closedReason"] == "cancelled"
    second = await _order(seeded, alice)
    oid = second["order"]["id"]
    again = await alice.ok("POST", f"/api/orders/{oid}/pay")
    assert again["payment"]["package"] == second["payment"]["package"]
    await seeded.pay(second["payment"])
    assert (await bob.get(f"/api/orders/{oid}"))[0] == 403
    assert (await bob.post(f"/api/orders/{oid}/refund"))[0] == 403
    assert (await alice.post(f"/api/orders/{oid}/confirm"))[0] == 409
    assert (await seeded.admin.ok("POST", f"/__admin/orders/{oid}/ship"))["status"] == "shipped"
    assert (await alice.ok("POST", f"/api/orders/{oid}/confirm"))["status"] == "completed"
    third = await _order(seeded, alice)
    await seeded.pay(third["payment"])
    await seeded.admin.ok("POST", f"/__admin/orders/{third['order']['id']}/ship")
    await seeded.advance(10 * 86400)
    assert (await alice.ok("GET", f"/api/orders/{third['order']['id']}"))["status"] == "completed"  # auto


async def test_out_of_stock(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    seeded.backend.db.run("UPDATE products SET stock=1 WHERE id='p004'")
    status, body = await alice.post("/api/orders", {"productId": "p004", "quantity": 2})
    assert (status, body["error"]) == (409, "out_of_stock")
    status, body = await alice.post("/api/orders", {"productId": "nope"})
    assert (status, body["error"]) == (404, "product_not_found")


async def test_platform_down_gives_502_and_keeps_stock(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    stock = (await alice.ok("GET", "/api/products/p001"))["stock"]
    pay = seeded.backend.pay
    assert pay is not None
    pay.base_url = "http://127.0.0.1:9"  # nothing listens there
    status, body = await alice.post("/api/orders", {"productId": "p001"})
    assert (status, body["error"]) == (502, "payment_unavailable")
    assert (await alice.ok("GET", "/api/products/p001"))["stock"] == stock


async def test_refund_retries_after_a_platform_outage_and_happens_once(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    data = await _order(seeded, alice)
    oid = data["order"]["id"]
    await seeded.pay(data["payment"])
    pay = seeded.backend.pay
    assert pay is not None
    real_url, pay.base_url = pay.base_url, "http://127.0.0.1:9"
    assert (await alice.ok("POST", f"/api/orders/{oid}/refund"))["status"] == "refunding"
    outbox = seeded.backend.db.one("SELECT * FROM outbox WHERE kind='refund'")
    assert (outbox["status"], outbox["attempts"]) == ("pending", 1) and "TRANSPORT" in outbox["last_error"]
    pay.base_url = real_url
    await seeded.clock.advance(10)
    # Two sweeps racing (a clock listener and a request, say) still send one refund.
    await asyncio.gather(seeded.server.sweep(), seeded.server.sweep(), alice.get("/api/orders"))
    await seeded.settle()
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refunded"
    assert len(seeded.platform.pay.refunds) == 1
    assert seeded.scalar("SELECT status FROM outbox WHERE kind='refund'") == "done"


async def test_a_refund_the_platform_refuses_for_good_ends_refund_failed(seeded: Shop) -> None:
    """The shop already refunded the money by hand on the merchant platform: the platform refuses ours (4xx)."""
    alice = await seeded.login("alice")
    stock = (await alice.ok("GET", "/api/products/p001"))["stock"]
    data = await _order(seeded, alice)
    oid, out_trade_no = data["order"]["id"], data["order"]["outTradeNo"]
    await seeded.pay(data["payment"])
    amount = data["order"]["amount"]
    await seeded.platform.pay.refund({"out_trade_no": out_trade_no, "out_refund_no": "MANUAL-1",
                                      "amount": {"refund": amount, "total": amount, "currency": "CNY"}})
    order = await alice.ok("POST", f"/api/orders/{oid}/refund", {"reason": "不想要了"})
    assert order["status"] == "refund_failed"
    assert "INVALID_REQUEST" in order["refundError"] and "exceeds the refundable amount" in order["refundError"]
    assert await alice.ok("GET", f"/api/orders/{oid}") == order
    assert [o["id"] for o in (await alice.ok("GET", "/api/orders", status="refund_failed"))["orders"]] == [oid]
    assert seeded.scalar("SELECT status FROM outbox WHERE kind='refund'") == "failed"
    assert seeded.scalar("SELECT status FROM refunds WHERE order_id=?", oid) == "failed"
    # Terminal: no second request, nothing given back, and time does not move it on.
    status, body = await alice.post(f"/api/orders/{oid}/refund")
    assert (status, body["error"]) == (409, "invalid_state")
    await seeded.advance(3600)
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refund_failed"
    assert (await alice.ok("GET", "/api/products/p001"))["stock"] == stock - 1
    assert [r.out_refund_no for r in seeded.platform.pay.refunds.values()] == ["MANUAL-1"]


async def test_a_refund_a_year_after_payment_is_refused_and_a_closed_refund_fails_too(seeded: Shop) -> None:
    from backend_stub.domains.payments import apply_refund

    alice = await seeded.login("alice")
    first = await _order(seeded, alice)
    await seeded.pay(first["payment"])
    second = await _order(seeded, alice, "p002")
    await seeded.pay(second["payment"])
    await seeded.advance(366 * 86400)  # WeChat Pay refunds within 365 days of payment (§4)
    alice = await seeded.login("alice")  # the session expired meanwhile
    order = await alice.ok("POST", f"/api/orders/{first['order']['id']}/refund")
    assert order["status"] == "refund_failed" and "365 days" in order["refundError"]
    # A refund the platform accepted but then reports CLOSED (final, §4) fails as well.
    row = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", second["order"]["id"])
    seeded.backend.db.run("UPDATE orders SET status='refunding' WHERE id=?", row["id"])
    closed = {"out_trade_no": row["out_trade_no"], "out_refund_no": "R" + row["out_trade_no"],
              "refund_status": "CLOSED", "amount": {"refund": row["amount"], "total": row["amount"]}}
    assert apply_refund(seeded.backend, closed, seeded.backend.now()) == "refund_closed"
    got = await alice.ok("GET", f"/api/orders/{row['id']}")
    assert got["status"] == "refund_failed" and got["refundError"].startswith("REFUND.CLOSED")


async def _post_notification(shop: Shop, body: str, headers: dict[str, str]) -> tuple[int, dict]:
    async with shop.session.post(shop.url + "/api/pay/notify", data=body.encode(),
                                 headers={**headers, "Content-Type": "application/json"}) as resp:
        return resp.status, (await resp.json() if resp.status != 204 else {})


async def test_a_stale_or_replayed_notification_is_rejected(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    data = await _order(seeded, alice)
    order = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", data["order"]["id"])
    notifier = seeded.platform.notifier
    resource = {"trade_state": "SUCCESS", "out_trade_no": order["out_trade_no"], "transaction_id": "4200z",
                "mchid": seeded.platform.merchant.mchid, "appid": seeded.platform.appid,
                "amount": {"total": order["amount"]}}
    delivery = notifier.build(seeded.url + "/api/pay/notify", "TRANSACTION.SUCCESS", "支付成功", "transaction",
                              resource)
    now = seeded.clock.time()
    for offset in (-301, 301):  # signed more than 5 minutes before or after the backend's now
        notifier.header_time = lambda offset=offset: now + offset
        status, body = await _post_notification(seeded, delivery.body, notifier.headers(delivery.body))
        assert (status, body["code"]) == (401, "FAIL")
        assert "Wechatpay-Timestamp" in body["message"] and "300 s" in body["message"]
    notifier.header_time = lambda: now + 60
    headers = notifier.headers(delivery.body)
    bad_ts = {**headers, "Wechatpay-Timestamp": "soon"}
    assert (await _post_notification(seeded, delivery.body, bad_ts))[0] == 401
    assert (await alice.ok("GET", f"/api/orders/{order['id']}"))["status"] == "created"
    # Within the window it is accepted; the very same request replayed (signed at +60 s) at +7 min is not.
    assert (await _post_notification(seeded, delivery.body, headers))[0] == 204
    await seeded.clock.advance(7 * 60)
    status, body = await _post_notification(seeded, delivery.body, headers)
    assert (status, body["code"]) == (401, "FAIL")
    assert seeded.scalar("SELECT COUNT(*) FROM payments") == 1


async def test_retries_long_after_the_payment_pass_the_freshness_check(seeded: Shop) -> None:
    """The platform signs each retry when it sends it, so one 14 minutes after the payment is still fresh."""
    alice = await seeded.login("alice")
    await seeded.admin.ok("POST", "/__admin/faults", {"path": "/api/pay/notify", "status": 503, "count": 5})
    data = await _order(seeded, alice)
    await seeded.pay(data["payment"])
    for step in (15, 15, 30, 180, 600):  # the retry schedule (§4): 15 s, 15 s, 30 s, 3 min, 10 min
        await seeded.advance(step)
    [delivery] = seeded.platform.pay.deliveries
    assert [a.status for a in delivery.attempts] == [503] * 5 + [204]
    assert delivery.attempts[-1].at - delivery.created == 840
    assert (await alice.ok("GET", f"/api/orders/{data['order']['id']}"))["status"] == "paid"


async def test_a_stub_on_its_own_clock_checks_freshness_against_real_time() -> None:
    """`wxsim backend`: the stub's AdjustableClock moves through /__admin/clock, the platform beside it does not."""
    import time

    import aiohttp

    from backend_stub import BackendConfig, BackendServer
    from mock_wx.clock import VirtualClock
    from mock_wx.platform import WeChatPlatform

    from .conftest import Shop as _Shop

    clock = VirtualClock(start=time.time(), realtime=True)
    async with WeChatPlatform(clock) as platform:
        config = BackendConfig(test_mode=True, platform_url=platform.base_url, send_time_expire=False)
        async with BackendServer(config) as server, aiohttp.ClientSession() as session:
            shop = _Shop(server, platform, clock, session)
            await shop.seed()
            await shop.admin.ok("POST", "/__admin/clock/advance", {"seconds": 3600})
            alice = await shop.login("alice")
            data = await _order(shop, alice)
            await shop.pay(data["payment"])
            [delivery] = platform.pay.deliveries
            assert [a.status for a in delivery.attempts] == [204]
            assert (await alice.ok("GET", f"/api/orders/{data['order']['id']}"))["status"] == "paid"
            await platform.pay.idle()
