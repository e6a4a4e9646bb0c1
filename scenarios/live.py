"""Live rooms: viewers comment over a socket, the anchor highlights products, the stream ends;
rate limits, moderation and a dropped connection."""

from __future__ import annotations

import asyncio

from _helpers import drop_live_connections, latest_modal, open_shop, shows, soon, tap_text, toast_titles

from mock_wx.rig.element import ElementError
from mock_wx.rig.journeys import journey

LIVE = "s1"      # the seeded room that is live
ENDED = "s3"     # the seeded room that has ended
ROOM = "pages/live-stream/live-stream"


async def enter_room(user, stream_id: str = LIVE):
    """`user` opens the live room straight from a link; returns the page once the socket is open."""
    page = await user.launch(f"/pages/live-stream/live-stream?streamId={stream_id}")
    assert page.data["streamId"] == stream_id
    return page


async def say(page, text: str) -> None:
    """Type a comment and press 发送."""
    await page.get_element(".composer input").input(text)
    await tap_text(page, "发送")


def comments(room) -> list[str]:
    """The comments the room shows, oldest first, as "name：text"."""
    return [c.text for c in room.get_elements(".comments .comment")]


def said(room) -> list[str]:
    """What the comments the room shows say (without the names)."""
    return [c.get_elements("text")[1].text for c in room.get_elements(".comments .comment")]


def connected(room) -> bool:
    """The composer says 说点什么… once the room's socket is open (连接中… before)."""
    return room.get_element(".composer input").attribute("placeholder") == "说点什么…"


def highlighted(room) -> list[bool]:
    """Which of the room's products carry the 主播讲解中 tag."""
    return ["主播讲解中" in card.text for card in room.get_elements("product-card")]


@journey(area="live")
async def fifty_viewers_comment_in_one_room(sim):
    await open_shop(sim)
    viewers = sim.users(50)
    rooms = [await enter_room(viewer) for viewer in viewers]
    assert all(connected(room) for room in rooms)

    def viewers_shown(room) -> str:
        return room.get_element(".viewers").text

    await soon(sim, lambda: viewers_shown(rooms[0]) == "50 人观看", within=15, what="the first viewer counts 50")
    await soon(sim, lambda: all(viewers_shown(room) == "50 人观看" for room in rooms), what="everyone counts 50")

    await asyncio.gather(*(say(room, f"{viewer.name} 来了") for viewer, room in zip(viewers, rooms, strict=True)))
    await soon(sim, lambda: len(comments(rooms[-1])) == 50, within=15, what="the last viewer has them all")
    await soon(sim, lambda: all(len(comments(room)) == 50 for room in rooms), what="every comment arrives")
    for room in (rooms[0], rooms[24], rooms[-1]):
        assert set(said(room)) == {f"{v.name} 来了" for v in viewers}
        assert room.get_element(".composer input").value == ""
    # Names come from each viewer's session, not from what the client sent.
    names = [c.get_element(".user").text for c in rooms[0].get_elements(".comments .comment")]
    assert all(name.endswith("：") and len(name) > 1 for name in names)
    assert len(set(names)) == 50
    loads = await sim.backend.journal(path=f"/api/live-stream/{LIVE}", method="GET")
    assert len(loads) == 50, "every viewer loaded the room over HTTP first"
    assert sim.trace.findings == []


@journey(area="live")
async def the_anchor_highlights_a_product_for_five_seconds(sim, alice, bob):
    await open_shop(sim)
    rooms = [await enter_room(alice), await enter_room(bob)]
    product_id = rooms[0].get_elements("product-card")[1].dataset["id"]

    await sim.backend.post(f"/__admin/live/{LIVE}/highlight", {"productId": product_id})
    await soon(sim, lambda: all(any(highlighted(room)) for room in rooms))
    for room in rooms:
        assert highlighted(room) == [False, True, False, False]

    await sim.clock.advance(seconds=5)
    await sim.idle()
    for room in rooms:
        assert not any(highlighted(room))
    assert sim.trace.findings == []


