"""The same app against a backend and a WeChat platform running outside the simulation.

This is the `wxsim run --backend URL --platform URL` / `pytest --wxsim-backend URL --wxsim-platform URL`
topology: the backend exchanges login codes and payments with *its* platform, so the simulated clients
must use that platform too (through the client channel, mock_wx/platform/client_channel.py).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import AsyncIterator

import pytest_asyncio

from backend_stub import BackendServer
from mock_wx import Simulator, VirtualClock
from mock_wx.platform import WeChatPlatform
from mock_wx.rig.cli import backend_config_beside


@pytest_asyncio.fixture
async def external() -> AsyncIterator[tuple[str, str]]:
    """A platform sandbox and a test-mode backend on their own clocks, as `wxsim backend` runs them."""
    platform = WeChatPlatform(VirtualClock(start=time.time(), realtime=True), seed=7)
    platform_url = await platform.start()
    config = backend_config_beside(platform, test_mode=True)  # exactly what `wxsim backend` runs
    async with BackendServer(config) as server:
        yield server.url, platform_url
    await platform.close()


async def test_a_purchase_against_an_external_backend_and_platform(external: tuple[str, str]) -> None:
    backend_url, platform_url = external
    async with Simulator(backend_url=backend_url, platform_url=platform_url) as sim:
        assert sim.services.platform is None and sim.services.backend is None  # nothing embedded
        await sim.backend.seed()
        alice = sim.user("alice")
        detail = await alice.launch("/pages/product/detail?id=p001")
        assert detail.data["product"]["id"] == "p001"          # logged in through the external platform
        await detail.tap("buyNow")
        orders = (await sim.backend.get("/api/orders", as_user=alice))["orders"]
        assert [o["status"] for o in orders] == ["paid"]        # paid via the external platform's notify
        assert alice.current_page.route == "pages/order/detail"
        assert sim.trace.findings == []


async def test_purchases_still_work_after_the_backend_clock_moved_past_90_days(external: tuple[str, str]) -> None:
    """Each `wxsim run --backend` moves a test-mode backend's clock forward (never back), while its platform
    keeps real time: after enough runs the backend is months ahead. A purchase must still go through (the
    backend beside its platform sends no time_expire from its own clock: wx-fidelity §4 caps it at 90 days)."""
    backend_url, platform_url = external
    async with Simulator(backend_url=backend_url, platform_url=platform_url) as sim:
        await sim.backend.seed()
        await sim.clock.advance(days=120)  # the external backend follows the virtual clock
        alice = sim.user("alice")
        detail = await alice.launch("/pages/product/detail?id=p001")
        await detail.tap("buyNow")
        orders = (await sim.backend.get("/api/orders", as_user=alice))["orders"]
        assert [o["status"] for o in orders] == ["paid"]


async def test_each_run_against_an_external_backend_meets_new_users(external: tuple[str, str]) -> None:
    """A persistent backend and platform outlive each run: by default every simulation's alice is a new WeChat
    user there (no points, orders or badges from the last run; her own 45011 login quota, §9), and passing
    the same `identity` meets the same users again."""
    backend_url, platform_url = external

    async def alice_id(**kw: str) -> str:
        async with Simulator(backend_url=backend_url, platform_url=platform_url, **kw) as sim:
            if not kw:
                assert sim.identity  # a fresh one, since the backend is external
            alice = sim.user("alice")
            await alice.launch("/pages/user/user")
            return str((await sim.backend.get("/api/user/me", as_user=alice))["id"])

    first, second = await alice_id(), await alice_id()
    assert first != second
    assert await alice_id(identity="qa-7") == await alice_id(identity="qa-7")


def _wxsim(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mock_wx.rig.cli", *args], capture_output=True, text=True,
                          timeout=120)


def test_run_against_a_backend_needs_its_platform() -> None:
    res = _wxsim("run", "scenarios", "--backend", "http://127.0.0.1:9", "--report", "/dev/null")
    assert res.returncode == 2
    assert res.stderr.strip().startswith("wxsim: error: backend http://127.0.0.1:9 is unreachable")
    assert len(res.stderr.strip().splitlines()) == 1            # one line, no traceback


async def test_run_with_a_backend_but_no_platform_is_one_clear_error(external: tuple[str, str]) -> None:
    import asyncio

    backend_url, _ = external
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "mock_wx.rig.cli", "run", "scenarios", "--backend", backend_url,
        "--report", "/dev/null", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    _, err = await asyncio.wait_for(proc.communicate(), timeout=120)
    assert proc.returncode == 2
    assert err.decode().strip() == (
        "wxsim: error: --backend needs --platform: the WeChat platform that backend exchanges login codes and "
        "payments with (printed by `wxsim backend` or `wxsim platform`)")


async def test_the_virtual_clock_moves_an_external_test_mode_backend(external: tuple[str, str]) -> None:
    """An unpaid order closes after 30 min on the backend's clock, which follows `sim.clock.advance`."""
    backend_url, platform_url = external
    async with Simulator(backend_url=backend_url, platform_url=platform_url) as sim:
        await sim.backend.seed()
        before = (await sim.backend.get("/__admin/clock"))["now"]
        alice = sim.user("alice")
        alice.payments.answer("cancel")
        detail = await alice.launch("/pages/product/detail?id=p001")
        await detail.tap("buyNow")
        assert [o["status"] for o in (await sim.backend.get("/api/orders", as_user=alice))["orders"]] == ["created"]
        await sim.clock.advance(minutes=31)
        after = (await sim.backend.get("/__admin/clock"))["now"]
        assert after - before >= 31 * 60
        orders = (await sim.backend.get("/api/orders", as_user=alice))["orders"]
        assert [o["status"] for o in orders] == ["closed"]


async def test_bundled_journeys_run_against_an_external_backend(external: tuple[str, str]) -> None:
    """Each journey starts from a reset shop; ones that inspect the in-process platform are skipped."""
    from mock_wx.rig.journeys import discover, run_journey
    from mock_wx.rig.paths import bundled_scenarios_path

    backend_url, platform_url = external
    journeys = {j.id: j for j in discover([bundled_scenarios_path()])}
    picked = ["group-buy/friends_complete_a_group", "live/a_chatty_viewer_hits_the_comment_rate_limit",
              "live/moderation_blocks_a_spam_comment", "payments/a_duplicate_notification_changes_nothing"]
    results = [await run_journey(journeys[i], lambda: Simulator(backend_url=backend_url, platform_url=platform_url))
               for i in picked]
    assert [(r.ok, r.skipped) for r in results] == [
        (True, None), (True, None), (True, None), (True, "needs the embedded platform and backend")], \
        [r.error for r in results]
