"""One root exception, `WxError`, and a few subclasses a caller may need to tell apart.

Where the platform has an `errMsg`, the exception message *is* that errMsg (wx-fidelity.md §0).
"""

from __future__ import annotations

__all__ = [
    "AppLoadError",
    "JSError",
    "NavigationError",
    "PlatformError",
    "SettleLoopError",
    "StrictModeError",
    "WaitTimeout",
    "WxApiError",
    "WxError",
]


class WxError(Exception):
    """Root of every error wxsim raises."""


class WxApiError(WxError):
    """A wx API call failed; `errMsg` is exactly what the page would receive."""

    def __init__(self, errMsg: str, errno: int | None = None, errCode: int | None = None) -> None:
        super().__init__(errMsg)
        self.errMsg = errMsg
        self.errno = errno
        self.errCode = errCode


class NavigationError(WxApiError):
    """A routing call (navigateTo, switchTab, ...) was refused by the platform's rules."""


class JSError(WxError):
    """An exception thrown by the app's JavaScript, with its JS stack mapped to file:line."""

    def __init__(self, message: str, stack: str = "", location: str | None = None, *, source: str = "",
                 callee: str | None = None) -> None:
        where = location or ""
        if callee:
            # QuickJS says only "not a function"; V8 (WeChat on Android, DevTools) names the callee.
            where = f"{callee} is not a function" + (f", {where}" if where else "")
        text = message if not where else f"{message} ({where})"
        if source:
            text = f"{text}\n{source}"
        if stack:
            text = f"{text}\n{stack}"
        super().__init__(text)
        self.js_message = message
        self.js_stack = stack
        self.location = location
        #: The app's source line the error points at, with a caret under the column ("" when unknown).
        self.source = source
        #: What a "not a function" error tried to call (`wx.shareAppMessage`), from the source line.
        self.callee = callee


class AppLoadError(WxError):
    """The mini program folder cannot be loaded: missing file, bad app.json, syntax error."""


class StrictModeError(WxError):
    """The app did something the real platform does not allow (raised only in strict mode)."""


class PlatformError(WxError):
    """The emulated WeChat servers rejected a call (bad signature, invalid code, ...)."""


class SettleLoopError(WxError):
    """The app kept calling the bridge, rendering or queueing zero-delay timers without virtual time moving
    (a retry loop): the message names the repeating calls with their file:line."""


class WaitTimeout(WxError):
    """A `wait_for` condition did not hold before its (virtual) deadline."""
