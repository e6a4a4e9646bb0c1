"""Bridge entry points the test rig listens on (not `wx` APIs: names starting with `__` stay off `wx`).

The rig (mock_wx/rig/mocking.py, hooks.py, automation.py) puts observers in `ctx.hooks`, keyed by API
name for wx calls answered by a JS mock and by `"page#<id>"` for hooked page methods, and Python
functions exposed to the app in `ctx.state["exposed"]`. This layer only dispatches to them.
"""

from __future__ import annotations

import inspect
from typing import Any

from ._base import Fail, WxContext, api


@api("__jsMockCall", "sync")
def js_mock_call(ctx: WxContext, args: list[Any]) -> None:
    """A JS mock answered `wx.<name>`: record it like a bridge call and tell the hooks."""
    name, options, result, ok = args
    ctx.record("wx", api=name, args=options, mocked="js")
    event = {"api": name, "options": options, "result": result, "ok": bool(ok), "t": ctx.clock.time()}
    for observer in list(ctx.hooks.get(name, ())):
        observer(event)


@api("__pageMethodCall", "sync")
def page_method_call(ctx: WxContext, args: list[Any]) -> None:
    """A hooked page method returned (or threw): tell its hook."""
    hook_id, call_args, value, ok, error = args
    event = {"args": call_args, "value": value, "ok": bool(ok), "error": error, "t": ctx.clock.time()}
    for observer in list(ctx.hooks.get(f"page#{hook_id}", ())):
        observer(event)


@api("__callExposed")
async def call_exposed(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """The app called a function the test exposed (`user.expose_function`); sync or async Python."""
    fn = ctx.state.get("exposed", {}).get(args.get("name"))
    if fn is None:
        raise Fail(f"function {args.get('name')!r} is not exposed")
    value = fn(*(args.get("args") or []))
    if inspect.isawaitable(value):
        value = await value
    return {"value": value}
