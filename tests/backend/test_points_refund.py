"""A refund takes back the purchase points its order earned: once, by whatever path the refund succeeds.

The points are awarded with the verified payment notification (`award_purchase`); the claw-back follows the
refund's success (the REFUND.SUCCESS notification) as a negative `purchase_refund` row keyed by the order. A
refund that ends `refund_failed` for good takes nothing back.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import Client, Shop

PURCHASE = 50  # gamification.ACTIONS["purchase"]


@pytest.fixture
async def seeded(shop: Shop) -> Shop:
    await shop.seed(products=3, users=2, posts=0)
    shop.backend.db.run("UPDATE products SET group_size=3, stock=100 WHERE id='p001'")
    return shop


async def _level(client: Client) -> dict[str, Any]:
    return await client.ok("GET", f"/api/user/{client.user_id}/level")


async def _points(client: Client) -> int:
    """The caller's total, as both `/api/user/...` routes report it (they must agree)."""
    level = await _level(client)
    me = await client.ok("GET", "/api/user/me")
    assert (me["points"], me["level"]) == (level["points"], level["level"])
    return int(level["points"])


async def _buy(shop: Shop, client: Client, product: str = "p001") -> str:
    data = await client.ok("POST", "/api/orders", {"productId": product})
    await shop.pay(data["payment"])
    assert (await client.ok("GET", f"/api/orders/{data['order']['id']}"))["status"] == "paid"
    return str(data["order"]["id"])


def _clawbacks(shop: Shop, order_id: str) -> list[dict[str, Any]]:
    return shop.backend.db.all("SELECT user_id, points FROM point_awards WHERE action='purchase_refund' "
                               "AND object_key=?", order_id)


async def _refund_notification(shop: Shop, resource: dict[str, Any], event_type: str) -> int:
    """POST a signed, encrypted refund notification built by the platform's notifier."""
    notifier = shop.platform.notifier
    delivery = notifier.build(shop.url + "/api/pay/refund-notify", event_type, "退款", "refund", resource)
    async with shop.session.post(shop.url + "/api/pay/refund-notify", data=delivery.body.encode(),
                                 headers={**notifier.headers(delivery.body),
                                          "Content-Type": "application/json"}) as resp:
        return resp.status


