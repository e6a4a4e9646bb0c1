"""When things go wrong: server errors, timeouts, broken answers, dropped connections, a closed group,
an expired login code and a stale session. Each one takes the page's own error path."""

from __future__ import annotations

import json

from _helpers import (
    drop_live_connections,
    open_shop,
    orders_of,
    product_with_group_size,
    shows,
    soon,
    tap_text,
    toast_titles,
)

from mock_wx.rig.journeys import journey


def empty_note(page) -> str:
    """What the page's empty/error line says ("" when it shows none)."""
    notes = page.get_elements(".empty")
    return notes[0].text if notes else ""


@journey(area="errors")
async def the_product_list_fails_then_recovers_on_pull_down(sim, alice):
    await open_shop(sim)
    await sim.backend.fault("/api/products", status=500, count=1)
    home = await alice.launch("/pages/index/index")
    assert empty_note(home) == "服务繁忙"
    assert home.get_elements("product-card") == []
    assert toast_titles(alice) == ["加载失败"]

    await home.pull_down()
    assert empty_note(home) == ""
    assert len(home.get_elements("product-card")) == 10
    assert sim.trace.findings == []


@journey(area="errors")
async def placing_an_order_fails_with_a_server_error(sim, alice):
    await open_shop(sim)
    detail = await alice.launch("/pages/product/detail?id=p004")
    await sim.backend.fault("/api/orders", method="POST", status=503, count=1)
    await tap_text(detail, "单独购买")
    assert toast_titles(alice)[-1] == "服务繁忙"
    assert alice.current_page.route == "pages/product/detail"
    assert not detail.get_element("button", text_contains="单独购买").disabled, "the button works again"
    assert "loading" not in alice.ctx.ui
    assert await orders_of(sim, alice) == []

    await tap_text(detail, "单独购买")
    assert "支付成功" in toast_titles(alice)
    assert sim.trace.findings == []


@journey(area="errors")
async def a_slow_server_times_out(sim, alice):
    await open_shop(sim)
    feed = await alice.launch("/pages/social-feed/social-feed")
    # The next page of the feed hangs on the server.
    await sim.backend.fault("/api/social-feed", delayMs=300, count=1)
    grace, sim.services.stall_grace = sim.services.stall_grace, 0.05  # real seconds idle() waits for it
    await feed.reach_bottom()
    assert shows(feed, "加载中…")
    await sim.clock.advance(seconds=11)  # app.json networkTimeout.request is 10 s
    sim.services.stall_grace = grace
    assert empty_note(feed) == "网络超时"
    assert not shows(feed, "加载中…") and len(feed.get_elements(".post")) == 10
    await feed.reach_bottom()
    assert len(feed.get_elements(".post")) == 20
    await feed.pull_down()
    assert len(feed.get_elements(".post")) == 10
    assert sim.trace.findings == []


@journey(area="errors")
async def a_dropped_connection_shows_a_network_error(sim, alice):
    await open_shop(sim)
    await sim.backend.fault("/api/live-stream", drop=True, count=1)
    listing = await alice.launch("/pages/live-stream/list")
    assert empty_note(listing) == "网络异常"
    await listing.pull_down()
    assert len(listing.get_elements(".stream")) == 3
    assert sim.trace.findings == []


@journey(area="errors")
async def a_garbled_answer_is_not_taken_for_data(sim, alice):
    await open_shop(sim)
    await sim.backend.fault("/api/orders", method="GET", malformed=True, count=1)
    orders = await alice.launch("/pages/order/list")
    assert empty_note(orders) == "malformed response"
    assert orders.get_elements(".order") == []
    assert sim.trace.findings == []


