"""Observe wx calls and page methods without changing them (Minium `hook_wx_method`,
`hook_current_page_method`).

    with user.hook_wx("request") as calls:
        await page.tap("join")
    assert calls[0].options["method"] == "POST" and calls[0].ok

A wx hook wraps whatever answers the call (a mock or the emulated client), so it sees the options, the
result or errMsg, and the virtual start/end time. A page hook wraps the page method in the realm.
"""

from __future__ import annotations

import copy
import inspect
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..api import Fail, WxContext
from ..errors import WxApiError, WxError
from .mocking import Handler, Owner, _interception, describe_failure, err_name, sync_name
from .test_errors import report

if TYPE_CHECKING:
    from ..runtime import Realm
    from .user import VirtualUser

__all__ = ["CallRecord", "HookingPage", "HookingUser", "MethodCall", "PageHook", "WxHook"]

_hook_ids = itertools.count(1)


@dataclass
class CallRecord:
    """One call of a hooked wx API. `ok` is None while the call is in flight."""

    api: str
    options: Any
    start: float
    end: float | None = None
    result: Any = None
    errMsg: str | None = None
    ok: bool | None = None
    mocked: bool = False

    @property
    def done(self) -> bool:
        return self.ok is not None

    @property
    def duration(self) -> float | None:
        """Virtual seconds from the call to its answer."""
        return None if self.end is None else self.end - self.start


class WxHook:
    """A live hook on `wx.<name>` for one user; `calls` fills as the app calls it. Release when done."""

    def __init__(
        self,
        user: Owner,
        name: str,
        before: Callable[[Any], Any] | None = None,
        after: Callable[[CallRecord], Any] | None = None,
    ) -> None:
        self.user = user
        self.name = name
        self.before = before
        self.after = after
        self.calls: list[CallRecord] = []
        self.released = False

    def __enter__(self) -> list[CallRecord]:
        return self.calls

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def release(self) -> None:
        """Stop observing (the API answers exactly as before the hook)."""
        if self.released:
            return
        self.released = True
        st = _interception(self.user)
        hooks = st.hooks.get(self.name, [])
        if self in hooks:
            hooks.remove(self)
        if not hooks:
            st.hooks.pop(self.name, None)
        observers = self.user.ctx.hooks.get(self.name, [])
        if self._observe_js in observers:
            observers.remove(self._observe_js)
        if not observers:
            self.user.ctx.hooks.pop(self.name, None)
        sync_name(self.user, self.name)

    # -- called by the wrapped handler
    def _begin(self, options: Any, t: float, mocked: bool) -> CallRecord:
        if isinstance(options, dict):  # the bridge's own keys (__taskId) are not the app's options
            options = {k: v for k, v in options.items() if not str(k).startswith("__")}
        rec = CallRecord(self.name, _copy(options), t, mocked=mocked)
        self.calls.append(rec)
        if self.before is not None:
            self._observer("before", self.before, rec.options)
        return rec

    def _end(self, rec: CallRecord, ok: bool, result: Any, errmsg: str, t: float) -> None:
        rec.ok, rec.result, rec.errMsg, rec.end = ok, result, errmsg, t
        if self.after is not None:
            self._observer("after", self.after, rec)

    def _observer(self, which: str, fn: Callable[[Any], Any], arg: Any) -> None:
        """Run the test's `before`/`after`: a hook observes, so its bug leaves the call alone and fails the test."""
        try:
            fn(arg)
        except Exception as exc:
            report(self.user.ctx, f"hook_wx({self.name!r}, {which}={getattr(fn, '__name__', which)})", exc)

    def _observe_js(self, event: dict[str, Any]) -> None:
        """A JS mock answered (it never reaches the Python handler)."""
        rec = self._begin(event["options"], event["t"], True)
        result = event["result"]
        errmsg = result.get("errMsg", "") if isinstance(result, dict) else f"{self.name}:ok"
        self._end(rec, event["ok"], result if event["ok"] else None, errmsg, event["t"])


def _copy(v: Any) -> Any:
    try:
        return copy.deepcopy(v)
    except Exception:  # an odd value: keep the reference rather than fail the call
        return v


