"""Gamification: the server awards points for what people do, caps them per day, levels them up
and hands out badges; the app celebrates with modals, one after another."""

from __future__ import annotations

from _helpers import (
    level_line,
    modal_titles,
    open_shop,
    order_of,
    orders_of,
    shows,
    tap_text,
    toast_titles,
    user_id,
)

from mock_wx.rig.journeys import journey

MODAL_GAP = 0.5  # the app opens chained modals 300 ms apart


async def rewards_of(sim) -> list[dict]:
    """What the backend answered to each POST /api/user/reward, oldest first."""
    return [e["responseBody"] for e in await sim.backend.journal(path="/api/user/reward")]


@journey(area="gamification")
async def a_first_share_earns_points_and_a_badge(sim, alice):
    await open_shop(sim)
    await alice.launch("/pages/product/detail?id=p002")
    await alice.share()
    await sim.clock.advance(seconds=MODAL_GAP)

    [reward] = await rewards_of(sim)
    assert reward["awarded"] and reward["points"] == 10
    assert [b["name"] for b in reward["newBadges"]] == ["初次分享"]
    assert modal_titles(alice) == ["获得新徽章"]
    assert "初次分享" in alice.dialogs.shown[-1]["content"]

    me = await alice.launch("/pages/user/user")
    assert level_line(me) == "Lv.1 · 10 积分"
    assert me.get_element("progress").attribute("percent") == 10
    assert [b.get_element("view", inner_text="初次分享").text for b in me.get_elements(".badge")] == ["初次分享"]
    assert sim.trace.findings == []


@journey(area="gamification")
async def sharing_points_stop_at_the_daily_cap(sim, alice):
    await open_shop(sim)
    await alice.launch("/pages/index/index")
    for _ in range(11):
        await alice.share()
        await sim.clock.advance(seconds=MODAL_GAP * 3)
    rewards = await rewards_of(sim)
    assert [r["points"] for r in rewards] == [10] * 10 + [0]
    assert rewards[-1]["reason"] == "daily_cap"
    # The tenth share made 100 points (level 2) and ten shares earn 社交达人.
    assert "Level Up!" in modal_titles(alice)
    assert any("社交达人" in d.get("content", "") for d in alice.dialogs.shown)

    # A new day, new points.
    await sim.clock.advance(days=1)
    await alice.share()
    assert (await rewards_of(sim))[-1]["points"] == 10
    level = await sim.backend.get(f"/api/user/{user_id(alice)}/level", as_user=alice)
    assert level["points"] == 110
    assert sim.trace.findings == []


@journey(area="gamification")
async def a_purchase_and_five_shares_level_up(sim, alice):
    await open_shop(sim)
    detail = await alice.launch("/pages/product/detail?id=p001")
    await tap_text(detail, "单独购买")
    await sim.clock.advance(seconds=MODAL_GAP)
    assert modal_titles(alice) == ["获得新徽章"], "首单达成"

    await alice.launch("/pages/index/index")
    for _ in range(5):
        await alice.share()
        await sim.clock.advance(seconds=MODAL_GAP * 3)
    # 50 for the purchase + 5 x 10 for sharing = 100 points: level 2.
    assert "Level Up!" in modal_titles(alice)
    level_up = next(d for d in alice.dialogs.shown if d.get("title") == "Level Up!")
    assert level_up["content"] == "恭喜升级到 Lv.2！"
    me = await alice.launch("/pages/user/user")
    assert level_line(me) == "Lv.2 · 100 积分"
    assert shows(me, "距下一级还需 200 积分")
    assert sim.trace.findings == []


