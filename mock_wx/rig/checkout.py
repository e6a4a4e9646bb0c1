"""`sim.pay`: WeChat Pay orders for apps whose backend a test mocks.

A mocked `/api/pay/prepay` must answer with `wx.requestPayment` parameters the platform accepts. A merchant
backend gets them by placing a JSAPI order and signing the prepay_id; `sim.pay.jsapi_params` does the same,
over HTTP with the sandbox merchant's credentials (in-process or external platform alike), so the rest of
the payment (the sheet's answer, the notification to `notify_url`) runs as with the embedded backend.
"""

from __future__ import annotations

import json
import random
from typing import TYPE_CHECKING, Any

from ..errors import PlatformError, WxError
from ..platform.credentials import MerchantCredentials

if TYPE_CHECKING:
    from .simulator import Simulator
    from .user import VirtualUser

__all__ = ["SimPay"]


class SimPay:
    """Places sandbox orders on behalf of a mocked merchant backend: `await sim.pay.jsapi_params(user, total=100)`."""

    def __init__(self, sim: Simulator) -> None:
        self._sim = sim
        self._merchant: MerchantCredentials | None = None
        self._rng = random.Random(f"{sim.seed}:{sim.identity}:pay")
        #: Every order placed here: out_trade_no → the order fields sent to the platform.
        self.orders: dict[str, dict[str, Any]] = {}

    async def merchant(self) -> MerchantCredentials:
        """The sandbox merchant's credentials (mchid, appid, keys), read once from the platform."""
        if self._merchant is None:
            self._merchant = MerchantCredentials.from_json(await self._call("GET", "/sandbox/merchant"))
        return self._merchant

    async def jsapi_params(self, user: VirtualUser, *, total: int, description: str = "wxsim order",
                           notify_url: str | None = None, out_trade_no: str | None = None,
                           attach: str | None = None) -> dict[str, str]:
        """Place a JSAPI order of `total` fen for `user` and return the five `wx.requestPayment` parameters
        (timeStamp, nonceStr, package, signType, paySign).

        The platform posts the payment notification to `notify_url` (a server of the test's, on 127.0.0.1);
        without one it goes to the sandbox's own sink, which acknowledges it.
        """
        merchant = await self.merchant()
        base = self._platform_url()
        order_no = out_trade_no or f"SIM{self._rng.getrandbits(64):020d}"
        body: dict[str, Any] = {
            "appid": merchant.appid, "mchid": merchant.mchid, "description": description,
            "out_trade_no": order_no, "notify_url": notify_url or f"{base}/sandbox/notify-sink",
            "amount": {"total": total, "currency": "CNY"}, "payer": {"openid": user.openid},
        }
        if attach is not None:
            body["attach"] = attach
        text = json.dumps(body, ensure_ascii=False)
        path = "/v3/pay/transactions/jsapi"
        answer = await self._call("POST", path, text, auth=merchant.sign_request("POST", path, text))
        self.orders[order_no] = body
        # timeStamp on the virtual clock, as a backend sharing it would sign.
        return merchant.pay_params(str(answer["prepay_id"]), timestamp=int(self._sim.clock.time()))

    def _platform_url(self) -> str:
        url = self._sim.services.platform_url
        if not url:
            raise WxError("sim.pay needs a started simulation (`async with Simulator(...)`)")
        return str(url).rstrip("/")

    async def _call(self, method: str, path: str, body: str | None = None, *, auth: str | None = None) -> Any:
        http = self._sim.services.http
        if http is None:
            raise WxError("sim.pay needs a started simulation (`async with Simulator(...)`)")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = auth
        async with http.request(method, self._platform_url() + path, data=body, headers=headers) as resp:
            data = await resp.json(content_type=None)
            if resp.status >= 300:
                raise PlatformError(f"{method} {path}: HTTP {resp.status} {data}")
            return data
