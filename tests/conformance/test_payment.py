"""wx.requestPayment against the real WeChat Pay v3 sandbox, and requestSubscribeMessage (wx-fidelity.md §4, §10)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from aiohttp import web
from net_servers import bundle

from mock_wx import Simulator, VirtualUser
from mock_wx.platform import SIGN_FAILED
from mock_wx.rig.page import Page


class Merchant:
    """A tiny merchant: places JSAPI orders with the sandbox and verifies the notifications it receives."""

    def __init__(self, sim: Simulator) -> None:
        self.sim = sim
        self.platform = sim.services.platform
        self.notifications: list[dict[str, Any]] = []
        self.rejected = 0
        self.url = ""
        self._runner: web.AppRunner | None = None
        self._n = 0

    async def _notify(self, request: web.Request) -> web.Response:
        body = await request.read()
        creds = self.platform.merchant
        if not creds.verify_notification(request.headers, body):
            self.rejected += 1
            return web.json_response({"code": "FAIL", "message": "bad signature"}, status=401)
        envelope = json.loads(body)
        self.notifications.append(creds.decrypt_resource(envelope["resource"]))
        return web.Response(status=204)

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/notify", self._notify)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"  # type: ignore[union-attr]

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def order(self, user: VirtualUser, total: int = 990) -> dict[str, str]:
        """Place an order for `user` and return the signed wx.requestPayment parameters."""
        self._n += 1
        order = self.platform.pay.create_jsapi({
            "appid": self.platform.appid, "mchid": self.platform.merchant.mchid, "description": "Tea",
            "out_trade_no": f"T{self._n:08d}", "notify_url": self.url + "/notify", "amount": {"total": total},
            "payer": {"openid": self.platform.login.openid(user.ctx.user_key)},
        })
        params: dict[str, str] = self.platform.merchant.pay_params(order.prepay_id)
        return params


@pytest_asyncio.fixture
async def pay_setup() -> AsyncIterator[tuple[Simulator, Merchant, VirtualUser, Page]]:
    async with Simulator(bundle("pay"), embedded_backend=False) as sim:
        merchant = Merchant(sim)
        await merchant.start()
        user = sim.user()
        page = await user.launch("/pages/index/index")
        yield sim, merchant, user, page
        await merchant.close()


Setup = tuple[Simulator, Merchant, VirtualUser, Page]


async def test_confirm_pays_and_notifies(pay_setup: Setup) -> None:
    """§4: confirm → `requestPayment:ok`; the order is SUCCESS and a signed, encrypted notification arrives."""
    sim, merchant, user, page = pay_setup
    params = merchant.order(user)
    out = await page.call("pay", params)
    assert out == {"ok": True, "res": {"errMsg": "requestPayment:ok"}}
    [note] = merchant.notifications
    assert note["trade_state"] == "SUCCESS" and note["out_trade_no"] == "T00000001" and note["amount"]["total"] == 990
    assert sim.services.platform.pay.orders["T00000001"].trade_state == "SUCCESS"
    assert user.payments.history[-1]["outcome"] == "confirm"


async def test_cancel(pay_setup: Setup) -> None:
    """§4: the user cancels → `requestPayment:fail cancel`; the order stays NOTPAY, nothing is notified."""
    sim, merchant, user, page = pay_setup
    user.payments.answer("cancel")
    out = await page.call("pay", merchant.order(user))
    assert out == {"ok": False, "res": {"errMsg": "requestPayment:fail cancel"}}
    assert sim.services.platform.pay.orders["T00000001"].trade_state == "NOTPAY"
    assert merchant.notifications == []


async def test_fail_and_one_shot_answer(pay_setup: Setup) -> None:
    """§4: other failures are `requestPayment:fail <detail>`; a one-shot answer applies to the next sheet only."""
    _, merchant, user, page = pay_setup
    user.payments.next("fail:余额不足")
    params = merchant.order(user)
    assert (await page.call("pay", params))["res"]["errMsg"] == "requestPayment:fail 余额不足"
    assert (await page.call("pay", params))["res"]["errMsg"] == "requestPayment:ok"


async def test_tampered_pay_sign_rejected(pay_setup: Setup) -> None:
    """§4: a paySign that does not verify fails before the sheet is shown."""
    sim, merchant, user, page = pay_setup
    params = merchant.order(user)
    params["paySign"] = params["paySign"][:-8] + "AAAAAAA="
    out = await page.call("pay", params)
    assert out["res"]["errMsg"] == f"requestPayment:fail {SIGN_FAILED}"
    assert user.dialogs.shown == [] and merchant.notifications == []
    assert sim.services.platform.pay.orders["T00000001"].trade_state == "NOTPAY"


async def test_signed_fields_are_checked(pay_setup: Setup) -> None:
    """§4: timeStamp/nonceStr/package are signed: changing one breaks the signature."""
    _, merchant, user, page = pay_setup
    params = merchant.order(user)
    params["nonceStr"] = "x" + params["nonceStr"][1:]
    assert (await page.call("pay", params))["res"]["errMsg"] == f"requestPayment:fail {SIGN_FAILED}"


async def test_missing_field(pay_setup: Setup) -> None:
    """§4: timeStamp, nonceStr, package and paySign are required strings."""
    _, merchant, user, page = pay_setup
    params = merchant.order(user)
    del params["paySign"]
    err = (await page.call("pay", params))["res"]["errMsg"]
    assert err.startswith("requestPayment:fail parameter error: parameter.paySign")


async def test_v2_sign_type_rejected(pay_setup: Setup) -> None:
    """§4: MD5 / HMAC-SHA256 are v2 signatures; a v3 prepay needs RSA."""
    _, merchant, user, page = pay_setup
    params = {**merchant.order(user), "signType": "MD5"}
    assert (await page.call("pay", params))["res"]["errMsg"].startswith("requestPayment:fail signType")


async def test_other_payer_and_paid_twice(pay_setup: Setup) -> None:
    """§4: an order placed for another payer cannot be paid; an order is paid at most once."""
    sim, merchant, user, page = pay_setup
    other = sim.user()
    theirs = merchant.order(other)
    assert (await page.call("pay", theirs))["res"]["errMsg"].startswith("requestPayment:fail")
    mine = merchant.order(user)
    assert (await page.call("pay", mine))["ok"]
    again = await page.call("pay", mine)
    assert again["res"]["errMsg"] == "requestPayment:fail the order has been paid"
    assert len(merchant.notifications) == 1


async def test_page_shows_cancel_path(pay_setup: Setup) -> None:
    """§4/§0: with callbacks the fail callback sees `requestPayment:fail cancel`."""
    _, merchant, user, page = pay_setup
    user.payments.answer("cancel")
    await page.call("payAndShow", merchant.order(user))
    assert page.data["status"] == "cancelled"


async def test_subscribe_accept_registers_allowance(pay_setup: Setup) -> None:
    """§10: requestSubscribeMessage → `{[tmplId]: 'accept'}`; each accept allows one send."""
    sim, _, user, page = pay_setup
    out = await page.tap("subscribeTap", dataset={"ids": ["TPL_A", "TPL_B"]})
    assert out["res"] == {"errMsg": "requestSubscribeMessage:ok", "TPL_A": "accept", "TPL_B": "accept"}
    assert sim.services.platform.subscribe.allowance(user.ctx.user_key, "TPL_A") == 1


async def test_subscribe_reject_and_limits(pay_setup: Setup) -> None:
    """§10: answers per template; empty list → errCode 10001; more than 5 ids → 20003."""
    sim, _, user, page = pay_setup
    user.dialogs.next("subscribe", {"TPL_A": "reject"})
    out = await page.tap("subscribeTap", dataset={"ids": ["TPL_A", "TPL_B"]})
    assert out["res"]["TPL_A"] == "reject" and out["res"]["TPL_B"] == "accept"
    assert sim.services.platform.subscribe.allowance(user.ctx.user_key, "TPL_A") == 0
    empty = await page.call("subscribe", [])
    assert empty["res"]["errCode"] == 10001 and empty["res"]["errMsg"].startswith("requestSubscribeMessage:fail")
    many = await page.call("subscribe", [f"T{i}" for i in range(6)])
    assert many["res"]["errCode"] == 20003


async def test_subscribe_only_from_a_tap_or_a_payment_callback(pay_setup: Setup) -> None:
    """§10: requestSubscribeMessage needs a tap (its synchronous part) or a requestPayment callback (2.8.2+):
    from page code (onLoad-like) or after an await in a tap handler it fails, as on a phone; after paying it
    is asked and answered."""
    sim, merchant, user, page = pay_setup
    tap_only = "requestSubscribeMessage:fail can only be invoked by user TAP gesture."
    assert (await page.call("subscribe", ["TPL_A"]))["res"]["errMsg"] == tap_only
    late = await page.tap("subscribeAfterAwait", dataset={"ids": ["TPL_A"]})
    assert late == {"ok": False, "res": {"errMsg": tap_only}}
    paid = await page.call("payThenSubscribe", merchant.order(user), ["TPL_B"])
    assert paid == {"ok": True, "res": {"errMsg": "requestSubscribeMessage:ok", "TPL_B": "accept"}}
    assert sim.services.platform.subscribe.allowance(user.ctx.user_key, "TPL_A") == 0
    assert sim.services.platform.subscribe.allowance(user.ctx.user_key, "TPL_B") == 1
    assert sim.trace.findings == []


async def test_subscribe_outside_a_tap_is_a_finding_in_lenient() -> None:
    """§10 in lenient mode: the dialog is shown as DevTools would, and the mistake is reported once."""
    async with Simulator(bundle("pay"), embedded_backend=False, fidelity="lenient") as sim:
        page = await sim.user().launch("/pages/index/index")
        out = await page.call("subscribe", ["TPL_A"])
        assert out["res"] == {"errMsg": "requestSubscribeMessage:ok", "TPL_A": "accept"}
        assert [f.kind for f in sim.trace.findings] == ["subscribe-without-tap"]

