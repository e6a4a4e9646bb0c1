"""`Element.*` protocol methods: actions (tap, touch, input through callFunction), reads, components."""

from __future__ import annotations

import re
from typing import Any

from ..errors import JSError
from .page_methods import data_at, find, first
from .protocol import ProtocolError, method
from .session import UserSession

_STYLE = re.compile(r"\s*([\w-]+)\s*:\s*([^;]+)")


@method("Element.getElement")
async def element_get_element(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return first(s.element(params), params)


@method("Element.getElements")
async def element_get_elements(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"elements": [UserSession.describe(e) for e in find(s.element(params), params)]}


# ---------------------------------------------------------------------- gestures
@method("Element.tap")
async def element_tap(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    await s.element(params).tap()
    return {}


def _point(params: dict[str, Any]) -> tuple[float, float]:
    for key in ("changedTouches", "touches"):
        touches = params.get(key)
        if isinstance(touches, list) and touches and isinstance(touches[0], dict):
            t = touches[0]
            return float(t.get("pageX", t.get("clientX", 0)) or 0), float(t.get("pageY", t.get("clientY", 0)) or 0)
    return 0.0, 0.0


def _touch(kind: str) -> None:
    async def handler(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
        x, y = _point(params)
        await s.element(params).touch(kind, x, y)
        return {}

    method(f"Element.{kind}")(handler)


for _kind in ("touchstart", "touchmove", "touchend", "touchcancel"):
    _touch(_kind)


@method("Element.triggerEvent")
async def element_trigger_event(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    kind = params.get("type")
    if not isinstance(kind, str) or not kind:
        raise ProtocolError("Element.triggerEvent needs params.type, the event name")
    await s.element(params).trigger(kind, params.get("detail"))
    return {}


@method("Element.dispatchEvent")
async def element_dispatch_event(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("eventName") or params.get("type")
    if not isinstance(name, str) or not name:
        raise ProtocolError("Element.dispatchEvent needs params.eventName")
    el = s.element(params)
    data = params.get("eventData") or {}
    if name == "tap":
        await el.tap()
    elif name in ("touchstart", "touchmove", "touchend", "touchcancel"):
        x, y = _point(data)
        await el.touch(name, x, y)
    else:
        detail = data.get("detail", data.get("scrollDetail", {})) if isinstance(data, dict) else data
        await el.trigger(name, detail)
    return {}


# ---------------------------------------------------------------------- built-in component functions
async def _input(el: Any, args: list[Any]) -> Any:
    await el.input(str(args[0]) if args else "", confirm=bool(args[1]) if len(args) > 1 else False)


async def _scroll_to(el: Any, args: list[Any]) -> Any:
    left = float(args[0]) if args else 0.0
    top = float(args[1]) if len(args) > 1 else 0.0
    await el.scroll_to(top, left=left)


async def _move_to(el: Any, args: list[Any]) -> Any:
    x = float(args[0]) if args else 0.0
    y = float(args[1]) if len(args) > 1 else 0.0
    await el.trigger("change", {"x": x, "y": y, "source": "touch"})


async def _attr_number(el: Any, name: str) -> Any:
    return float(el.attribute(name) or 0)


_FUNCTIONS: dict[str, Any] = {
    "input.input": _input,
    "textarea.input": _input,
    "switch.tap": lambda el, args: el.switch(),
    "slider.slideTo": lambda el, args: el.slide_to(float(args[0]) if args else 0.0),
    "swiper.swipeTo": lambda el, args: el.swipe_to(int(args[0]) if args else 0),
    "scroll-view.scrollTo": _scroll_to,
    "scroll-view.scrollTop": lambda el, args: _attr_number(el, "scroll-top"),
    "scroll-view.scrollLeft": lambda el, args: _attr_number(el, "scroll-left"),
    "movable-view.moveTo": _move_to,
}


@method("Element.callFunction")
async def element_call_function(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("functionName")
    fn = _FUNCTIONS.get(str(name))
    if fn is None:
        raise ProtocolError(f"Element.callFunction: {name} not exists (wxsim knows {', '.join(sorted(_FUNCTIONS))})")
    el = s.element(params)
    tag = str(name).split(".")[0]
    if el.tag != tag:
        raise ProtocolError(f"Element.callFunction: {name} needs a <{tag}>, this element is a <{el.tag}>")
    args = params.get("args") or []
    return {"result": await fn(el, args if isinstance(args, list) else [args])}


@method("Element.callContextMethod")
async def element_call_context_method(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    el = s.element(params)
    raise ProtocolError(f"Element.callContextMethod: wxsim has no native media context for <{el.tag}> "
                        f"(video/audio/live players are not simulated)")


# ---------------------------------------------------------------------- reads
def _names(params: dict[str, Any]) -> list[str]:
    names = params.get("names")
    if not isinstance(names, list):
        raise ProtocolError("params.names must be a list of names")
    return [str(n) for n in names]


@method("Element.getWXML")
async def element_get_wxml(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    el = s.element(params)
    return {"wxml": el.outer_wxml if params.get("type") == "outer" else el.inner_wxml}


@method("Element.getAttributes")
async def element_get_attributes(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    el = s.element(params)
    return {"attributes": [el.attribute(n) for n in _names(params)]}


@method("Element.getProperties")
async def element_get_properties(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    el = s.element(params)
    out = []
    for name in _names(params):
        if name == "__propPublic":  # automator asks which properties exist before reading one
            info = el._info()
            keys = el.data.keys() if info.component is not None else info.attrs.keys()
            out.append({k: True for k in [*keys, "value"]})
        elif name == "value":
            out.append(el.value)
        else:
            out.append(el.property(name))
    return {"properties": out}


@method("Element.getDOMProperties")
async def element_get_dom_properties(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    el = s.element(params)
    out: list[Any] = []
    for name in _names(params):
        if name in ("innerText", "textContent"):
            out.append(el.text)
        elif name in ("innerHTML",):
            out.append(el.inner_wxml)
        elif name in ("outerHTML",):
            out.append(el.outer_wxml)
        elif name in ("offsetWidth", "offsetHeight", "offsetLeft", "offsetTop", "scrollTop", "scrollLeft"):
            out.append(0)  # no layout in wxsim
        elif name == "value":
            out.append(el.value)
        else:
            out.append(el.attribute(name))
    return {"properties": out}


@method("Element.getStyles")
async def element_get_styles(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    el = s.element(params)
    inline = {m.group(1).strip(): m.group(2).strip() for m in _STYLE.finditer(str(el.attribute("style") or ""))}
    hidden = not el.visible
    out = []
    for name in _names(params):
        if name == "display" and hidden:
            out.append("none")
        else:
            out.append(inline.get(name, ""))
    return {"styles": out}


@method("Element.getOffset")
async def element_get_offset(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    s.element(params)
    return {"left": 0, "top": 0}  # no layout in wxsim


# ---------------------------------------------------------------------- custom components
@method("Element.getData")
async def element_get_data(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"data": data_at(s.element(params).data, params.get("path"))}


@method("Element.setData")
async def element_set_data(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    data = params.get("data")
    if not isinstance(data, dict):
        raise ProtocolError(f"Element.setData needs params.data, an object, got {type(data).__name__}")
    await s.element(params).set_data(data)
    return {}


@method("Element.callMethod")
async def element_call_method(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    name = params.get("method")
    if not isinstance(name, str) or not name:
        raise ProtocolError("Element.callMethod needs params.method")
    args = params.get("args") or []
    try:
        return {"result": await s.element(params).call_method(name, *(args if isinstance(args, list) else [args]))}
    except JSError as exc:
        raise ProtocolError(str(exc).splitlines()[0]) from None
