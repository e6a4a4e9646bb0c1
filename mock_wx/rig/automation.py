"""Drive a user's AppService from the test, as Minium's `App` and automator's `MiniProgram` do:
evaluate JS, call wx APIs, expose Python functions, navigate, preset permissions.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from ..errors import JSError, NavigationError, WaitTimeout, WxApiError, WxError
from .mocking import _interception, _kind, sync_all
from .waiting import run_until

if TYPE_CHECKING:
    from ..api import WxContext
    from ..runtime import Realm
    from .page import Page
    from .simulator import Simulator

__all__ = ["AutomationUser"]

_FUNCTION = re.compile(r"^(async\s+)?function\b|^(async\s*)?(\([^()]*\)|[A-Za-z_$][\w$]*)\s*=>", re.S)
_ROUTES = ("navigateTo", "redirectTo", "reLaunch", "switchTab", "navigateBack")

# Runs wx.<name> the way app code would and reports {ok, value} instead of throwing or rejecting.
_CALL_WX = """(function (name, kind, args) {
  var f = wx[name];
  if (typeof f !== 'function') return { ok: false, missing: true };
  var safe = function (v) {  // drop what JSON cannot carry (navigateTo's eventChannel is circular)
    try { JSON.stringify(v); return v; } catch (e) {
      var o = {};
      Object.keys(v).forEach(function (k) { try { JSON.stringify(v[k]); o[k] = v[k]; } catch (e2) { /* skip */ } });
      return o;
    }
  };
  var report = function (ok) { return function (v) { return { ok: ok, value: safe(v) }; }; };
  if (kind === 'sync' || kind === 'context') {
    try { return { ok: true, value: f.apply(wx, args) }; } catch (e) { return { ok: false, value: { errMsg: String(e && e.message || e) } }; }
  }
  var opts = Object.assign({}, args[0] || {});
  if (kind === 'task') {
    return new Promise(function (resolve) { opts.success = function (r) { resolve(report(true)(r)); };
      opts.fail = function (r) { resolve(report(false)(r)); }; f.call(wx, opts); });
  }
  return Promise.resolve(f.call(wx, opts)).then(report(true), report(false));
})"""


class AutomationUser:
    """`VirtualUser` methods: evaluate, call_wx, expose_function, navigate_*, grant/revoke."""

    if TYPE_CHECKING:
        name: str
        sim: Simulator
        ctx: WxContext
        _realm: Realm | None

        def _realm_or_raise(self) -> Realm: ...
        async def idle(self) -> None: ...
        @property
        def current_page(self) -> Page: ...

    # ------------------------------------------------------------------ realm start
    def _realm_started(self, realm: Realm) -> None:
        """A new realm is up (launch): install this user's JS mocks, hooks and exposed functions before app code."""
        st = _interception(self)
        st.js_installed.clear()
        sync_all(self)
        for name in st.exposed:
            _install_exposed(realm, name)

    # ------------------------------------------------------------------ evaluate / call
    async def evaluate(self, code: str, *args: Any, timeout: float = 10.0) -> Any:  # noqa: ASYNC109 (virtual seconds)
        """Run JS in this user's AppService and return its JSON value (a Promise is awaited on the virtual
        clock). `code` is an expression/statements, or a function source called with `args`."""
        src = code.strip()
        if _FUNCTION.match(src):
            src = f"({src}).apply(null, {json.dumps(list(args), ensure_ascii=False)})"
        elif args:
            raise ValueError("evaluate: arguments need a function source, e.g. 'function (a) { return a }'")
        return await self._evaluate(src, timeout)

    async def _evaluate(self, src: str, timeout: float, *, gesture: bool = False) -> Any:  # noqa: ASYNC109 (virtual seconds)
        realm = self._realm_or_raise()
        if gesture:
            self.ctx.state["user_gesture"] = True
        try:
            out = json.loads(realm.call("evaluate", src))
        finally:
            self.ctx.state.pop("user_gesture", None)
        if not out.get("done"):
            key = out["key"]
            settled: list[dict[str, Any]] = []

            def check() -> bool:
                text = realm.call("result", key)
                res = json.loads(text) if text else None
                if res and res.get("done"):
                    settled.append(res)
                    return True
                return False

            if not await run_until(self.sim, check, timeout):
                raise WaitTimeout(f"{self.name}: the evaluated Promise did not settle within {timeout:g} s (virtual)")
            out = settled[0]
        else:
            await self.idle()
        if not out.get("ok", True):
            raise JSError(str(out.get("error") or "evaluate failed"))
        return out.get("value")

    async def call_wx(self, name: str, *args: Any, gesture: bool = False, timeout: float = 10.0) -> Any:  # noqa: ASYNC109 (virtual seconds)
        """Call `wx.<name>` as the app would (through mocks and hooks) and return its result; a failure
        raises `WxApiError` (`NavigationError` for routing) with the platform's errMsg. `gesture=True`
        calls it as if inside a tap handler (getUserProfile, openSetting)."""
        kind = _kind(name)
        if kind in ("event", "offevent"):
            raise WxError(f"wx.{name} registers a listener; call it from app code (user.evaluate)")
        call = f"{_CALL_WX}({json.dumps(name)}, {json.dumps(kind)}, {json.dumps(list(args), ensure_ascii=False)})"
        out = await self._evaluate(call, timeout, gesture=gesture)
        if out.get("missing"):
            raise WxError(f"wx.{name} is not available in wxsim")
        if out.get("ok"):
            return out.get("value")
        res = out.get("value") or {}
        errmsg = res.get("errMsg", f"{name}:fail") if isinstance(res, dict) else str(res)
        err = NavigationError if name in _ROUTES else WxApiError
        raise err(errmsg, res.get("errno") if isinstance(res, dict) else None,
                  res.get("errCode") if isinstance(res, dict) else None)

    def expose_function(self, name: str, fn: Callable[..., Any]) -> None:
        """Make `fn` callable from the app as a global `name(...)` returning a Promise (sync or async `fn`)."""
        st = _interception(self)
        st.exposed[name] = fn
        self.ctx.state.setdefault("exposed", {})[name] = fn
        if self._realm is not None and not self._realm.closed:
            _install_exposed(self._realm, name)

    # ------------------------------------------------------------------ navigation
    async def navigate_to(self, url: str, params: dict[str, Any] | None = None) -> Page:
        """`wx.navigateTo` from the test; returns the new page when idle, raises `NavigationError` if refused."""
        await self.call_wx("navigateTo", {"url": _with_params(url, params)})
        return self.current_page

    async def redirect_to(self, url: str, params: dict[str, Any] | None = None) -> Page:
        await self.call_wx("redirectTo", {"url": _with_params(url, params)})
        return self.current_page

    async def relaunch(self, url: str, params: dict[str, Any] | None = None) -> Page:
        await self.call_wx("reLaunch", {"url": _with_params(url, params)})
        return self.current_page

    async def switch_tab(self, url: str) -> Page:
        await self.call_wx("switchTab", {"url": url})
        return self.current_page

    async def navigate_back(self, delta: int = 1) -> Page:
        await self.call_wx("navigateBack", {"delta": delta})
        return self.current_page

    # ------------------------------------------------------------------ permissions
    def grant(self, *scopes: str) -> None:
        """Pre-authorize scopes ("scope.userLocation"), as if the user allowed them earlier."""
        for scope in scopes:
            self.ctx.settings[scope] = True

    def revoke(self, *scopes: str) -> None:
        """Mark scopes as denied: calls needing them fail with `auth deny` without a prompt."""
        for scope in scopes:
            self.ctx.settings[scope] = False

    @property
    def auth_setting(self) -> dict[str, bool]:
        """What `wx.getSetting` reports as `authSetting` right now."""
        return dict(self.ctx.settings)


def _with_params(url: str, params: dict[str, Any] | None) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(params)


def _install_exposed(realm: Realm, name: str) -> None:
    n = json.dumps(name)
    realm.call("evaluate", f"globalThis[{n}] = function () {{ return __wx.callExposed({n}, "
                           "Array.prototype.slice.call(arguments)); }; true")