def wrap_with_hooks(name: str, base: Handler, hooks: list[WxHook], mocked: bool) -> Handler:
    """A handler that runs `base` and reports each call to every hook in the live list `hooks`."""

    def handler(ctx: WxContext, args: Any) -> Any:
        now = ctx.clock.time()
        recs = [(h, h._begin(args, now, mocked)) for h in list(hooks)]
        try:
            out = base(ctx, args)
        except (Fail, WxApiError) as exc:
            _finish(recs, False, None, describe_failure(name, exc), ctx.clock.time())
            raise
        if inspect.isawaitable(out):
            return _finish_later(name, out, recs, ctx)
        _finish(recs, True, _ok_result(name, out), f"{err_name(name)}:ok", ctx.clock.time())
        return out

    return handler


async def _finish_later(name: str, awaitable: Any, recs: list[tuple[WxHook, CallRecord]], ctx: WxContext) -> Any:
    try:
        out = await awaitable
    except Exception as exc:
        _finish(recs, False, None, describe_failure(name, exc), ctx.clock.time())
        raise
    _finish(recs, True, _ok_result(name, out), f"{err_name(name)}:ok", ctx.clock.time())
    return out


def _ok_result(name: str, out: Any) -> Any:
    if isinstance(out, dict):
        return {**_copy(out), "errMsg": out.get("errMsg", f"{err_name(name)}:ok")}
    return _copy(out)


def _finish(recs: list[tuple[WxHook, CallRecord]], ok: bool, result: Any, errmsg: str, t: float) -> None:
    for hook, rec in recs:
        hook._end(rec, ok, result, errmsg, t)


class HookingUser:
    """`VirtualUser.hook_wx`."""

    if TYPE_CHECKING:
        sim: Any
        ctx: WxContext
        _realm: Realm | None

    def hook_wx(
        self,
        name: str,
        before: Callable[[Any], Any] | None = None,
        after: Callable[[CallRecord], Any] | None = None,
    ) -> WxHook:
        """Observe `wx.<name>`: `with user.hook_wx("request") as calls:`; `before(options)`, `after(record)`."""
        hook = WxHook(self, name, before, after)
        _interception(self).hooks.setdefault(name, []).append(hook)
        self.ctx.hooks.setdefault(name, []).append(hook._observe_js)
        sync_name(self, name)
        return hook


@dataclass
class MethodCall:
    """One call of a hooked page method: its JSON arguments and (awaited) return value."""

    args: list[Any]
    value: Any
    ok: bool
    error: str | None
    t: float


class PageHook:
    """A live hook on one page method; `calls` fills as the method runs. Release when done."""

    def __init__(self, page: HookingPage, method: str, callback: Callable[[MethodCall], Any] | None) -> None:
        self.page = page
        self.method = method
        self.callback = callback
        self.calls: list[MethodCall] = []
        self.id = next(_hook_ids)
        self.released = False

    def __enter__(self) -> list[MethodCall]:
        return self.calls

    def __exit__(self, *exc: Any) -> None:
        self.release()

    def _observe(self, event: dict[str, Any]) -> None:
        call = MethodCall(event["args"], event["value"], event["ok"], event["error"], event["t"])
        self.calls.append(call)
        if self.callback is not None:
            self.callback(call)

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        user = self.page.user
        user.ctx.hooks.pop(f"page#{self.id}", None)
        realm = user._realm
        if realm is not None and not realm.closed:
            realm.call("unhookPageMethod", self.page.id, self.method, self.id)


class HookingPage:
    """`Page.hook`."""

    if TYPE_CHECKING:
        user: VirtualUser
        id: int
        route: str

        def _realm(self) -> Realm: ...

    def hook(self, method: str, callback: Callable[[MethodCall], Any] | None = None) -> PageHook:
        """Observe a page method: `with page.hook("onShareAppMessage") as calls:` (args, return value)."""
        hook = PageHook(self, method, callback)
        self.user.ctx.hooks[f"page#{hook.id}"] = [hook._observe]
        if not self._realm().call("hookPageMethod", self.id, method, hook.id):
            self.user.ctx.hooks.pop(f"page#{hook.id}", None)
            raise WxError(f'page "{self.route}" has no method "{method}" to hook')
        return hook
