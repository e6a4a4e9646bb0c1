"""§7 navigation: targets, the stack limit, relative URLs, errMsgs, EventChannel, getCurrentPages."""

from __future__ import annotations

import pytest
from fixture_apps import app_log, js, routes

from mock_wx import NavigationError, VirtualUser, WxError


async def go(user: VirtualUser, api: str, url: str) -> str:
    return await user.current_page.tap("go", dataset={"api": api, "url": url})


async def test_navigate_to_tab_page_fails(user: VirtualUser) -> None:
    """§7: navigateTo a tab page fails with 'navigateTo:fail can not navigateTo a tabbar page'."""
    await user.launch("/pages/c/c")
    assert await go(user, "navigateTo", "/pages/tab_a/tab_a") == "navigateTo:fail can not navigateTo a tabbar page"
    assert routes(user) == ["pages/c/c"]


async def test_redirect_to_tab_page_fails(user: VirtualUser) -> None:
    """§7: redirectTo a tab page fails with 'redirectTo:fail can not redirectTo a tabbar page'."""
    await user.launch("/pages/c/c")
    assert await go(user, "redirectTo", "/pages/tab_b/tab_b") == "redirectTo:fail can not redirectTo a tabbar page"


async def test_switch_tab_to_non_tab_fails(user: VirtualUser) -> None:
    """§7: switchTab to a non-tab page fails with 'switchTab:fail can not switch to no-tabBar page'."""
    await user.launch("/pages/tab_a/tab_a")
    assert await go(user, "switchTab", "/pages/c/c") == "switchTab:fail can not switch to no-tabBar page"


async def test_unknown_page_fails_with_relative_path_and_query(user: VirtualUser) -> None:
    """§7: an unknown page fails with 'navigateTo:fail page "pages/x/y?id=1" is not found'."""
    await user.launch("/pages/tab_a/tab_a")
    assert await go(user, "navigateTo", "/pages/x/y?id=1") == 'navigateTo:fail page "pages/x/y?id=1" is not found'


async def test_navigate_back_at_first_page_fails(user: VirtualUser) -> None:
    """§7: navigateBack on a one-page stack fails with 'navigateBack:fail cannot navigate back at first page.'."""
    page = await user.launch("/pages/tab_a/tab_a")
    assert await page.tap("back") == "navigateBack:fail cannot navigate back at first page."


async def test_navigate_back_delta_too_large_stops_at_first_page(user: VirtualUser) -> None:
    """§7: a navigateBack delta larger than the stack stops at the first page."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    await go(user, "navigateTo", "/pages/d/d")
    assert await user.current_page.tap("back", detail={"delta": 9}) == "ok"
    assert routes(user) == ["pages/tab_a/tab_a"]


async def test_user_back_from_rig(user: VirtualUser) -> None:
    """§7: the user's back button follows navigateBack: pop one page and show the one below."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/d/d")
    page = await user.back()
    assert page.route == "pages/tab_a/tab_a"
    with pytest.raises(NavigationError, match=r"navigateBack:fail cannot navigate back at first page\."):
        await user.back()


async def test_stack_limit_ten(user: VirtualUser) -> None:
    """§7: the stack holds 10 pages; the 11th navigateTo fails with 'webview count limit exceed'."""
    await user.launch("/pages/tab_a/tab_a")
    for _ in range(9):
        assert await go(user, "navigateTo", "/pages/d/d") == "ok"
    assert len(user.page_stack) == 10
    assert await go(user, "navigateTo", "/pages/d/d") == "navigateTo:fail webview count limit exceed"
    assert len(user.page_stack) == 10


async def test_redirect_at_limit_is_allowed(user: VirtualUser) -> None:
    """§7: redirectTo replaces the top page, so it works with a full stack."""
    await user.launch("/pages/tab_a/tab_a")
    for _ in range(9):
        await go(user, "navigateTo", "/pages/d/d")
    assert await go(user, "redirectTo", "/pages/c/c") == "ok"
    assert len(user.page_stack) == 10 and routes(user)[-1] == "pages/c/c"


