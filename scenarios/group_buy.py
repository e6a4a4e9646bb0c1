"""Group buying: start a group, share it, friends join and pay; full groups, expiry and refunds."""

from __future__ import annotations

import asyncio

from _helpers import (
    latest_modal,
    modal_titles,
    open_shop,
    order_of,
    orders_of,
    product_with_group_size,
    shows,
    tap_text,
    toast_titles,
    user_id,
    wait_for_refunds,
)

from mock_wx.rig.journeys import journey

GROUP_PAGE = "pages/group-buy/group-buy"


async def start_group(user, product_id: str):
    """`user` opens the product and taps 发起拼团; returns the group page they land on."""
    detail = await user.launch(f"/pages/product/detail?id={product_id}")
    await tap_text(detail, "发起拼团")
    page = user.current_page
    assert page.route == GROUP_PAGE, f"{user.name} should be on the group page, not {page.route}"
    return page


def member_names(page) -> list[str]:
    """The names under the avatars of the group page's member list, creator first."""
    return [el.text for el in page.get_element("member-list").get_elements(".name")]


def free_places(page) -> int:
    """How many "?" places the group page shows."""
    return len(page.get_element("member-list").get_elements(".empty-slot"))


@journey(area="group-buy")
async def friends_complete_a_group(sim, alice, bob, carol):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)

    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    assert "支付成功" in toast_titles(alice)
    assert not group_page.element_exists("button", text_contains="去支付")
    assert free_places(group_page) == 2 and shows(group_page, "还差 2 人成团")

    card = await tap_text(group_page, "邀请好友参团")
    assert f"groupId={group_id}" in card.path
    for friend in (bob, carol):
        page = await friend.open(card, chat="group")
        assert page.route == GROUP_PAGE
        await tap_text(page, "立即参团")
        assert "支付成功" in toast_titles(friend)

    # The last payment completes the group: carol sees it at once, alice when she refreshes.
    assert "拼团成功" in modal_titles(carol)
    await alice.current_page.pull_down()
    assert "拼团成功" in modal_titles(alice)
    assert shows(alice.current_page, "拼团成功")

    group = await sim.backend.get(f"/api/group-buy/{group_id}", as_user=alice)
    assert group["status"] == "complete"
    assert [p["paid"] for p in group["participants"]] == [True, True, True]
    for member in (alice, bob, carol):
        orders = await orders_of(sim, member, status="paid")
        assert [o["groupId"] for o in orders] == [group_id]
        assert orders[0]["amount"] == product["groupPrice"]
    assert sim.trace.findings == []


@journey(area="group-buy", embedded=True)
async def an_expired_group_refunds_every_paid_member(sim, alice, bob):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    card = await alice.share()
    bob_page = await bob.open(card)
    await tap_text(bob_page, "立即参团")
    assert "支付成功" in toast_titles(bob)

    # Nobody else comes. Both leave the ticking page before a day goes by.
    await alice.back()
    await bob.hide()
    await sim.clock.advance(hours=24, minutes=1)
    await wait_for_refunds(sim)

    group = await sim.backend.get(f"/api/group-buy/{group_id}", as_user=alice)
    assert group["status"] == "failed"
    for member in (alice, bob):
        [order] = await orders_of(sim, member)
        assert order["status"] == "refunded", f"{member.name}'s order is {order['status']}"
    refunds = [r for r in sim.services.platform.pay.refunds.values()]
    assert len(refunds) == 2, "each paid member is refunded exactly once"

    # Bob comes back to the group page: it tells him the group failed.
    await bob.show()
    assert shows(bob.current_page, "拼团失败，款项将原路退回")
    assert "拼团未成功" in modal_titles(bob)
    assert sim.trace.findings == []


