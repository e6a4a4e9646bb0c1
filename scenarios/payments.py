"""Paying alone: buy now, cancel and retry, a failing payment, refunds, cancelling and unpaid orders closing."""

from __future__ import annotations

from _helpers import (
    latest_modal,
    level_line,
    modal_titles,
    open_shop,
    order_of,
    orders_of,
    price_text,
    shows,
    tap_text,
    toast_titles,
    user_id,
    wait_for_refunds,
)

from mock_wx.rig.backend_client import BackendError
from mock_wx.rig.journeys import journey

PRODUCT = "p004"
ORDER_DETAIL = "pages/order/detail"


async def buy_now(user, product_id: str = PRODUCT):
    """`user` opens a product and taps 单独购买; returns the detail page."""
    detail = await user.launch(f"/pages/product/detail?id={product_id}")
    await tap_text(detail, "单独购买")
    return detail


async def open_my_only_order(user):
    """From the orders tab, tap the (only) order; returns its detail page."""
    orders = await user.launch("/pages/order/list")
    cards = orders.get_elements(".order")
    assert len(cards) == 1, [card.text for card in cards]
    await cards[0].tap()
    page = user.current_page
    assert page.route == ORDER_DETAIL
    return page


def status_of(page) -> str:
    """The order's status as its detail page says it (已支付, 支付确认中, 退款中, ...)."""
    return page.get_element(".head .title").text


@journey(area="payments", embedded=True)
async def buy_now_and_see_the_paid_order(sim, alice):
    await open_shop(sim)
    product = await sim.backend.get(f"/api/products/{PRODUCT}")
    await buy_now(alice)

    assert "支付成功" in toast_titles(alice)
    page = alice.current_page
    assert page.route == ORDER_DETAIL
    assert status_of(page) == "已支付"
    assert shows(page, price_text(product["price"]))
    assert [(p["amount"], p["outcome"]) for p in alice.payments.history] == [(product["price"], "confirm")]
    order = await order_of(sim, alice, page.data["orderId"])
    assert order["status"] == "paid" and order["paidAt"]
    # WeChat Pay told the backend exactly once.
    deliveries = [d for d in sim.services.platform.pay.deliveries if d.event_type == "TRANSACTION.SUCCESS"]
    assert len(deliveries) == 1 and deliveries[0].acknowledged
    assert sim.trace.findings == []


@journey(area="payments")
async def cancel_the_payment_then_pay_from_the_order(sim, alice):
    await open_shop(sim)
    alice.payments.next("cancel")
    detail = await buy_now(alice)
    assert "支付已取消" in toast_titles(alice)
    assert alice.current_page.route == "pages/product/detail", "a cancelled payment stays on the product"
    assert not detail.get_element("button", text_contains="单独购买").disabled

    page = await open_my_only_order(alice)
    assert status_of(page) == "待支付"
    await tap_text(page, "去支付")
    assert "支付成功" in toast_titles(alice)
    assert status_of(page) == "已支付"
    assert [p["outcome"] for p in alice.payments.history] == ["cancel", "confirm"]
    assert [o["status"] for o in await orders_of(sim, alice)] == ["paid"]
    assert sim.trace.findings == []


@journey(area="payments")
async def a_failing_payment_shows_the_failure_and_keeps_the_order(sim, alice):
    await open_shop(sim)
    alice.payments.next("fail")
    await buy_now(alice)
    assert latest_modal(alice)["title"] == "支付失败"
    assert "支付成功" not in toast_titles(alice)
    [order] = await orders_of(sim, alice)
    assert order["status"] == "created"

    # The second try goes through.
    page = await open_my_only_order(alice)
    await tap_text(page, "去支付")
    assert status_of(page) == "已支付"
    assert sim.trace.findings == []


@journey(area="payments")
async def refund_a_paid_order(sim, alice):
    await open_shop(sim)
    stock_before = (await sim.backend.get(f"/api/products/{PRODUCT}"))["stock"]
    await buy_now(alice)
    page = alice.current_page

    await tap_text(page, "申请退款")
    assert latest_modal(alice)["title"] == "申请退款"
    assert status_of(page) in ("退款中", "已退款")
    await wait_for_refunds(sim)
    order = await order_of(sim, alice, page.data["orderId"])
    assert order["status"] == "refunded"
    assert (await sim.backend.get(f"/api/products/{PRODUCT}"))["stock"] == stock_before
    assert sim.trace.findings == []


@journey(area="payments")
async def think_twice_before_a_refund(sim, alice):
    await open_shop(sim)
    await buy_now(alice)
    page = alice.current_page
    alice.dialogs.next("modal", "cancel")
    await tap_text(page, "申请退款")
    assert latest_modal(alice)["cancelText"] == "再想想"
    assert status_of(page) == "已支付"
    assert (await order_of(sim, alice, page.data["orderId"]))["status"] == "paid"
    assert sim.trace.findings == []


