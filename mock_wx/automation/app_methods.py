"""`Tool.*` (the DevTools window) and `App.*` (the mini program's AppService) protocol methods."""

from __future__ import annotations

import base64
from typing import Any

from ..errors import JSError, WxError
from .protocol import ProtocolError, method
from .session import UserSession

_NO_DEVTOOLS = ("wxsim has no DevTools window, WeChat account or real device behind this port, so {what} "
                "has nothing to act on")


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("wxsim")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout without install
        return "0.0.0"


# ---------------------------------------------------------------------- Tool.*
@method("Tool.getInfo")
async def tool_get_info(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    info = await s.user.call_wx("getSystemInfoSync")
    return {"SDKVersion": info.get("SDKVersion", "3.4.10"), "version": _version(), "wxsim": True}


@method("Tool.close")
async def tool_close(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    # DevTools closes its project window; wxsim keeps serving so the next suite (or user) can connect.
    return {}


@method("Tool.getTestAccounts")
async def tool_get_test_accounts(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    # The "test accounts" of a wxsim serve are its virtual users, each on its own port.
    return {"accounts": [{"nickName": o.user.name, "openid": o.user.ctx.user_key, "port": o.port}
                         for o in s.server.sessions]}


def _unsupported(name: str, what: str) -> None:
    async def handler(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
        raise ProtocolError(f"{name}: " + _NO_DEVTOOLS.format(what=what))

    method(name)(handler)


for _name, _what in (
    ("Tool.enableRemoteDebug", "remote debugging on a phone"),
    ("Tool.resetRemoteDebug", "remote debugging on a phone"),
    ("Tool.getTicket", "a login ticket"),
    ("Tool.setTicket", "a login ticket"),
    ("Tool.refreshTicket", "a login ticket"),
    ("Tool.clearAuth", "the IDE's authorization cache"),
    ("Tool.stopAudits", "an experience audit"),
    ("Tool.native", "native phone UI"),
):
    _unsupported(_name, _what)


# ---------------------------------------------------------------------- App.* pages
def _page_info(p: Any) -> dict[str, Any]:
    return {"pageId": p.id, "path": p.route, "query": dict(p.query)}


@method("App.getCurrentPage")
async def app_get_current_page(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return _page_info(s.user.current_page)


@method("App.getPageStack")
async def app_get_page_stack(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"pageStack": [_page_info(p) for p in s.user.page_stack]}


# ---------------------------------------------------------------------- App.* wx and JS
@method("App.callWxMethod")
async def app_call_wx_method(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("method")
    if not isinstance(name, str) or not name:
        raise ProtocolError("App.callWxMethod needs params.method, the wx API's name")
    args = params.get("args") or []
    if not isinstance(args, list):
        args = [args]
    try:
        value = await s.user.call_wx(name, *args)
    except WxError as exc:
        if str(exc).endswith("is not available in wxsim"):
            raise ProtocolError(f"wx.{name} not exists") from None  # DevTools' words; Minium maps them
        raise
    return {"result": value}


@method("App.mockWxMethod")
async def app_mock_wx_method(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("method")
    if not isinstance(name, str) or not name:
        raise ProtocolError("App.mockWxMethod needs params.method, the wx API's name")
    if "functionDeclaration" in params:
        args = params.get("args") or []
        s.user.mock_wx(name, js=str(params["functionDeclaration"]), js_args=args if isinstance(args, list) else [args])
    elif "result" in params:
        s.user.mock_wx(name, result=params["result"])
    else:
        s.user.restore_wx(name)
    return {}


@method("App.callFunction")
async def app_call_function(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    decl = params.get("functionDeclaration")
    if not isinstance(decl, str) or not decl.strip():
        raise ProtocolError("App.callFunction needs params.functionDeclaration, a function's source")
    args = params.get("args") or []
    src = decl.strip()
    try:
        value = await s.user.evaluate(src if _is_function(src) else f"function () {{ return ({src}); }}",
                                      *(args if isinstance(args, list) else [args]))
    except JSError as exc:
        raise ProtocolError(str(exc).splitlines()[0] if str(exc) else "JS error") from None
    return {"result": value}


def _is_function(src: str) -> bool:
    from ..rig.automation import _FUNCTION

    return bool(_FUNCTION.match(src))


@method("App.addBinding")
async def app_add_binding(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("name")
    if not isinstance(name, str) or not name.isidentifier():
        raise ProtocolError(f"App.addBinding needs params.name, a JS identifier, got {name!r}")
    s.user.expose_function(name, s.binding(name))
    s.bindings.add(name)
    return {}


@method("App.enableLog")
async def app_enable_log(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    s.log_enabled = True
    return {}


@method("App.captureScreenshot")
async def app_capture_screenshot(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    """The current page as the user sees it (PNG, base64), through the screenshot renderer (Chromium)."""
    try:
        png = await s.user.current_page.screenshot()
    except WxError as exc:
        raise ProtocolError(f"App.captureScreenshot: {exc}") from None
    return {"data": base64.b64encode(png).decode("ascii")}


@method("App.exit")
async def app_exit(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    s.user.close()
    return {}
