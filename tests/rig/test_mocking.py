"""Mocking wx APIs (docs/testing-api.md, "Mock" rows): fixed results, Python and JS functions, failures,
restore, simulation-wide mocks, request rules."""

from __future__ import annotations

import asyncio
import json

import pytest

from mock_wx import Page, Simulator, VirtualUser
from mock_wx.api import Fail
from mock_wx.errors import WxApiError

ITEMS = "https://api.wxsim-shop.example.com/api/items?page=1"


async def test_mock_fixed_result_reaches_success_callback_of_a_request_task(user: VirtualUser, home: Page) -> None:
    """mock_wx_method(result=) / mockWxMethod(name, result): the page still gets a RequestTask."""
    user.mock_wx("request", result={"data": {"items": ["a", "b"]}})
    await home.tap("loadItems")
    data = home.data
    assert data["items"] == ["a", "b"] and data["status"] == "loaded" and data["code"] == 200
    assert data["hasAbort"] is True and data["headerStatus"] == 200  # a task, not a Promise; its events fire


async def test_mock_fixed_result_of_a_sync_api(user: VirtualUser, home: Page) -> None:
    """mockWxMethod('getStorageSync', 'mockValue') from the automator docs."""
    assert await home.call("cachedName") == ""
    user.mock_wx("getStorageSync", result="mockValue")
    assert await home.call("cachedName") == "mockValue"


async def test_mock_with_a_python_function_of_the_options(user: VirtualUser, home: Page) -> None:
    """mock_wx_method with a handler: ours is a Python function of the call's options."""
    seen: list[dict[str, object]] = []

    def answer(opts: dict[str, object]) -> dict[str, object]:
        seen.append(opts)
        return {"data": {"items": [str(opts["url"]).rsplit("=", 1)[1]]}}

    user.mock_wx("request", answer)
    await home.tap("loadItems")
    assert seen[0]["url"] == ITEMS
    assert home.data["items"] == ["1"]


async def test_mock_with_an_async_python_function(user: VirtualUser, home: Page) -> None:
    """An async mock answers later, like the network does; the page waits for it."""

    async def answer(opts: dict[str, object]) -> dict[str, object]:
        await asyncio.sleep(0)
        return {"data": {"items": ["late"]}, "statusCode": 201}

    user.mock_wx("request", answer)
    await home.tap("loadItems")
    assert home.data["items"] == ["late"] and home.data["code"] == 201


async def test_python_mock_raising_fail_delivers_the_platform_errmsg(user: VirtualUser, home: Page) -> None:
    def deny(opts: dict[str, object]) -> dict[str, object]:
        raise Fail("auth deny")

    user.mock_wx("getLocation", deny)
    await home.tap("whereCb")
    assert home.data["cb"] == "getLocation:fail auth deny" and home.data["completed"] is True


async def test_mock_with_js_function_source(user: VirtualUser, home: Page) -> None:
    """mock_wx_method(functionDeclaration=) / mockWxMethod(name, fn): evaluated in the user's realm."""
    user.mock_wx("getLocation", js="function (opts) { return { latitude: opts.type === 'gcj02' ? 31.2 : 0 } }")
    await home.tap("where")
    assert home.data["lat"] == 31.2


async def test_js_mocked_request_fires_headers_received_before_success(user: VirtualUser, home: Page) -> None:
    """§1: a JS-mocked request's task hears onHeadersReceived({header, statusCode, cookies}) before it completes,
    as a Python-mocked one does."""
    user.mock_wx("request", js="function () { return { data: { items: ['js'] }, statusCode: 201, header: { 'X-A': '1' } } }")
    await home.tap("loadItems")
    assert home.data["items"] == ["js"] and home.data["code"] == 201 and home.data["headerStatus"] == 201
    user.realm.engine.eval(
        "globalThis.__seen = []; var t = wx.request({ url: 'https://api.wxsim-shop.example.com/api/items',"
        " success: function (r) { __seen.push(['success', r.statusCode, r.cookies]); } });"
        " t.onHeadersReceived(function (h) { __seen.push(['headers', h.statusCode, h.header, h.cookies]); });")
    await user.idle()
    assert json.loads(user.realm.engine.eval("JSON.stringify(__seen)")) == [
        ["headers", 201, {"X-A": "1"}, []], ["success", 201, []]]


async def test_js_mock_of_a_sync_api_gets_positional_arguments(user: VirtualUser, home: Page) -> None:
    user.mock_wx("getStorageSync", js="function (key) { return key === 'name' ? 'redhoodsu' : '' }")
    assert await home.call("cachedName") == "redhoodsu"


async def test_js_mock_rejecting_takes_the_fail_path(user: VirtualUser, home: Page) -> None:
    user.mock_wx("getLocation", js="function () { return Promise.reject({ errMsg: 'getLocation:fail system permission denied' }) }")
    await home.tap("where")
    assert home.data["locError"] == "getLocation:fail system permission denied"


async def test_js_mock_installed_before_launch_answers_app_code(user: VirtualUser) -> None:
    """A mock set before launch is in place before the app's code runs (and survives a relaunch)."""
    user.mock_wx("getLocation", js="function () { return { latitude: 9 } }")
    page = await user.launch("/pages/home/home")
    await page.tap("where")
    assert page.data["lat"] == 9
    page = await user.launch("/pages/home/home")
    await page.tap("where")
    assert page.data["lat"] == 9


async def test_mock_fail_reason(user: VirtualUser, home: Page) -> None:
    """mock_wx_method(success=False): `fail="reason"` gives `<api>:fail reason` (promise rejection here)."""
    user.grant("scope.userLocation")
    user.mock_wx("getLocation", fail="auth deny")
    await home.tap("where")
    assert home.data["locError"] == "getLocation:fail auth deny"