@journey(area="gamification")
async def leading_a_group_to_completion_earns_the_leader_badge(sim, alice, bob):
    await open_shop(sim)
    product_id = "p001"  # groups of two
    detail = await alice.launch(f"/pages/product/detail?id={product_id}")
    await tap_text(detail, "发起拼团")
    await sim.clock.advance(seconds=MODAL_GAP)
    card = await tap_text(alice.current_page, "邀请好友参团")
    page = await bob.open(card)
    await tap_text(page, "立即参团")

    # Alice's group is complete: checking her badges finds 团长 on top of what she had.
    me = await alice.launch("/pages/user/user")
    before = len(modal_titles(alice))
    await tap_text(me, "检查新徽章", "text")
    await sim.clock.advance(seconds=MODAL_GAP)
    new_modals = [d for d in alice.dialogs.shown if d["kind"] == "modal"][before:]
    assert [m["title"] for m in new_modals] == ["获得新徽章"]
    assert "团长" in new_modals[0]["content"]
    assert me.element_exists(".badge", text_contains="团长")

    await tap_text(me, "检查新徽章", "text")
    assert toast_titles(alice)[-1] == "暂无新徽章"
    assert sim.trace.findings == []


@journey(area="gamification")
async def liking_the_same_post_twice_earns_once(sim, alice):
    await open_shop(sim)
    feed = await alice.launch("/pages/social-feed/social-feed")
    heart = next(el for el in feed.get_elements(".actions .action") if el.text.startswith("♡"))
    likes = int(heart.text.split()[1])
    for _ in range(3):  # like, unlike, like
        await heart.tap()
    assert heart.text == f"♥ {likes + 1}"
    rewards = await rewards_of(sim)
    assert [r["points"] for r in rewards] == [2, 0]
    assert rewards[1]["reason"] == "already_awarded"
    assert sim.trace.findings == []


@journey(area="gamification")
async def points_sent_by_a_client_are_ignored(sim, alice):
    await open_shop(sim)
    await alice.launch("/pages/index/index")
    # A tampered client asks for 10,000 points; the server decides.
    answer = await sim.backend.post("/api/user/reward", {"action": "share", "points": 10_000}, as_user=alice)
    assert answer["points"] == 10 and answer["ignoredClientPoints"] == 10_000
    # ... and claims a purchase it never made.
    purchase = await sim.backend.post("/api/user/reward", {"action": "purchase", "objectId": "o-made-up"},
                                      as_user=alice)
    assert purchase["points"] == 0 and purchase["reason"] == "not_verified"
    me = await alice.launch("/pages/user/user")
    assert level_line(me) == "Lv.1 · 10 积分"
    assert sim.trace.findings == []


async def purchase_reports_of(sim) -> list[dict]:
    """What the backend answered to each report of a purchase, oldest first."""
    return [e["responseBody"] for e in await sim.backend.journal(path="/api/user/reward")
            if (e.get("requestBody") or {}).get("action") == "purchase"]


@journey(area="gamification", embedded=True)  # WeChat Pay's retry runs on the shared virtual clock
async def a_late_payment_notification_still_levels_up_on_the_order_page(sim, alice):
    await open_shop(sim)
    await alice.launch("/pages/index/index")
    for _ in range(5):  # 50 points: the purchase's 50 make level 2
        await alice.share()
        await sim.clock.advance(seconds=MODAL_GAP * 3)
    assert "Level Up!" not in modal_titles(alice)

    # The backend is down when WeChat Pay first notifies it; WeChat Pay tries again 15 s later.
    await sim.backend.fault("/api/pay/notify", status=500, count=1)
    detail = await alice.launch("/pages/product/detail?id=p001")
    await tap_text(detail, "单独购买")
    assert "支付成功" in toast_titles(alice)
    page = alice.current_page
    assert page.route == "pages/order/detail"
    order_id = page.data["orderId"]
    [early] = await purchase_reports_of(sim)
    assert (early["awarded"], early["reason"]) == (False, "pending_payment")
    # Paid, waiting for the points: no pay button (the order is still unpaid on the server) and no pop-up.
    assert page.get_element(".head .title").text == "支付确认中"
    assert not page.element_exists("button", inner_text="去支付")
    assert shows(page, "已支付，积分确认中")
    await sim.clock.advance(seconds=5)
    assert shows(page, "已支付，积分确认中")
    assert "Level Up!" not in modal_titles(alice)

    # The notification lands; the page's next look finds the order paid and the points with it.
    await sim.clock.advance(seconds=30)
    assert page.get_element(".head .title").text == "已支付"
    assert shows(page, "本单获得 50 积分")
    assert modal_titles(alice).count("Level Up!") == 1
    level_up = next(d for d in alice.dialogs.shown if d.get("title") == "Level Up!")
    assert level_up["content"] == "恭喜升级到 Lv.2！"
    assert sum("首单达成" in d.get("content", "") for d in alice.dialogs.shown) == 1

    # Once: more time, no more reports and no second pop-up.
    await sim.clock.advance(minutes=2)
    reports = await purchase_reports_of(sim)
    assert [(r["awarded"], r["points"], r["levelUp"]) for r in reports] == [(False, 0, False), (True, 50, True)]
    assert modal_titles(alice).count("Level Up!") == 1
    level = await sim.backend.get(f"/api/user/{user_id(alice)}/level", as_user=alice)
    assert (level["points"], level["level"]) == (100, 2)
    assert (await order_of(sim, alice, order_id))["status"] == "paid"
    me = await alice.launch("/pages/user/user")
    assert level_line(me) == "Lv.2 · 100 积分"
    assert sim.trace.findings == []


