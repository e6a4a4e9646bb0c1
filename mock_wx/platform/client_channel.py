"""The WeChat client's own channel to WeChat's servers, over HTTP (sandbox only).

On a phone, `wx.login`, `wx.requestPayment` and subscribe answers travel from the WeChat app to
WeChat's servers over a private channel. A simulation that runs against a platform in another process
(`wxsim platform`, or the one `wxsim backend` starts) uses these routes through `RemotePlatform`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web

from .orders import PaymentRejected

if TYPE_CHECKING:
    from .sandbox import WeChatPlatform

__all__ = ["add_client_routes"]


def add_client_routes(app: web.Application, platform_key: web.AppKey[Any]) -> None:
    """Register `/sandbox/client/*` on the platform's application."""

    def platform(request: web.Request) -> WeChatPlatform:
        return request.app[platform_key]  # type: ignore[no-any-return]

    async def body(request: web.Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            raise web.HTTPBadRequest(text="body is not JSON") from None
        if not isinstance(data, dict):
            raise web.HTTPBadRequest(text="body must be a JSON object")
        return data

    def rejected(exc: PaymentRejected) -> web.Response:
        return web.json_response({"detail": exc.detail, "reason": exc.reason}, status=400)

    def order_json(order: Any) -> dict[str, Any]:
        return {"out_trade_no": order.out_trade_no, "total": order.total, "prepay_id": order.prepay_id}

    async def login(request: web.Request) -> web.Response:
        data = await body(request)
        return web.json_response({"code": platform(request).login.issue_code(str(data["user_key"]))})

    async def check_session(request: web.Request) -> web.Response:
        data = await body(request)
        return web.json_response({"ok": platform(request).login.check_session(str(data["user_key"]))})

    async def session(request: web.Request) -> web.Response:
        s = platform(request).login.session(request.query.get("user_key", ""))
        if s is None:
            return web.json_response({}, status=404)
        return web.json_response({"openid": s.openid, "session_key": s.session_key, "user_key": s.user_key,
                                  "created": s.created})

    async def pay_verify(request: web.Request) -> web.Response:
        d = await body(request)
        try:
            fields = [str(d.get(k, "")) for k in ("appId", "timeStamp", "nonceStr", "package", "signType", "paySign")]
            order = platform(request).pay.verify_client_payment(*fields, openid=d.get("openid"))
        except PaymentRejected as exc:
            return rejected(exc)
        return web.json_response(order_json(order))

    async def pay_settle(request: web.Request) -> web.Response:
        d = await body(request)
        try:
            order = await platform(request).pay.settle(str(d.get("prepay_id")), d.get("outcome", "confirm"))
        except PaymentRejected as exc:
            return rejected(exc)
        return web.json_response(order_json(order))

    async def subscribe(request: web.Request) -> web.Response:
        d = await body(request)
        platform(request).subscribe.record(str(d["user_key"]), str(d["template_id"]), str(d.get("result", "accept")),
                                           long_term=bool(d.get("long_term")))
        return web.json_response({"ok": True})

    app.router.add_post("/sandbox/client/login", login)
    app.router.add_post("/sandbox/client/check-session", check_session)
    app.router.add_get("/sandbox/client/session", session)
    app.router.add_post("/sandbox/client/pay/verify", pay_verify)
    app.router.add_post("/sandbox/client/pay/settle", pay_settle)
    app.router.add_post("/sandbox/client/subscribe", subscribe)
