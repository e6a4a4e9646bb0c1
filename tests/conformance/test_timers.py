"""Timers and Date on the virtual clock (DESIGN.md, issue item 5), and the timer-after-unload finding (§6)."""

from __future__ import annotations

from fixture_apps import js

from mock_wx import Simulator, VirtualUser
from mock_wx.clock import DEFAULT_EPOCH


async def test_date_reads_the_virtual_clock(user: VirtualUser) -> None:
    """Issue 2 item 5: Date.now(), new Date() and Date() read the virtual clock; new Date(x) is a plain date."""
    page = await user.launch("/pages/timers/timers")
    out = await page.call("now")
    assert out["now"] == out["date"] == int(DEFAULT_EPOCH * 1000)
    assert out["called"] == "string"
    assert out["parsed"] == 0
    await user.sim.clock.advance(minutes=5)
    assert (await page.call("now"))["now"] == int(DEFAULT_EPOCH * 1000) + 300_000


async def test_24h_timer_fires_on_advance(user: VirtualUser) -> None:
    """Issue 2 item 5: clock.advance(hours=24) fires a 24 h setTimeout, which sees Date.now() at its due time."""
    page = await user.launch("/pages/timers/timers")
    started = await page.call("startDay")
    await user.sim.clock.advance(hours=23, minutes=59)
    assert "dayElapsed" not in page.data
    await user.sim.clock.advance(minutes=1)
    assert page.data["dayElapsed"] == 24 * 3600 * 1000
    assert page.data["dayNow"] == started + 24 * 3600 * 1000


async def test_set_interval_repeats_and_clears(user: VirtualUser) -> None:
    """Issue 2 item 5: setInterval fires every period on the virtual clock until clearInterval."""
    page = await user.launch("/pages/timers/timers")
    await page.call("startInterval")
    await user.sim.clock.advance(seconds=3.5)
    assert page.data["ticks"] == 3
    await page.call("stopInterval")
    await user.sim.clock.advance(seconds=10)
    assert page.data["ticks"] == 3


async def test_clear_timeout_cancels(user: VirtualUser) -> None:
    """Issue 2 item 5: clearTimeout before the due time: the callback never runs."""
    page = await user.launch("/pages/timers/timers")
    await page.call("startCancelled")
    await user.sim.clock.advance(seconds=5)
    assert "cancelledFired" not in page.data


async def test_timers_fire_in_due_order_with_args(user: VirtualUser) -> None:
    """Issue 2 item 5: Timers fire in due-time order (ties in creation order); extra setTimeout args are passed; 0 ms fires when idle."""
    page = await user.launch("/pages/timers/timers")
    await page.call("startOrdered")
    assert page.data["order"] == ["zero"]  # a 0 ms timer is due now: the page is idle only after it ran
    await user.sim.clock.advance(seconds=1)
    assert page.data["order"] == ["zero", "a", "b", "c"]


async def test_no_time_passes_without_advance(user: VirtualUser) -> None:
    """Issue 2 item 5: Tests never sleep: virtual time stands still until advanced."""
    page = await user.launch("/pages/timers/timers")
    await page.call("startDay")
    await user.idle()
    assert user.sim.clock.time() == DEFAULT_EPOCH
    assert "dayElapsed" not in page.data


async def test_timer_after_unload_finding(sim: Simulator) -> None:
    """§6/issue item 8: a timer left running after onUnload fires and is reported as `timer-after-unload`."""
    user = sim.user()
    await user.launch("/pages/tab_a/tab_a")
    await user.current_page.tap("go", dataset={"api": "navigateTo", "url": "/pages/timers/timers"})
    await user.current_page.call("leak")
    await user.back()
    assert sim.trace.findings == []
    await sim.clock.advance(seconds=5)
    assert js(user, "getApp().globalData.leakFired") is True
    assert [(f.kind, f.user) for f in sim.trace.findings] == [("timer-after-unload", "alice")]
    assert "pages/timers/timers" in sim.trace.findings[0].message


async def test_timers_stop_when_app_is_killed(sim: Simulator) -> None:
    """Issue 2 item 5: Killing the app (user.close) stops its timers: nothing fires afterwards."""
    user = sim.user()
    page = await user.launch("/pages/timers/timers")
    await page.call("startInterval")
    user.close()
    await sim.clock.advance(seconds=10)
    assert sim.clock.pending() == 0