@journey(area="gamification", embedded=True)  # WeChat Pay's retry runs on the shared virtual clock
async def a_late_payment_notification_still_levels_up_on_the_group_page(sim, alice, bob):
    await open_shop(sim)
    detail = await alice.launch("/pages/product/detail?id=p001")  # groups of two
    await tap_text(detail, "发起拼团")
    card = await alice.share()
    await alice.hide()  # alice's group page stops ticking meanwhile
    await bob.launch("/pages/index/index")
    for _ in range(5):  # 50 points: the purchase's 50 make level 2
        await bob.share()
        await sim.clock.advance(seconds=MODAL_GAP * 3)
    assert "Level Up!" not in modal_titles(bob)

    async def bobs_purchase_reports() -> list[dict]:
        return [e["responseBody"] for e in await sim.backend.journal(path="/api/user/reward")
                if e["userId"] == user_id(bob) and (e.get("requestBody") or {}).get("action") == "purchase"]

    # Bob takes the last place; the backend is down when WeChat Pay first notifies it (retried 15 s later).
    await sim.backend.fault("/api/pay/notify", status=500, count=1)
    page = await bob.open(card, chat="group")
    await tap_text(page, "立即参团")
    assert "支付成功" in toast_titles(bob)
    [early] = await bobs_purchase_reports()
    assert (early["awarded"], early["reason"]) == (False, "pending_payment")
    # Paid, waiting for the server: no second pay button, his slot says 确认中, no pop-up yet.
    assert shows(page, "支付确认中") and page.element_exists("countdown")
    assert not page.element_exists("button", inner_text="去支付")
    assert page.get_element("member-list").get_elements(".member")[1].get_element(".tag").text == "确认中"
    assert shows(page, "已支付，积分确认中")
    await sim.clock.advance(seconds=5)
    assert shows(page, "已支付，积分确认中")
    assert "Level Up!" not in modal_titles(bob)

    # The notification lands: the page's next look finds his slot paid, the group complete, the points in.
    await sim.clock.advance(seconds=30)
    assert shows(page, "拼团成功") and not shows(page, "支付确认中")
    assert not page.get_element("member-list").get_elements(".member")[1].get_elements(".tag")
    assert shows(page, "本单获得 50 积分")
    assert modal_titles(bob).count("Level Up!") == 1
    assert modal_titles(bob).count("拼团成功") == 1
    level_up = next(d for d in bob.dialogs.shown if d.get("title") == "Level Up!")
    assert level_up["content"] == "恭喜升级到 Lv.2！"

    # Once: more time, no more reports and no second pop-up.
    await sim.clock.advance(minutes=2)
    reports = await bobs_purchase_reports()
    assert [(r["awarded"], r["points"], r["levelUp"]) for r in reports] == [(False, 0, False), (True, 50, True)]
    assert modal_titles(bob).count("Level Up!") == 1
    level = await sim.backend.get(f"/api/user/{user_id(bob)}/level", as_user=bob)
    assert (level["points"], level["level"]) == (100, 2)
    [order] = await orders_of(sim, bob)
    assert order["status"] == "paid"
    me = await bob.launch("/pages/user/user")
    assert level_line(me) == "Lv.2 · 100 积分"
    assert sim.trace.findings == []
