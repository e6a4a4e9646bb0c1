"""Getting around: tabs, the page stack, going back, and links to pages that do not exist."""

from __future__ import annotations

from _helpers import open_shop, toast_titles

from mock_wx.rig.journeys import journey


def routes(user) -> list[str]:
    return [page.route for page in user.page_stack]


async def tap_tab(user, path: str):
    """Tap an item of the tab bar."""
    return await user.switch_tab(path)


@journey(area="navigation")
async def walk_through_the_four_tabs(sim, alice):
    await open_shop(sim)
    home = await alice.launch()
    assert home.route == "pages/index/index"
    feed = await tap_tab(alice, "/pages/social-feed/social-feed")
    assert len(feed.data["posts"]) == 10
    orders = await tap_tab(alice, "/pages/order/list")
    assert orders.data["orders"] == [] and orders.data["error"] == ""
    me = await tap_tab(alice, "/pages/user/user")
    assert me.data["user"]["nickname"]
    assert me.data["level"] == 1

    # Tabs stay alive: going back to home keeps its list, and the stack is one page deep.
    home_again = await tap_tab(alice, "/pages/index/index")
    assert home_again.id == home.id
    assert routes(alice) == ["pages/index/index"]
    assert sim.trace.findings == []


@journey(area="navigation")
async def into_a_product_and_back_again(sim, alice):
    await open_shop(sim)
    home = await alice.launch()
    await home.tap("onProductTap", dataset={"id": "p002"})
    assert routes(alice) == ["pages/index/index", "pages/product/detail"]
    detail = alice.current_page
    assert detail.data["product"]["id"] == "p002"
    assert detail.data["priceText"].startswith("¥")

    back = await alice.back()
    assert back.id == home.id
    assert not detail.alive
    assert routes(alice) == ["pages/index/index"]
    assert sim.trace.findings == []


@journey(area="navigation")
async def from_the_user_centre_to_orders_referral_and_live(sim, alice):
    await open_shop(sim)
    me = await alice.launch("/pages/user/user")
    await me.tap("goReferral")
    assert alice.current_page.route == "pages/referral/referral"
    await alice.back()
    await me.tap("goLive")
    listing = alice.current_page
    assert listing.route == "pages/live-stream/list"
    await listing.tap("openStream", dataset={"id": "s1"})
    assert routes(alice) == ["pages/user/user", "pages/live-stream/list", "pages/live-stream/live-stream"]
    await alice.back(2)
    await me.tap("goOrders")
    assert routes(alice) == ["pages/order/list"], "switchTab closes every page that is not a tab"
    assert sim.trace.findings == []


@journey(area="navigation")
async def an_order_leads_to_its_product_and_group(sim, alice):
    await open_shop(sim)
    detail = await alice.launch("/pages/product/detail?id=p004")
    await detail.tap("startGroup")
    group_id = alice.current_page.data["groupId"]
    orders = await tap_tab(alice, "/pages/order/list")
    [order] = orders.data["orders"]
    assert order["groupId"] == group_id and order["statusText"] == "已支付"

    await orders.tap("onOrderTap", dataset={"id": order["id"]})
    order_page = alice.current_page
    await order_page.tap("goGroup")
    assert alice.current_page.route == "pages/group-buy/group-buy"
    assert alice.current_page.data["groupId"] == group_id
    await alice.back()
    await order_page.tap("goProduct")
    assert alice.current_page.data["productId"] == "p004"
    assert routes(alice) == ["pages/order/list", "pages/order/detail", "pages/product/detail"]
    assert sim.trace.findings == []


@journey(area="navigation")
async def filter_orders_by_status(sim, alice):
    await open_shop(sim)
    detail = await alice.launch("/pages/product/detail?id=p004")
    await detail.tap("buyNow")
    alice.payments.next("cancel")
    await alice.launch("/pages/product/detail?id=p005")
    await alice.current_page.tap("buyNow")

    orders = await tap_tab(alice, "/pages/order/list")
    assert len(orders.data["orders"]) == 2
    await orders.tap("onFilterTap", dataset={"status": "created"})
    assert [o["statusText"] for o in orders.data["orders"]] == ["待支付"]
    await orders.tap("onFilterTap", dataset={"status": "paid"})
    assert [o["productId"] for o in orders.data["orders"]] == ["p004"]
    await orders.tap("onFilterTap", dataset={"status": ""})
    assert len(orders.data["orders"]) == 2
    assert sim.trace.findings == []


@journey(area="navigation")
async def a_link_to_a_missing_page_lands_on_home(sim, alice):
    await open_shop(sim)
    page = await alice.launch("/pages/promo/summer-sale")
    assert page.route == "pages/index/index"
    assert len(page.data["products"]) == 10
    assert sim.trace.findings == []


@journey(area="navigation")
async def a_moments_card_opens_the_product_in_browse_only_mode(sim, alice, bob):
    await open_shop(sim)
    await alice.launch("/pages/product/detail?id=p002")
    card = await alice.share(timeline=True)
    assert card.kind == "timeline" and card.query["id"] == "p002"

    # Bob taps it in Moments: a single page, no login, but the product is there to look at.
    page = await bob.open(card)
    assert page.route == "pages/product/detail"
    assert page.data["product"]["id"] == "p002"
    assert page.data["priceText"].startswith("¥")
    assert len(await sim.backend.journal(path="/api/auth/login")) == 1, "only alice logged in"
    # Buying needs the full mini program.
    await page.tap("buyNow")
    assert toast_titles(bob)[-1] == "请前往小程序使用完整服务"
    assert not page.data["paying"]
    assert await sim.backend.journal(path="/api/orders") == []
    assert sim.trace.findings == []


@journey(area="navigation")
async def a_shopping_spree_never_gets_stuck_at_ten_pages(sim, alice):
    await open_shop(sim)
    page = await alice.launch("/pages/product/detail?id=p004")
    # Buy, look at the order, go back to its product, buy again... the stack fills up.
    for _ in range(6):
        await page.tap("buyNow")
        order = alice.current_page
        assert order.route == "pages/order/detail", "every payment opens its order"
        await order.tap("goProduct")
        page = alice.current_page
        assert page.route == "pages/product/detail", "the product opens even on a full stack"
    assert len(alice.page_stack) == 10
    assert toast_titles(alice).count("支付成功") == 6
    assert len(await sim.backend.journal(path="/api/orders", method="POST")) == 6
    assert sim.trace.findings == []
