"""§6 page/app runtime: the lifecycle order of every route, switchTab included."""

from __future__ import annotations

import pytest
from fixture_apps import app_log, js, routes

from mock_wx import NavigationError, VirtualUser


async def go(user: VirtualUser, api: str, url: str) -> str:
    return await user.current_page.tap("go", dataset={"api": api, "url": url})


async def test_first_launch_order(user: VirtualUser) -> None:
    """§6: first launch: App.onLaunch → App.onShow → Page.onLoad → onShow → onReady."""
    await user.launch("/pages/tab_a/tab_a")
    assert app_log(user) == ["App.onLaunch", "App.onShow", "A.onLoad", "A.onShow", "A.onReady"]


async def test_launch_options(user: VirtualUser) -> None:
    """§3/§6: App.onLaunch receives {path, query, scene, ...} with the query as strings."""
    await user.launch("/pages/tab_a/tab_a?id=5", scene=1007)
    opts = js(user, "getApp().globalData.launchOptions")
    assert opts["path"] == "pages/tab_a/tab_a"
    assert opts["query"] == {"id": "5"}
    assert opts["scene"] == 1007


async def test_navigate_to_order(user: VirtualUser) -> None:
    """§6: navigateTo: old page onHide, new page onLoad, onShow (then onReady)."""
    await user.launch("/pages/tab_a/tab_a")
    app_log(user)
    assert await go(user, "navigateTo", "/pages/d/d") == "ok"
    assert app_log(user) == ["A.onHide", "D.onLoad", "D.onShow", "D.onReady"]


async def test_redirect_to_order(user: VirtualUser) -> None:
    """§6: redirectTo: old page onUnload, new page onLoad, onShow."""
    await user.launch("/pages/c/c")
    app_log(user)
    assert await go(user, "redirectTo", "/pages/d/d") == "ok"
    assert app_log(user, ready=False) == ["C.onUnload", "D.onLoad", "D.onShow"]
    assert routes(user) == ["pages/d/d"]


async def test_navigate_back_order(user: VirtualUser) -> None:
    """§6: navigateBack: each popped page onUnload (top first), then the revealed page onShow."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    await go(user, "navigateTo", "/pages/d/d")
    app_log(user)
    assert await user.current_page.tap("back", detail={"delta": 2}) == "ok"
    assert app_log(user) == ["D.onUnload", "C.onUnload", "A.onShow"]


async def test_relaunch_order(user: VirtualUser) -> None:
    """§6: reLaunch: every page onUnload (top first), then the new page onLoad, onShow."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    app_log(user)
    assert await go(user, "reLaunch", "/pages/d/d?x=1") == "ok"
    assert app_log(user, ready=False) == ["C.onUnload", "A.onUnload", "D.onLoad", "D.onShow"]
    assert routes(user) == ["pages/d/d"]


async def test_relaunch_unloads_hidden_tab_pages(user: VirtualUser) -> None:
    """§6: reLaunch unloads all pages, including tab pages kept alive out of the stack."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "switchTab", "/pages/tab_b/tab_b")
    app_log(user)
    await go(user, "reLaunch", "/pages/tab_b/tab_b")
    assert app_log(user, ready=False) == ["B.onUnload", "A.onUnload", "B.onLoad", "B.onShow"]


async def test_switch_tab_same_tab_fires_nothing(user: VirtualUser) -> None:
    """§6 switchTab table: A → A fires nothing."""
    await user.launch("/pages/tab_a/tab_a")
    app_log(user)
    assert await go(user, "switchTab", "/pages/tab_a/tab_a") == "ok"
    assert app_log(user) == []


async def test_switch_tab_first_visit(user: VirtualUser) -> None:
    """§6 switchTab table: A → B (first visit): A.onHide, B.onLoad, B.onShow."""
    await user.launch("/pages/tab_a/tab_a")
    app_log(user)
    await go(user, "switchTab", "/pages/tab_b/tab_b")
    assert app_log(user, ready=False) == ["A.onHide", "B.onLoad", "B.onShow"]


async def test_switch_tab_again(user: VirtualUser) -> None:
    """§6 switchTab table: A → B (B already open): A.onHide, B.onShow — no second onLoad."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "switchTab", "/pages/tab_b/tab_b")
    await go(user, "switchTab", "/pages/tab_a/tab_a")
    app_log(user)
    await go(user, "switchTab", "/pages/tab_b/tab_b")
    assert app_log(user) == ["A.onHide", "B.onShow"]


async def test_switch_tab_from_opened_page(user: VirtualUser) -> None:
    """§6 switchTab table: C → A (C opened from A): C.onUnload, A.onShow."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    app_log(user)
    await go(user, "switchTab", "/pages/tab_a/tab_a")
    assert app_log(user) == ["C.onUnload", "A.onShow"]
    assert routes(user) == ["pages/tab_a/tab_a"]


async def test_switch_tab_from_deep_page(user: VirtualUser) -> None:
    """§6 switchTab table: D → B (D opened from C, C from A): D.onUnload, C.onUnload, B.onLoad, B.onShow."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    await go(user, "navigateTo", "/pages/d/d")
    app_log(user)
    await go(user, "switchTab", "/pages/tab_b/tab_b")
    assert app_log(user, ready=False) == ["D.onUnload", "C.onUnload", "B.onLoad", "B.onShow"]
    assert routes(user) == ["pages/tab_b/tab_b"]


