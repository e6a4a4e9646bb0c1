"""Live rooms over a real WebSocket: viewer counts, comments, rate limit, moderation, admin events."""

from __future__ import annotations

import json

import aiohttp

from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform

from .conftest import Shop, start_shop


async def _next(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict:
    while True:
        msg = json.loads((await ws.receive(timeout=2)).data)
        if msg["type"] == kind:
            return msg


async def _count(ws: aiohttp.ClientWebSocketResponse, expected: int) -> None:
    while (await _next(ws, "viewer_count"))["count"] != expected:
        pass


async def test_live_room(shop: Shop) -> None:
    await shop.seed(products=6, users=2, posts=0, streams=3)
    alice, bob = await shop.users(2)
    streams = (await alice.ok("GET", "/api/live-stream"))["streams"]
    assert streams[0]["status"] == "live"
    detail = await alice.ok("GET", "/api/live-stream/s1")
    assert detail["stream"]["id"] == "s1" and len(detail["products"]) == 4
    ws_url = shop.url.replace("http", "ws") + "/api/live-stream/s1/ws"
    async with shop.session.ws_connect(f"{ws_url}?token={alice.token}") as a:
        assert (await _next(a, "viewer_count"))["count"] == 1  # at once, to the joiner
        async with shop.session.ws_connect(f"{ws_url}?token={bob.token}") as b:
            await _count(a, 2)
            assert (await alice.ok("GET", "/api/live-stream/s1"))["stream"]["viewerCount"] == 2
            await b.send_str(json.dumps({"type": "comment", "comment": {"content": "好看！", "userId": "fake"}}))
            got = (await _next(a, "comment"))["comment"]
            assert (got["userId"], got["content"], got["username"]) == (bob.user_id, "好看！", got["username"])
            await b.send_str(json.dumps({"type": "comment", "comment": {"content": "加微信 123"}}))
            assert (await _next(b, "error"))["error"] == "moderated"
            for i in range(4):
                await b.send_str(json.dumps({"type": "comment", "comment": {"content": f"c{i}"}}))
            await b.send_str(json.dumps({"type": "comment", "comment": {"content": "one too many"}}))
            assert (await _next(b, "error"))["error"] == "rate_limited"
            await shop.clock.advance(11)
            await b.send_str(json.dumps({"type": "comment", "comment": {"content": "later"}}))
            assert (await _next(b, "comment"))["comment"]["content"] == "later"
            await shop.admin.ok("POST", "/__admin/live/s1/highlight", {"productId": "p002"})
            assert (await _next(b, "product_highlight"))["productId"] == "p002"
        await _count(a, 1)
        await shop.admin.ok("POST", "/__admin/live/s1/end")
        await _next(a, "stream_end")
    assert shop.scalar("SELECT COUNT(*) FROM live_comments") == 6


async def test_live_needs_a_token_and_a_room(shop: Shop) -> None:
    await shop.seed(products=4, users=1, posts=0, streams=3)
    alice = await shop.login("alice")
    base = shop.url + "/api/live-stream"
    async with shop.session.get(base + "/s1/ws") as resp:
        assert resp.status == 401
    async with shop.session.get(f"{base}/nope/ws?token={alice.token}") as resp:
        assert resp.status == 404
    ws_url = shop.url.replace("http", "ws") + f"/api/live-stream/s2/ws?token={alice.token}"
    async with shop.session.ws_connect(ws_url) as ws:  # preview: can watch, cannot comment yet
        await ws.send_str(json.dumps({"type": "comment", "comment": {"content": "hi"}}))
        assert (await _next(ws, "error"))["error"] == "not_live"
        await ws.send_str("not json")
        assert (await _next(ws, "error"))["error"] == "bad_message"


async def test_viewer_counts_are_throttled(platform: WeChatPlatform, clock: VirtualClock) -> None:
    server = await start_shop(platform, clock, live_viewer_count_interval=60.0)
    async with aiohttp.ClientSession() as session:
        shop = Shop(server, platform, clock, session)
        await shop.seed(products=4, users=0, posts=0, streams=1)
        viewers = await shop.users(30)
        ws_url = shop.url.replace("http", "ws") + "/api/live-stream/s1/ws?token="
        sockets = [await session.ws_connect(ws_url + v.token) for v in viewers]
        first = sockets[0]
        await shop.admin.ok("POST", "/__admin/live/s1/highlight", {"productId": "p001"})
        seen = []
        while (msg := json.loads((await first.receive(timeout=2)).data))["type"] != "product_highlight":
            seen.append(msg)
        # Its own count at join, then one room broadcast; the other 29 joins wait for the next slot.
        assert [m["type"] for m in seen] == ["viewer_count", "viewer_count"]
        assert (await viewers[0].ok("GET", "/api/live-stream/s1"))["stream"]["viewerCount"] == 30
        assert server.backend.live.viewers("s1") == 30 and "s1" in server.backend.live._count_pending
        await clock.advance(60)
        await server.sweep()  # the simulator calls this on every clock jump
        assert (await _next(first, "viewer_count"))["count"] == 30
        for ws in sockets:
            await ws.close()
    await server.close()