@journey(area="group-buy")
async def a_flash_group_runs_out_in_front_of_its_creator(sim, alice):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    await alice.launch("/pages/index/index")
    # The shop runs one-minute flash groups through the API; alice starts one but has not paid yet.
    created = await sim.backend.post("/api/group-buy/create", {"productId": product["id"], "duration": 60_000},
                                     as_user=alice)
    page = await alice.launch(f"/pages/group-buy/group-buy?groupId={created['groupId']}")
    assert page.element_exists("button", inner_text="去支付")
    assert page.get_element("countdown").text == "0:01:00"
    await sim.clock.advance(seconds=30)
    assert page.get_element("countdown").text == "0:00:30"
    # She switches apps for 10 s: the countdown rests meanwhile and is right again when she is back.
    await alice.hide()
    await sim.clock.advance(seconds=10)
    assert page.get_element("countdown").text == "0:00:30", "a hidden page does not tick"
    await alice.show()
    assert page.get_element("countdown").text == "0:00:20"

    await sim.clock.advance(seconds=21)
    assert "拼团未成功" in modal_titles(alice)
    assert not page.element_exists("countdown"), "no countdown once the group failed"
    assert shows(page, "拼团失败，款项将原路退回")
    assert not page.element_exists("button", text_contains="去支付")
    assert not page.element_exists("button", text_contains="立即参团")
    order = await order_of(sim, alice, created["order"]["id"])
    assert order["status"] == "closed"
    assert sim.trace.findings == []


@journey(area="group-buy")
async def a_late_friend_finds_the_group_full(sim, alice, bob, carol):
    await open_shop(sim)
    product = await product_with_group_size(sim, 2)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    card = await alice.share()

    # Bob takes the last place but closes the payment sheet: the group is full, still open.
    bob.payments.next("cancel")
    bob_page = await bob.open(card)
    await tap_text(bob_page, "立即参团")
    assert "支付已取消" in toast_titles(bob)
    assert bob_page.element_exists("button", inner_text="去支付")

    carol_page = await carol.open(card)
    assert not carol_page.element_exists("button", text_contains="立即参团")
    await carol_page.get_element("member-list").get_element(".name").tap()  # who is this group's creator?
    creator = toast_titles(carol)[-1]
    assert creator.endswith("（团长）")
    # The product page still lists the group (its last place is taken, not paid): carol tries it there.
    detail = await carol.launch(f"/pages/product/detail?id={product['id']}")
    row = detail.get_element(".group", text_contains=f"{creator.removesuffix('（团长）')} 的团")
    await row.get_element("button", inner_text="去参团").tap()
    assert "拼团已满" in toast_titles(carol)

    # Bob pays from the group page and the group completes.
    await tap_text(bob_page, "去支付")
    assert "支付成功" in toast_titles(bob)
    assert "拼团成功" in modal_titles(bob)
    group = await sim.backend.get(f"/api/group-buy/{group_id}", as_user=bob)
    assert group["status"] == "complete"
    assert len(group["participants"]) == 2
    assert sim.trace.findings == []


@journey(area="group-buy")
async def one_open_group_per_person_and_product(sim, alice):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    await start_group(alice, product["id"])
    detail = await alice.back()
    assert detail.route == "pages/product/detail"
    assert len(detail.get_elements("button", inner_text="去参团")) == 1, "back on the product, alice sees her group"

    await tap_text(detail, "发起拼团")
    assert alice.current_page.route == "pages/product/detail", "a second group is refused"
    assert "你已有进行中的团" in toast_titles(alice)
    assert not detail.get_element("button", text_contains="发起拼团").disabled
    groups = await sim.backend.get("/api/group-buy", params={"productId": product["id"]}, as_user=alice)
    assert len(groups["groups"]) == 1
    assert sim.trace.findings == []


@journey(area="group-buy")
async def friends_rushing_in_never_overfill_a_group(sim, alice, bob, carol, dave, erin):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    card = await alice.share()
    friends = (bob, carol, dave, erin)
    pages = [await friend.open(card, chat="group") for friend in friends]
    buttons = [page.get_element("button", text_contains="立即参团") for page in pages]

    # Four friends tap 参团 at the same moment for two places.
    await asyncio.gather(*(button.tap() for button in buttons))

    joined = [f for f in friends if "支付成功" in toast_titles(f)]
    turned_away = [f for f in friends if {"拼团已满", "拼团已结束"} & set(toast_titles(f))]
    assert len(joined) == 2 and len(turned_away) == 2, (joined, turned_away)
    group = await sim.backend.get(f"/api/group-buy/{group_id}", as_user=alice)
    assert len(group["participants"]) == 3
    assert group["status"] == "complete"
    for friend in turned_away:
        assert await orders_of(sim, friend) == []
    assert sim.trace.findings == []