async def test_mocked_failure_takes_the_pages_real_error_path(user: VirtualUser, home: Page) -> None:
    """The acceptance check: a mocked request failure shows the page's toast and leaves its data alone."""
    user.mock_wx("request", result={"data": {"items": ["kept"]}})
    await home.tap("loadItems")
    before = home.data
    user.mock_wx("request", fail="timeout")
    await home.tap("loadItems")
    after = home.data
    assert user.ctx.ui["toast"]["title"] == "加载失败"
    assert [d for d in user.dialogs.shown if d["kind"] == "toast"][-1]["title"] == "加载失败"
    assert after["items"] == before["items"] == ["kept"]
    assert after["error"] == "request:fail timeout" and after["status"] == "idle"


async def test_restore_wx(user: VirtualUser, home: Page) -> None:
    """restore_wx_method / restoreWxMethod: the real client answers again."""
    user.mock_wx("getStorageSync", result="mockValue")
    user.restore_wx("getStorageSync")
    assert await home.call("cachedName") == ""
    user.mock_wx("getStorageSync", js="function () { return 'js' }")
    assert await home.call("cachedName") == "js"
    user.restore_wx("getStorageSync")
    assert await home.call("cachedName") == ""


async def test_restore_all(user: VirtualUser, home: Page) -> None:
    user.mock_wx("getStorageSync", result="x")
    user.mock_wx("getLocation", js="function () { return { latitude: 1 } }")
    assert set(user.mocked) == {"getStorageSync", "getLocation"}
    user.restore_all()
    assert user.mocked == {}
    assert await home.call("cachedName") == ""


async def test_simulation_wide_mock_applies_to_current_and_future_users_and_user_mocks_win(sim: Simulator) -> None:
    alice = sim.user("alice")
    a_page = await alice.launch("/pages/home/home")
    sim.mock_wx("getStorageSync", result="everyone")
    bob = sim.user("bob")  # created after the mock
    b_page = await bob.launch("/pages/home/home")
    assert await a_page.call("cachedName") == "everyone"
    assert await b_page.call("cachedName") == "everyone"
    bob.mock_wx("getStorageSync", result="bob's own")
    assert await b_page.call("cachedName") == "bob's own"
    assert await a_page.call("cachedName") == "everyone"
    sim.restore_wx("getStorageSync")
    assert await a_page.call("cachedName") == ""
    assert await b_page.call("cachedName") == "bob's own"


async def test_mock_request_rules_by_url_glob_and_once(user: VirtualUser, home: Page) -> None:
    """mock_request(rule, success=) / mock_request_once: ours matches a glob on the URL path."""
    user.mock_request("/api/items", result={"data": {"items": ["once"]}}, once=True)
    user.mock_request("/api/items", result={"data": {"items": ["always"]}})
    await home.tap("loadItems")
    assert home.data["items"] == ["once"]
    await home.tap("loadItems")
    assert home.data["items"] == ["always"]
    user.restore_wx("request")
    assert "request" not in user.mocked


def test_mock_takes_one_answer() -> None:
    from mock_wx.rig.mocking import make_mock

    with pytest.raises(ValueError):
        make_mock("getLocation", result={"a": 1}, fail="x")


async def test_mock_get_location_result(user: VirtualUser, home: Page) -> None:
    """mock_get_location(latitude=...): a fixed getLocation answer, no permission prompt."""
    user.mock_wx("getLocation", result={"latitude": 23.12908, "longitude": 113.26436})
    await home.tap("where")
    assert home.data["lat"] == 23.12908
    assert [d for d in user.dialogs.shown if d["kind"] == "authorize"] == []


async def test_grant_presets_a_scope(user: VirtualUser, home: Page) -> None:
    user.grant("scope.userLocation")
    await home.tap("where")
    assert home.data["lat"] and user.dialogs.shown == []
    user.revoke("scope.userLocation")
    await home.tap("where")
    assert home.data["locError"] == "getLocation:fail auth deny"


async def test_mocking_an_api_wxsim_lacks_defines_it(user: VirtualUser, home: Page) -> None:
    """Automator users mock device APIs (scanCode); a mock answers an API wxsim only has a default for (issue 12
    item 2), and makes an API outside the typings exist for the app."""
    with pytest.raises(WxApiError, match=r"^scanCode:fail not supported$"):
        await user.call_wx("scanCode", {})
    user.mock_wx("scanCode", result={"result": "QR-1", "scanType": "QR_CODE"})
    assert await user.evaluate("wx.canIUse('scanCode')") is True
    res = await user.call_wx("scanCode", {"onlyFromCamera": True})
    assert res == {"result": "QR-1", "scanType": "QR_CODE", "errMsg": "scanCode:ok"}
    assert await user.evaluate("typeof wx.getFooSync") == "undefined"
    user.mock_wx("getFooSync", js="function (k) { return 'foo:' + k }")
    assert await user.evaluate("wx.getFooSync('a')") == "foo:a"


async def test_js_mock_extra_args_and_origin(user: VirtualUser, home: Page) -> None:
    """mockWxMethod(name, fn, ...args) and `this.origin` (automator): extra args, and the real API inside."""
    user.mock_wx("getStorageSync", js="function (key, fallback) { return this.origin(key) || fallback }",
                 js_args=["unknown"])
    assert await home.call("cachedName") == "unknown"
    await user.call_wx("setStorage", {"key": "name", "data": "redhoodsu"})
    assert await home.call("cachedName") == "redhoodsu"
    user.grant("scope.userLocation")
    user.mock_wx("getLocation", js="function (o) { return this.origin(o).then(function (r) { r.latitude += 1; return r }) }")
    await home.tap("where")
    assert home.data["lat"] == pytest.approx(23.540503)
