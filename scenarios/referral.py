"""Referral: a shared link binds a friend, their first order earns a commission that settles after the
refund window, a refund claws it back, and nobody refers themselves."""

from __future__ import annotations

from _helpers import open_shop, orders_of, price_text, shows, tap_text, toast_titles, wait_for_refunds

from mock_wx.rig.journeys import journey

PRODUCT = "p003"  # 15 % commission


async def share_product(user, product_id: str = PRODUCT):
    """`user` opens a product and taps 分享给好友，赚佣金 to send it to a chat; returns the card."""
    detail = await user.launch(f"/pages/product/detail?id={product_id}")
    return await tap_text(detail, "分享给好友")


def commission_rows(centre) -> list[str]:
    """The referral centre's 佣金明细 lines as they read ("商品名 ¥12.30 待结算")."""
    return [row.text for row in centre.get_elements(".card .line") if row.text.endswith(("结算", "扣回"))]


async def summary(sim, user) -> dict:
    return dict(await sim.backend.get("/api/referral/summary", as_user=user))


@journey(area="referral")
async def a_referred_friends_first_order_earns_a_commission_that_settles(sim, alice, bob):
    await open_shop(sim)
    product = await sim.backend.get(f"/api/products/{PRODUCT}")
    card = await share_product(alice)
    code = (await summary(sim, alice))["referralCode"]
    assert f"ref={code}" in card.path

    detail = await bob.open(card)
    assert detail.route == "pages/product/detail"
    await tap_text(detail, "单独购买")
    assert "支付成功" in toast_titles(bob)

    expected = int(product["price"] * product["commissionRate"])
    mine = await summary(sim, alice)
    assert [u["ordered"] for u in mine["referredUsers"]] == [True]
    assert mine["commissions"] == {"pending": expected, "settled": 0, "clawedBack": 0}

    # Alice looks at her referral centre, then again after the 7-day refund window.
    centre = await alice.launch("/pages/referral/referral")
    assert centre.get_element(".code").text == code
    assert shows(centre, "邀请的好友（1）")
    [row] = commission_rows(centre)
    assert row.endswith(f"{price_text(expected)} 待结算"), row
    await sim.clock.advance(days=7, minutes=1)
    await centre.pull_down()
    assert commission_rows(centre)[0].endswith("已结算")
    assert (await summary(sim, alice))["commissions"]["settled"] == expected
    assert sim.trace.findings == []


@journey(area="referral")
async def a_refund_claws_the_commission_back(sim, alice, bob):
    await open_shop(sim)
    card = await share_product(alice)
    detail = await bob.open(card)
    await tap_text(detail, "单独购买")
    order_page = bob.current_page
    assert order_page.route == "pages/order/detail"

    await tap_text(order_page, "申请退款")
    await wait_for_refunds(sim)
    [order] = await orders_of(sim, bob)
    assert order["status"] == "refunded"
    commissions = (await summary(sim, alice))["commissions"]
    assert commissions["pending"] == 0 and commissions["settled"] == 0 and commissions["clawedBack"] > 0

    # Even after the window nothing settles.
    await sim.clock.advance(days=8)
    assert (await summary(sim, alice))["commissions"]["settled"] == 0
    centre = await alice.launch("/pages/referral/referral")
    assert commission_rows(centre)[0].endswith("已扣回")
    assert sim.trace.findings == []


@journey(area="referral")
async def nobody_refers_themselves(sim, alice):
    await open_shop(sim)
    card = await share_product(alice)
    # Alice taps her own card in the chat and buys.
    detail = await alice.open(card)
    await tap_text(detail, "单独购买")
    mine = await summary(sim, alice)
    assert mine["referredUsers"] == []
    assert mine["referredBy"] is None
    assert mine["items"] == []
    tracks = await sim.backend.journal(path="/api/referral/track")
    assert tracks and all(t["responseBody"]["bound"] is False for t in tracks)
    assert sim.trace.findings == []


@journey(area="referral")
async def the_first_link_a_friend_opens_wins(sim, alice, bob, carol):
    await open_shop(sim)
    alice_card = await share_product(alice)
    carol_card = await share_product(carol, "p005")
    await bob.open(alice_card)
    await bob.open(carol_card)
    await tap_text(bob.current_page, "单独购买")

    assert len((await summary(sim, alice))["items"]) == 1
    assert (await summary(sim, carol))["referredUsers"] == []
    assert (await summary(sim, bob))["referredBy"] is not None
    assert sim.trace.findings == []


@journey(area="referral")
async def the_referral_centre_shares_a_home_link_with_the_code(sim, alice, bob):
    await open_shop(sim)
    centre = await alice.launch("/pages/referral/referral")
    code = centre.get_element(".code").text
    assert code and code != "生成中…"
    await tap_text(centre, "复制邀请码")
    card = await tap_text(centre, "分享给好友")
    assert card.path.startswith("/pages/index/index") and f"ref={code}" in card.path

    home = await bob.open(card)
    assert home.route == "pages/index/index"
    assert len(home.get_elements("product-card")) == 10
    mine = await summary(sim, alice)
    assert len(mine["referredUsers"]) == 1
    assert mine["referredUsers"][0]["ordered"] is False
    assert sim.trace.findings == []


@journey(area="referral")
async def an_old_customer_is_not_bound_by_a_new_link(sim, alice, bob):
    await open_shop(sim)
    await bob.launch("/pages/index/index")  # bob has used the shop for a while
    await bob.hide()
    await sim.clock.advance(days=8)

    card = await share_product(alice)
    detail = await bob.open(card)
    await tap_text(detail, "单独购买")
    [track] = await sim.backend.journal(path="/api/referral/track")
    assert track["responseBody"] == {"bound": False, "reason": "window_expired"}
    mine = await summary(sim, alice)
    assert mine["referredUsers"] == [] and mine["items"] == []
    assert sim.trace.findings == []


@journey(area="referral")
async def two_friends_cannot_refer_each_other(sim, alice, bob):
    await open_shop(sim)
    card = await share_product(alice)
    await bob.open(card)                     # bob is alice's referral now
    bob_card = await share_product(bob, "p005")
    await alice.open(bob_card)               # ... so alice cannot become his
    assert len((await summary(sim, alice))["referredUsers"]) == 1
    assert (await summary(sim, bob))["referredUsers"] == []
    assert (await summary(sim, alice))["referredBy"] is None
    tracks = await sim.backend.journal(path="/api/referral/track")
    assert tracks[-1]["responseBody"]["reason"] == "cycle"
    assert sim.trace.findings == []


@journey(area="referral")
async def a_card_shared_right_after_launch_still_carries_the_code(sim, alice, bob):
    await open_shop(sim)
    # Alice shares the home page at once: her code is not known yet, so the card waits for it.
    await alice.launch("/pages/index/index")
    card = await alice.share()
    code = (await summary(sim, alice))["referralCode"]
    assert card.query["ref"] == code

    await bob.open(card, chat="group")
    assert len((await summary(sim, alice))["referredUsers"]) == 1
    assert sim.trace.findings == []
