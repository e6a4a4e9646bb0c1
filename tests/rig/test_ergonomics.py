"""What a test writer should not have to discover by reading the source (issue 15.7)."""

from __future__ import annotations

import pytest

from mock_wx import Page, Simulator, VirtualUser

API = "https://api.wxsim-shop.example.com"


async def test_request_info_gives_the_final_url_of_a_get(user: VirtualUser, home: Page) -> None:
    user.mock_request("/api/items", json={"items": []})
    await user.evaluate(f"wx.request({{ url: '{API}/api/items', data: {{ page: 2, q: '好 物' }} }}), true")
    req = await user.wait_for_request("/api/items")
    assert req.data == {"page": 2, "q": "好 物"}
    assert req.final_url == f"{API}/api/items?page=2&q=%E5%A5%BD%20%E7%89%A9"


async def test_a_post_keeps_its_url(user: VirtualUser, home: Page) -> None:
    user.mock_request("/api/group-buy/*", json={"ok": True})
    await home.tap("join")
    req = await user.wait_for_request("/api/group-buy/*")
    assert req.final_url == req.url == f"{API}/api/group-buy/g1/join"


async def test_mock_request_matches_query_parameters_of_the_final_url(user: VirtualUser, home: Page) -> None:
    user.mock_request("/api/items", query={"page": "1"}, json={"items": ["first page"]})
    user.mock_request("/api/items", query={"page": "2"}, json={"items": ["second page"]})
    await home.tap("loadItems")  # its URL carries ?page=1
    assert home.data["items"] == ["first page"]
    got = await user.evaluate(f"new Promise(r => wx.request({{ url: '{API}/api/items', data: {{ page: 2 }}, "
                              "success: res => r(res.data.items) }))")
    assert got == ["second page"]
    assert (await user.wait_for_request("/api/items", query={"page": "2"})).final_url.endswith("?page=2")


async def test_mock_request_json_shortcut(user: VirtualUser, home: Page) -> None:
    user.mock_request("/api/items", json={"items": ["a", "b"]}, status=201)
    await home.tap("loadItems")
    assert home.data["items"] == ["a", "b"] and home.data["code"] == 201
    with pytest.raises(ValueError):
        user.mock_request("/api/items", json={}, result={"data": {}})


async def test_dialogs_last_reads_the_toast_without_ctx(user: VirtualUser, home: Page) -> None:
    user.dialogs.next("authorize", "deny")
    await home.tap("where")
    toast = user.dialogs.last("toast")
    assert toast is not None and toast["title"] == "无法定位" and toast["icon"] == "none"
    assert {"kind", "t", "title", "icon", "duration"} <= set(toast)
    assert user.dialogs.last("modal") is None


async def test_routes_reads_the_stack_in_one_line(user: VirtualUser, home: Page) -> None:
    await user.navigate_to("/pages/detail/detail?id=1")
    assert user.routes == ["pages/home/home", "pages/detail/detail"]
    assert user.current_page.path == "/" + user.current_page.route


async def test_clock_pending_sees_a_cleared_timer(sim: Simulator, user: VirtualUser, home: Page) -> None:
    before = sim.clock.pending()
    await home.tap("startPolling")
    assert sim.clock.pending() == before + 1
    await home.wait_for(lambda d: d["status"] == "complete", timeout=30)
    assert sim.clock.pending() == before  # the page cleared its interval
