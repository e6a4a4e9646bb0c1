"""A v2 shop end to end: page → its backend → /pay/unifiedorder → wx.requestPayment(MD5 | HMAC-SHA256) →
signed XML notification → refund (wx-fidelity.md §4 v2; issue 12 item 8's check).

The backend is a real aiohttp server on 127.0.0.1 using our own v2 merchant client (wxpay_v2_helpers), which
signs and verifies from the official rules: paySign https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=7_7,
notification https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=9_7, refund
https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_4 and its notification …?chapter=9_16.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from wxpay_v2_helpers import V2Merchant, V2NotifyServer

from mock_wx import Simulator, VirtualUser
from mock_wx.platform import SIGN_FAILED
from mock_wx.runtime import AppBundle

APP = Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "pay_v2"
DOMAIN = "api.shop-v2.example.com"


@dataclass
class Shop:
    sim: Simulator
    user: VirtualUser
    merchant: V2Merchant
    notify: V2NotifyServer
    tamper: bool = False


@pytest.fixture
async def shop() -> AsyncIterator[Shop]:
    async with Simulator(AppBundle.load(APP), embedded_backend=False) as sim:
        platform = sim.services.platform
        user = sim.user()
        merchant = V2Merchant(sim.services.http, platform.base_url, platform.merchant.to_json())
        notify = V2NotifyServer(merchant.key)
        state = Shop(sim, user, merchant, notify)

        async def prepay(request: web.Request) -> web.Response:
            # What a v2 backend does: unifiedorder over HTTP, then sign the client's parameters.
            body = await request.json()
            answer = await merchant.unifiedorder(body["orderNo"], platform.login.openid(user.ctx.user_key),
                                                 notify.url, sign_type=body["signType"])
            assert answer["result_code"] == "SUCCESS", answer
            params = merchant.pay_params(answer["prepay_id"], body["signType"])
            if state.tamper:
                params["paySign"] = "0" * len(params["paySign"])
            return web.json_response(params)

        app = web.Application()
        app.router.add_post("/pay/prepay", prepay)
        app.router.add_post("/wxpay/notify", notify.handle)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        base = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]
        notify.url = base + "/wxpay/notify"
        sim.services.route(DOMAIN, base)
        yield state
        await runner.cleanup()


@pytest.mark.parametrize("sign_type", ["MD5", "HMAC-SHA256"])
async def test_page_pays_with_v2_params_is_notified_and_refunded(shop: Shop, sign_type: str) -> None:
    """§4 v2: the page pays with signType MD5 or HMAC-SHA256 → `requestPayment:ok`; the merchant's notify_url
    receives signed XML that verifies with its key; a refund completes and its req_info decrypts."""
    page = await shop.user.launch("/pages/checkout/checkout")
    await page.tap("checkout", dataset={"orderNo": "SHOPV2000001", "signType": sign_type})
    assert page.data["status"] == "paid" and page.data["errMsg"] == "requestPayment:ok"
    [note] = shop.notify.payments
    assert note.verified and note.fields["out_trade_no"] == "SHOPV2000001" and note.fields["result_code"] == "SUCCESS"
    assert note.fields.get("sign_type", "MD5") == sign_type
    [delivery] = shop.sim.services.platform.pay.deliveries
    assert delivery.acknowledged and delivery.format == "v2"

    refund = await shop.merchant.call("/secapi/pay/refund", {
        "transaction_id": note.fields["transaction_id"], "out_refund_no": "RF-SHOPV2000001",
        "total_fee": note.fields["total_fee"], "refund_fee": 300, "notify_url": shop.notify.url}, sign_type=sign_type)
    assert refund["result_code"] == "SUCCESS"
    await shop.sim.services.platform.pay.idle()  # the refund completes after its answer, then notifies
    [info] = shop.notify.refunds
    assert info["refund_status"] == "SUCCESS" and info["refund_fee"] == "300"
    assert shop.sim.services.platform.pay.orders["SHOPV2000001"].refunded == 300


async def test_page_with_a_bad_v2_pay_sign_fails_before_the_sheet(shop: Shop) -> None:
    """§4: a paySign that does not verify with the API key fails with the signature detail; nothing is paid."""
    shop.tamper = True
    page = await shop.user.launch("/pages/checkout/checkout")
    await page.tap("checkout", dataset={"orderNo": "SHOPV2000002", "signType": "MD5"})
    assert page.data == {**page.data, "status": "failed", "errMsg": f"requestPayment:fail {SIGN_FAILED}"}
    assert shop.user.dialogs.shown == [] and shop.notify.payments == []


async def test_v2_order_paid_with_the_other_sign_type_is_refused(shop: Shop) -> None:
    """wxa_api chapter 7_7: paySign's signType must be the one used at unifiedorder."""
    platform = shop.sim.services.platform
    openid = platform.login.openid(shop.user.ctx.user_key)
    answer = await shop.merchant.unifiedorder("SHOPV2000003", openid, shop.notify.url, sign_type="MD5")
    params = shop.merchant.pay_params(answer["prepay_id"], "HMAC-SHA256")
    from mock_wx.platform import PaymentRejected

    with pytest.raises(PaymentRejected) as err:
        platform.pay.verify_client_payment(platform.appid, params["timeStamp"], params["nonceStr"],
                                           params["package"], params["signType"], params["paySign"], openid=openid)
    assert "sign_type used at unifiedorder (MD5)" in str(err.value)