@journey(area="group-buy")
async def the_creator_pays_later_from_the_group_page(sim, alice):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    alice.payments.next("cancel")
    page = await start_group(alice, product["id"])
    assert "支付已取消" in toast_titles(alice)

    await tap_text(page, "去支付")
    assert "支付成功" in toast_titles(alice)
    assert not page.element_exists("button", inner_text="去支付")
    [order] = await orders_of(sim, alice)
    assert order["status"] == "paid"
    assert sim.trace.findings == []


@journey(area="group-buy")
async def joining_twice_takes_you_back_to_your_group(sim, alice, bob):
    await open_shop(sim)
    product = await product_with_group_size(sim, 5)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    card = await alice.share()
    page = await bob.open(card)
    await tap_text(page, "立即参团")

    # Later bob finds the same group from the product page and taps 去参团 again.
    detail = await bob.launch(f"/pages/product/detail?id={product['id']}")
    await detail.get_element(f'button[data-id="{group_id}"]').tap()
    assert bob.current_page.route == GROUP_PAGE
    assert bob.current_page.data["groupId"] == group_id
    assert not bob.current_page.element_exists("button", text_contains="立即参团"), "bob is in it already"
    assert len(await orders_of(sim, bob)) == 1
    assert sim.trace.findings == []


@journey(area="group-buy")
async def a_member_who_asks_for_a_refund_frees_the_place(sim, alice, bob, carol):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    card = await alice.share()
    bob_page = await bob.open(card)
    await tap_text(bob_page, "立即参团")

    # Bob changes his mind: from his orders he asks for his money back.
    orders = await bob.switch_tab("/pages/order/list")
    await orders.get_element(".order", text_contains=product["name"]).tap()
    await tap_text(bob.current_page, "申请退款")
    await wait_for_refunds(sim)
    [order] = await orders_of(sim, bob)
    assert order["status"] == "refunded"

    group = await sim.backend.get(f"/api/group-buy/{group_id}", as_user=alice)
    assert [p["userId"] for p in group["participants"]] == [group["creatorId"]]
    carol_page = await carol.open(card)
    assert carol_page.element_exists("button", text_contains="立即参团") and free_places(carol_page) == 2
    assert sim.trace.findings == []


@journey(area="group-buy")
async def the_last_two_members_pay_at_the_same_moment(sim, alice, bob, carol):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    card = await alice.share()
    pages = []
    for friend in (bob, carol):
        friend.payments.next("cancel")  # they join first and pay a bit later
        page = await friend.open(card, chat="group")
        await tap_text(page, "立即参团")
        pages.append(page)

    await asyncio.gather(*(page.get_element("button", inner_text="去支付").tap() for page in pages))
    # Whoever paid first may still see the group open; a pull-down shows it complete, once.
    for friend, page in zip((bob, carol), pages, strict=True):
        assert "支付成功" in toast_titles(friend)
        await page.pull_down()
        assert shows(page, "拼团成功")
        assert modal_titles(friend).count("拼团成功") == 1
    group = await sim.backend.get(f"/api/group-buy/{group_id}", as_user=alice)
    assert group["status"] == "complete" and all(p["paid"] for p in group["participants"])
    assert sim.trace.findings == []


