"""The README's first test: if this breaks, the README is wrong for newcomers."""

from __future__ import annotations

from mock_wx import Simulator


async def test_friends_complete_a_group(sim: Simulator) -> None:
    await sim.backend.seed()                            # the embedded backend starts empty; p004 is a 3-person group
    alice, bob, carol = sim.users(3)                    # own storage, openid, device each
    detail = await alice.launch("/pages/product/detail?id=p004")
    await detail.get_element("button", text_contains="发起拼团").tap()  # the rendered button: pay, then the group page
    card = await alice.share()                          # via onShareAppMessage → ShareCard
    for friend in (bob, carol):
        page = await friend.open(card, chat="group")    # scene 1008 (no withShareTicket), referral attribution
        await page.get_element("button", text_contains="立即参团").tap()
    assert carol.current_page.get_element(".done").text == "拼团成功"   # what the last joiner reads
    group = await sim.backend.get(f"/api/group-buy/{card.query['groupId']}", as_user=alice)
    assert group["status"] == "complete"
    await sim.clock.advance(hours=24)                   # JS timers, Date and the backend move together
    assert sim.trace.findings == []                     # no platform pitfalls hit


async def test_the_view_layer_example(sim: Simulator) -> None:
    """README, "What the page shows": the element API example, as written there."""
    await sim.backend.seed()
    alice = sim.user("alice")
    page = await alice.launch("/pages/product/detail?id=p004")
    await page.get_element("button", text_contains="发起拼团").tap()   # what a person taps
    group = alice.current_page
    assert group.get_element("countdown").text == "24:00:00"           # what a person reads
    await group.get_element("member-list >>> .empty-slot").tap()        # into a custom component
    assert "<countdown" in group.wxml
    assert alice.dialogs.shown[-1]["title"] == "邀请好友来参团吧"
