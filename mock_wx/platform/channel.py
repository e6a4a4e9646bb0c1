"""What the WeChat client asks of WeChat's servers, in-process or over HTTP.

`LocalChannel` talks to a `WeChatPlatform` in the same process; `RemoteChannel` to one in another
process through `/sandbox/client/*` (client_channel.py). The wx API emulation uses only this surface.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .login import Session, openid_for
from .orders import PaymentRejected

if TYPE_CHECKING:
    import aiohttp

    from .sandbox import WeChatPlatform

__all__ = ["ClientOrder", "LocalChannel", "RemoteChannel"]


@dataclass(slots=True)
class ClientOrder:
    """What the payment sheet shows: the order being paid."""

    out_trade_no: str
    total: int
    prepay_id: str


class LocalChannel:
    """The client's channel to a platform in this process."""

    def __init__(self, platform: WeChatPlatform) -> None:
        self.platform = platform
        self.appid = platform.appid

    async def login_code(self, user_key: str) -> str:
        return self.platform.login.issue_code(user_key)

    async def check_session(self, user_key: str) -> bool:
        return self.platform.login.check_session(user_key)

    def openid(self, user_key: str) -> str:
        return self.platform.login.openid(user_key)

    async def session(self, user_key: str) -> Session | None:
        return self.platform.login.session(user_key)

    async def verify_payment(self, params: dict[str, Any], openid: str) -> ClientOrder:
        o = self.platform.pay.verify_client_payment(
            params.get("appId"), params.get("timeStamp"), params.get("nonceStr"),  # type: ignore[arg-type]
            params.get("package"), params.get("signType"), params.get("paySign"), openid=openid)  # type: ignore[arg-type]
        return ClientOrder(o.out_trade_no, o.total, o.prepay_id)

    async def settle_payment(self, prepay_id: str, outcome: str) -> ClientOrder:
        o = await self.platform.pay.settle(prepay_id, outcome)  # type: ignore[arg-type]
        return ClientOrder(o.out_trade_no, o.total, o.prepay_id)

    async def record_subscribe(self, user_key: str, template_id: str, result: str, long_term: bool = False) -> None:
        self.platform.subscribe.record(user_key, template_id, result, long_term=long_term)


class RemoteChannel:
    """The client's channel to a platform in another process (`wxsim platform`, `wxsim backend`)."""

    def __init__(self, base_url: str, http: aiohttp.ClientSession, appid: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.http = http
        self.appid = appid

    async def _call(self, method: str, path: str, body: Any = None, params: dict[str, str] | None = None) -> Any:
        async with self.http.request(method, self.base_url + path, json=body, params=params) as resp:
            data = await resp.json(content_type=None)
            if resp.status == 400 and isinstance(data, dict) and "detail" in data:
                raise PaymentRejected(str(data["detail"]), str(data.get("reason", "")))
            if resp.status == 404:
                return None
            resp.raise_for_status()
            return data

    async def login_code(self, user_key: str) -> str:
        return str((await self._call("POST", "/sandbox/client/login", {"user_key": user_key}))["code"])

    async def check_session(self, user_key: str) -> bool:
        return bool((await self._call("POST", "/sandbox/client/check-session", {"user_key": user_key}))["ok"])

    def openid(self, user_key: str) -> str:
        return openid_for(user_key, self.appid)

    async def session(self, user_key: str) -> Session | None:
        d = await self._call("GET", "/sandbox/client/session", params={"user_key": user_key})
        return Session(d["openid"], d["session_key"], d["user_key"], d["created"]) if d else None

    async def verify_payment(self, params: dict[str, Any], openid: str) -> ClientOrder:
        d = await self._call("POST", "/sandbox/client/pay/verify", {**params, "openid": openid})
        return ClientOrder(d["out_trade_no"], int(d["total"]), d["prepay_id"])

    async def settle_payment(self, prepay_id: str, outcome: str) -> ClientOrder:
        d = await self._call("POST", "/sandbox/client/pay/settle", {"prepay_id": prepay_id, "outcome": outcome})
        return ClientOrder(d["out_trade_no"], int(d["total"]), d["prepay_id"])

    async def record_subscribe(self, user_key: str, template_id: str, result: str, long_term: bool = False) -> None:
        await self._call("POST", "/sandbox/client/subscribe",
                         {"user_key": user_key, "template_id": template_id, "result": result, "long_term": long_term})
