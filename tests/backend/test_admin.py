"""Test-mode admin API: off outside test mode; reset, seed, clock, faults, journal."""

from __future__ import annotations

import asyncio
import time

import aiohttp
import pytest

from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform

from .conftest import Shop, start_shop


async def test_admin_is_404_outside_test_mode(platform: WeChatPlatform, clock: VirtualClock) -> None:
    server = await start_shop(platform, clock, test_mode=False)
    try:
        async with aiohttp.ClientSession() as session:
            for method, path in (("POST", "/__admin/reset"), ("GET", "/__admin/journal"),
                                 ("POST", "/__admin/faults"), ("POST", "/__admin/clock/advance")):
                async with session.request(method, server.url + path, json={}) as resp:
                    assert resp.status == 404, path
            async with session.get(server.url + "/api/products") as resp:
                assert resp.status == 200
    finally:
        await server.close()


async def test_seed_is_deterministic_and_reset_empties(shop: Shop) -> None:
    first = await shop.seed(seed=7, products=5, users=3, posts=4, streams=2)
    products = (await shop.anon.ok("GET", "/api/products", limit=50))["products"]
    await shop.admin.ok("POST", "/__admin/reset")
    assert (await shop.anon.ok("GET", "/api/products"))["total"] == 0
    second = await shop.seed(seed=7, products=5, users=3, posts=4, streams=2)
    assert first == second
    assert (await shop.anon.ok("GET", "/api/products", limit=50))["products"] == products
    other = await shop.seed(seed=8, products=5, users=3, posts=4, streams=2)
    assert other["users"] != first["users"]


async def test_clock_routes_drive_the_virtual_clock(shop: Shop) -> None:
    now = (await shop.admin.ok("GET", "/__admin/clock"))["now"]
    moved = await shop.admin.ok("POST", "/__admin/clock/advance", {"seconds": 3600})
    assert moved["now"] == now + 3600 and shop.clock.time() == now + 3600
    assert "ordersClosed" in moved["sweep"]
    moved = await shop.admin.ok("POST", "/__admin/clock", {"now": now + 7200})
    assert moved["now"] == now + 7200 == shop.clock.time()
    assert (await shop.admin.post("/__admin/clock/advance", {"seconds": -5}))[0] == 400


async def test_adjustable_clock_set_and_advance() -> None:
    from backend_stub import AdjustableClock

    clock = AdjustableClock()
    assert abs(clock() - time.time()) < 1
    assert abs(clock.set(1767574800) - 1767574800) < 1
    assert abs(clock.advance(60) - 1767574860) < 1


async def test_faults_status_count_delay_malformed_drop(shop: Shop) -> None:
    await shop.seed()
    admin = shop.admin
    await admin.ok("POST", "/__admin/faults", {"path": "/api/products", "status": 503, "count": 2})
    assert (await shop.anon.get("/api/products"))[0] == 503
    assert (await shop.anon.get("/api/products"))[0] == 503
    assert (await shop.anon.get("/api/products"))[0] == 200
    await admin.ok("DELETE", "/__admin/faults")
    await admin.ok("POST", "/__admin/faults", {"path": "/api/products/*", "method": "GET", "delayMs": 30,
                                               "count": 1})
    started = time.perf_counter()
    assert (await shop.anon.get("/api/products/p001"))[0] == 200
    assert time.perf_counter() - started >= 0.03
    await admin.ok("POST", "/__admin/faults", {"path": "/api/products/p002", "malformed": True, "count": 1})
    async with shop.session.get(shop.url + "/api/products/p002") as resp:
        assert resp.status == 200
        with pytest.raises(ValueError):
            await resp.json()
    await admin.ok("POST", "/__admin/faults", {"path": "/api/products/p003", "drop": True, "count": 1})
    # Cut mid-answer, so that even aiohttp (which retries a GET after an early disconnect) sees it.
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.ClientError):
            async with session.get(shop.url + "/api/products/p003") as resp:
                await resp.read()
    faults = (await admin.ok("GET", "/__admin/faults"))["faults"]
    assert [f["hits"] for f in faults] == [1, 1, 1]
    await admin.ok("POST", "/__admin/faults", {"path": "/api/products", "status": 500, "probability": 0})
    assert (await shop.anon.get("/api/products"))[0] == 200
    assert (await admin.post("/__admin/faults", {"path": "/x", "probability": 2}))[0] == 400


async def test_journal_records_requests(shop: Shop) -> None:
    await shop.seed()
    alice = await shop.login("alice")
    await alice.post("/api/user/reward", {"action": "share_product", "points": 5})
    await alice.get("/api/orders/nope")
    entries = (await shop.admin.ok("GET", "/__admin/journal", path="/api/user/reward"))["entries"]
    assert len(entries) == 1
    entry = entries[0]
    assert (entry["method"], entry["status"], entry["userId"]) == ("POST", 200, alice.user_id)
    assert entry["requestBody"] == {"action": "share_product", "points": 5}
    assert entry["responseBody"]["ignoredClientPoints"] == 5
    await shop.admin.ok("POST", "/__admin/faults", {"path": "/api/user/me", "drop": True, "count": 1})
    with pytest.raises(aiohttp.ClientError):
        await alice.get("/api/user/me")
    dropped = (await shop.admin.ok("GET", "/__admin/journal", path="/api/user/me"))["entries"]
    assert [e["status"] for e in dropped] == [499]
    assert len((await shop.admin.ok("GET", "/__admin/journal", userId=alice.user_id, status=404))["entries"]) == 1
    missing = (await shop.admin.ok("GET", "/__admin/journal", path="/api/orders/*", limit=1))["entries"]
    assert missing[0]["status"] == 404
    await shop.admin.ok("DELETE", "/__admin/journal")
    assert (await shop.admin.ok("GET", "/__admin/journal"))["entries"] == []


async def test_concurrent_requests_with_delay_faults_stay_consistent(shop: Shop) -> None:
    await shop.seed()
    await shop.admin.ok("POST", "/__admin/faults", {"path": "/api/orders", "method": "POST", "delayMs": 5})
    users = await shop.users(20)
    stock = shop.scalar("SELECT stock FROM products WHERE id='p001'")
    await asyncio.gather(*(u.ok("POST", "/api/orders", {"productId": "p001"}) for u in users))
    assert shop.scalar("SELECT stock FROM products WHERE id='p001'") == stock - 20
