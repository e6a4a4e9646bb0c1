"""Issue items 6–8: §10 abilities (animation, selector query, vibrate, clipboard, login, system info),
the rig's input events, and fidelity modes with their findings (§3 no callable share API)."""

from __future__ import annotations

import pytest

from mock_wx import Simulator, VirtualUser


async def test_create_animation_export(user: VirtualUser) -> None:
    """§10: createAnimation is chainable; step() closes a group; export() gives {actions: [...]}."""
    page = await user.launch("/pages/device/device")
    out = await page.call("animate")
    assert [[a["type"] for a in g["animates"]] for g in out["actions"]] == [["scale", "rotate"], ["opacity"]]
    assert out["actions"][0]["option"]["transition"] == {"duration": 300, "timingFunction": "ease", "delay": 0}
    assert out["actions"][1]["option"]["transition"]["duration"] == 100


async def test_selector_query_plausible_boxes(user: VirtualUser) -> None:
    """§10: createSelectorQuery().exec(cb) answers in call order with plausible boxes."""
    page = await user.launch("/pages/device/device")
    rect, scroll = await page.call("measure")
    assert {"left", "right", "top", "bottom", "width", "height"} <= set(rect)
    assert rect["width"] > 0 and rect["bottom"] > rect["top"]
    assert "scrollTop" in scroll


async def test_device_abilities(user: VirtualUser) -> None:
    """§9/§10: vibrateShort, clipboard (with WeChat's own toast), wx.login code, getSystemInfoSync, canIUse."""
    page = await user.launch("/pages/device/device")
    out = await page.call("abilities")
    assert out["vibrate"] == "vibrateShort:ok"
    assert out["clip"] == "setClipboardData:ok" and out["clipData"] == "ABC123"
    assert user.ctx.ui["toast"]["title"] == "内容已复制"
    assert out["login"] == ["login:ok", "string", True]
    assert out["system"] == ["number", "ios", "string"]
    assert out["canIUse"] == [True, False]


async def test_input_event_detail_value(user: VirtualUser) -> None:
    """Issue 2 item 7: page.input delivers an input event with e.detail.value, as a bindinput handler receives it."""
    page = await user.launch("/pages/device/device")
    await page.input("onSearchInput", "耳机")
    assert page.data["keyword"] == "耳机"


async def test_tap_event_shape(user: VirtualUser) -> None:
    """Issue 2 item 7: page.tap builds currentTarget.dataset, target, detail, type and timeStamp like a real tap."""
    page = await user.launch("/pages/device/device")
    await user.sim.clock.advance(seconds=2)
    e = await page.tap("echo", dataset={"id": 7, "sku": "a"}, target_id="buy")
    assert e["type"] == "tap" and e["timeStamp"] == 2000
    assert e["currentTarget"]["dataset"] == {"id": 7, "sku": "a"} and e["currentTarget"]["id"] == "buy"
    assert e["target"]["dataset"] == {"id": 7, "sku": "a"}
    assert set(e["detail"]) == {"x", "y"} and len(e["touches"]) == 1


@pytest.mark.app("conformance", fidelity="lenient")
async def test_lenient_share_api_is_a_finding(sim: Simulator) -> None:
    """§3/item 8: wx.shareAppMessage does not exist in mini programs; lenient mode accepts it and records a finding."""
    user = sim.user()
    page = await user.launch("/pages/device/device")
    assert await page.call("share") == "shareAppMessage:ok"
    assert [f.kind for f in sim.trace.findings] == ["no-such-api"]


async def test_strict_has_no_share_api(sim: Simulator) -> None:
    """§3/item 8: in strict mode wx.shareAppMessage is absent, as on a phone."""
    user = sim.user()
    page = await user.launch("/pages/device/device")
    assert await page.call("share") == "absent"
    assert sim.trace.findings == []


async def test_console_methods_do_not_throw(sim: Simulator) -> None:
    """Issue 2 item 1: console is bound per user; log levels land in the trace, table/trace/assert do not throw."""
    user = sim.user()
    await user.launch("/pages/device/device")
    user.realm.engine.eval("console.log('a', {b: 1}); console.warn('w'); console.table([1]); console.trace('t');"
                           " console.assert(1 === 2, 'math'); console.count(); console.groupCollapsed('g')")
    lines = [(e.data["level"], e.data["text"]) for e in sim.trace.of_kind("console", user="alice")]
    assert ("log", 'a {"b":1}') in lines and ("warn", "w") in lines
    assert ("error", "Assertion failed: math") in lines


async def test_app_shell_apis(user: VirtualUser) -> None:
    """§10-adjacent shell APIs apps call at start: getMenuButtonBoundingClientRect (a plausible capsule box),
    wx.nextTick (after the current code), getUpdateManager (no update in a simulation)."""
    page = await user.launch("/pages/device/device")
    out = await page.call("shellApis")
    assert out["order"] == ["sync", "tick"] and out["hasUpdate"] is False
    box = out["capsule"]
    assert box["width"] == box["right"] - box["left"] > 0 and box["bottom"] - box["top"] == box["height"]


async def test_on_app_show_and_hide_listeners(user: VirtualUser) -> None:
    """§6/§3: wx.onAppShow/onAppHide listeners hear the app go to the background and come back (with its scene)."""
    page = await user.launch("/pages/device/device")
    await page.call("appEvents")
    await user.hide()
    await user.show(scene=1007)
    assert await page.call("appEventsSeen") == ["hide", "show:1007"]
