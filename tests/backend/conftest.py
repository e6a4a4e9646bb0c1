"""Fixtures for the backend stub: the real platform sandbox and the stub, both on ephemeral ports."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest_asyncio

from backend_stub import BackendConfig, BackendServer
from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform


class Client:
    """A signed-in (or anonymous) caller of the stub over real HTTP."""

    def __init__(self, session: aiohttp.ClientSession, base: str, token: str | None = None,
                 user_id: str | None = None, user_key: str = "") -> None:
        self.session, self.base, self.token, self.user_id, self.user_key = session, base, token, user_id, user_key

    async def call(self, method: str, path: str, body: Any = None, /, **params: Any) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        data = json.dumps(body) if body is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        async with self.session.request(method, self.base + path, data=data, headers=headers,
                                        params={k: str(v) for k, v in params.items()}) as resp:
            text = await resp.text()
            return resp.status, (json.loads(text) if text else None)

    async def get(self, path: str, /, **params: Any) -> tuple[int, Any]:
        return await self.call("GET", path, **params)

    async def post(self, path: str, body: Any = None) -> tuple[int, Any]:
        return await self.call("POST", path, {} if body is None else body)

    async def ok(self, method: str, path: str, body: Any = None, /, **params: Any) -> Any:
        status, data = await self.call(method, path, body, **params)
        assert status < 300, (status, data)
        return data


class Shop:
    """The running stub, its platform and clock, and helpers to sign users in and pay."""

    def __init__(self, server: BackendServer, platform: WeChatPlatform, clock: VirtualClock,
                 session: aiohttp.ClientSession) -> None:
        self.server, self.platform, self.clock, self.session = server, platform, clock, session
        self.url = server.url
        self.backend = server.backend
        self.anon = Client(session, self.url)
        self.admin = self.anon

    async def login(self, user_key: str, ref_code: str | None = None) -> Client:
        code = self.platform.login.issue_code(user_key)
        body: dict[str, Any] = {"code": code}
        if ref_code:
            body["refCode"] = ref_code
        data = await self.anon.ok("POST", "/api/auth/login", body)
        return Client(self.session, self.url, data["token"], data["userId"], user_key)

    async def users(self, n: int, prefix: str = "user") -> list[Client]:
        return [await self.login(f"{prefix}-{i}") for i in range(n)]

    async def pay(self, payment: dict[str, str], outcome: str = "confirm") -> None:
        """The user answers the payment sheet; the platform notifies the stub (first POST awaited)."""
        await self.platform.pay.settle(payment["package"].split("=", 1)[1], outcome)  # type: ignore[arg-type]
        await self.settle()

    async def settle(self) -> None:
        """Let background work finish: platform refunds/notifications and the stub's outbox."""
        for _ in range(3):
            await self.platform.pay.idle()
            await self.backend.flush_outbox()
        await self.platform.pay.idle()

    async def advance(self, seconds: float) -> dict[str, int]:
        await self.clock.advance(seconds)
        result = await self.server.sweep()
        await self.settle()
        return result

    async def seed(self, **kw: Any) -> dict[str, Any]:
        return await self.admin.ok("POST", "/__admin/seed", kw or {"products": 6, "users": 3, "posts": 5})

    def scalar(self, sql: str, *args: Any) -> Any:
        return self.backend.db.scalar(sql, *args)


@pytest_asyncio.fixture
async def clock() -> VirtualClock:
    return VirtualClock()


@pytest_asyncio.fixture
async def platform(clock: VirtualClock) -> AsyncIterator[WeChatPlatform]:
    async with WeChatPlatform(clock) as sandbox:
        yield sandbox


async def start_shop(platform: WeChatPlatform, clock: VirtualClock, **config: Any) -> BackendServer:
    config.setdefault("live_viewer_count_interval", 0.0)  # every change at once; test_live checks the throttle
    cfg = BackendConfig(test_mode=config.pop("test_mode", True), platform_url=platform.base_url,
                        clock=clock.time, **config)
    server = BackendServer(cfg)
    await server.start()
    return server


@pytest_asyncio.fixture
async def shop(platform: WeChatPlatform, clock: VirtualClock) -> AsyncIterator[Shop]:
    server = await start_shop(platform, clock)
    async with aiohttp.ClientSession() as session:
        yield Shop(server, platform, clock, session)
        await platform.pay.idle()
    await server.close()
