"""The registry of wx APIs and the per-user client context they act on.

An API handler takes `(ctx, args)` and returns the result dict (without errMsg), a coroutine that
returns it, or raises `Fail("reason")`. The bridge adds `errMsg: "<api>:ok"` / `"<api>:fail <reason>"`
(wx-fidelity.md §0). Sync APIs (`*Sync`, getters) take positional args as a list.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..clock import VirtualClock
from ..trace import Trace

__all__ = ["REGISTRY", "ApiSpec", "DialogPolicy", "Fail", "Host", "WxContext", "api", "kinds"]

# "context": a sync call whose default answer JS turns into an object recording calls to its methods.
# "property": a field of wx (wx.cloud) whose default is such an object, made on first read.
Kind = Literal["async", "sync", "task", "event", "offevent", "callback", "context", "property"]


class Fail(Exception):
    """Raised by a handler: the call fails with `errMsg = "<api>:fail <reason>"`."""

    def __init__(self, reason: str, errno: int | None = None, errCode: int | None = None, **extra: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errno = errno
        self.errCode = errCode
        self.extra = extra


@dataclass(slots=True)
class ApiSpec:
    name: str
    kind: Kind
    handler: Callable[..., Any] | None
    err_name: str  # the name used in errMsg (task methods report as e.g. sendSocketMessage)


REGISTRY: dict[str, ApiSpec] = {}


def api(name: str, kind: Kind = "async", err_name: str | None = None) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a handler for `wx.<name>` (or a task method such as `connectSocket.send`)."""

    def deco(fn: Callable[..., Any]) -> Callable[..., Any]:
        REGISTRY[name] = ApiSpec(name, kind, fn, err_name or name)
        return fn

    return deco


def event_api(*names: str) -> None:
    """Register `wx.onX` listeners (and their `wx.offX`) that the client emits events to."""
    for name in names:
        REGISTRY[name] = ApiSpec(name, "event", None, name)
        off = "off" + name[2:]
        REGISTRY[off] = ApiSpec(off, "offevent", None, off)


def kinds() -> dict[str, str]:
    """`{name: kind}` for the JS side, which builds `wx` from it (task methods are not listed)."""
    return {n: s.kind for n, s in REGISTRY.items() if "." not in n and not n.startswith("__")}


class Host(Protocol):
    """What API handlers may ask of the runtime hosting the user (implemented by the runtime)."""

    def emit(self, task_id: int, event: str, payload: dict[str, Any]) -> None: ...
    def emit_global(self, name: str, payload: dict[str, Any]) -> None: ...
    def current_route(self) -> str | None: ...
    async def navigate(self, kind: str, args: dict[str, Any]) -> dict[str, Any]: ...
    def page_config(self) -> dict[str, Any]: ...
    def track(self, awaitable: Any) -> Any: ...
    def detach(self, fut: Any) -> None: ...


_ANY: Any = object()


@dataclass
class DialogPolicy:
    """How this user answers native dialogs: a default per dialog kind, plus one-shot answers."""

    modal: str = "confirm"            # confirm | cancel | "content:<text>" for editable modals
    action_sheet: int | str = 0       # index to tap, the item's text, or "cancel"
    payment: str = "confirm"          # confirm | cancel | fail
    authorize: str = "allow"          # allow | deny
    queue: dict[str, list[Any]] = field(default_factory=dict)
    shown: list[dict[str, Any]] = field(default_factory=list)

    def next(self, kind: str, answer: Any = _ANY) -> None:
        """Answer the next `kind` dialog (modal, action_sheet, payment, authorize) with `answer`;
        `next("confirm")` / `next("cancel")` answers the next native dialog of any kind."""
        if answer is _ANY:
            kind, answer = "any", kind
        self.queue.setdefault(kind, []).append(answer)

    def answer(self, kind: str) -> Any:
        q = self.queue.get(kind)
        if q:
            return q.pop(0)
        q = self.queue.get("any")
        if q:
            return _as_answer(kind, q.pop(0))
        return getattr(self, kind)


def _as_answer(kind: str, answer: Any) -> Any:
    """A kind-less one-shot answer ("confirm"/"cancel") in the words of the dialog it meets."""
    if answer in ("confirm", "allow"):
        return {"action_sheet": 0, "authorize": "allow"}.get(kind, "confirm")
    if answer in ("cancel", "deny"):
        return "deny" if kind == "authorize" else "cancel"
    return answer


@dataclass
class WxContext:
    """One virtual user's WeChat client state, as the wx API handlers see it."""

    user: str                       # the user's name in traces ("alice")
    user_key: str                   # stable identity for the platform (openid derivation)
    clock: VirtualClock
    trace: Trace
    fidelity: str = "strict"
    app_config: dict[str, Any] = field(default_factory=dict)
    appid: str = "wx5f1c0a0e0dd0c0de"
    services: Any = None            # the simulation's shared services (network, platform, backend URL)
    host: Host | None = None
    storage: dict[str, str] = field(default_factory=dict)       # key -> JSON text
    dialogs: DialogPolicy = field(default_factory=DialogPolicy)
    ui: dict[str, Any] = field(default_factory=dict)            # what is on screen: toast, loading, modal, ...
    settings: dict[str, bool] = field(default_factory=dict)     # authorization scopes
    system: dict[str, Any] = field(default_factory=dict)
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    state: dict[str, Any] = field(default_factory=dict)         # per-family scratch (sockets, tasks, ...)
    mocks: dict[str, Any] = field(default_factory=dict)
    hooks: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def lenient(self) -> bool:
        return self.fidelity == "lenient"

    def record(self, kind: str, **data: Any) -> None:
        self.trace.add(self.clock.time(), self.user, kind, data)

    def finding(self, kind: str, message: str) -> None:
        route = self.host.current_route() if self.host else None
        self.trace.finding(self.clock.time(), self.user, kind, message, route)
