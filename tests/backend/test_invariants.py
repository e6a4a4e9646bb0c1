"""Property test: random interleavings of shop actions and clock jumps keep the money and stock invariants."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from mock_wx.clock import VirtualClock
from mock_wx.platform import PaymentRejected, WeChatPlatform

from .conftest import Shop, start_shop

USERS = 4
STOCK = 5

action = st.one_of(
    st.tuples(st.just("create"), st.integers(0, USERS - 1), st.sampled_from(["p001", "p002"])),
    st.tuples(st.just("join"), st.integers(0, USERS - 1), st.integers(0, 5)),
    st.tuples(st.just("order"), st.integers(0, USERS - 1), st.sampled_from(["p001", "p002"])),
    st.tuples(st.just("pay"), st.integers(0, 3), st.sampled_from(["confirm", "confirm", "confirm", "cancel"])),
    st.tuples(st.just("pay"), st.integers(0, 3), st.just("confirm")),
    st.tuples(st.just("cancel"), st.integers(0, 9)),
    st.tuples(st.just("refund"), st.integers(0, 9)),
    st.tuples(st.just("ship"), st.integers(0, 9)),
    st.tuples(st.just("advance"), st.sampled_from([60, 1800, 6 * 3600, 25 * 3600])),
)


async def _play(actions: list[tuple[Any, ...]]) -> None:
    clock = VirtualClock()
    async with WeChatPlatform(clock) as platform, aiohttp.ClientSession() as session:
        server = await start_shop(platform, clock)
        try:
            shop = Shop(server, platform, clock, session)
            await shop.seed(products=2, users=0, posts=0, streams=0)
            server.backend.db.run("UPDATE products SET stock=?, group_size=2", STOCK)
            users = await shop.users(USERS)
            groups: list[str] = []
            orders: list[tuple[Any, str]] = []  # (client, order id)
            for act in actions:
                await _step(shop, users, groups, orders, act)
                _check(shop)
            await shop.advance(30 * 86400)  # everything time-based has now happened
            _check(shop, final=True)
        finally:
            await server.close()


async def _step(shop: Shop, users: list[Any], groups: list[str], orders: list[tuple[Any, str]],
                act: tuple[Any, ...]) -> None:
    kind = act[0]
    if kind == "create":
        status, body = await users[act[1]].post("/api/group-buy/create", {"productId": act[2]})
        if status == 200:
            groups.append(body["groupId"])
            orders.append((users[act[1]], body["order"]["id"]))
    elif kind == "join" and groups:
        client = users[act[1]]
        status, body = await client.post(f"/api/group-buy/{groups[act[2] % len(groups)]}/join")
        assert status in (200, 409, 410), body
        if status == 200:
            orders.append((client, body["order"]["id"]))
    elif kind == "order":
        status, body = await users[act[1]].post("/api/orders", {"productId": act[2]})
        assert status in (200, 409), body
        if status == 200:
            orders.append((users[act[1]], body["order"]["id"]))
    elif kind == "advance":
        await shop.advance(act[1])
    elif orders:
        client, oid = orders[-1 - act[1] % len(orders)]  # mostly the latest orders
        if kind == "pay":
            status, body = await client.post(f"/api/orders/{oid}/pay")
            if status == 200:
                try:
                    await shop.pay(body["payment"], act[2])
                except PaymentRejected:
                    pass
        elif kind in ("cancel", "refund"):
            status, body = await client.post(f"/api/orders/{oid}/{kind}")
            assert status in (200, 409), body
            await shop.settle()
        elif kind == "ship":
            status, body = await shop.admin.post(f"/__admin/orders/{oid}/ship")
            assert status in (200, 409), body


def _check(shop: Shop, final: bool = False) -> None:
    db = shop.backend.db
    for group in db.all("SELECT * FROM groups"):
        members = db.all("SELECT * FROM group_members WHERE group_id=?", group["id"])
        assert len(members) <= group["max_participants"]
        if group["status"] == "complete":
            assert sum(m["paid"] for m in members) == group["max_participants"]
    for product in db.all("SELECT * FROM products"):
        held = db.scalar("SELECT COALESCE(SUM(quantity),0) FROM orders WHERE product_id=? AND (status IN "
                         "('created','paid','shipped','completed') OR (status IN ('refunding','refund_failed') AND "
                         "closed_reason IS NULL))",
                         product["id"])
        assert product["stock"] + held == STOCK, (product["id"], product["stock"], held)
    paid_at_platform = {o.out_trade_no for o in shop.platform.pay.orders.values() if o.transaction_id}
    recorded = {r["out_trade_no"] for r in db.all("SELECT o.out_trade_no FROM payments p JOIN orders o "
                                                   "ON o.id = p.order_id")}
    assert recorded == paid_at_platform
    refunded_at_platform = [r.out_trade_no for r in shop.platform.pay.refunds.values()]
    assert len(refunded_at_platform) == len(set(refunded_at_platform))  # never twice
    for order in db.all("SELECT * FROM orders WHERE status='refunded'"):
        assert order["out_trade_no"] in refunded_at_platform
    if final:
        assert not db.all("SELECT id FROM orders WHERE status IN ('created','refunding')")
        assert not db.all("SELECT id FROM groups WHERE status='open'")
        for order in db.all("SELECT o.* FROM orders o JOIN groups g ON g.id=o.group_id WHERE g.status='failed'"):
            assert order["status"] in ("closed", "refunded"), order


COMPLETE_SHIP_REFUND = [("create", 0, "p001"), ("pay", 0, "confirm"), ("join", 1, 0), ("pay", 0, "confirm"),
                        ("ship", 0), ("refund", 1), ("order", 2, "p002"), ("pay", 0, "confirm"), ("refund", 0),
                        ("advance", 60)]
FAIL_AND_CLOSE = [("create", 0, "p002"), ("pay", 0, "confirm"), ("join", 1, 0), ("order", 3, "p001"),
                  ("pay", 0, "confirm"), ("advance", 1800), ("join", 2, 0), ("pay", 0, "cancel"),
                  ("advance", 25 * 3600), ("pay", 1, "confirm")]


@settings(max_examples=25, deadline=None, database=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@example(COMPLETE_SHIP_REFUND)
@example(FAIL_AND_CLOSE)
@given(st.lists(action, min_size=5, max_size=25))
def test_random_interleavings_keep_the_invariants(actions: list[tuple[Any, ...]]) -> None:
    asyncio.run(_play(actions))