async def test_app_hide_and_show(user: VirtualUser) -> None:
    """§6: going to the background fires Page.onHide and App.onHide; coming back App.onShow then Page.onShow."""
    await user.launch("/pages/tab_a/tab_a")
    app_log(user)
    await user.hide()
    assert sorted(app_log(user)) == ["A.onHide", "App.onHide"]  # relative order UNCONFIRMED (§6)
    await user.show()
    assert app_log(user) == ["App.onShow", "A.onShow"]


async def test_onload_query_values_are_strings(user: VirtualUser) -> None:
    """§6/§7: onLoad(query) values are strings, also for numbers and booleans."""
    await user.launch("/pages/d/d?id=7&flag=true&price=9.90")
    assert js(user, "getApp().globalData.query_D") == {"id": "7", "flag": "true", "price": "9.90"}


async def test_onload_query_not_decoded(user: VirtualUser) -> None:
    """§7: query values are not URL-decoded by the framework."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/d/d?name=%E5%B0%8F%E7%BA%A2&q=a%26b")
    assert js(user, "getApp().globalData.query_D") == {"name": "%E5%B0%8F%E7%BA%A2", "q": "a%26b"}


async def test_valueless_key_is_string_undefined(user: VirtualUser) -> None:
    """§7: a valueless key (`?a&b=1`) arrives as the string "undefined"."""
    await user.launch("/pages/d/d?a&b=1")
    assert js(user, "getApp().globalData.query_D") == {"a": "undefined", "b": "1"}


async def test_unencoded_ampersand_splits_value(user: VirtualUser) -> None:
    """§7: an unencoded `&` inside a value splits it into another key."""
    await user.launch("/pages/d/d?q=a&b")
    assert js(user, "getApp().globalData.query_D") == {"q": "a", "b": "undefined"}


async def test_page_instance_fields(user: VirtualUser) -> None:
    """§6: a page instance has `route` (no leading slash), `options` (the query) and `data`."""
    await user.launch("/pages/d/d?id=3")
    assert js(user, "(function (p) { return [p.route, p.options, p.data.name] })(getCurrentPages()[0])") == [
        "pages/d/d", {"id": "3"}, "D"]


async def test_pull_down_only_when_enabled(user: VirtualUser) -> None:
    """§6: onPullDownRefresh fires only when enablePullDownRefresh is true (default false)."""
    page = await user.launch("/pages/tab_a/tab_a")
    app_log(user)
    assert await page.pull_down() is False
    assert app_log(user) == []
    await go(user, "navigateTo", "/pages/pull/pull")
    pull = user.current_page
    assert await pull.pull_down() is True
    assert pull.data["refreshed"] == 1
    assert user.ctx.ui["pullDownRefresh"] is False  # the page stopped it with wx.stopPullDownRefresh


async def test_reach_bottom(user: VirtualUser) -> None:
    """§6: onReachBottom fires when the user scrolls to the bottom."""
    page = await user.launch("/pages/pull/pull")
    await page.reach_bottom()
    await page.reach_bottom()
    assert page.data["pages"] == 3


async def test_undefined_hooks_are_skipped(user: VirtualUser) -> None:
    """§6: a hook the page does not define (here onPageScroll) is simply not called."""
    page = await user.launch("/pages/pull/pull")
    await page.scroll(300)
    assert page.data["pages"] == 1


async def test_tab_bar_tap_follows_switch_tab_table(user: VirtualUser) -> None:
    """§6 switchTab table, from the tab bar: D → B unloads D and C, then loads B; onTabItemTap({index, pagePath, text})."""
    await user.launch("/pages/tab_a/tab_a")
    await go(user, "navigateTo", "/pages/c/c")
    await go(user, "navigateTo", "/pages/d/d")
    app_log(user)
    page = await user.tap_tab("/pages/tab_b/tab_b")
    assert page.route == "pages/tab_b/tab_b"
    assert app_log(user, ready=False) == ["D.onUnload", "C.onUnload", "B.onLoad", "B.onShow",
                                          "B.onTabItemTap:1,pages/tab_b/tab_b,B"]
    await user.tap_tab("pages/tab_b/tab_b")
    assert app_log(user) == ["B.onTabItemTap:1,pages/tab_b/tab_b,B"]  # no route change, only the tap hook


@pytest.mark.app("not_found")
async def test_page_not_found_handler_redirects(user: VirtualUser) -> None:
    """§6: a missing entry page calls App.onPageNotFound({path, query, isEntryPage}); its redirect lands."""
    page = await user.launch("/pages/gone/gone?id=1")
    assert page.route == "pages/index/index"
    assert page.data["query"] == {"from": "pages/gone/gone"}
    assert js(user, "getApp().globalData.notFound") == [{"path": "pages/gone/gone", "query": {"id": "1"}, "isEntryPage": True}]


@pytest.mark.app("not_found")
async def test_page_not_found_handler_not_reentered(user: VirtualUser) -> None:
    """§6: if onPageNotFound redirects to another missing page, the native not-found page shows; no re-entry."""
    with pytest.raises(NavigationError, match=r'page "pages/nope/nope" is not found'):
        await user.launch("/pages/nope/nope")
    assert len(js(user, "getApp().globalData.notFound")) == 1


async def test_component_as_page(user: VirtualUser) -> None:
    """Issue 2 item 1: Component() as a page (basic): lifetimes.attached, then onLoad/onShow from `methods`; methods tap."""
    page = await user.launch("/pages/comp/comp?id=9")
    await page.tap("add", dataset={"n": 1})
    assert page.data["steps"] == ["attached", "onLoad:9", "onShow", "add:1"]
