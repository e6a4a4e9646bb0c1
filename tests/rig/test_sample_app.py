"""The QA test API against the bundled sample app, its real wx.request and the embedded backend."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio

from mock_wx import Simulator


@pytest_asyncio.fixture
async def shop() -> AsyncIterator[Simulator]:
    async with Simulator() as sim:  # the bundled sample app, embedded backend
        await sim.backend.seed(42)
        yield sim


async def test_hook_and_wait_for_real_requests(shop: Simulator) -> None:
    alice = shop.user("alice")
    with alice.hook_wx("request") as calls:
        listing = await alice.launch("/pages/live-stream/list")
    assert len(listing.data["streams"]) == 3
    by_path = {c.options["url"].split("example.com")[1]: c for c in calls}
    assert by_path["/api/live-stream"].ok and by_path["/api/live-stream"].result["statusCode"] == 200
    assert not by_path["/api/live-stream"].mocked
    req = await alice.wait_for_request("/api/live-stream")
    assert req.method == "GET"


async def test_mocked_request_failure_takes_the_sample_apps_error_path(shop: Simulator) -> None:
    alice = shop.user("alice")
    alice.mock_request("/api/live-stream", fail="timeout", once=True)  # login still goes to the backend
    listing = await alice.launch("/pages/live-stream/list")
    assert listing.data["error"] == "网络超时" and listing.data["streams"] == []
    await listing.pull_down()
    assert listing.data["error"] == "" and len(listing.data["streams"]) == 3
