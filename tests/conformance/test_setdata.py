"""§6 `this.setData`: path keys, synchronous `this.data`, callback after render, undefined, 1024 KB."""

from __future__ import annotations

from mock_wx import JSError, Simulator, VirtualUser


async def test_path_keys(user: VirtualUser) -> None:
    """§6: setData keys may be paths ('a.b', 'list[0].x', combinations) and need not exist beforehand."""
    page = await user.launch("/pages/probe/probe")
    data = await page.call("setPaths")
    assert data["user"] == {"name": "Ann"}
    assert data["list"] == [{"title": "b"}, {"title": "c"}]
    assert data["fresh"] == {"deep": {"key": 1}}
    assert data["m"] == [[None, "z"]]
    assert page.data == data


async def test_this_data_updates_synchronously(user: VirtualUser) -> None:
    """§6: setData updates this.data synchronously; the callback runs after the render, later."""
    page = await user.launch("/pages/probe/probe")
    seen = await page.call("syncThisData")
    assert seen["after"] == 1          # read right after setData
    assert seen["syncReturn"] is True  # setData returned before its callback ran
    assert seen["callback"] == 2
    assert page.data["count"] == 2


async def test_callback_runs_after_render_not_inside_setdata(user: VirtualUser) -> None:
    """§6: the setData callback is asynchronous: code after setData, and pending microtasks, run before it."""
    page = await user.launch("/pages/probe/probe")
    assert await page.call("renderOrder") == ["after setData", "microtask", "callback"]


async def test_undefined_value_is_skipped_with_warning_and_finding(sim: Simulator) -> None:
    """§6: a value of undefined is not set and logs 'Setting data field "k" to undefined is invalid.'; wxsim adds a finding."""
    user = sim.user()
    page = await user.launch("/pages/probe/probe")
    assert await page.call("setUndefined") == {"hasGone": False, "kept": 1}
    warning = 'Setting data field "gone" to undefined is invalid.'
    assert any(e.data == {"level": "warn", "text": warning} for e in sim.trace.of_kind("console"))
    assert [(f.kind, f.message) for f in sim.trace.findings] == [("setdata-undefined", warning)]


async def test_over_1024_kb_throws_platform_text(sim: Simulator) -> None:
    """§6: a setData payload over 1024 KB fails with '数据传输长度为 N 已经超过最大长度 1048576'."""
    user = sim.user()
    page = await user.launch("/pages/probe/probe")
    message = await page.call("setTooBig")
    assert message.endswith("数据传输长度为 1048587 已经超过最大长度 1048576")
    assert "blob" not in page.data
    assert [f.kind for f in sim.trace.findings] == ["setdata-oversize"]


async def test_direct_write_is_not_rendered(user: VirtualUser) -> None:
    """§6: writing this.data without setData changes the object, but no render is recorded."""
    await user.launch("/pages/probe/probe")
    before = len(user.sim.trace.of_kind("setData"))
    user.realm.engine.eval("getCurrentPages()[0].data.count = 99")
    await user.idle()
    assert len(user.sim.trace.of_kind("setData")) == before


async def test_page_data_is_a_copy(user: VirtualUser) -> None:
    """Issue 2 item 7: page.data returns a copy; changing it does not change the page."""
    page = await user.launch("/pages/probe/probe")
    d = page.data
    d["count"] = 5
    assert page.data["count"] == 0


async def test_set_data_from_test_uses_path_keys(user: VirtualUser) -> None:
    """§6 via the rig: page.set_data goes through setData semantics (path keys)."""
    page = await user.launch("/pages/probe/probe")
    await page.set_data({"list[0].title": "z"})
    assert page.data["list"] == [{"title": "z"}]


async def test_setdata_type_error(user: VirtualUser) -> None:
    """§6: setData needs an object; a string is a JS TypeError in the page."""
    await user.launch("/pages/probe/probe")
    try:
        user.realm.engine.eval("getCurrentPages()[0].setData('x')")
    except JSError as exc:
        assert "TypeError" in str(exc)
    else:
        raise AssertionError("setData('x') did not throw")
