"""`Page.*` protocol methods: find elements, read and set data, call page methods."""

from __future__ import annotations

import re
from typing import Any

from ..errors import JSError
from .protocol import ProtocolError, method
from .session import UserSession

_PATH_PART = re.compile(r"[^.\[\]]+")


def data_at(data: Any, path: Any) -> Any:
    """`a.b[0].c` inside page/component data, as Page.getData's `path` names it (None when absent)."""
    if not path:
        return data
    cur = data
    for part in _PATH_PART.findall(str(path)):
        if isinstance(cur, dict):
            cur = cur.get(part)
        elif isinstance(cur, list) and part.isdigit() and int(part) < len(cur):
            cur = cur[int(part)]
        else:
            return None
    return cur


def selector_of(params: dict[str, Any]) -> str:
    sel = params.get("selector")
    if not isinstance(sel, str) or not sel.strip():
        raise ProtocolError(f"params.selector must be a non-empty selector string, got {sel!r}")
    return sel


def find(scope: Any, params: dict[str, Any], *, xpath: bool = False) -> list[Any]:
    """Matches of a CSS selector (or XPath) in a page or element; a malformed selector is a protocol error."""
    sel = selector_of(params)
    try:
        if xpath:
            return list(scope.get_elements("", xpath=sel))
        return list(scope.get_elements(sel))
    except ProtocolError:
        raise
    except Exception as exc:  # cssselect / lxml say what is wrong with the selector
        raise ProtocolError(f"invalid selector {sel!r}: {exc}") from None


def first(scope: Any, params: dict[str, Any], *, xpath: bool = False) -> dict[str, Any]:
    found = find(scope, params, xpath=xpath)
    if not found:
        where = getattr(scope, "route", None) or getattr(getattr(scope, "page", None), "route", "")
        raise ProtocolError(f"element not found: no element matches {params['selector']!r} on {where}")
    return UserSession.describe(found[0])


@method("Page.getElement")
async def page_get_element(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return first(s.page(params), params)


@method("Page.getElements")
async def page_get_elements(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"elements": [UserSession.describe(e) for e in find(s.page(params), params)]}


@method("Page.getElementByXpath")
async def page_get_element_by_xpath(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return first(s.page(params), params, xpath=True)


@method("Page.getElementsByXpath")
async def page_get_elements_by_xpath(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"elements": [UserSession.describe(e) for e in find(s.page(params), params, xpath=True)]}


@method("Page.getData")
async def page_get_data(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"data": data_at(s.page(params).data, params.get("path"))}


@method("Page.setData")
async def page_set_data(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    data = params.get("data")
    if not isinstance(data, dict):
        raise ProtocolError(f"Page.setData needs params.data, an object, got {type(data).__name__}")
    await s.page(params).set_data(data)
    return {}


@method("Page.callMethod")
async def page_call_method(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("method")
    page = s.page(params)
    if not isinstance(name, str) or not page.has_method(name):
        raise ProtocolError(f"{page.route}.{name} not exists")
    args = params.get("args") or []
    try:
        return {"result": await page.call(name, *(args if isinstance(args, list) else [args]))}
    except JSError as exc:
        raise ProtocolError(str(exc).splitlines()[0]) from None


@method("Page.callFunction")
async def page_call_function(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    # DevTools runs it in the page's webview; wxsim's view has no DOM, so it runs in the AppService with the
    # page instance as `this` (what Minium's page-level helpers reach for).
    decl = params.get("functionDeclaration")
    if not isinstance(decl, str) or not decl.strip():
        raise ProtocolError("Page.callFunction needs params.functionDeclaration, a function's source")
    page = s.page(params)
    args = params.get("args") or []
    src = (f"function () {{ var p = getCurrentPages().filter(function (x) {{ return x.__wxWebviewId__ === {page.id}; }})[0];"
           f" return ({decl.strip()}).apply(p, Array.prototype.slice.call(arguments)); }}")
    try:
        return {"result": await s.user.evaluate(src, *(args if isinstance(args, list) else [args]))}
    except JSError as exc:
        raise ProtocolError(str(exc).splitlines()[0]) from None


@method("Page.getWindowProperties")
async def page_get_window_properties(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    names = params.get("names") or []
    if not isinstance(names, list):
        raise ProtocolError("Page.getWindowProperties needs params.names, a list of property names")
    s.page(params)
    info = await s.user.call_wx("getSystemInfoSync")
    known = {
        "innerWidth": info.get("windowWidth"), "innerHeight": info.get("windowHeight"),
        "document.documentElement.scrollWidth": info.get("windowWidth"),
        "document.documentElement.clientWidth": info.get("windowWidth"),
        "document.documentElement.clientHeight": info.get("windowHeight"),
    }
    return {"properties": [_window_property(known, str(n), info) for n in names]}


def _window_property(known: dict[str, Any], name: str, info: dict[str, Any]) -> Any:
    if name in known:
        return known[name]
    if "scroll" in name.lower() and not name.endswith(("Width", "Height")):
        return 0  # no layout: nothing scrolls unless the app calls pageScrollTo
    if name.endswith("Height"):
        return info.get("windowHeight")
    return None