@journey(area="live")
async def the_stream_ends_and_viewers_go_back_to_the_list(sim, alice, bob):
    await open_shop(sim)
    listing = await alice.launch("/pages/live-stream/list")
    first = listing.get_elements(".stream")[0]
    assert first.get_element(".status").text == "直播中"
    await first.tap()
    room = alice.current_page
    assert room.route == ROOM and room.get_element(".live-tag").text == "直播中"
    bob_room = await enter_room(bob)

    await sim.backend.post(f"/__admin/live/{LIVE}/end")
    await soon(sim, lambda: not bob_room.alive and alice.current_page.route != ROOM, what="both leave the room")
    assert latest_modal(alice)["title"] == "直播已结束"
    assert alice.current_page.route == "pages/live-stream/list", "返回 takes alice back to the list"
    # Bob came from a link: the room was his first page, so 返回 takes him home.
    assert latest_modal(bob)["title"] == "直播已结束"
    assert bob.current_page.route == "pages/index/index"
    assert not bob_room.alive
    assert sim.trace.findings == []


@journey(area="live")
async def a_chatty_viewer_hits_the_comment_rate_limit(sim, alice, bob):
    await open_shop(sim)
    room = await enter_room(alice)
    bob_room = await enter_room(bob)
    for n in range(6):
        await say(room, f"第{n + 1}条")
    await soon(sim, lambda: "发言太快了，稍后再试" in toast_titles(alice), what="the rate-limit toast")
    assert said(bob_room) == [f"第{n + 1}条" for n in range(5)]

    # Ten seconds later alice may talk again.
    await sim.clock.advance(seconds=10)
    await say(room, "我又来了")
    await soon(sim, lambda: said(bob_room)[-1] == "我又来了")
    assert sim.trace.findings == []


@journey(area="live")
async def moderation_blocks_a_spam_comment(sim, alice, bob):
    await open_shop(sim)
    room = await enter_room(alice)
    bob_room = await enter_room(bob)
    await say(room, "便宜代购，加微信")
    await soon(sim, lambda: "评论含有违规内容" in toast_titles(alice), what="the moderation toast")
    await say(room, "这个颜色好看")
    await soon(sim, lambda: comments(bob_room), what="bob sees a comment")
    assert said(bob_room) == ["这个颜色好看"], "the blocked one never shows"
    assert sim.trace.findings == []


@journey(area="live")
async def a_dropped_connection_comes_back_by_itself(sim, alice):
    await open_shop(sim)
    room = await enter_room(alice)
    assert connected(room)

    # The server restarts and drops every connection of the room.
    assert await drop_live_connections(sim, LIVE) == 1
    await soon(sim, lambda: not connected(room), what="the room notices")

    await sim.clock.advance(seconds=1)
    assert connected(room), "the room reconnects after a second"
    await say(room, "还在吗")
    await soon(sim, lambda: comments(room), what="her comment comes back")
    assert said(room)[-1] == "还在吗"
    assert sim.trace.findings == []


@journey(area="live")
async def tapping_a_product_in_the_room_records_interest(sim, alice):
    await open_shop(sim)
    room = await enter_room(alice)
    card = room.get_elements("product-card")[0]
    product_id = card.dataset["id"]
    name = card.get_element(".name").text
    await card.tap()
    detail = alice.current_page
    assert detail.route == "pages/product/detail"
    assert shows(detail, "来自直播间")
    assert detail.get_element(".name").text == name
    interest = await sim.backend.journal(path="/api/analytics/product-interest")
    assert [e["requestBody"] for e in interest] == [{"productId": product_id, "streamId": LIVE}]

    # Back in the room the socket is still there.
    room = await alice.back()
    assert connected(room)
    assert sim.trace.findings == []


@journey(area="live")
async def an_ended_stream_opens_without_a_socket(sim, alice):
    await open_shop(sim)
    room = await alice.launch(f"/pages/live-stream/live-stream?streamId={ENDED}")
    assert room.get_element(".live-tag").text == "已结束"
    assert not connected(room)
    # Nothing to say to an ended stream: the composer is disabled, and a tap on 发送 does nothing.
    send = room.get_element("button", inner_text="发送")
    assert room.get_element(".composer input").disabled and send.disabled
    try:
        await send.tap()
    except ElementError as exc:
        assert "disabled" in str(exc)
    else:
        raise AssertionError("发送 should be disabled in an ended room")
    assert "正在连接" not in toast_titles(alice)
    assert sim.trace.findings == []
