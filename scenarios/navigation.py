"""Getting around: tabs, the page stack, going back, and links to pages that do not exist."""

from __future__ import annotations

from _helpers import level_line, open_shop, shows, tap_text, toast_titles

from mock_wx.rig.journeys import journey


def routes(user) -> list[str]:
    return [page.route for page in user.page_stack]


async def tap_tab(user, path: str):
    """Tap an item of the tab bar (the platform draws it, not the page's WXML)."""
    return await user.switch_tab(path)


def order_cards(orders) -> list[str]:
    """The order list's cards as they read, top first."""
    return [card.text for card in orders.get_elements(".order")]


@journey(area="navigation")
async def walk_through_the_four_tabs(sim, alice):
    await open_shop(sim)
    home = await alice.launch()
    assert home.route == "pages/index/index"
    feed = await tap_tab(alice, "/pages/social-feed/social-feed")
    assert len(feed.get_elements(".post")) == 10
    orders = await tap_tab(alice, "/pages/order/list")
    assert order_cards(orders) == [] and shows(orders, "暂无订单")
    me = await tap_tab(alice, "/pages/user/user")
    assert me.get_element(".who .title").text
    assert level_line(me).startswith("Lv.1 ")

    # Tabs stay alive: going back to home keeps its list, and the stack is one page deep.
    home_again = await tap_tab(alice, "/pages/index/index")
    assert home_again.id == home.id
    assert routes(alice) == ["pages/index/index"]
    assert sim.trace.findings == []


@journey(area="navigation")
async def into_a_product_and_back_again(sim, alice):
    await open_shop(sim)
    product = await sim.backend.get("/api/products/p002")
    home = await alice.launch()
    await home.get_element("product-card", text_contains=product["name"]).tap()
    assert routes(alice) == ["pages/index/index", "pages/product/detail"]
    detail = alice.current_page
    assert detail.get_element(".name").text == product["name"]
    assert detail.get_element(".price.big").text.startswith("¥")

    back = await alice.back()
    assert back.id == home.id
    assert not detail.alive
    assert routes(alice) == ["pages/index/index"]
    assert sim.trace.findings == []


@journey(area="navigation")
async def from_the_user_centre_to_orders_referral_and_live(sim, alice):
    await open_shop(sim)
    me = await alice.launch("/pages/user/user")
    await tap_text(me, "邀请有礼", ".item")
    assert alice.current_page.route == "pages/referral/referral"
    await alice.back()
    await tap_text(me, "直播间", ".item")
    listing = alice.current_page
    assert listing.route == "pages/live-stream/list"
    await tap_text(listing, "直播中", ".stream")
    assert routes(alice) == ["pages/user/user", "pages/live-stream/list", "pages/live-stream/live-stream"]
    await alice.back(2)
    await tap_text(me, "我的订单", ".item")
    assert routes(alice) == ["pages/order/list"], "switchTab closes every page that is not a tab"
    assert sim.trace.findings == []


@journey(area="navigation")
async def an_order_leads_to_its_product_and_group(sim, alice):
    await open_shop(sim)
    detail = await alice.launch("/pages/product/detail?id=p004")
    name = detail.get_element(".name").text
    await tap_text(detail, "发起拼团")
    group_id = alice.current_page.data["groupId"]
    orders = await tap_tab(alice, "/pages/order/list")
    [card] = orders.get_elements(".order")
    assert card.get_element(".state").text == "已支付" and card.get_element(".tag").text == "拼团"

    await card.tap()
    order_page = alice.current_page
    await tap_text(order_page, "查看拼团", ".row")
    assert alice.current_page.route == "pages/group-buy/group-buy"
    assert alice.current_page.data["groupId"] == group_id
    await alice.back()
    await order_page.get_element(".card", text_contains=name).tap()
    assert alice.current_page.get_element(".name").text == name
    assert routes(alice) == ["pages/order/list", "pages/order/detail", "pages/product/detail"]
    assert sim.trace.findings == []


@journey(area="navigation")
async def filter_orders_by_status(sim, alice):
    await open_shop(sim)
    detail = await alice.launch("/pages/product/detail?id=p004")
    await tap_text(detail, "单独购买")
    alice.payments.next("cancel")
    await alice.launch("/pages/product/detail?id=p005")
    await tap_text(alice.current_page, "单独购买")
    paid = await sim.backend.get("/api/products/p004")

    orders = await tap_tab(alice, "/pages/order/list")
    assert len(order_cards(orders)) == 2
    await tap_text(orders, "待支付", ".filter")
    assert [card.get_element(".state").text for card in orders.get_elements(".order")] == ["待支付"]
    await tap_text(orders, "已支付", ".filter")
    [card] = order_cards(orders)
    assert paid["name"] in card
    await tap_text(orders, "全部", ".filter")
    assert len(order_cards(orders)) == 2
    assert sim.trace.findings == []


@journey(area="navigation")
async def a_link_to_a_missing_page_lands_on_home(sim, alice):
    await open_shop(sim)
    page = await alice.launch("/pages/promo/summer-sale")
    assert page.route == "pages/index/index"
    assert len(page.get_elements("product-card")) == 10
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
    product = await sim.backend.get("/api/products/p002")
    assert page.get_element(".name").text == product["name"]
    assert page.get_element(".price.big").text.startswith("¥")
    assert len(await sim.backend.journal(path="/api/auth/login")) == 1, "only alice logged in"
    # Buying needs the full mini program.
    await tap_text(page, "单独购买")
    assert toast_titles(bob)[-1] == "请前往小程序使用完整服务"
    assert not page.get_element("button", text_contains="单独购买").disabled
    assert await sim.backend.journal(path="/api/orders") == []
    assert sim.trace.findings == []


@journey(area="navigation")
async def a_shopping_spree_never_gets_stuck_at_ten_pages(sim, alice):
    await open_shop(sim)
    page = await alice.launch("/pages/product/detail?id=p004")
    # Buy, look at the order, go back to its product, buy again... the stack fills up.
    name = page.get_element(".name").text
    for _ in range(6):
        await tap_text(page, "单独购买")
        order = alice.current_page
        assert order.route == "pages/order/detail", "every payment opens its order"
        await order.get_element(".card", text_contains=name).tap()
        page = alice.current_page
        assert page.route == "pages/product/detail", "the product opens even on a full stack"
    assert len(alice.page_stack) == 10
    assert toast_titles(alice).count("支付成功") == 6
    assert len(await sim.backend.journal(path="/api/orders", method="POST")) == 6
    assert sim.trace.findings == []
