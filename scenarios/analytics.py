"""Analytics: every number the server reports comes from what users did in the app."""

from __future__ import annotations

from _helpers import open_shop, price_text, product_with_group_size, shows, tap_text, user_id

from mock_wx.rig.journeys import journey


def report_totals(dashboard) -> dict[str, str]:
    """The 近30天 totals as the dashboard shows them: {"分享": "1", "点赞": "2", ...}."""
    return {t.get_element(".muted").text: t.get_element(".num").text for t in dashboard.get_elements(".total")}


def metric(dashboard, label: str) -> str:
    """A lifetime figure of the dashboard's top grid, by its label (总邀请, 转化率, 累计佣金, ...)."""
    return dashboard.get_element(".cell", text_contains=label).get_element(".num").text


@journey(area="analytics")
async def a_busy_day_shows_up_in_insights_and_the_report(sim, alice):
    await open_shop(sim)
    # Alice shares a product and buys it ...
    detail = await alice.launch("/pages/product/detail?id=p002")
    await tap_text(detail, "分享给好友")
    await tap_text(detail, "单独购买")
    # ... likes two posts, comments on one and writes her own.
    feed = await alice.launch("/pages/social-feed/social-feed")
    hearts = [el for el in feed.get_elements(".actions .action") if el.text.startswith("♡")][:2]
    for heart in hearts:
        await heart.tap()
    await feed.get_element(".action", text_contains="评论").tap()
    await alice.current_page.get_element("input").input("已入手")
    await tap_text(alice.current_page, "发送")
    await alice.back()
    await feed.get_element(".fab").tap()
    await alice.current_page.get_element("textarea").input("今天的收获")
    await tap_text(alice.current_page, "发布")

    me = user_id(alice)
    insights = await sim.backend.get(f"/api/analytics/social-insights/{me}", as_user=alice)
    assert insights["shares"] == 1
    assert insights["likesGiven"] == 2
    assert insights["comments"] == 1
    assert insights["posts"] == 1
    assert insights["orders"] == 1

    dashboard = await alice.launch("/pages/influencer/dashboard")
    assert report_totals(dashboard) == {"分享": "1", "点赞": "2", "评论": "1", "动态": "1", "订单": "1"}
    assert shows(dashboard, "近30天")
    assert len(dashboard.get_elements(".day")) == 1
    assert sim.trace.findings == []


@journey(area="analytics")
async def the_influencer_dashboard_counts_referrals_and_commissions(sim, alice, bob, carol):
    await open_shop(sim)
    product = await sim.backend.get("/api/products/p003")
    detail = await alice.launch("/pages/product/detail?id=p003")
    card = await tap_text(detail, "分享给好友")
    # Two friends open the link; one of them buys.
    buyer = await bob.open(card)
    await tap_text(buyer, "单独购买")
    await carol.open(card)

    dashboard = await alice.launch("/pages/influencer/dashboard")
    assert metric(dashboard, "总邀请") == "2"
    assert metric(dashboard, "转化率") == "50%"
    commission = int(product["price"] * product["commissionRate"])
    assert metric(dashboard, "累计佣金") == price_text(commission)
    [top] = dashboard.get_elements(".line[data-id]")
    assert top.dataset["id"] == "p003"
    assert int(metric(dashboard, "总分享")) >= 1

    await top.tap()
    assert alice.current_page.route == "pages/product/detail"
    assert alice.current_page.data["from"] == "dashboard"
    assert sim.trace.findings == []


@journey(area="analytics")
async def the_shop_overview_reflects_groups_shares_and_referrals(sim, alice, bob, carol):
    await open_shop(sim, users=0, posts=0)
    pair = await product_with_group_size(sim, 2)
    trio = await product_with_group_size(sim, 3)

    # Alice's pair group completes with bob; carol's trio group never fills.
    detail = await alice.launch(f"/pages/product/detail?id={pair['id']}")
    await tap_text(detail, "发起拼团")
    card = await alice.share()
    page = await bob.open(card)
    await tap_text(page, "立即参团")
    detail = await carol.launch(f"/pages/product/detail?id={trio['id']}")
    await tap_text(detail, "发起拼团")
    await carol.launch("/pages/index/index")  # leave the ticking group page
    await alice.launch("/pages/index/index")
    await bob.hide()
    await sim.clock.advance(hours=25)

    # Shop-wide numbers are the merchant's: alice is made one of the shop's staff (test-mode admin API).
    await sim.backend.post("/__admin/merchants", {"openid": alice.openid})
    overview = await sim.backend.get("/api/analytics/overview", as_user=alice)
    assert overview["users"] == 3
    assert overview["groups"] == 2
    assert overview["groupCompletionRate"] == 0.5
    assert overview["shareRate"] == round(1 / 3, 4)        # only alice shared
    assert overview["referralConversionRate"] == 1.0        # bob came through alice's link and bought
    assert overview["orders"] == 2                          # carol's payment went back
    assert sim.trace.findings == []


@journey(area="analytics")
async def the_report_covers_the_last_thirty_days_and_insights_everything(sim, alice):
    await open_shop(sim)
    await alice.launch("/pages/product/detail?id=p002")
    await alice.share()
    await alice.hide()
    await sim.clock.advance(days=31)

    await alice.show()
    await alice.share()
    dashboard = await alice.launch("/pages/influencer/dashboard")
    assert report_totals(dashboard)["分享"] == "1", "the share of a month ago is out of the 30-day report"
    assert len(dashboard.get_elements(".day")) == 1
    insights = await sim.backend.get(f"/api/analytics/social-insights/{user_id(alice)}", as_user=alice)
    assert insights["shares"] == 2
    assert sim.trace.findings == []


@journey(area="analytics")
async def group_activity_counts_for_the_creator_and_the_joiner(sim, alice, bob):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    detail = await alice.launch(f"/pages/product/detail?id={product['id']}")
    await tap_text(detail, "发起拼团")
    card = await alice.share()
    page = await bob.open(card)
    await tap_text(page, "立即参团")

    mine = await sim.backend.get(f"/api/analytics/social-insights/{user_id(alice)}", as_user=alice)
    his = await sim.backend.get(f"/api/analytics/social-insights/{user_id(bob)}", as_user=bob)
    assert (mine["groupsCreated"], mine["groupsJoined"], mine["orders"]) == (1, 1, 1)
    assert (his["groupsCreated"], his["groupsJoined"], his["orders"]) == (0, 1, 1)
    shares = [e["requestBody"] for e in await sim.backend.journal(path="/api/analytics/share")]
    assert shares == [{"groupId": page.data["groupId"], "productId": product["id"], "platform": "chat"}]
    assert sim.trace.findings == []
