"""Waiting on the virtual clock (docs/testing-api.md, "Wait" rows)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_wx import Page, Simulator, VirtualUser, WaitTimeout

QA_APP = Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "qa"


async def test_wait_for_condition_on_page_data_moves_virtual_time(home: Page, sim: Simulator) -> None:
    """page.wait_for(condition, max_timeout) / page.waitFor(fn): polls every 2 s, complete after 3 polls."""
    t0 = sim.clock.time()
    await home.tap("startPolling")
    data = await home.wait_for(lambda d: d["status"] == "complete", timeout=30)
    assert data["polls"] == 3 and sim.clock.time() - t0 == pytest.approx(6.0)


async def test_wait_for_times_out_on_the_virtual_clock(home: Page, sim: Simulator) -> None:
    t0 = sim.clock.time()
    with pytest.raises(WaitTimeout, match="not met within 10 s"):
        await home.wait_for(lambda d: d["status"] == "never", timeout=10)
    assert sim.clock.time() - t0 == pytest.approx(10.0)


async def test_wait_for_a_number_lets_time_pass(home: Page, sim: Simulator) -> None:
    """page.waitFor(ms): here seconds of virtual time."""
    await home.tap("startPolling")
    data = await home.wait_for(4)
    assert data["polls"] == 2


async def test_wait_for_data_key(home: Page, user: VirtualUser) -> None:
    """page.wait_data_contains(*keys)."""
    user.mock_wx("request", result={"data": {"ok": True}})
    await home.tap("later")  # joins after 5 s
    data = await home.wait_for_data_key("joined", timeout=10)
    assert data["joined"] is True


async def test_wait_for_request_with_glob(home: Page, user: VirtualUser, sim: Simulator) -> None:
    """No Minium/automator equivalent: wait until the app makes a matching wx.request."""
    user.mock_wx("request", result={"data": {"ok": True}})
    t0 = sim.clock.time()
    await home.tap("later")
    req = await user.wait_for_request("/api/group-buy/*", timeout=10)
    assert req.method == "POST" and req.path == "/api/group-buy/g1/join" and req.data == {"n": 1}
    assert req.t - t0 == pytest.approx(5.0)
    await home.tap("join")  # already made when the wait starts: still found, once
    again = await user.wait_for_request("/api/group-buy/*/join", timeout=1)
    assert again.t == pytest.approx(t0 + 5.0)
    with pytest.raises(WaitTimeout, match=r"no wx\.request matching"):
        await user.wait_for_request("/api/group-buy/*", timeout=1)


async def test_wait_for_request_without_a_trace_watches_new_calls() -> None:
    async with Simulator(QA_APP, embedded_backend=False, trace=False) as sim:
        user = sim.user()
        page = await user.launch("/pages/home/home")
        user.mock_wx("request", result={"data": {"ok": True}})
        await page.tap("later")
        req = await user.wait_for_request("/api/group-buy/g1/join")
        assert req.method == "POST"


async def test_wait_for_page(user: VirtualUser, home: Page) -> None:
    """wait_for_page(path)."""
    await user.evaluate("setTimeout(function () { wx.navigateTo({ url: '/pages/detail/detail?id=9' }) }, 1500)")
    page = await user.wait_for_page("/pages/detail/detail")
    assert page.data["id"] == "9"


async def test_idle_settles_pending_work(home: Page, user: VirtualUser) -> None:
    """wait_util(cnt) (pending requests): `await user.idle()` returns when nothing is in flight."""

    async def slow(opts: dict[str, object]) -> dict[str, object]:
        return {"data": {"items": ["x"]}}

    user.mock_wx("request", slow)
    await home.call("loadItems")
    await user.idle()
    assert home.data["status"] == "loaded"


async def test_wait_for_treats_missing_keys_as_not_yet(home: Page, user: VirtualUser) -> None:
    user.mock_wx("request", result={"data": {"ok": True}})
    await home.tap("later")
    data = await home.wait_for(lambda d: d["joined"] is True, timeout=10)
    assert data["joined"] is True


async def test_wait_for_request_by_method(home: Page, user: VirtualUser) -> None:
    user.mock_wx("request", result={"data": {"items": [], "ok": True}})
    await home.tap("loadItems")
    await home.tap("join")
    req = await user.wait_for_request("/api/*", method="post")
    assert req.path == "/api/group-buy/g1/join"
