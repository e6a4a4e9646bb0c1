"""Evaluate, call, page data and navigation from the test (docs/testing-api.md rows of the same names)."""

from __future__ import annotations

import pytest

from mock_wx import JSError, NavigationError, Page, VirtualUser, WaitTimeout, WxApiError


async def test_evaluate_expression_returns_json(user: VirtualUser, home: Page) -> None:
    """evaluate(app_function) / miniProgram.evaluate: runs in the user's AppService realm."""
    assert await user.evaluate("getApp().globalData") == {"launched": 1, "token": "T-1", "log": [], "scene": 1001}
    assert await user.evaluate("getCurrentPages().length") == 1


async def test_evaluate_function_with_arguments_awaits_promises_on_the_virtual_clock(user: VirtualUser, home: Page,
                                                                                    sim) -> None:
    t0 = sim.clock.time()
    src = "function (a, b) { return new Promise(function (r) { setTimeout(function () { r(a + b) }, 3000) }) }"
    assert await user.evaluate(src, 2, 3) == 5
    assert sim.clock.time() - t0 == pytest.approx(3.0)


async def test_evaluate_errors_become_jserror(user: VirtualUser, home: Page) -> None:
    with pytest.raises(JSError, match="boom"):
        await user.evaluate("(() => { throw new Error('boom') })()")
    with pytest.raises(JSError, match="nope"):
        await user.evaluate("async () => { throw new Error('nope') }")
    with pytest.raises(WaitTimeout):
        await user.evaluate("new Promise(function () {})", timeout=5)


async def test_call_wx_async_sync_and_failing(user: VirtualUser, home: Page) -> None:
    """call_wx_method / callWxMethod: as the app would call it, through mocks and hooks."""
    await user.call_wx("setStorage", {"key": "k", "data": 1})
    info = await user.call_wx("getStorageInfo")
    assert info["keys"] == ["k"] and info["errMsg"] == "getStorageInfo:ok"
    assert await user.call_wx("getStorageSync", "k") == 1
    with pytest.raises(WxApiError, match="getStorage:fail data not found"):
        await user.call_wx("getStorage", {"key": "missing"})
    user.mock_wx("getStorageSync", result="mocked")
    assert await user.call_wx("getStorageSync", "k") == "mocked"


async def test_call_wx_of_a_task_api_waits_for_its_answer(user: VirtualUser, home: Page) -> None:
    user.mock_wx("request", result={"data": "pong"})
    res = await user.call_wx("request", {"url": "https://api.wxsim-shop.example.com/ping"})
    assert res["data"] == "pong" and res["statusCode"] == 200 and res["errMsg"] == "request:ok"


async def test_expose_function_sync_and_async(user: VirtualUser, home: Page) -> None:
    """expose_function / exposeFunction: the app calls into the test (a Promise in JS)."""
    got: list[tuple[object, ...]] = []

    def report(*args: object) -> str:
        got.append(args)
        return "thanks"

    user.expose_function("reportToTest", report)
    await home.tap("report")
    assert got == [("home", 0)] and home.data["reported"] == "thanks"

    async def double(x: int) -> int:
        return x * 2

    user.expose_function("double", double)
    assert await user.evaluate("double(21)") == 42


async def test_page_call_method(home: Page) -> None:
    """page.call_method / page.callMethod."""
    assert await home.call("add", 2, 3) == 5


async def test_page_data_read(home: Page) -> None:
    """page.data / page.data(): a copy of `this.data`."""
    assert home.data["status"] == "idle" and home.data["query"] == {}


async def test_page_set_data_goes_through_setdata(home: Page) -> None:
    """page.data = ... / page.setData: path keys work, as in the page's own setData."""
    await home.set_data({"status": "set", "items[0]": "x"})
    assert home.data["status"] == "set" and home.data["items"] == ["x"]


async def test_navigate_to_returns_the_new_page(user: VirtualUser, home: Page) -> None:
    """navigate_to(url, params) / navigateTo(url)."""
    page = await user.navigate_to("/pages/detail/detail", {"id": 7})
    assert page.route == "pages/detail/detail" and page.data["id"] == "7"
    assert page.path == "/pages/detail/detail" and page.query == {"id": "7"}


async def test_navigate_to_refusals_raise_navigation_error(user: VirtualUser, home: Page) -> None:
    with pytest.raises(NavigationError, match=r"^navigateTo:fail can not navigateTo a tabbar page$"):
        await user.navigate_to("/pages/me/me")
    with pytest.raises(NavigationError, match='navigateTo:fail page "pages/nope/nope" is not found'):
        await user.navigate_to("/pages/nope/nope")
    for i in range(9):
        await user.navigate_to(f"/pages/detail/detail?id={i}")
    with pytest.raises(NavigationError, match="webview count limit exceed"):
        await user.navigate_to("/pages/detail/detail")


async def test_redirect_to(user: VirtualUser, home: Page) -> None:
    await user.navigate_to("/pages/detail/detail?id=1")
    page = await user.redirect_to("/pages/group/group", {"gid": "g1"})
    assert page.data["gid"] == "g1" and [p.route for p in user.page_stack] == ["pages/home/home", "pages/group/group"]
    with pytest.raises(NavigationError, match="redirectTo:fail can not redirectTo a tabbar page"):
        await user.redirect_to("/pages/home/home")


async def test_relaunch(user: VirtualUser, home: Page) -> None:
    await user.navigate_to("/pages/detail/detail?id=1")
    page = await user.relaunch("/pages/group/group?gid=g2")
    assert [p.route for p in user.page_stack] == ["pages/group/group"] and page.data["gid"] == "g2"


async def test_switch_tab(user: VirtualUser, home: Page) -> None:
    await user.navigate_to("/pages/detail/detail?id=1")
    page = await user.switch_tab("/pages/me/me")
    assert page.route == "pages/me/me" and [p.route for p in user.page_stack] == ["pages/me/me"]
    with pytest.raises(NavigationError, match="switchTab:fail can not switch to no-tabBar page"):
        await user.switch_tab("/pages/detail/detail")


async def test_navigate_back(user: VirtualUser, home: Page) -> None:
    await user.navigate_to("/pages/detail/detail?id=1")
    await user.navigate_to("/pages/group/group?gid=1")
    page = await user.navigate_back(5)  # too large a delta stops at the first page (§7)
    assert page.route == "pages/home/home"
    with pytest.raises(NavigationError, match=r"^navigateBack:fail cannot navigate back at first page\.$"):
        await user.navigate_back()


async def test_current_page(user: VirtualUser, home: Page) -> None:
    """get_current_page() / currentPage()."""
    await user.navigate_to("/pages/detail/detail?id=3")
    assert user.current_page.route == "pages/detail/detail" and user.current_page.data["id"] == "3"


async def test_page_stack(user: VirtualUser, home: Page) -> None:
    """get_page_stack() / pageStack()."""
    await user.navigate_to("/pages/detail/detail?id=3")
    assert [p.route for p in user.page_stack] == ["pages/home/home", "pages/detail/detail"]
    assert await user.evaluate("getCurrentPages().map(function (p) { return p.route })") == [
        "pages/home/home", "pages/detail/detail"]
