"""Hooks on wx calls and page methods (docs/testing-api.md, "Hook" rows)."""

from __future__ import annotations

import pytest

from mock_wx import Page, VirtualUser, WxError
from mock_wx.rig.hooks import CallRecord


async def test_hook_wx_records_options_result_and_timing(user: VirtualUser, home: Page, sim) -> None:
    """hook_wx_method(method): calls observed without changing them."""
    user.mock_wx("request", result={"data": {"items": [1]}})
    with user.hook_wx("request") as calls:
        await home.tap("loadItems")
    assert len(calls) == 1
    call = calls[0]
    assert call.options["url"].endswith("/api/items?page=1") and "__taskId" not in call.options
    assert call.ok is True and call.errMsg == "request:ok" and call.result["data"] == {"items": [1]}
    assert call.start == call.end == sim.clock.time() and call.duration == 0 and call.mocked
    assert home.data["items"] == [1]  # unchanged behaviour


async def test_hook_wx_sees_failures_of_the_real_client(user: VirtualUser, home: Page) -> None:
    user.dialogs.next("authorize", "deny")
    with user.hook_wx("getLocation") as calls:
        await home.tap("where")
    assert [c.errMsg for c in calls] == ["getLocation:fail auth deny"] and calls[0].ok is False
    assert not calls[0].mocked


async def test_hook_wx_before_and_after_callbacks(user: VirtualUser, home: Page) -> None:
    """hook_wx_method(method, before=, after=)."""
    before: list[object] = []
    after: list[CallRecord] = []
    hook = user.hook_wx("showModal", before=before.append, after=after.append)
    await home.tap("confirmDelete")
    assert before == [{"title": "删除", "content": "确定删除?"}]
    assert after[0].result == {"confirm": True, "cancel": False, "errMsg": "showModal:ok"}
    hook.release()
    await home.tap("confirmDelete")
    assert len(after) == 1


async def test_release_hook(user: VirtualUser, home: Page) -> None:
    """release_hook_wx_method: leaving the `with` block stops recording and restores the plain path."""
    with user.hook_wx("getStorageSync") as calls:
        await home.call("cachedName")
    await home.call("cachedName")
    assert len(calls) == 1 and "getStorageSync" not in user.ctx.mocks


async def test_hook_sees_calls_answered_by_a_js_mock(user: VirtualUser, home: Page) -> None:
    user.mock_wx("getLocation", js="function () { return { latitude: 2 } }")
    with user.hook_wx("getLocation") as calls:
        await home.tap("where")
    assert calls[0].result == {"latitude": 2, "errMsg": "getLocation:ok"} and calls[0].mocked


async def test_hook_page_method_records_args_and_return_value(home: Page) -> None:
    """hook_current_page_method(method, callback): a JS-side wrapper of the page method."""
    seen = []
    with home.hook("onShareAppMessage", callback=seen.append) as calls:
        await home.call("onShareAppMessage", {"from": "menu"})
    assert calls[0].args == [{"from": "menu"}]
    assert calls[0].value == {"title": "QA home", "path": "/pages/home/home?from=menu"} and calls[0].ok
    assert seen == calls
    await home.call("onShareAppMessage", {"from": "button"})
    assert len(calls) == 1  # released


async def test_hook_page_method_awaits_async_methods(home: Page, user: VirtualUser) -> None:
    user.mock_wx("getLocation", result={"latitude": 5})
    with home.hook("where") as calls:
        await home.tap("where")
    assert calls[0].ok and calls[0].value is None and calls[0].args[0]["type"] == "tap"


async def test_hook_missing_page_method_raises(home: Page) -> None:
    with pytest.raises(WxError, match="no method"):
        home.hook("onNothing")