@journey(area="payments")
async def cancel_an_unpaid_order(sim, alice):
    await open_shop(sim)
    alice.payments.next("cancel")
    await buy_now(alice)
    page = await open_my_only_order(alice)
    await tap_text(page, "取消订单")
    assert "取消订单" in modal_titles(alice)
    assert "已取消" in toast_titles(alice)
    assert status_of(page) == "已关闭"
    assert (await order_of(sim, alice, page.data["orderId"]))["closedReason"] == "cancelled"
    assert sim.trace.findings == []


@journey(area="payments")
async def an_unpaid_order_closes_after_thirty_minutes(sim, alice):
    await open_shop(sim)
    stock_before = (await sim.backend.get(f"/api/products/{PRODUCT}"))["stock"]
    alice.payments.next("cancel")
    await buy_now(alice)
    [order] = await orders_of(sim, alice)
    assert order["status"] == "created"
    page = await open_my_only_order(alice)  # and leaves it on screen, unpaid

    await sim.clock.advance(minutes=31)
    order = await order_of(sim, alice, order["id"])
    assert order["status"] == "closed" and order["closedReason"] == "timeout"
    assert (await sim.backend.get(f"/api/products/{PRODUCT}"))["stock"] == stock_before

    # Paying now from the page still showing 去支付 is refused with a message, and nothing is charged.
    assert status_of(page) == "待支付"
    await tap_text(page, "去支付")
    assert toast_titles(alice)[-1] == "订单状态已变化，请刷新"
    assert status_of(page) == "已关闭"
    assert sim.trace.findings == []


@journey(area="payments")
async def a_shipped_order_is_confirmed_on_arrival(sim, alice):
    await open_shop(sim)
    await buy_now(alice)
    order_id = alice.current_page.data["orderId"]
    await sim.backend.post(f"/__admin/orders/{order_id}/ship")

    page = await open_my_only_order(alice)
    assert status_of(page) == "已发货"
    await tap_text(page, "确认收货")
    assert "确认收货" in modal_titles(alice)
    assert "已收货" in toast_titles(alice)
    assert status_of(page) == "已完成"
    assert sim.trace.findings == []


@journey(area="payments", embedded=True)
async def a_lost_payment_notification_is_delivered_again(sim, alice):
    await open_shop(sim)
    # The backend is briefly down when WeChat Pay tells it about the payment.
    await sim.backend.fault("/api/pay/notify", status=500, count=1)
    await buy_now(alice)
    assert "支付成功" in toast_titles(alice)
    page = alice.current_page
    assert page.route == ORDER_DETAIL
    # The order page checks again after 1 s and 2 s (then 4, 8, 16) and still sees it unpaid.
    await sim.clock.advance(seconds=4)
    assert status_of(page) == "支付确认中"

    # WeChat Pay retries 15 s after the first try.
    await sim.clock.advance(seconds=15)
    order = await order_of(sim, alice, page.data["orderId"])
    assert order["status"] == "paid"
    [delivery] = sim.services.platform.pay.deliveries
    assert [a.status for a in delivery.attempts] == [500, 204] and delivery.acknowledged
    again = await open_my_only_order(alice)
    assert status_of(again) == "已支付"
    assert sim.trace.findings == []


@journey(area="payments", embedded=True)
async def a_duplicate_notification_changes_nothing(sim, alice):
    await open_shop(sim)
    stock_before = (await sim.backend.get(f"/api/products/{PRODUCT}"))["stock"]
    await buy_now(alice)
    order_id = alice.current_page.data["orderId"]
    [delivery] = sim.services.platform.pay.deliveries

    attempt = await sim.services.platform.pay.redeliver(delivery.transaction_id)
    assert attempt.ok
    order = await order_of(sim, alice, order_id)
    assert order["status"] == "paid"
    assert len(await orders_of(sim, alice)) == 1
    assert (await sim.backend.get(f"/api/products/{PRODUCT}"))["stock"] == stock_before - 1
    level = await sim.backend.get("/api/user/me", as_user=alice)
    assert level["points"] == 50, "the purchase is rewarded once"
    assert sim.trace.findings == []


@journey(area="payments", embedded=True)
async def a_late_payment_notification_still_earns_the_purchase_points(sim, alice):
    await open_shop(sim)
    # The backend misses WeChat Pay's first notification, so the app reports the purchase too early.
    await sim.backend.fault("/api/pay/notify", status=500, count=1)
    await buy_now(alice)
    assert "支付成功" in toast_titles(alice)
    order_id = alice.current_page.data["orderId"]
    [early] = [e["responseBody"] for e in await sim.backend.journal(path="/api/user/reward")]
    assert (early["awarded"], early["reason"]) == (False, "pending_payment")

    # WeChat Pay retries 15 s later; the backend awards the points with the verified payment.
    await sim.clock.advance(seconds=19)
    assert (await order_of(sim, alice, order_id))["status"] == "paid"
    me = await alice.launch("/pages/user/user")
    assert level_line(me) == "Lv.1 · 50 积分"

    # The app's report again (paying from the order page would send it) and a duplicate notification: still 50.
    again = await sim.backend.post("/api/user/reward", {"action": "purchase", "objectId": order_id}, as_user=alice)
    assert again["totalPoints"] == 50
    [delivery] = sim.services.platform.pay.deliveries
    assert (await sim.services.platform.pay.redeliver(delivery.transaction_id)).ok
    level = await sim.backend.get(f"/api/user/{user_id(alice)}/level", as_user=alice)
    assert level["points"] == 50, "the purchase is rewarded exactly once"
    await me.pull_down()
    assert level_line(me) == "Lv.1 · 50 积分"
    assert sim.trace.findings == []


