"""The HTTP face of the sandbox: api.weixin.qq.com and api.mch.weixin.qq.com routes on 127.0.0.1.

Routes are listed in docs/platform-api.md. Login-server routes answer errors as 200 with
`{errcode, errmsg}` (§9); pay routes answer v3 error bodies `{code, message}` with HTTP status (§4).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from aiohttp import web

from .client_channel import add_client_routes
from .login import LoginError
from .orders import PayApiError
from .pay_v2 import PayV2Api

if TYPE_CHECKING:
    from .sandbox import WeChatPlatform

__all__ = ["build_app"]

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
PLATFORM_KEY: web.AppKey[WeChatPlatform] = web.AppKey("platform")


def _platform(request: web.Request) -> WeChatPlatform:
    return request.app[PLATFORM_KEY]


@web.middleware
async def _errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    response: web.StreamResponse
    try:
        response = await handler(request)
    except LoginError as exc:
        response = web.json_response(exc.to_json())
    except PayApiError as exc:
        response = web.json_response(exc.to_json(), status=exc.status)
    if request.path.startswith("/v3/") and isinstance(response, web.Response):
        # Pay API answers are signed with the platform key like notifications; SDKs verify them (§4).
        body = response.body if isinstance(response.body, bytes) else b""
        response.headers.update(_platform(request).notifier.headers(body))
    return response


async def _signed_json(request: web.Request, *, has_body: bool) -> Any:
    """Verify the merchant signature over the raw request, then parse the JSON body."""
    raw = await request.read() if has_body else b""
    _platform(request).pay.verify_request(
        request.method, request.raw_path, raw, request.headers.get("Authorization")
    )
    if not has_body:
        return None
    try:
        return json.loads(raw or b"null")
    except ValueError as exc:
        raise PayApiError(400, "PARAM_ERROR", "request body is not valid JSON") from exc


def _mchid(request: web.Request) -> str:
    mchid = request.query.get("mchid")
    if not mchid:
        raise PayApiError(400, "PARAM_ERROR", "mchid query parameter is required")
    return mchid


# -- api.weixin.qq.com ------------------------------------------------------------------------------
async def jscode2session(request: web.Request) -> web.Response:
    q = request.query
    if q.get("grant_type") != "authorization_code":
        raise LoginError(40002, "invalid grant_type")
    session = _platform(request).login.code2session(
        q.get("appid", ""), q.get("secret", ""), q.get("js_code", "")
    )
    return web.json_response({"openid": session.openid, "session_key": session.session_key})


async def token(request: web.Request) -> web.Response:
    q = request.query
    if q.get("grant_type") != "client_credential":
        raise LoginError(40002, "invalid grant_type")
    access_token, expires_in = _platform(request).login.issue_token(q.get("appid", ""), q.get("secret", ""))
    return web.json_response({"access_token": access_token, "expires_in": expires_in})


async def subscribe_send(request: web.Request) -> web.Response:
    platform = _platform(request)
    platform.login.check_token(request.query.get("access_token"))
    try:
        body = await request.json()
    except ValueError as exc:
        raise LoginError(47001, "data format error") from exc
    if not isinstance(body, dict):
        raise LoginError(47001, "data format error")
    platform.subscribe.send(body)
    return web.json_response({"errcode": 0, "errmsg": "ok"})


# -- api.mch.weixin.qq.com --------------------------------------------------------------------------
async def jsapi(request: web.Request) -> web.Response:
    body = await _signed_json(request, has_body=True)
    order = _platform(request).pay.create_jsapi(body)
    return web.json_response({"prepay_id": order.prepay_id})


async def query_out_trade_no(request: web.Request) -> web.Response:
    await _signed_json(request, has_body=False)
    order = _platform(request).pay.query(
        mchid=_mchid(request), out_trade_no=request.match_info["out_trade_no"]
    )
    return web.json_response(order.resource())


async def query_transaction(request: web.Request) -> web.Response:
    await _signed_json(request, has_body=False)
    order = _platform(request).pay.query(
        mchid=_mchid(request), transaction_id=request.match_info["transaction_id"]
    )
    return web.json_response(order.resource())


async def close(request: web.Request) -> web.Response:
    body = await _signed_json(request, has_body=True)
    mchid = body.get("mchid") if isinstance(body, dict) else None
    if not isinstance(mchid, str) or not mchid:
        raise PayApiError(400, "PARAM_ERROR", "mchid is required")
    _platform(request).pay.close(request.match_info["out_trade_no"], mchid=mchid)
    return web.Response(status=204)


async def refund(request: web.Request) -> web.Response:
    body = await _signed_json(request, has_body=True)
    result = await _platform(request).pay.refund(body)
    return web.json_response(result.to_json())


async def query_refund(request: web.Request) -> web.Response:
    await _signed_json(request, has_body=False)
    result = _platform(request).pay.query_refund(request.match_info["out_refund_no"])
    return web.json_response(result.to_json())


async def certificates(request: web.Request) -> web.Response:
    await _signed_json(request, has_body=False)
    return web.json_response({"data": [_platform(request).notifier.certificate_entry()]})


async def pay_v2(request: web.Request) -> web.Response:
    # v2 answers are always HTTP 200 XML; return_code / result_code carry the verdict.
    text = await _platform(request).pay_v2.answer(request.path, await request.read())
    return web.Response(text=text, content_type="text/xml")


# -- sandbox ----------------------------------------------------------------------------------------
async def sandbox_merchant(request: web.Request) -> web.Response:
    return web.json_response(_platform(request).merchant.to_json())


async def sandbox_notify_sink(request: web.Request) -> web.Response:
    """Acknowledges any notification: the notify_url of sandbox orders no merchant listens for
    (`sim.pay.jsapi_params` without a notify_url), so the platform does not retry them for a day."""
    await request.read()
    return web.json_response({"code": "SUCCESS", "message": "成功"})


def build_app(platform: WeChatPlatform) -> web.Application:
    """The aiohttp application serving one sandbox."""
    app = web.Application(middlewares=[_errors])
    app[PLATFORM_KEY] = platform
    app.router.add_get("/sns/jscode2session", jscode2session)
    app.router.add_get("/cgi-bin/token", token)
    app.router.add_post("/cgi-bin/message/subscribe/send", subscribe_send)
    app.router.add_post("/v3/pay/transactions/jsapi", jsapi)
    app.router.add_get("/v3/pay/transactions/out-trade-no/{out_trade_no}", query_out_trade_no)
    app.router.add_get("/v3/pay/transactions/id/{transaction_id}", query_transaction)
    app.router.add_post("/v3/pay/transactions/out-trade-no/{out_trade_no}/close", close)
    app.router.add_post("/v3/refund/domestic/refunds", refund)
    app.router.add_get("/v3/refund/domestic/refunds/{out_refund_no}", query_refund)
    app.router.add_get("/v3/certificates", certificates)
    for path in PayV2Api.ENDPOINTS:
        app.router.add_post(path, pay_v2)
    app.router.add_get("/sandbox/merchant", sandbox_merchant)
    app.router.add_post("/sandbox/notify-sink", sandbox_notify_sink)
    add_client_routes(app, PLATFORM_KEY)
    return app