async def test_relative_urls_resolve_against_current_page_dir(user: VirtualUser) -> None:
    """§7: a URL without a leading '/' resolves against the current page's directory."""
    await user.launch("/pages/c/c")
    assert await go(user, "navigateTo", "../nested/deep/deep?x=1") == "ok"
    assert routes(user)[-1] == "pages/nested/deep/deep"
    assert await go(user, "navigateTo", "../../d/d") == "ok"
    assert routes(user)[-1] == "pages/d/d"
    assert await go(user, "navigateTo", "d") == "ok"  # same folder
    assert routes(user)[-1] == "pages/d/d"


async def test_switch_tab_keeps_only_the_tab_page(user: VirtualUser) -> None:
    """§7: switchTab keeps only tab pages: the stack becomes the target tab page alone."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    await go(user, "switchTab", "/pages/tab_b/tab_b")
    assert routes(user) == ["pages/tab_b/tab_b"]


async def test_get_current_pages_order(user: VirtualUser) -> None:
    """§6: getCurrentPages() returns the stack, index 0 = first page and last = current."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    await go(user, "navigateTo", "/pages/d/d")
    assert await user.current_page.call("stackRoutes") == ["pages/tab_a/tab_a", "pages/c/c", "pages/d/d"]
    assert routes(user) == ["pages/tab_a/tab_a", "pages/c/c", "pages/d/d"]


async def test_event_channel_both_directions(user: VirtualUser) -> None:
    """§7: EventChannel: the opened page emits to the opener's `events`; the opener emits via res.eventChannel."""
    page = await user.launch("/pages/tab_a/tab_a")
    assert await page.call("openWithChannel") == "navigateTo:ok"
    assert page.data["fromOpened"] == {"hello": "opener"}
    assert user.current_page.data["received"] == {"hi": "opened"}


async def test_event_channel_promise_style(user: VirtualUser) -> None:
    """§7: in promise style, the navigateTo result also carries `eventChannel`."""
    page = await user.launch("/pages/tab_a/tab_a")
    assert await page.call("openWithChannelPromise") == "navigateTo:ok"
    assert page.data["fromOpened2"] == {"hello": "opener"}
    assert user.current_page.data["received"] == {"hi": "promise"}


async def test_event_channel_once_and_off(user: VirtualUser) -> None:
    """§7: EventChannel has emit, on, once and off(name, fn?)."""
    await user.launch("/pages/c/c")
    out = js(user, """(function () {
      var ch = getCurrentPages()[0].getOpenerEventChannel();
      return [typeof ch.emit, typeof ch.on, typeof ch.once, typeof ch.off];
    })()""")
    assert out == ["function"] * 4


async def test_failed_navigation_fires_no_hooks(user: VirtualUser) -> None:
    """§7: a refused route changes nothing: no lifecycle hooks run."""
    await user.launch("/pages/tab_a/tab_a")
    app_log(user)
    await go(user, "navigateTo", "/pages/tab_b/tab_b")
    await go(user, "navigateTo", "/pages/nope/nope")
    assert app_log(user) == []


async def test_launch_unknown_page_raises(user: VirtualUser) -> None:
    """§6/§7: launching a path that is not in app.json fails with the page-not-found message."""
    with pytest.raises(NavigationError, match=r'page "pages/missing/missing\?a=1" is not found'):
        await user.launch("/pages/missing/missing?a=1")


async def test_switch_tab_drops_query(user: VirtualUser) -> None:
    """§7: switchTab takes no query: parameters on the URL do not reach the tab page's onLoad."""
    await user.launch("/pages/tab_a/tab_a")
    assert await go(user, "switchTab", "/pages/tab_b/tab_b?id=1") == "ok"
    assert js(user, "getApp().globalData.query_B") == {}


async def test_relaunch_and_redirect_pass_query(user: VirtualUser) -> None:
    """§7: redirectTo and reLaunch carry the query to onLoad (as strings)."""
    await user.launch("/pages/c/c")
    await go(user, "redirectTo", "/pages/d/d?n=1")
    assert js(user, "getApp().globalData.query_D") == {"n": "1"}
    await go(user, "reLaunch", "/pages/tab_b/tab_b?n=2")
    assert js(user, "getApp().globalData.query_B") == {"n": "2"}


async def test_unloaded_page_handle(user: VirtualUser) -> None:
    """Issue 2 item 7: a Page handle knows when its page is gone: `alive` turns false and `data` raises."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/d/d")
    d = user.current_page
    assert d.alive
    await user.back()
    assert not d.alive
    with pytest.raises(WxError, match="has been unloaded"):
        _ = d.data
