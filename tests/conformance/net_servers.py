"""Real local servers for the network/socket conformance tests: aiohttp on 127.0.0.1, ephemeral ports."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from mock_wx.runtime import AppBundle

API_DOMAIN = "api.wxsim-test.example.com"
APPS = Path(__file__).resolve().parent.parent / "fixtures" / "apps"
_BUNDLES: dict[str, AppBundle] = {}


def bundle(name: str) -> AppBundle:
    """A fixture app under tests/fixtures/apps, parsed once per process (no `conftest` import, which
    is ambiguous when several test folders have one)."""
    if name not in _BUNDLES:
        _BUNDLES[name] = AppBundle.load(APPS / name)
    return _BUNDLES[name]


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    """Serve `app` on 127.0.0.1 on a free port: (its runner, to clean up; its base URL)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


class NetServer:
    """An HTTP + WebSocket test server that records what it receives and can hold requests open."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.release = asyncio.Event()
        self.in_flight = 0
        self.max_in_flight = 0
        self.sockets: list[web.WebSocketResponse] = []
        self.ws_received: list[Any] = []
        self.ws_closed: list[tuple[int | None, str]] = []
        self.ws_headers: list[dict[str, str]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _echo(self, request: web.Request) -> web.Response:
        body = await request.read()
        entry = {"method": request.method, "path": request.path, "query": request.rel_url.raw_query_string,
                 "body": body.decode("utf-8", "replace"), "headers": {k.lower(): v for k, v in request.headers.items()},
                 "cookies": dict(request.cookies)}
        self.requests.append(entry)
        return web.json_response(entry)

    async def _status(self, request: web.Request) -> web.Response:
        return web.json_response({"status": int(request.match_info["code"])}, status=int(request.match_info["code"]))

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/echo?redirected=1")

    async def _text(self, request: web.Request) -> web.Response:
        return web.Response(text="not json {", content_type="text/plain")

    async def _bytes(self, request: web.Request) -> web.Response:
        return web.Response(body=bytes([0, 1, 2, 255]), content_type="application/octet-stream")

    async def _cookie(self, request: web.Request) -> web.Response:
        resp = web.json_response({"set": True})
        resp.set_cookie("sid", request.query.get("v", "s1"), path="/")
        return resp

    async def _hold(self, request: web.Request) -> web.Response:
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        return web.json_response({"held": True})

    async def _chunks(self, request: web.Request) -> web.StreamResponse:
        """A body sent in two parts: the second only after `release` is set."""
        resp = web.StreamResponse(headers={"Content-Type": "text/plain"})
        await resp.prepare(request)
        await resp.write(b"part1-")
        await self.release.wait()
        await resp.write(b"part2")
        await resp.write_eof()
        return resp

    async def _upload(self, request: web.Request) -> web.Response:
        form = await request.post()
        out: dict[str, Any] = {}
        for k, v in form.items():
            out[k] = v if isinstance(v, str) else {"filename": v.filename, "size": len(v.file.read())}
        return web.json_response(out)

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(protocols=("chat",))
        await ws.prepare(request)
        self.ws_headers.append(dict(request.headers))
        self.sockets.append(ws)
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                self.ws_received.append(msg.data)
                if msg.data == "echo":
                    await ws.send_str("echo:" + msg.data)
                elif msg.data == "close-me":
                    await ws.close(code=4001, message=b"server says bye")
            elif msg.type == WSMsgType.BINARY:
                self.ws_received.append(bytes(msg.data))
        self.ws_closed.append((ws.close_code, ""))
        return ws

    async def _reject_ws(self, request: web.Request) -> web.Response:
        return web.Response(status=403, text="no")

    async def _hang_ws(self, request: web.Request) -> web.Response:
        """Take the upgrade request and never answer it: a handshake that does not complete."""
        self.in_flight += 1
        try:
            await self.release.wait()
        finally:
            self.in_flight -= 1
        return web.Response(status=503, text="released")

    async def start(self) -> str:
        app = web.Application()
        app.router.add_route("*", "/echo", self._echo)
        app.router.add_route("*", "/echo/{tail:.*}", self._echo)
        app.router.add_get("/status/{code}", self._status)
        app.router.add_get("/text", self._text)
        app.router.add_get("/redirect", self._redirect)
        app.router.add_get("/bytes", self._bytes)
        app.router.add_get("/cookie", self._cookie)
        app.router.add_route("*", "/hold", self._hold)
        app.router.add_post("/upload", self._upload)
        app.router.add_get("/chunks", self._chunks)
        app.router.add_get("/ws", self._ws)
        app.router.add_get("/ws-reject", self._reject_ws)
        app.router.add_get("/ws-hang", self._hang_ws)
        self._runner, self.url = await serve(app)
        return self.url

    async def close(self) -> None:
        self.release.set()
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    async def push(self, text: str, index: int = -1) -> None:
        """Send a text frame from the server to a connected client socket."""
        await self.sockets[index].send_str(text)


async def until(cond: Callable[[], Any], limit: float = 3.0) -> None:
    """Wait (real time) until `cond()` is truthy: for frames that arrive while no test action runs."""
    loop = asyncio.get_running_loop()
    end = loop.time() + limit
    while not cond():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.005)


def body_json(res: dict[str, Any]) -> Any:
    data = res["data"]
    return json.loads(data) if isinstance(data, str) else data


Waiter = Callable[[], Awaitable[None]]
