"""Live rooms: viewers comment over a socket, the anchor highlights products, the stream ends;
rate limits, moderation and a dropped connection."""

from __future__ import annotations

import asyncio

from _helpers import drop_live_connections, latest_modal, open_shop, soon, toast_titles

from mock_wx.rig.journeys import journey

LIVE = "s1"      # the seeded room that is live
ENDED = "s3"     # the seeded room that has ended
ROOM = "pages/live-stream/live-stream"


async def enter_room(user, stream_id: str = LIVE):
    """`user` opens the live room straight from a link; returns the page once the socket is open."""
    page = await user.launch(f"/pages/live-stream/live-stream?streamId={stream_id}")
    assert page.data["stream"]["id"] == stream_id
    return page


async def say(page, text: str) -> None:
    """Type a comment and press send."""
    await page.input("onCommentInput", text)
    await page.tap("sendComment")


@journey(area="live")
async def fifty_viewers_comment_in_one_room(sim):
    await open_shop(sim)
    viewers = sim.users(50)
    rooms = [await enter_room(viewer) for viewer in viewers]
    assert all(room.data["connected"] for room in rooms)
    await soon(sim, lambda: rooms[0].data["viewerCount"] == 50, within=15, what="the first viewer counts 50")
    await soon(sim, lambda: all(room.data["viewerCount"] == 50 for room in rooms), what="everyone counts 50")

    await asyncio.gather(*(say(room, f"{viewer.name} 来了") for viewer, room in zip(viewers, rooms, strict=True)))
    await soon(sim, lambda: len(rooms[-1].data["comments"]) == 50, within=15, what="the last viewer has them all")
    await soon(sim, lambda: all(len(room.data["comments"]) == 50 for room in rooms), what="every comment arrives")
    for room in (rooms[0], rooms[24], rooms[-1]):
        comments = room.data["comments"]
        assert len(comments) == 50
        assert {c["content"] for c in comments} == {f"{v.name} 来了" for v in viewers}
        assert room.data["commentInput"] == ""
    # Names come from each viewer's session, not from what the client sent.
    assert len({c["userId"] for c in rooms[0].data["comments"]}) == 50
    assert all(c["username"] for c in rooms[0].data["comments"])
    loads = await sim.backend.journal(path=f"/api/live-stream/{LIVE}", method="GET")
    assert len(loads) == 50, "every viewer loaded the room over HTTP first"
    assert sim.trace.findings == []


@journey(area="live")
async def the_anchor_highlights_a_product_for_five_seconds(sim, alice, bob):
    await open_shop(sim)
    rooms = [await enter_room(alice), await enter_room(bob)]
    product_id = rooms[0].data["products"][1]["id"]

    await sim.backend.post(f"/__admin/live/{LIVE}/highlight", {"productId": product_id})
    await soon(sim, lambda: all(room.data["highlightId"] for room in rooms))
    for room in rooms:
        assert room.data["highlightId"] == product_id
        assert [p["highlighted"] for p in room.data["products"]] == [False, True, False, False]

    await sim.clock.advance(seconds=5)
    await sim.idle()
    for room in rooms:
        assert room.data["highlightId"] == ""
        assert not any(p["highlighted"] for p in room.data["products"])
    assert sim.trace.findings == []


@journey(area="live")
async def the_stream_ends_and_viewers_go_back_to_the_list(sim, alice, bob):
    await open_shop(sim)
    listing = await alice.launch("/pages/live-stream/list")
    assert listing.data["streams"][0]["status"] == "live"
    await listing.tap("openStream", dataset={"id": LIVE})
    room = alice.current_page
    assert room.route == ROOM and room.data["isLive"]
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
    assert len(bob_room.data["comments"]) == 5

    # Ten seconds later alice may talk again.
    await sim.clock.advance(seconds=10)
    await say(room, "我又来了")
    await soon(sim, lambda: bob_room.data["comments"][-1]["content"] == "我又来了")
    assert sim.trace.findings == []


@journey(area="live")
async def moderation_blocks_a_spam_comment(sim, alice, bob):
    await open_shop(sim)
    room = await enter_room(alice)
    bob_room = await enter_room(bob)
    await say(room, "便宜代购，加微信")
    await soon(sim, lambda: "评论含有违规内容" in toast_titles(alice), what="the moderation toast")
    await say(room, "这个颜色好看")
    await soon(sim, lambda: bob_room.data["comments"], what="bob sees a comment")
    assert [c["content"] for c in bob_room.data["comments"]] == ["这个颜色好看"], "the blocked one never shows"
    assert sim.trace.findings == []


@journey(area="live")
async def a_dropped_connection_comes_back_by_itself(sim, alice):
    await open_shop(sim)
    room = await enter_room(alice)
    assert room.data["connected"]

    # The server restarts and drops every connection of the room.
    assert await drop_live_connections(sim, LIVE) == 1
    await soon(sim, lambda: not room.data["connected"], what="the room notices")

    await sim.clock.advance(seconds=1)
    assert room.data["connected"], "the room reconnects after a second"
    await say(room, "还在吗")
    await soon(sim, lambda: room.data["comments"], what="her comment comes back")
    assert room.data["comments"][-1]["content"] == "还在吗"
    assert sim.trace.findings == []


@journey(area="live")
async def tapping_a_product_in_the_room_records_interest(sim, alice):
    await open_shop(sim)
    room = await enter_room(alice)
    product_id = room.data["products"][0]["id"]
    await room.tap("onProductTap", dataset={"id": product_id})
    detail = alice.current_page
    assert detail.route == "pages/product/detail"
    assert detail.data["from"] == "live"
    assert detail.data["product"]["id"] == product_id
    interest = await sim.backend.journal(path="/api/analytics/product-interest")
    assert [e["requestBody"] for e in interest] == [{"productId": product_id, "streamId": LIVE}]

    # Back in the room the socket is still there.
    room = await alice.back()
    assert room.data["connected"]
    assert sim.trace.findings == []


@journey(area="live")
async def an_ended_stream_opens_without_a_socket(sim, alice):
    await open_shop(sim)
    room = await alice.launch(f"/pages/live-stream/live-stream?streamId={ENDED}")
    assert room.data["ended"] and not room.data["isLive"]
    assert not room.data["connected"]
    await say(room, "还有吗")
    assert toast_titles(alice)[-1] == "正在连接"
    assert sim.trace.findings == []