@journey(area="group-buy")
async def the_creator_watches_a_friend_join(sim, alice, bob):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    page = await start_group(alice, product["id"])
    card = await alice.share()
    [alices_name] = member_names(page)

    # Bob joins and pays while alice keeps her group page open: she sees him within 5 seconds.
    bob_page = await bob.open(card, chat="group")
    await tap_text(bob_page, "立即参团")
    assert "支付成功" in toast_titles(bob)
    bobs_name = member_names(bob_page)[1]
    assert member_names(page) == [alices_name], "nothing moves before the page asks again"
    await sim.clock.advance(seconds=5)
    assert member_names(page) == [alices_name, bobs_name]
    assert "待支付" not in page.get_element("member-list").text
    assert free_places(page) == 1 and shows(page, "还差 1 人成团")
    assert not {"拼团成功", "拼团未成功"} & set(modal_titles(alice))

    # A hidden page stops asking; leaving it is clean (no timer outlives the page).
    group_path = f"/api/group-buy/{page.data['groupId']}"

    async def alices_polls() -> int:
        entries = await sim.backend.journal(path=group_path)
        return sum(1 for e in entries if e["userId"] == user_id(alice))

    polls = await alices_polls()
    await alice.hide()
    await sim.clock.advance(seconds=30)
    assert await alices_polls() == polls
    await alice.show()
    await alice.back()
    await bob.hide()
    await sim.clock.advance(seconds=30)
    assert await alices_polls() == polls + 1, "one refresh when shown again, then nothing after leaving"
    assert sim.trace.findings == []


async def group_looks(sim, user, group_id: str) -> int:
    """How many times `user`'s app asked for the group."""
    entries = await sim.backend.journal(path=f"/api/group-buy/{group_id}", method="GET")
    return sum(1 for e in entries if e["userId"] == user_id(user))


async def purchase_reports(sim, user) -> list[dict]:
    """What the backend answered to each of `user`'s purchase reports, oldest first."""
    return [e["responseBody"] for e in await sim.backend.journal(path="/api/user/reward")
            if e["userId"] == user_id(user) and (e.get("requestBody") or {}).get("action") == "purchase"]


@journey(area="group-buy", embedded=True)  # WeChat Pay's retry runs on the shared virtual clock
async def a_group_paid_before_its_notification_shows_it_confirming_then_the_points(sim, alice):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    # The backend is down when WeChat Pay first notifies it; WeChat Pay tries again 15 s later.
    await sim.backend.fault("/api/pay/notify", status=500, count=1)
    page = await start_group(alice, product["id"])
    group_id = page.data["groupId"]
    assert "支付成功" in toast_titles(alice)
    [early] = await purchase_reports(sim, alice)
    assert early["reason"] == "pending_payment"
    # Paid in the app, still unpaid on the server: 支付确认中, and no 去支付 to pay twice.
    assert shows(page, "支付确认中")
    assert not page.element_exists("button", inner_text="去支付")
    assert shows(page, "已支付，积分确认中")
    assert page.element_exists("countdown"), "the group is still open"

    # Meanwhile the page asks sooner than its usual 5 s (after 1, 2 and 4 s), on the same poll.
    looks = await group_looks(sim, alice, group_id)
    await sim.clock.advance(seconds=7)
    assert await group_looks(sim, alice, group_id) == looks + 3
    assert shows(page, "支付确认中") and "获得新徽章" not in modal_titles(alice)

    # The retried notification lands: a look finds the slot paid, the first-order badge shows once.
    await sim.clock.advance(seconds=30)
    assert not shows(page, "支付确认中")
    assert shows(page, "本单获得 50 积分")
    assert modal_titles(alice).count("获得新徽章") == 1
    assert any("首单达成" in d.get("content", "") for d in alice.dialogs.shown)
    [order] = await orders_of(sim, alice)
    assert order["status"] == "paid"

    # Back to the usual poll, every 5 s while the group is open; nothing is celebrated twice.
    looks = await group_looks(sim, alice, group_id)
    await sim.clock.advance(seconds=20)
    assert await group_looks(sim, alice, group_id) == looks + 4
    assert [(r["points"], r.get("reason")) for r in await purchase_reports(sim, alice)] == [
        (0, "pending_payment"), (50, None)]
    assert modal_titles(alice).count("获得新徽章") == 1
    level = await sim.backend.get(f"/api/user/{user_id(alice)}/level", as_user=alice)
    assert level["points"] == 50
    await alice.back()
    assert sim.trace.findings == []