async def test_a_refund_takes_back_exactly_that_orders_points_once_and_the_level_may_drop(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    for action in ("share_product",) * 5:  # 50 points: level 1
        await alice.ok("POST", "/api/user/reward", {"action": action})
    assert await _points(alice) == 50
    first = await _buy(seeded, alice)
    assert await _points(alice) == 100 and (await _level(alice))["level"] == 2
    second = await _buy(seeded, alice, "p002")
    assert await _points(alice) == 150
    badges = [b["id"] for b in (await alice.ok("POST", "/api/user/check-badges"))["newBadges"]]
    assert "first_purchase" in badges

    assert (await alice.ok("POST", f"/api/orders/{first}/refund"))["status"] in ("refunding", "refunded")
    await seeded.settle()
    assert (await alice.ok("GET", f"/api/orders/{first}"))["status"] == "refunded"
    assert await _points(alice) == 150 - PURCHASE, "exactly the refunded order's purchase points go"
    assert _clawbacks(seeded, first) == [{"user_id": alice.user_id, "points": -PURCHASE}]
    # History stays: the award row is kept next to its claw-back.
    assert seeded.scalar("SELECT points FROM point_awards WHERE action='purchase' AND object_key=?", first) == 50

    # Duplicates: the refund notification, the payment notification, the app's purchase report.
    out_refund_no = seeded.scalar("SELECT out_refund_no FROM refunds WHERE order_id=?", first)
    assert (await seeded.platform.pay.redeliver(out_refund_no=out_refund_no)).status == 204
    tx = seeded.scalar("SELECT transaction_id FROM orders WHERE id=?", first)
    assert (await seeded.platform.pay.redeliver(tx)).status == 204
    report = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": first})
    assert (report["awarded"], report["points"], report["totalPoints"]) == (False, 0, 100)
    await seeded.advance(3600)
    assert await _points(alice) == 100
    assert len(_clawbacks(seeded, first)) == 1

    # The other order's refund takes its own points: back to level 1, the badge earned stays.
    await alice.ok("POST", f"/api/orders/{second}/refund")
    await seeded.settle()
    assert await _points(alice) == 50
    level = await _level(alice)
    assert (level["level"], level["nextLevelPoints"]) == (1, 100)
    assert (await alice.ok("GET", "/api/user/me"))["level"] == 1
    kept = [b["id"] for b in (await alice.ok("GET", f"/api/user/{alice.user_id}/badges"))["badges"]]
    assert "first_purchase" in kept
    assert (await alice.ok("POST", "/api/user/check-badges"))["newBadges"] == []


async def test_an_award_the_app_never_reported_is_not_celebrated_after_the_refund(seeded: Shop) -> None:
    """The app closed after paying; by its next report the order was refunded: nothing to celebrate."""
    alice = await seeded.login("alice")
    oid = await _buy(seeded, alice)
    await alice.ok("POST", f"/api/orders/{oid}/refund")
    await seeded.settle()
    report = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": oid})
    assert (report["awarded"], report["points"], report["totalPoints"], report["levelUp"]) == (False, 0, 0, False)
    assert await _points(alice) == 0


async def test_an_expired_group_refunds_every_paid_member_and_each_loses_that_purchase_once(seeded: Shop) -> None:
    alice, bob, carol = await seeded.users(3)
    bob_other = await _buy(seeded, bob, "p002")  # not part of the group: bob keeps these points
    created = await alice.ok("POST", "/api/group-buy/create", {"productId": "p001", "maxParticipants": 4})
    gid = created["groupId"]
    await seeded.pay(created["payment"])
    joined = await bob.ok("POST", f"/api/group-buy/{gid}/join")
    await seeded.pay(joined["payment"])
    await carol.ok("POST", f"/api/group-buy/{gid}/join")  # never pays
    assert [await _points(c) for c in (alice, bob, carol)] == [50, 100, 0]

    result = await seeded.advance(24 * 3600 + 1)
    assert result["groupsExpired"] == 1
    for _ in range(3):  # sweeping and settling again takes nothing more
        await seeded.server.sweep()
        await seeded.settle()
    assert (await alice.ok("GET", f"/api/group-buy/{gid}"))["status"] == "failed"
    for client, data in ((alice, created), (bob, joined)):
        oid = data["order"]["id"]
        assert (await client.ok("GET", f"/api/orders/{oid}"))["status"] == "refunded"
        assert _clawbacks(seeded, oid) == [{"user_id": client.user_id, "points": -PURCHASE}]
        out_refund_no = seeded.scalar("SELECT out_refund_no FROM refunds WHERE order_id=?", oid)
        assert (await seeded.platform.pay.redeliver(out_refund_no=out_refund_no)).status == 204
    assert [await _points(c) for c in (alice, bob, carol)] == [0, 50, 0]
    assert seeded.scalar("SELECT COUNT(*) FROM point_awards WHERE action='purchase_refund'") == 2
    assert _clawbacks(seeded, bob_other) == []


async def test_a_refund_that_fails_for_good_keeps_the_points(seeded: Shop) -> None:
    """The shop refunded by hand on the merchant platform, so WeChat Pay refuses ours: refund_failed."""
    alice = await seeded.login("alice")
    oid = await _buy(seeded, alice)
    order = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", oid)
    assert order is not None
    await seeded.platform.pay.refund({"out_trade_no": order["out_trade_no"], "out_refund_no": "MANUAL-1",
                                      "amount": {"refund": order["amount"], "total": order["amount"],
                                                 "currency": "CNY"}})
    assert (await alice.ok("POST", f"/api/orders/{oid}/refund"))["status"] == "refund_failed"
    await seeded.advance(3600)
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refund_failed"
    assert await _points(alice) == PURCHASE
    assert _clawbacks(seeded, oid) == []


async def test_a_closed_refund_keeps_the_points_and_a_later_success_takes_them_once(seeded: Shop) -> None:
    """REFUND.CLOSED is final (refund_failed, points kept); a SUCCESS notification after all still refunds."""
    alice = await seeded.login("alice")
    oid = await _buy(seeded, alice)
    order = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", oid)
    assert order is not None
    seeded.backend.db.run("UPDATE orders SET status='refunding' WHERE id=?", oid)
    resource = {"mchid": seeded.platform.merchant.mchid, "out_trade_no": order["out_trade_no"],
                "out_refund_no": "R" + order["out_trade_no"], "refund_id": "50closed", "refund_status": "CLOSED",
                "amount": {"refund": order["amount"], "total": order["amount"]}}
    assert await _refund_notification(seeded, resource, "REFUND.CLOSED") == 204
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refund_failed"
    assert await _points(alice) == PURCHASE
    for _ in range(2):
        success = {**resource, "refund_status": "SUCCESS"}
        assert await _refund_notification(seeded, success, "REFUND.SUCCESS") == 204
        assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refunded"
        assert await _points(alice) == 0
    assert len(_clawbacks(seeded, oid)) == 1


async def test_a_refund_that_fails_first_then_succeeds_takes_the_points_once(seeded: Shop) -> None:
    """The platform is unreachable at first (the outbox retries), then reports ABNORMAL, then SUCCESS."""
    alice = await seeded.login("alice")
    oid = await _buy(seeded, alice)
    pay = seeded.backend.pay
    assert pay is not None
    real_url, pay.base_url = pay.base_url, "http://127.0.0.1:9"  # nothing listens there
    assert (await alice.ok("POST", f"/api/orders/{oid}/refund"))["status"] == "refunding"
    assert await _points(alice) == PURCHASE
    pay.base_url = real_url
    seeded.platform.pay.refund_delay = 120  # accepted now, completed two minutes later
    await seeded.advance(10)  # the outbox retries: the platform accepts the refund
    assert seeded.scalar("SELECT status FROM refunds WHERE order_id=?", oid) == "submitted"
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refunding"
    order = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", oid)
    assert order is not None
    abnormal = {"mchid": seeded.platform.merchant.mchid, "out_trade_no": order["out_trade_no"],
                "out_refund_no": "R" + order["out_trade_no"], "refund_status": "ABNORMAL",
                "amount": {"refund": order["amount"], "total": order["amount"]}}
    assert await _refund_notification(seeded, abnormal, "REFUND.ABNORMAL") == 204
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refunding"
    assert await _points(alice) == PURCHASE
    await seeded.advance(120)  # the platform completes the refund and notifies SUCCESS
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "refunded"
    assert await _points(alice) == 0
    assert len(seeded.platform.pay.refunds) == 1
    assert len(_clawbacks(seeded, oid)) == 1


async def test_an_order_that_earned_no_points_loses_none(seeded: Shop) -> None:
    """Refunded before its payment was recorded (notifications out of order): no award, so no claw-back."""
    from backend_stub.domains.payments import apply_payment, apply_refund

    alice = await seeded.login("alice")
    kept = await _buy(seeded, alice, "p002")
    data = await alice.ok("POST", "/api/orders", {"productId": "p001"})
    order = seeded.backend.db.one("SELECT * FROM orders WHERE id=?", data["order"]["id"])
    assert order is not None
    now = seeded.backend.now()
    refund = {"out_trade_no": order["out_trade_no"], "out_refund_no": "R1", "refund_status": "SUCCESS",
              "refund_id": "50x", "amount": {"refund": order["amount"], "total": order["amount"]}}
    payment = {"trade_state": "SUCCESS", "out_trade_no": order["out_trade_no"], "transaction_id": "4200x",
               "mchid": seeded.platform.merchant.mchid, "amount": {"total": order["amount"]}}
    assert apply_refund(seeded.backend, refund, now) == "refunded"
    assert apply_payment(seeded.backend, payment, now).startswith("recorded_after")
    assert await _points(alice) == PURCHASE  # the other order's points only, untouched
    assert _clawbacks(seeded, order["id"]) == [] and _clawbacks(seeded, kept) == []
    assert (await _level(alice))["level"] == 1
