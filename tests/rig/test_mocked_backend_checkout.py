"""Paying through a mocked backend with public API only: `user.openid`, `sim.pay.jsapi_params` (issue 15.4)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aiohttp import web

from mock_wx import Simulator
from mock_wx.runtime import AppBundle
from tests.conformance.net_servers import serve

CHECKOUT_APP = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "checkout"


async def test_a_mocked_backend_checkout_pays_and_notifies() -> None:
    notes: list[dict[str, Any]] = []

    async def notify(request: web.Request) -> web.Response:
        raw = await request.text()
        notes.append({"headers": dict(request.headers), "raw": raw, "body": json.loads(raw)})
        return web.json_response({"code": "SUCCESS"})

    app = web.Application()
    app.router.add_post("/pay/notify", notify)
    runner, merchant_url = await serve(app)
    try:
        async with Simulator(AppBundle.load(CHECKOUT_APP), embedded_backend=False) as sim:
            alice = sim.user()
            assert alice.openid and alice.openid != sim.user("bob").openid

            async def prepay(options: dict[str, Any]) -> dict[str, Any]:
                assert options["data"] == {"sku": "tea", "qty": 1}
                params = await sim.pay.jsapi_params(alice, total=1800, description="乌龙茶",
                                                    notify_url=merchant_url + "/pay/notify")
                return {"data": params}

            alice.mock_request("/api/pay/prepay", fn=prepay)
            page = await alice.launch("/pages/index/index")
            await page.tap("buy")
            assert page.data["status"] == "paid"
            order_no, body = next(iter(sim.pay.orders.items()))
            assert body["payer"]["openid"] == alice.openid and body["amount"]["total"] == 1800
            order = sim.services.platform.pay.orders[order_no]
            assert order.trade_state == "SUCCESS"
            assert len(notes) == 1 and notes[0]["body"]["event_type"] == "TRANSACTION.SUCCESS"
            merchant = await sim.pay.merchant()
            assert merchant.verify_notification(notes[0]["headers"], notes[0]["raw"])  # signed by the platform

            alice.payments.next("cancel")
            await page.tap("buy")
            assert page.data["status"] == "cancelled"
            second = list(sim.pay.orders)[1]
            assert sim.services.platform.pay.orders[second].trade_state == "NOTPAY"
    finally:
        await runner.cleanup()


async def test_without_a_notify_url_the_sandbox_acknowledges_the_notification() -> None:
    async with Simulator(AppBundle.load(CHECKOUT_APP), embedded_backend=False) as sim:
        alice = sim.user()

        async def prepay(options: dict[str, Any]) -> dict[str, Any]:
            return {"data": await sim.pay.jsapi_params(alice, total=100)}

        alice.mock_request("/api/pay/prepay", fn=prepay)
        page = await alice.launch("/pages/index/index")
        await page.tap("buy")
        assert page.data["status"] == "paid"
        delivery = sim.services.platform.pay.deliveries[-1]
        assert delivery.acknowledged and sim.clock.pending() == 0  # no retry left waiting
