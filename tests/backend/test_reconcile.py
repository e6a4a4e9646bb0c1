"""Orders left pending are reconciled with WeChat Pay when their notification never arrives (issue 15.8)."""

from __future__ import annotations

from pathlib import Path

import pytest_asyncio

from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform

from .conftest import Shop, start_shop


@pytest_asyncio.fixture
async def seeded(shop: Shop) -> Shop:
    await shop.seed()
    return shop


async def _paid_but_never_notified(shop: Shop, who: str) -> tuple[dict, str]:
    """An order the platform has paid while every notification to the stub fails (as if it were down)."""
    client = await shop.login(who)
    data = await client.ok("POST", "/api/orders", {"productId": "p001"})
    await shop.admin.ok("POST", "/__admin/faults", {"path": "/api/pay/notify", "status": 503, "count": 10_000})
    await shop.platform.pay.settle(data["payment"]["package"].split("=", 1)[1], "confirm")
    await shop.platform.pay.idle()
    order_id = data["order"]["id"]
    assert shop.scalar("SELECT status FROM orders WHERE id=?", order_id) == "created"
    return data, order_id


async def test_a_pending_order_paid_at_the_platform_is_recorded_after_the_window(seeded: Shop) -> None:
    _, order_id = await _paid_but_never_notified(seeded, "alice")
    await seeded.advance(30)  # within the window: no query yet
    assert seeded.scalar("SELECT status FROM orders WHERE id=?", order_id) == "created"
    result = await seeded.advance(31)
    assert result["ordersReconciled"] == 1
    assert seeded.scalar("SELECT status FROM orders WHERE id=?", order_id) == "paid"
    assert seeded.scalar("SELECT COUNT(*) FROM payments WHERE order_id=?", order_id) == 1
    # The notification gets through at last: the same idempotent path, recorded once.
    await seeded.admin.ok("DELETE", "/__admin/faults")
    await seeded.platform.pay.redeliver(seeded.scalar("SELECT transaction_id FROM orders WHERE id=?", order_id))
    await seeded.settle()
    assert seeded.scalar("SELECT COUNT(*) FROM payments WHERE order_id=?", order_id) == 1
    assert (await seeded.advance(120))["ordersReconciled"] == 0


async def test_an_unpaid_order_is_asked_about_once_per_window_and_left_alone(seeded: Shop) -> None:
    alice = await seeded.login("alice")
    data = await alice.ok("POST", "/api/orders", {"productId": "p001"})
    before = len(seeded.platform.pay.orders)
    assert (await seeded.advance(61))["ordersReconciled"] == 0
    assert seeded.scalar("SELECT status FROM orders WHERE id=?", data["order"]["id"]) == "created"
    assert len(seeded.platform.pay.orders) == before


async def test_start_up_reconciles_what_was_paid_while_down(tmp_path: Path, platform: WeChatPlatform,
                                                           clock: VirtualClock) -> None:
    import aiohttp

    db = str(tmp_path / "shop.sqlite")
    server = await start_shop(platform, clock, db=db)
    async with aiohttp.ClientSession() as session:
        shop = Shop(server, platform, clock, session)
        await shop.seed()
        _, order_id = await _paid_but_never_notified(shop, "bob")
        await server.close()
        await clock.advance(3600)  # down for an hour; the platform's retries meanwhile all fail
        server = await start_shop(platform, clock, db=db)
        try:
            assert server.backend.db.scalar("SELECT status FROM orders WHERE id=?", order_id) == "paid"
        finally:
            await server.close()