@journey(area="group-buy", embedded=True)
async def a_group_page_in_the_background_shows_the_late_points_when_back(sim, alice, bob):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    card = await alice.share()
    await alice.back()

    # Bob joins but closes the payment sheet, then pays from the group page; the notification is late.
    bob.payments.next("cancel")
    page = await bob.open(card, chat="group")
    await tap_text(page, "立即参团")
    await sim.backend.fault("/api/pay/notify", status=500, count=1)  # WeChat Pay retries 15 s later
    await tap_text(page, "去支付")
    assert "支付成功" in toast_titles(bob)
    assert shows(page, "支付确认中") and not page.element_exists("button", inner_text="去支付")
    assert shows(page, "已支付，积分确认中")

    # Bob switches to another app: the page stops asking (no backoff, no poll, no countdown).
    await bob.hide()
    looks = await group_looks(sim, bob, group_id)
    await sim.clock.advance(seconds=40)
    assert await group_looks(sim, bob, group_id) == looks, "no looks while hidden"
    [order] = await orders_of(sim, bob)
    assert order["status"] == "paid", "the retried notification landed"
    assert "获得新徽章" not in modal_titles(bob)

    # Back in the app: one look finds the slot paid; the points (and first-order badge) show once.
    await bob.show()
    assert await group_looks(sim, bob, group_id) == looks + 1
    assert not shows(page, "支付确认中") and "待支付" not in page.get_element("member-list").text
    assert shows(page, "本单获得 50 积分")
    await sim.clock.advance(seconds=1)
    assert modal_titles(bob).count("获得新徽章") == 1
    assert "首单达成" in latest_modal(bob)["content"]
    assert [(r["points"], r.get("reason")) for r in await purchase_reports(sim, bob)] == [
        (0, "pending_payment"), (50, None)]

    # Leaving afterwards is quiet: no timer of the group page outlives it, nothing is celebrated twice.
    home = await bob.relaunch("/pages/index/index")  # the group page unloads
    assert home.route == "pages/index/index"
    await sim.clock.advance(minutes=1)
    assert modal_titles(bob).count("获得新徽章") == 1
    level = await sim.backend.get(f"/api/user/{user_id(bob)}/level", as_user=bob)
    assert level["points"] == 50
    assert sim.trace.findings == []


@journey(area="group-buy", embedded=True)
async def leaving_the_group_page_while_the_payment_confirms_ends_its_looks(sim, alice, bob):
    await open_shop(sim)
    product = await product_with_group_size(sim, 3)
    group_page = await start_group(alice, product["id"])
    group_id = group_page.data["groupId"]
    await alice.back()

    # Bob joins from the product page; the notification is late, the group page says so.
    await sim.backend.fault("/api/pay/notify", status=500, count=1)  # WeChat Pay retries 15 s later
    detail = await bob.launch(f"/pages/product/detail?id={product['id']}")
    await tap_text(detail, "去参团")
    assert "支付成功" in toast_titles(bob)
    page = bob.current_page
    assert page.route == GROUP_PAGE
    assert shows(page, "支付确认中") and shows(page, "已支付，积分确认中")
    await sim.clock.advance(seconds=2)  # one more look; the next is due in 1 s

    back = await bob.back()  # the group page closes with a look still to come
    assert back.route == "pages/product/detail"
    looks = await group_looks(sim, bob, group_id)
    await sim.clock.advance(minutes=1)
    assert await group_looks(sim, bob, group_id) == looks
    # The points arrive with the payment all the same; nobody was on the page to celebrate them.
    [order] = await orders_of(sim, bob)
    assert order["status"] == "paid"
    level = await sim.backend.get(f"/api/user/{user_id(bob)}/level", as_user=bob)
    assert level["points"] == 50
    assert "获得新徽章" not in modal_titles(bob)
    assert [r.get("reason") for r in await purchase_reports(sim, bob)] == ["pending_payment"]
    assert sim.trace.findings == [], "no timer of the closed group page fired"
