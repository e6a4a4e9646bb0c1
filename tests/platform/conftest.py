"""Fixtures for the platform sandbox tests: a started `WeChatPlatform`, a signed merchant client, a notify receiver."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from wxpay_helpers import MerchantClient, NotifyReceiver

from mock_wx.clock import VirtualClock
from mock_wx.platform import MerchantCredentials, WeChatPlatform


@pytest.fixture
def clock() -> VirtualClock:
    return VirtualClock()


@pytest.fixture
async def platform(clock: VirtualClock) -> AsyncIterator[WeChatPlatform]:
    async with WeChatPlatform(clock, seed=7) as started:
        yield started


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def merchant(http: aiohttp.ClientSession, platform: WeChatPlatform) -> MerchantClient:
    """A merchant that fetched its credentials from GET /sandbox/merchant, as a separate backend would."""
    assert platform.base_url is not None
    async with http.get(platform.base_url + "/sandbox/merchant") as response:
        creds = MerchantCredentials.from_json(await response.json())
    return MerchantClient(http, platform.base_url, creds)


@pytest.fixture
async def receiver() -> AsyncIterator[NotifyReceiver]:
    rec = NotifyReceiver()
    app = web.Application()
    app.router.add_post("/{tail:.*}", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.base_url = f"http://127.0.0.1:{port}"
    yield rec
    await runner.cleanup()
