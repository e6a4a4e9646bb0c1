"""A multi-file app written like public open-source mini programs (a `util.request` Promise wrapper
around `wx.request` callbacks, `getApp().globalData`, a tabBar, relative requires, a `config/` module),
walked through its five pages. `wx.request` is answered per user by a mock, like a handler would (§1).
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_wx import Simulator, VirtualUser
from mock_wx.api import Fail

GOODS = [{"id": i, "name": f"商品{i}", "price": 10 * i} for i in range(1, 7)]


class ShopApi:
    """The shop's backend as the app sees it through wx.request: answers by path, records each call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.cart: dict[int, int] = {}
        self.down = False

    def __call__(self, ctx: Any, args: dict[str, Any]) -> dict[str, Any]:
        url, method, data = args["url"], args.get("method", "GET"), args.get("data") or {}
        path = url.removeprefix("https://api.shop.example.com")
        self.calls.append((method, path, data))
        if self.down:
            raise Fail("timeout")
        token = (args.get("header") or {}).get("X-Shop-Token", "")
        if path == "/goods/list":
            page, size = int(data["page"]), int(data["size"])
            chunk = GOODS[(page - 1) * size: page * size]
            return ok({"list": chunk, "hasMore": page * size < len(GOODS)})
        if path == "/goods/detail":
            return ok({"info": GOODS[int(data["id"]) - 1]})
        if path == "/cart/add":
            self.cart[int(data["goodsId"])] = self.cart.get(int(data["goodsId"]), 0) + int(data["number"])
            return ok({"cartTotal": self.total()})
        if path == "/cart/index":
            items = [{"goodsId": g, "number": n} for g, n in self.cart.items()]
            return ok({"cartList": items, "cartTotal": self.total()})
        if path == "/auth/login_by_weixin":
            assert method == "POST" and data["code"] and token == ""
            return ok({"token": "tok-" + ctx.user, "userInfo": {"nickName": ctx.user.title()}})
        return {"statusCode": 404, "data": "not found", "header": {}}

    def total(self) -> dict[str, int]:
        return {"goodsCount": sum(self.cart.values()), "goodsAmount": sum(GOODS[g - 1]["price"] * n for g, n in self.cart.items())}


def ok(data: dict[str, Any]) -> dict[str, Any]:
    return {"statusCode": 200, "data": {"errno": 0, "errmsg": "", "data": data}, "header": {"Content-Type": "application/json"}}


@pytest.fixture
def shop(user: VirtualUser) -> ShopApi:
    api = ShopApi()
    user.ctx.mocks["request"] = api
    return api


@pytest.mark.app("opensource_style")
async def test_walk_five_pages(sim: Simulator, user: VirtualUser, shop: ShopApi) -> None:
    """§6/§7 on a realistic app: index (list, reach bottom, pull down) → detail → cart tab → mine tab → logs."""
    # 1. index: the first page of goods, then the next one on reaching the bottom.
    index = await user.launch()
    assert [g["id"] for g in index.data["goods"]] == [1, 2, 3, 4]
    await index.reach_bottom()
    assert [g["id"] for g in index.data["goods"]] == [1, 2, 3, 4, 5, 6]
    assert index.data["hasMore"] is False
    await index.reach_bottom()  # nothing more to load
    assert [c[1] for c in shop.calls].count("/goods/list") == 2
    assert await index.pull_down() is True  # enablePullDownRefresh in index.json
    assert len(index.data["goods"]) == 4 and user.ctx.ui["pullDownRefresh"] is False

    # 2. detail, opened with a relative URL; the query id arrives as a string and the page parses it.
    await index.tap("goDetail", dataset={"id": 3})
    detail = user.current_page
    assert detail.route == "pages/goods/detail" and detail.query == {"id": "3"}
    assert detail.data["id"] == 3 and detail.data["goods"]["name"] == "商品3"
    assert user.ctx.ui["navigationBarTitle"]["title"] == "商品3"
    await detail.tap("addNumber")
    await detail.tap("addToCart")
    assert detail.data["cartCount"] == 2
    assert user.ctx.ui["toast"]["title"] == "添加成功"
    assert shop.calls[-1] == ("POST", "/cart/add", {"goodsId": 3, "number": 2})

    # 3. cart (a tab): switchTab from a non-tab page drops the stack to the tab page.
    await detail.tap("openCart")
    cart = user.current_page
    assert [p.route for p in user.page_stack] == ["pages/cart/cart"]
    assert cart.data["cartTotal"] == {"goodsCount": 2, "goodsAmount": 60}
    assert user.ctx.ui["tabBarBadge"]["text"] == "2"
    user.dialogs.next("modal", "cancel")
    await cart.tap("checkoutOrder")
    assert "checkedOut" not in cart.data
    await cart.tap("checkoutOrder")
    assert cart.data["checkedOut"] is True

    # 4. mine (a tab): wx.login, then the wrapper posts the code; the token lands in globalData and storage.
    mine = await user.tap_tab("/pages/mine/mine")
    assert mine.data["version"] == "1.2.0" and mine.data["hasLogin"] is False
    assert await mine.tap("wxLogin") == "Alice"
    assert mine.data["hasLogin"] is True
    assert user.storage["token"] == '"tok-alice"'

    # 5. logs: formatted launch times from storage (the virtual clock's start, UTC).
    await mine.tap("goLogs")
    logs = user.current_page
    assert logs.route == "pages/logs/logs"
    assert logs.data["logs"] == ["2026/01/05 01:00:00"]

    assert sim.trace.findings == []


@pytest.mark.app("opensource_style")
async def test_wrapper_rejects_on_request_fail(user: VirtualUser, shop: ShopApi) -> None:
    """§0/§1: a failing wx.request calls `fail`; the wrapper rejects and the page shows its error toast."""
    shop.down = True
    index = await user.launch()
    assert index.data["goods"] == [] and index.data["loading"] is False
    assert user.ctx.ui["toast"] == {**user.ctx.ui["toast"], "title": "request:fail timeout", "icon": "none"}


@pytest.mark.app("opensource_style")
async def test_token_survives_relaunch_and_logout(user: VirtualUser, shop: ShopApi) -> None:
    """§2 on a realistic app: the stored token is read back in App.onLaunch; logout removes it."""
    await user.launch("/pages/mine/mine")
    await user.current_page.tap("wxLogin")
    user.close()
    mine = await user.launch("/pages/mine/mine")
    assert mine.data["hasLogin"] is True
    await mine.tap("exitLogin")
    assert mine.data["hasLogin"] is False and "token" not in user.storage
