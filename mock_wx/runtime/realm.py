"""One virtual user's logic layer: a JS realm running the app's code, wired to the wx APIs in Python.

The bridge has the shape of WeChat's JSBridge: JS calls `invoke(api, args, callbackId)`; Python answers
later with `resolve(callbackId, result)`. Sync APIs answer inside the call. Everything runs on the
asyncio loop's thread; handlers that do I/O become tasks, and the realm counts them so that
`idle()` knows when the page has settled.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections import deque
from importlib import resources
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..api import REGISTRY, Fail, WxContext, kinds
from ..api.defaults import DEFAULTS
from ..api.network import JSONBody
from ..clock import Timer
from ..errors import JSError, WxApiError
from .engine import QuickJSEngine
from .loader import VIEW_LINES, AppBundle
from .router import Router
from .settle import SettleBudget

if TYPE_CHECKING:
    from collections.abc import Awaitable

__all__ = ["Realm"]



def _load_prelude() -> tuple[str, list[tuple[int, str]]]:
    """The prelude's fragments (prelude/NN_*.js, one function split by concern), joined in order,
    with the engine line where each starts so stacks name `wxsim/prelude/<part>.js:LINE`."""
    folder = resources.files(__package__).joinpath("prelude")
    parts = sorted((f for f in folder.iterdir() if f.name.endswith(".js")), key=lambda f: f.name)
    texts, starts, line = [], [], 1
    for f in parts:
        text = f.read_text(encoding="utf-8")
        starts.append((line, f"wxsim/prelude/{f.name}"))
        texts.append(text)
        line += text.count("\n")
    source = "".join(texts)
    assert source.count("\n") < VIEW_LINES, "the prelude grew past its reserved engine lines (loader.py)"
    return source, starts


_PRELUDE, _PRELUDE_PARTS = _load_prelude()


# What the JS side builds `wx` from: the emulated APIs as own functions, the defaults as one string it looks
# names up in on first use (prelude 10_bridge.js). Computed on first Realm, after every family registered.
_EMULATED_KINDS: dict[str, str] = {}
_DEFAULT_KINDS = ""


def _api_kinds() -> None:
    global _DEFAULT_KINDS
    if not _EMULATED_KINDS:
        every = kinds()
        _EMULATED_KINDS.update({n: k for n, k in every.items() if n not in DEFAULTS})
        _DEFAULT_KINDS = "".join(f"{n}:{k}," for n, k in every.items() if n in DEFAULTS)


def _default(v: Any) -> Any:
    if isinstance(v, bytes | bytearray | memoryview):
        return {"__arraybuffer": list(bytes(v))}
    raise TypeError(f"{type(v).__name__} is not JSON serialisable")


# One encoder for every answer to JS (json.dumps with options builds a new JSONEncoder per call).
_json = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=_default).encode


def _obj(v: Any) -> Any:
    """A value returned by the engine, as plain Python (objects come back as JSON)."""
    if hasattr(v, "json"):
        return json.loads(v.json())
    return v


class Realm:
    """The AppService of one virtual user. Created by `VirtualUser`; tests use the rig's API on top."""

    def __init__(self, bundle: AppBundle, ctx: WxContext, *, time_limit: float = 10.0,
                 fail_on_js_errors: bool = False) -> None:
        self.bundle = bundle
        self.ctx = ctx
        self.clock = ctx.clock
        self.engine = QuickJSEngine(time_limit=time_limit)
        self.errors: list[JSError] = []
        #: Unhandled rejections join `errors` (so the rig raises them), not only the findings.
        self.fail_on_js_errors = fail_on_js_errors
        # (callback id, result JSON, ok, response body text for JS to parse into `data` or None)
        self._queue: deque[tuple[int, str, bool, str | None]] = deque()
        self._tasks: set[asyncio.Future[Any]] = set()
        self._detached: set[asyncio.Future[Any]] = set()
        self._wake: asyncio.Future[None] | None = None
        self._timers: dict[int, Timer] = {}
        self._late_timer_owners: set[int] = set()
        self._pump_scheduled = False
        # Set by `call`: a driver call may have queued promise jobs (an async handler awaiting a plain
        # Promise, no bridge call) that only a pump runs, so the realm counts as busy until pumped.
        self._jobs_maybe = False
        # What `pump` would otherwise ask JS about each round (two calls into the engine per round):
        # setData calls since the last flush (counted in `_render`), and whether the prelude recorded a
        # rejection candidate since the last `flushRejections` (it says so through `__host_rejected`).
        self._renders = 0
        self._rejections_maybe = False
        # requestPayment calls in flight: their callbacks (and the promise jobs right after) may do what
        # needs a payment callback, like requestSubscribeMessage (§10).
        self._payment_cbs: set[int] = set()
        self.closed = False
        #: The view layer attached to this realm (mock_wx.view sets it), or None: the runtime never needs one.
        self.view: Any = None
        #: Work since the test last acted or virtual time moved (a page that never settles, settle.py).
        self.settle = SettleBudget()
        ctx.host = self
        ctx.state["ext_config"] = bundle.ext_config
        self.router = Router(self)
        e = self.engine
        e.expose("__host_invoke", self._invoke)
        e.expose("__host_invokeSync", self._invoke_sync)
        e.expose("__host_now", lambda: float(self.clock.now_ms()))
        e.expose("__host_timer", self._set_timer)
        e.expose("__host_clearTimer", self._clear_timer)
        e.expose("__host_log", self._log)
        e.expose("__host_render", self._render)
        e.expose("__host_renderData", self._render_data)
        e.expose("__host_finding", self._finding)
        e.expose("__host_error", self._error)
        e.expose("__host_require", self._require)
        e.expose("__host_rejected", self._rejected)
        e.expose("__host_where", self._where)
        e.expose("__host_unhandled", self._unhandled)
        _api_kinds()
        config = {"fidelity": ctx.fidelity, "apis": _EMULATED_KINDS, "defaults": _DEFAULT_KINDS}
        e.eval(f"globalThis.__WX_CONFIG_JSON = {json.dumps(_json(config))};")
        for start, part in _PRELUDE_PARTS:
            e.source_map.add(start, part)
        e.eval(_PRELUDE)
        for name, start in bundle.offsets.items():
            e.source_map.add(start, name)
        e.source_map.sources = bundle.files  # shared by every realm: quoted in JSError.source
        self._fns: dict[str, Any] = {}
        self._js_resolve = e.function("__wx.resolve")
        self._js_emit = e.function("__wx.emit")
        self._js_emit_global = e.function("__wx.emitGlobal")
        self._js_fire = e.function("__wx.fireTimer")
        self._js_flush = e.function("__wx.flushRenders")
        self._js_rejections = e.function("__wx.flushRejections")

    # ------------------------------------------------------------------ host functions (JS -> Python)
    def _require(self, name: str) -> bool:
        src = self.bundle.source_for(name)
        if src is None:
            return False
        self.engine.eval(src)
        return True

    def _invoke(self, name: str, args_json: str, cb_id: int) -> bool:
        """An async call from JS; True asks JS for the caller's stack (`_where`): the settle budget is low."""
        budget = self.settle
        if budget.halted:
            return False  # a loop used up the settle budget: nothing more is answered (settle.py)
        args = json.loads(args_json) if args_json else {}
        locate = budget.spend(self.clock.now_ms())
        if locate:
            budget.note(_describe(name, args))
            if budget.halted:
                return True  # the call that used up the budget is not answered either; tell where it came from
        self._dispatch_invoke(name, args, cb_id)
        return locate

    def _dispatch_invoke(self, name: str, args: Any, cb_id: int) -> None:
        spec = REGISTRY.get(name)
        err_name = spec.err_name if spec else name
        if isinstance(args, dict):
            args = _decode_buffers(args)
        if self.ctx.trace.enabled:
            self.ctx.record("wx", api=name, args=_summary(args))
        if spec is not None and spec.kind == "task" and isinstance(args, dict):
            args["__taskId"] = int(cb_id)  # task handlers emit events to this id (§1, §5)
        elif name == "requestPayment":
            self._payment_cbs.add(int(cb_id))
        try:
            result = self._dispatch(name, spec, args)
        except Exception as exc:
            self._answer_error(int(cb_id), err_name, exc)
            return
        if asyncio.iscoroutine(result) or isinstance(result, asyncio.Future):
            fut = asyncio.ensure_future(result)
            self._tasks.add(fut)
            fut.add_done_callback(functools.partial(self._task_done, cb_id=int(cb_id), err_name=err_name))
        else:
            self._ok(cb_id, err_name, result)

    def _task_done(self, fut: asyncio.Future[Any], cb_id: int, err_name: str) -> None:
        self._tasks.discard(fut)
        try:
            if self.closed or fut.cancelled():
                return
            exc = fut.exception()
            if exc is not None:
                self._answer_error(cb_id, err_name, exc)
            else:
                self._ok(cb_id, err_name, fut.result())
        finally:
            self._wake_drain()

    def _wake_drain(self) -> None:
        """A call finished (or stopped counting): let a waiting `drain` look again."""
        wake = self._wake
        if wake is not None and not wake.done():
            wake.set_result(None)

    def _dispatch(self, name: str, spec: Any, args: Any) -> Any:
        """A test's mock if there is one, else the API's handler (raises Fail for an unknown API)."""
        mock = self.ctx.mocks.get(name)
        if mock is not None:
            return mock(self.ctx, args)
        if spec is None or spec.handler is None:
            raise Fail("not supported in wxsim")
        return spec.handler(self.ctx, args)

    def _answer_error(self, cb_id: int, err_name: str, exc: BaseException) -> None:
        """Fail the call with the platform's errMsg; a bug in a handler or mock fails it too, never hangs it."""
        if isinstance(exc, Fail):
            self._fail(cb_id, err_name, exc)
        elif isinstance(exc, WxApiError):
            self._queue.append((cb_id, _json({"errMsg": exc.errMsg}), False, None))
            self._schedule_pump()
        else:
            self.ctx.record("internal-error", api=err_name, error=repr(exc))
            self._fail(cb_id, err_name, Fail(f"wxsim internal error: {exc!r}"))

    def _ok(self, cb_id: int, err_name: str, result: Any) -> None:
        res = dict(result or {})
        res.setdefault("errMsg", f"{err_name}:ok")
        body = res.get("data")
        if type(body) is JSONBody:
            res["data"] = None  # keeps `data` the first key; JS puts the parsed body there
            self._queue.append((int(cb_id), _json(res), True, str(body)))
        else:
            self._queue.append((int(cb_id), _json(res), True, None))
        self._schedule_pump()

    def _fail(self, cb_id: int, err_name: str, f: Fail) -> None:
        res: dict[str, Any] = {"errMsg": f"{err_name}:fail {f.reason}".rstrip()}
        if f.errno is not None:
            res["errno"] = f.errno
        if f.errCode is not None:
            res["errCode"] = f.errCode
        res.update(f.extra)
        self.ctx.record("wx-fail", api=err_name, errMsg=res["errMsg"])
        self._queue.append((int(cb_id), _json(res), False, None))
        self._schedule_pump()

    def _invoke_sync(self, name: str, args_json: str) -> str:
        spec = REGISTRY.get(name)
        args = json.loads(args_json) if args_json else []
        try:
            result = self._dispatch(name, spec, args)
        except Fail as f:
            # wx-fidelity.md §0: *Sync APIs throw on error.
            return _json({"__throw": f"{spec.err_name if spec else name}:fail {f.reason}"})
        return _json(result)

    def _set_timer(self, timer_id: int, ms: float) -> bool:
        """A JS timer; True asks for the caller's stack when a zero-delay timer is near the settle budget."""
        budget = self.settle
        if budget.halted:
            return False
        locate = False
        if float(ms) <= 0:  # only a zero-delay timer keeps virtual time still
            locate = budget.spend(self.clock.now_ms())
            if locate:
                budget.note("setTimeout 0")
        tid = int(timer_id)
        self._timers[tid] = self.clock.call_later(float(ms) / 1000.0, self._fire_timer, tid)
        return locate

    def _where(self, stack: str) -> None:
        self.settle.located(self.engine.source_map.first_location(stack))

    def _clear_timer(self, timer_id: int) -> None:
        t = self._timers.pop(int(timer_id), None)
        if t is not None:
            t.cancel()

    def _fire_timer(self, tid: int) -> None:
        if self.closed or self._timers.pop(tid, None) is None:
            return
        owner = self._js_fire(tid)
        if owner is not None and not self.router.is_alive(int(owner)) and tid not in self._late_timer_owners:
            self._late_timer_owners.add(tid)
            route = self.router.route_of_dead(int(owner))
            self._finding("timer-after-unload", f"a timer set by {route} fired after its onUnload (clear it in onUnload)")
        self.pump()

    def _log(self, level: str, text: str) -> None:
        self.ctx.record("console", level=level, text=text)

    def _render(self, page_id: int) -> bool:
        """setData queued a render (and its callback); True asks for the payload, for the trace only
        (a few KiB of string crossing into Python costs ~10 us, which a load run does not pay)."""
        self._renders += 1
        return self.ctx.trace.enabled

    def _render_data(self, page_id: int, payload_json: str, owner: str = "") -> None:
        route = self.router.route_of(int(page_id))
        # `owner`: the component whose setData this was (its path), so the report names it, not only its page.
        extra = {"component": owner} if owner and owner != route else {}
        self.ctx.record("setData", page=route, data=json.loads(payload_json), **extra)

    def _rejected(self) -> None:
        self._rejections_maybe = True

    def _finding(self, kind: str, message: str) -> None:
        self.ctx.finding(kind, message)

    def _error(self, payload: str) -> str:
        info = json.loads(payload)
        stack = self.engine.source_map.rewrite(info.get("stack", ""))
        location = self.engine.source_map.first_location(info.get("stack", ""))
        callee, source = self.engine.source_map.excerpt(info["message"], info.get("stack", ""))
        err = JSError(info["message"], stack.rstrip(), location, source=source, callee=callee)
        self.errors.append(err)
        self._finding("js-error", f"{err.js_message}" + (f" ({err.callee + ' is not a function, ' if err.callee else ''}"
                                                         f"{location})" if location else "") + _where_text(info))
        self.ctx.record("js-error", message=info["message"], where=info.get("where"), location=location, stack=stack)
        return f"{info['message']}\n{stack.rstrip()}"  # what App.onError receives

    def _unhandled(self, payload: str) -> None:
        """A promise rejection nobody handled (after App.onUnhandledRejection ran): a finding with the stack's
        file:line, and with `fail_on_js_errors` an error the rig raises from the action that caused it."""
        info = json.loads(payload)
        raw = info.get("stack", "")
        stack = self.engine.source_map.rewrite(raw)
        location = self.engine.source_map.first_location(raw)
        callee, source = self.engine.source_map.excerpt(info["message"], raw)
        where = f" ({callee + ' is not a function, ' if callee else ''}{location})" if location else ""
        self._finding("unhandled-rejection", f"Unhandled promise rejection: {info['message']}{where}")
        self.ctx.record("js-error", message=info["message"], where="unhandled rejection", location=location,
                        stack=stack)
        if self.fail_on_js_errors:
            self.errors.append(JSError(f"Unhandled promise rejection: {info['message']}", stack.rstrip(), location,
                                       source=source, callee=callee))

    # ------------------------------------------------------------------ Python -> JS
    def emit(self, task_id: int, event: str, payload: dict[str, Any]) -> None:
        if self.closed:
            return
        self._js_emit(int(task_id), event, _json(payload))
        self.pump()

    def emit_global(self, name: str, payload: dict[str, Any]) -> None:
        if self.closed:
            return
        self._js_emit_global(name, _json(payload))
        self.pump()

    def call(self, fn: str, *args: Any) -> Any:
        """Call a `__wx.<fn>` driver function and return its value as plain Python."""
        f = self._fns.get(fn)
        if f is None:
            f = self._fns[fn] = self.engine.function("__wx." + fn)
        self._jobs_maybe = True
        self.settle.reset()  # the test acted: a new settle starts
        return _obj(self.engine.call(f, *args))

    def track(self, awaitable: Awaitable[Any]) -> asyncio.Future[Any]:
        """Count background work (e.g. a socket handshake) as pending for `idle()`."""
        fut = asyncio.ensure_future(awaitable)
        self._tasks.add(fut)
        fut.add_done_callback(self._tracked_done)
        return fut

    def _tracked_done(self, fut: asyncio.Future[Any]) -> None:
        self._tasks.discard(fut)
        self._schedule_pump()
        self._wake_drain()

    def detach(self, fut: asyncio.Future[Any]) -> None:
        """Stop counting an in-flight call for `idle()` (a request stalled on its server); it still resolves."""
        if fut in self._tasks:
            self._tasks.discard(fut)
            self._detached.add(fut)
            fut.add_done_callback(self._detached.discard)
            self._wake_drain()

    def current_route(self) -> str | None:
        return self.router.current_route()

    def page_config(self) -> dict[str, Any]:
        route = self.router.current_route()
        return self.bundle.window(route) if route else {}

    async def navigate(self, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        return await self.router.navigate(kind, args)

    # ------------------------------------------------------------------ settling
    def _schedule_pump(self) -> None:
        if not self._pump_scheduled and not self.closed:
            self._pump_scheduled = True
            asyncio.get_running_loop().call_soon(self._scheduled_pump)

    def _scheduled_pump(self) -> None:
        self._pump_scheduled = False
        if not self.closed:
            self.pump()

    def pump(self) -> None:
        """Deliver queued results, run promise jobs and render callbacks until nothing is left."""
        if self.closed:
            return
        engine = self.engine
        self._jobs_maybe = False
        while True:
            progressed = False
            while self._queue:
                cb_id, payload, ok, body = self._queue.popleft()
                # requestPayment's callbacks, and the promise jobs they start, run as a payment callback (§10).
                paying = bool(self._payment_cbs) and cb_id in self._payment_cbs
                if paying:
                    self._payment_cbs.discard(cb_id)
                    self.ctx.state["payment_callback"] = True
                try:
                    if body is None:
                        self._js_resolve(cb_id, payload, ok)
                    else:
                        self._js_resolve(cb_id, payload, ok, body)
                    engine.run_jobs()
                finally:
                    if paying:
                        self.ctx.state.pop("payment_callback", None)
                progressed = True
            # After a delivered result the job queue was just drained: ask the engine again only otherwise.
            if not progressed and engine.run_jobs():
                progressed = True
            if self._renders:
                self._renders = 0
                if self._js_flush():
                    progressed = True
                    if self.settle.spend(self.clock.now_ms()):
                        self.settle.note(f"setData on {self.router.current_route()}")
                    if self.settle.halted:
                        break  # a render loop used up the settle budget (settle.py)
            if not progressed:
                # The job queue is empty: rejections nobody handled go to App.onUnhandledRejection (§6).
                if self._rejections_maybe:
                    self._rejections_maybe = False
                    if self._js_rejections():
                        continue
                break

    @property
    def busy(self) -> bool:
        """True while bridge calls are in flight or results wait to be delivered."""
        return bool(self._tasks or self._queue or self._jobs_maybe)

    def check_settled(self) -> None:
        """Raise `SettleLoopError` (once) if the app used up its settle budget in a loop (settle.py)."""
        err = self.settle.take_error()
        if err is not None:
            route = self.router.current_route()
            err.args = (f"{self.ctx.user} on {route}: {err}" if route else f"{self.ctx.user}: {err}",)
            raise err

    async def drain(self) -> None:
        """Pump until no bridge call is in flight (timers are the clock's business); raises
        `SettleLoopError` when the app loops without virtual time moving."""
        while True:
            self.pump()
            self.check_settled()
            if not self._tasks:
                if not self._queue:
                    return
                continue
            # Every counted call wakes this when it ends (`_task_done`, `_tracked_done`, `detach`, `close`):
            # one future instead of asyncio.wait's callbacks on every task in flight.
            if self._wake is None or self._wake.done():
                self._wake = asyncio.get_running_loop().create_future()
            await self._wake

    def take_errors(self) -> list[JSError]:
        errs, self.errors = self.errors, []
        return errs

    def close(self) -> None:
        """Stop timers and in-flight work; the realm can no longer run code."""
        self.closed = True
        for t in self._timers.values():
            t.cancel()
        self._timers.clear()
        for fut in [*self._tasks, *self._detached]:
            fut.cancel()
        self._tasks.clear()
        self._detached.clear()
        self._wake_drain()
        # Families holding live resources (open sockets, §5) release them with the process.
        for hook in self.ctx.hooks.pop("close", []):
            hook()


def _where_text(info: dict[str, Any]) -> str:
    where = info.get("where")
    return f" in {where}" if where else ""


def _describe(name: str, args: Any) -> str:
    """A bridge call as the loop message names it: `wx.request /user/login`."""
    url = args.get("url") if isinstance(args, dict) else None
    if isinstance(url, str):
        return f"wx.{name} {urlsplit(url).path or url}"
    return f"wx.{name}"


def _decode_buffers(d: dict[str, Any]) -> dict[str, Any]:
    for k, v in d.items():
        if isinstance(v, dict) and isinstance(v.get("__arraybuffer"), list):
            d[k] = bytes(v["__arraybuffer"])
    return d


def _summary(args: Any) -> Any:
    if isinstance(args, dict) and any(k.startswith("__") for k in args):
        args = {k: v for k, v in args.items() if not k.startswith("__")}  # bridge bookkeeping, not the app's
    text = _json(args) if not isinstance(args, str) else args
    return args if len(text) <= 2000 else text[:2000] + "..."
