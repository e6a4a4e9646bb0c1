"""Analytics: every number the server reports comes from what users did in the app."""

from __future__ import annotations

from _helpers import open_shop, product_with_group_size, user_id

from mock_wx.rig.journeys import journey


@journey(area="analytics")
async def a_busy_day_shows_up_in_insights_and_the_report(sim, alice):
    await open_shop(sim)
    # Alice shares a product and buys it ...
    detail = await alice.launch("/pages/product/detail?id=p002")
    await alice.share()
    await detail.tap("buyNow")
    # ... likes two posts, comments on one and writes her own.
    feed = await alice.launch("/pages/social-feed/social-feed")
    unliked = [(i, p["id"]) for i, p in enumerate(feed.data["posts"]) if not p["liked"]][:2]
    for index, post_id in unliked:
        await feed.tap("onLikePost", dataset={"id": post_id, "index": index})
    await feed.tap("onCommentPost", dataset={"id": unliked[0][1], "index": unliked[0][0]})
    await alice.current_page.input("onInput", "已入手")
    await alice.current_page.tap("submitComment")
    await alice.back()
    await feed.tap("onCreatePost")
    await alice.current_page.input("onInput", "今天的收获")
    await alice.current_page.tap("submitPost")

    me = user_id(alice)
    insights = await sim.backend.get(f"/api/analytics/social-insights/{me}", as_user=alice)
    assert insights["shares"] == 1
    assert insights["likesGiven"] == 2
    assert insights["comments"] == 1
    assert insights["posts"] == 1
    assert insights["orders"] == 1

    dashboard = await alice.launch("/pages/influencer/dashboard")
    totals = {t["key"]: t["value"] for t in dashboard.data["totals"]}
    assert totals == {"shares": 1, "likes": 2, "comments": 1, "posts": 1, "orders": 1}
    assert dashboard.data["report"]["period"] == "30d"
    assert len(dashboard.data["daily"]) == 1
    assert sim.trace.findings == []


@journey(area="analytics")
async def the_influencer_dashboard_counts_referrals_and_commissions(sim, alice, bob, carol):
    await open_shop(sim)
    product = await sim.backend.get("/api/products/p003")
    await alice.launch("/pages/product/detail?id=p003")
    card = await alice.share()
    # Two friends open the link; one of them buys.
    buyer = await bob.open(card)
    await buyer.tap("buyNow")
    await carol.open(card)

    dashboard = await alice.launch("/pages/influencer/dashboard")
    metrics = dashboard.data["metrics"]
    assert metrics["totalReferrals"] == 2
    assert metrics["conversionRate"] == 0.5
    assert dashboard.data["conversionText"] == "50%"
    commission = int(product["price"] * product["commissionRate"])
    assert metrics["totalCommissions"] == commission
    assert [p["productId"] for p in dashboard.data["topProducts"]] == ["p003"]
    assert metrics["totalShares"] >= 1

    await dashboard.tap("onProductTap", dataset={"id": "p003"})
    assert alice.current_page.data["from"] == "dashboard"
    assert sim.trace.findings == []


@journey(area="analytics")
async def the_shop_overview_reflects_groups_shares_and_referrals(sim, alice, bob, carol):
    await open_shop(sim, users=0, posts=0)
    pair = await product_with_group_size(sim, 2)
    trio = await product_with_group_size(sim, 3)

    # Alice's pair group completes with bob; carol's trio group never fills.
    detail = await alice.launch(f"/pages/product/detail?id={pair['id']}")
    await detail.tap("startGroup")
    card = await alice.share()
    page = await bob.open(card)
    await page.tap("joinGroup")
    detail = await carol.launch(f"/pages/product/detail?id={trio['id']}")
    await detail.tap("startGroup")
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
    totals = {t["key"]: t["value"] for t in dashboard.data["totals"]}
    assert totals["shares"] == 1, "the share of a month ago is out of the 30-day report"
    assert len(dashboard.data["daily"]) == 1
    insights = await sim.backend.get(f"/api/analytics/social-insights/{user_id(alice)}", as_user=alice)
    assert insights["shares"] == 2
    assert sim.trace.findings == []


@journey(area="analytics")
async def group_activity_counts_for_the_creator_and_the_joiner(sim, alice, bob):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    detail = await alice.launch(f"/pages/product/detail?id={product['id']}")
    await detail.tap("startGroup")
    card = await alice.share()
    page = await bob.open(card)
    await page.tap("joinGroup")

    mine = await sim.backend.get(f"/api/analytics/social-insights/{user_id(alice)}", as_user=alice)
    his = await sim.backend.get(f"/api/analytics/social-insights/{user_id(bob)}", as_user=bob)
    assert (mine["groupsCreated"], mine["groupsJoined"], mine["orders"]) == (1, 1, 1)
    assert (his["groupsCreated"], his["groupsJoined"], his["orders"]) == (0, 1, 1)
    shares = [e["requestBody"] for e in await sim.backend.journal(path="/api/analytics/share")]
    assert shares == [{"groupId": page.data["groupId"], "productId": product["id"], "platform": "chat"}]
    assert sim.trace.findings == []
