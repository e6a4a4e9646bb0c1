"""Live rooms over a real WebSocket: viewer counts, comments, rate limit, moderation, admin events."""

from __future__ import annotations

import json

import aiohttp

from .conftest import Shop


async def _next(ws: aiohttp.ClientWebSocketResponse, kind: str) -> dict:
    while True:
        msg = json.loads((await ws.receive(timeout=2)).data)
        if msg["type"] == kind:
            return msg


async def test_live_room(shop: Shop) -> None:
    await shop.seed(products=6, users=2, posts=0, streams=3)
    alice, bob = await shop.users(2)
    streams = (await alice.ok("GET", "/api/live-stream"))["streams"]
    assert streams[0]["status"] == "live"
    detail = await alice.ok("GET", "/api/live-stream/s1")
    assert detail["stream"]["id"] == "s1" and len(detail["products"]) == 4
    ws_url = shop.url.replace("http", "ws") + "/api/live-stream/s1/ws"
    async with shop.session.ws_connect(f"{ws_url}?token={alice.token}") as a:
        assert (await _next(a, "viewer_count"))["count"] == 1
        async with shop.session.ws_connect(f"{ws_url}?token={bob.token}") as b:
            assert (await _next(a, "viewer_count"))["count"] == 2
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
        assert (await _next(a, "viewer_count"))["count"] == 1
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
