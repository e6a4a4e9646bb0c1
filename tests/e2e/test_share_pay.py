"""End to end: A shares a product, B opens it in a group chat and pays through the real sandbox and backend.

The app is a small strict-mode client (tests/fixtures/apps/shop_e2e) running against the embedded
backend_stub and the WeChat platform sandbox, all on 127.0.0.1 (wx-fidelity.md §1, §3, §4, §9).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio

from mock_wx import Simulator

pytest.importorskip("backend_stub")

APP = Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "shop_e2e"


@pytest_asyncio.fixture
async def shop() -> AsyncIterator[Simulator]:
    async with Simulator(APP) as sim:
        await sim.backend.seed(seed=7, products=3, users=0, posts=0, streams=0)
        yield sim


def db(sim: Simulator) -> Any:
    return sim.services.backend.backend.db


async def product_id(sim: Simulator) -> str:
    body = await sim.backend.get("/api/products")
    return str(body["products"][0]["id"])


async def post_notify(sim: Simulator, body: str, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as http, http.post(
        sim.services.backend_url + "/api/pay/notify", data=body.encode(),
        headers={**headers, "Content-Type": "application/json"},
    ) as resp:
        return resp.status


async def test_share_group_open_and_pay(shop: Simulator) -> None:
    """§3 + §4: share → group open (1044, shareTicket) → cancel → pay → one verified notification, idempotent."""
    sim = shop
    alice, bob = sim.users(2)
    pid = await product_id(sim)

    # A's page shares the product (§3: onShareAppMessage makes the card).
    a_page = await alice.launch(f"/pages/product/product?id={pid}")
    assert a_page.data["product"]["id"] == pid
    card = await alice.share()
    assert card is not None and card.title == a_page.data["product"]["name"]
    assert card.query["id"] == pid and card.query["ref"]

    # B opens it in a group chat: the page asked withShareTicket, so scene 1044 with a shareTicket (§3).
    b_page = await bob.open(card, chat="group")
    launch = bob.realm.engine.eval("JSON.stringify(wx.getLaunchOptionsSync())")
    opts = json.loads(launch)
    assert opts["scene"] == 1044 and opts["shareTicket"] and opts["query"]["id"] == pid
    assert b_page.data["product"]["id"] == pid

    # B cancels the payment sheet: the page takes the cancel path, the order stays unpaid (§4).
    bob.payments.next("cancel")
    assert await b_page.call("buy") == "cancelled"
    assert b_page.data["lastError"] == "requestPayment:fail cancel"
    assert bob.ctx.ui["toast"]["title"] == "已取消支付"
    cancelled = b_page.data["order"]
    assert (await sim.backend.get(f"/api/orders/{cancelled['id']}", as_user=bob))["status"] == "created"
    platform = sim.services.platform
    assert platform.pay.orders[cancelled["outTradeNo"]].trade_state == "NOTPAY"

    # A forged paySign is refused by the platform before any sheet (§4 Signing).
    assert await b_page.call("payTampered") == "failed"
    assert b_page.data["lastError"].startswith("requestPayment:fail ")
    assert platform.pay.orders[cancelled["outTradeNo"]].trade_state == "NOTPAY"

    # B pays: the backend receives exactly one verified notification (§4 Payment notification).
    assert await b_page.call("buy") == "paid"
    paid = b_page.data["order"]
    assert paid["status"] == "paid"
    deliveries = [d for d in platform.pay.deliveries if d.out_trade_no == paid["outTradeNo"]]
    assert len(deliveries) == 1 and deliveries[0].acknowledged and len(deliveries[0].attempts) == 1
    assert deliveries[0].attempts[0].status in (200, 204)
    assert db(sim).scalar("SELECT COUNT(*) FROM payments") == 1
    sales = db(sim).scalar("SELECT sales FROM products WHERE id=?", pid)

    # A duplicate delivery is acknowledged and changes nothing (§4: processing must be idempotent).
    attempt = await platform.pay.redeliver(deliveries[0].transaction_id)
    assert attempt.ok
    assert db(sim).scalar("SELECT COUNT(*) FROM payments") == 1
    assert db(sim).scalar("SELECT sales FROM products WHERE id=?", pid) == sales
    assert (await sim.backend.get(f"/api/orders/{paid['id']}", as_user=bob))["status"] == "paid"
    assert (await sim.backend.get(f"/api/orders/{cancelled['id']}", as_user=bob))["status"] == "created"


async def test_tampered_notification_rejected(shop: Simulator) -> None:
    """§4: a notification whose body does not match its Wechatpay-Signature is rejected and changes nothing."""
    sim = shop
    bob = sim.user("bob")
    pid = await product_id(sim)
    page = await bob.launch(f"/pages/product/product?id={pid}")
    bob.payments.next("cancel")
    assert await page.call("buy") == "cancelled"
    order = page.data["order"]
    platform = sim.services.platform
    # Forge a SUCCESS notification for the unpaid order: a real envelope and resource, with a bad signature.
    pay_order = platform.pay.orders[order["outTradeNo"]]
    resource = {**pay_order.resource(), "trade_state": "SUCCESS", "transaction_id": "4200000000000000000000000001"}
    forged = platform.notifier.build(sim.services.backend_url + "/api/pay/notify", "TRANSACTION.SUCCESS",
                                     "支付成功", "transaction", resource)
    headers = platform.notifier.headers(forged.body)
    tampered = forged.body.replace('"summary":"支付成功"', '"summary":"支付成功!"')
    assert tampered != forged.body
    assert await post_notify(sim, tampered, headers) == 401
    # Genuine platform headers that signed a different body are refused as well.
    other = platform.notifier.headers("{}")
    assert await post_notify(sim, forged.body, other) == 401
    assert db(sim).scalar("SELECT COUNT(*) FROM payments") == 0
    assert (await sim.backend.get(f"/api/orders/{order['id']}", as_user=bob))["status"] == "created"
    # The genuine, untampered notification would be accepted (the check is the signature, not the route).
    assert await post_notify(sim, forged.body, headers) == 204
    assert (await sim.backend.get(f"/api/orders/{order['id']}", as_user=bob))["status"] == "paid"


async def test_unpaid_order_closes_on_the_virtual_clock(shop: Simulator) -> None:
    """§4: the backend and the sandbox share the simulation clock: an unpaid order closes after its window,
    and the old payment parameters can no longer be paid."""
    sim = shop
    bob = sim.user("bob")
    pid = await product_id(sim)
    page = await bob.launch(f"/pages/product/product?id={pid}")
    bob.payments.next("cancel")
    assert await page.call("buy") == "cancelled"
    order = page.data["order"]
    await sim.clock.advance(minutes=31)
    assert (await sim.backend.get(f"/api/orders/{order['id']}", as_user=bob))["status"] == "closed"
    assert await page.call("pay", _payment(page), order["id"]) == "failed"
    assert page.data["lastError"].startswith("requestPayment:fail ")


def _payment(page: Any) -> dict[str, Any]:
    return json.loads(page.user.realm.engine.eval("JSON.stringify(getCurrentPages()[0].payment)"))  # type: ignore[no-any-return]