@journey(area="payments", embedded=True)
async def the_order_page_rests_while_hidden_and_shows_the_late_points_on_return(sim, alice):
    await open_shop(sim)
    await sim.backend.fault("/api/pay/notify", status=500, count=1)  # WeChat Pay retries 15 s later
    await buy_now(alice)
    page = alice.current_page
    order_id = page.data["orderId"]
    assert status_of(page) == "支付确认中"
    assert shows(page, "已支付，积分确认中")

    # Alice looks at the product again: the order page underneath stops checking.
    await page.get_element(".card", text_contains=page.get_element(".name").text).tap()
    assert alice.current_page.route == "pages/product/detail"
    looks = f"/api/orders/{order_id}"
    before = len(await sim.backend.journal(path=looks, method="GET"))
    await sim.clock.advance(seconds=40)
    assert len(await sim.backend.journal(path=looks, method="GET")) == before, "no checks while hidden"
    assert "获得新徽章" not in modal_titles(alice)
    assert (await order_of(sim, alice, order_id))["status"] == "paid", "the retried notification landed"

    # Back on the order page: one look finds it paid, and the points (and first-order badge) show once.
    page = await alice.navigate_back()
    assert page.route == ORDER_DETAIL
    await sim.clock.advance(seconds=1)
    assert status_of(page) == "已支付"
    assert shows(page, "本单获得 50 积分")
    assert modal_titles(alice).count("获得新徽章") == 1
    assert "首单达成" in latest_modal(alice)["content"]
    reports = [e["responseBody"] for e in await sim.backend.journal(path="/api/user/reward")]
    assert [(r["points"], r.get("reason")) for r in reports] == [(0, "pending_payment"), (50, None)]

    # Leaving afterwards is quiet: no timer of the order page outlives it, nothing is celebrated twice.
    await alice.navigate_back()
    await sim.clock.advance(minutes=1)
    assert modal_titles(alice).count("获得新徽章") == 1
    level = await sim.backend.get(f"/api/user/{user_id(alice)}/level", as_user=alice)
    assert level["points"] == 50
    assert sim.trace.findings == []


@journey(area="payments", embedded=True)
async def leaving_the_order_page_while_the_payment_confirms_ends_its_checks(sim, alice):
    await open_shop(sim)
    await sim.backend.fault("/api/pay/notify", status=500, count=1)  # WeChat Pay retries 15 s later
    await buy_now(alice)
    page = alice.current_page
    order_id = page.data["orderId"]
    assert shows(page, "已支付，积分确认中")
    await sim.clock.advance(seconds=2)  # one more look; the next is due in 2 s

    back = await alice.navigate_back()  # the order page closes with a check still to come
    assert back.route == "pages/product/detail"
    looks = f"/api/orders/{order_id}"
    before = len(await sim.backend.journal(path=looks, method="GET"))
    await sim.clock.advance(minutes=1)
    assert len(await sim.backend.journal(path=looks, method="GET")) == before
    # The points arrive with the payment all the same; nobody was on the page to celebrate them.
    level = await sim.backend.get(f"/api/user/{user_id(alice)}/level", as_user=alice)
    assert level["points"] == 50
    assert "获得新徽章" not in modal_titles(alice)
    assert sim.trace.findings == [], "no timer of the closed order page fired"


@journey(area="payments", embedded=True)
async def a_refund_asked_a_year_later_is_refused_and_says_so(sim, alice):
    await open_shop(sim)
    await buy_now(alice)
    order_id = alice.current_page.data["orderId"]
    await sim.backend.post(f"/__admin/orders/{order_id}/ship")

    # More than a year later (WeChat Pay refunds within 365 days of payment) alice asks for her money back.
    await alice.launch("/pages/index/index")
    await sim.clock.advance(days=366)
    page = await open_my_only_order(alice)
    assert status_of(page) == "已完成", "it confirmed itself 10 days after shipping"
    await tap_text(page, "申请退款")
    assert latest_modal(alice)["title"] == "申请退款"
    assert status_of(page) == "退款失败"
    assert shows(page, "退款未能完成，请联系客服处理")
    order = await order_of(sim, alice, order_id)
    assert order["status"] == "refund_failed" and "365 days" in order["refundError"]
    assert sim.services.platform.pay.refunds == {}, "the platform kept nothing of the refused refund"

    # It stays that way (a final state, not a refund still in progress), and asking again is refused.
    await sim.clock.advance(minutes=5)
    again = await open_my_only_order(alice)
    assert status_of(again) == "退款失败"
    try:
        await sim.backend.post(f"/api/orders/{order_id}/refund", as_user=alice)
    except BackendError as exc:
        assert exc.status == 409, exc
    else:
        raise AssertionError("a second refund request must be refused")
    assert sim.trace.findings == []