@journey(area="errors")
async def joining_a_finished_group_is_refused(sim, alice, bob, carol):
    await open_shop(sim)
    product = await product_with_group_size(sim, 2)
    detail = await alice.launch(f"/pages/product/detail?id={product['id']}")
    await tap_text(detail, "发起拼团")
    card = await alice.share()
    # Carol opens the product meanwhile and sees alice's group with one place left.
    carols_detail = await carol.launch(f"/pages/product/detail?id={product['id']}")
    join = carols_detail.get_element("button", inner_text="去参团")

    page = await bob.open(card)
    await tap_text(page, "立即参团")
    assert shows(page, "拼团成功")

    # Carol, still on the product page from before, taps the group she saw there.
    await join.tap()
    assert toast_titles(carol)[-1] == "拼团已结束"
    assert carol.current_page.route == "pages/product/detail"
    assert not carols_detail.element_exists("button", inner_text="去参团"), "the list of open groups is refreshed"
    assert await orders_of(sim, carol) == []
    assert sim.trace.findings == []


@journey(area="errors", embedded=True)
async def an_expired_login_code_is_retried(sim, alice):
    await open_shop(sim)
    login = sim.services.platform.login
    issue = login.issue_code

    def stale_code(user_key: str) -> str:
        # The first code sat in a suspended app for more than five minutes before it was used.
        code = issue(user_key)
        login.expire_code(code)
        login.issue_code = issue
        return code

    login.issue_code = stale_code
    home = await alice.launch("/pages/index/index")
    assert len(home.get_elements("product-card")) == 10
    logins = await sim.backend.journal(path="/api/auth/login")
    assert [e["status"] for e in logins] == [401]
    assert logins[0]["responseBody"]["error"] == "invalid_code"

    # Her first request that needs a session logs in again by itself.
    await home.get_element('product-card[data-id="p004"]').tap()
    detail = alice.current_page
    assert detail.route == "pages/product/detail"
    assert empty_note(detail) == "" and detail.element_exists("button", text_contains="单独购买")
    assert [e["status"] for e in await sim.backend.journal(path="/api/auth/login")] == [401, 200]
    assert sim.trace.findings == []


@journey(area="errors")
async def a_stale_session_logs_in_again_once(sim, alice):
    await open_shop(sim)
    home = await alice.launch("/pages/index/index")
    # The backend forgot her session (say, after a restart).
    alice.storage["token"] = json.dumps("token-from-last-month")
    await home.get_element('product-card[data-id="p004"]').tap()
    detail = alice.current_page
    await tap_text(detail, "单独购买")
    assert "支付成功" in toast_titles(alice)
    assert [e["status"] for e in await sim.backend.journal(path="/api/auth/login")] == [200, 200]
    assert [e["status"] for e in await sim.backend.journal(path="/api/group-buy")] == [401, 200]
    assert len(await orders_of(sim, alice)) == 1
    assert sim.trace.findings == []


@journey(area="errors")
async def a_live_room_that_cannot_reconnect_gives_up_after_three_tries(sim, alice):
    await open_shop(sim)
    room = await alice.launch("/pages/live-stream/live-stream?streamId=s1")
    composer = room.get_element(".composer input")

    def connected() -> bool:
        return composer.attribute("placeholder") == "说点什么…"  # 连接中… until the socket is open

    assert connected()

    # The room's socket server goes down: the connection drops and every handshake is refused.
    await sim.backend.fault("/api/live-stream/s1/ws", status=503)
    await drop_live_connections(sim, "s1")
    await soon(sim, lambda: not connected(), what="the room notices")
    for wait in (1, 2, 3):  # the app retries after 1 s, 2 s, 3 s
        await sim.clock.advance(seconds=wait)
        await soon(sim, lambda: not connected())
    assert toast_titles(alice)[-1] == "连接已断开"
    attempts = [e for e in sim.trace.of_kind("socket-error", "alice")]
    assert len(attempts) == 3

    # Sending now says it is still connecting, instead of losing the comment silently.
    await composer.input("还在吗")
    await tap_text(room, "发送")
    assert toast_titles(alice)[-1] == "正在连接"
    assert sim.trace.findings == []
