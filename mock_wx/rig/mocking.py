"""Mock wx APIs per user or for the whole simulation (Minium `mock_wx_method`, automator `mockWxMethod`).

A mock answers instead of the emulated client, in the platform's style: the page still gets its
callbacks or Promise (or, for `request`, a RequestTask whose callbacks fire), with `errMsg` added. Python
mocks live in `ctx.mocks`, which the bridge consults before the real handler; JS mocks live in the
realm's mock table, which the generated `wx.<name>` consults before calling the bridge. Hooks
(hooks.py) wrap whichever answers. Precedence: user mock > simulation mock > the real client.
"""

from __future__ import annotations

import copy
import fnmatch
import inspect
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qs, urlsplit

from ..api import REGISTRY, Fail, WxContext
from ..api.network import encode_form
from ..errors import WxApiError
from ._urlglob import url_matches
from .socket_mock import Frame, Reply, SocketClose, SocketMock
from .test_errors import guard_call

if TYPE_CHECKING:
    from ..runtime import Realm
    from .hooks import WxHook
    from .simulator import Simulator
    from .user import VirtualUser

__all__ = ["MockSpec", "MockingSim", "MockingUser", "make_mock", "query_matches", "wire_url"]

Handler = Callable[[WxContext, Any], Any]


class Owner(Protocol):
    """What the helpers need of a user (VirtualUser satisfies it)."""

    sim: Simulator
    ctx: WxContext
    _realm: Realm | None

_NETWORK_TASKS = ("request", "downloadFile", "uploadFile")


@dataclass(slots=True)
class MockSpec:
    """One mock of `wx.<name>`: a Python handler `(ctx, args)` or a JS function source."""

    name: str
    handler: Handler | None = None
    js: str | None = None
    description: str = ""


def _kind(name: str) -> str:
    """The API's kind; an API the emulator lacks is sync if named `*Sync`, else async."""
    spec = REGISTRY.get(name)
    if spec is not None:
        return spec.kind
    return "sync" if name.endswith("Sync") else "async"


def _shape(name: str, value: Any) -> Any:
    """A mock's answer as the bridge expects it: a dict for async/task APIs, anything for sync ones."""
    if _kind(name) in ("sync", "context", "property"):
        return value
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise TypeError(f"a mock of wx.{name} must answer a dict (the success result), got {type(value).__name__}")
    if name in _NETWORK_TASKS:  # what a RequestTask's success callback always carries (§1)
        value = {"statusCode": 200, "header": {}, "cookies": [], **value}
        value.setdefault("data", "")
    return value


def make_mock(
    name: str,
    fn: Callable[[Any], Any] | None = None,
    *,
    result: Any = None,
    fail: str | None = None,
    js: str | None = None,
    js_args: Sequence[Any] = (),
    label: str | None = None,
) -> MockSpec:
    """Build a mock from exactly one of: `fn(options)` (sync or async; return the result or raise `Fail`),
    `result=` (a fixed answer), `fail=` (the reason in `"<name>:fail <reason>"`), `js=` (JS function source,
    called with the call's arguments followed by `js_args`; `this.origin(...)` calls the real API)."""
    given = [x is not None for x in (fn, fail, js)]
    if sum(given) > 1 or (result is not None and any(given)):
        raise ValueError("mock_wx takes one of fn, result=, fail=, js=")
    if js is not None:
        if js_args:
            extra = json.dumps(list(js_args), ensure_ascii=False)
            js = (f"function () {{ return ({js}).apply(this, Array.prototype.slice.call(arguments)"
                  f".concat({extra})); }}")
        return MockSpec(name, js=js, description="js")
    if fail is not None:
        reason = str(fail)

        def failing(ctx: WxContext, args: Any) -> Any:
            raise Fail(reason)

        return MockSpec(name, failing, description=f"fail {reason}")
    if fn is not None:
        func = fn
        where = label or f"mock_wx({name!r}, fn={getattr(fn, '__name__', 'fn')})"

        def answer(args: Any) -> Any:
            out = func(args)
            if inspect.isawaitable(out):
                if _kind(name) in ("sync", "context", "property"):
                    raise TypeError(f"wx.{name} is synchronous: its mock cannot be async")
                return _await_shape(name, out)
            return _shape(name, out)

        def calling(ctx: WxContext, args: Any) -> Any:
            # A bug in the test's mock fails the test, not only the app's call (test_errors.py).
            return guard_call(ctx, where, lambda: answer(args))

        return _with_task_events(MockSpec(name, calling, description=getattr(fn, "__name__", "fn")))
    fixed = result

    def answering(ctx: WxContext, args: Any) -> Any:
        return _shape(name, copy.deepcopy(fixed))

    return _with_task_events(MockSpec(name, answering, description="result"))


async def _await_shape(name: str, awaitable: Any) -> Any:
    return _shape(name, await awaitable)


def _with_task_events(spec: MockSpec) -> MockSpec:
    """A mocked request/download/upload still fires its task's onHeadersReceived before success (§1)."""
    inner = spec.handler
    if inner is None or spec.name not in _NETWORK_TASKS:
        return spec

    def handler(ctx: WxContext, args: Any) -> Any:
        return _emit_then_answer(ctx, args, inner(ctx, args))

    spec.handler = handler
    return spec


async def _emit_then_answer(ctx: WxContext, args: Any, out: Any) -> Any:
    # Runs after wx.request() has returned the task to the page, so listeners it added are there.
    value = await out if inspect.isawaitable(out) else out
    task_id = args.get("__taskId") if isinstance(args, dict) else None
    if ctx.host is not None and isinstance(task_id, int) and isinstance(value, dict):
        ctx.host.emit(task_id, "headersReceived", {"header": value.get("header", {}),
                                                   "statusCode": value.get("statusCode", 200),
                                                   "cookies": value.get("cookies", [])})
        ctx.host.emit(task_id, "__done", {})
    return value


@dataclass
class RequestRule:
    """`mock_request`: answer requests whose URL matches `pattern` (glob on the path, or on the full URL)
    and, when given, whose final URL's query string has the `query` parameters."""

    pattern: str
    mock: MockSpec
    once: bool = False
    used: int = 0
    query: dict[str, Any] | None = None

    def matches(self, url: str, method: str = "GET", data: Any = None) -> bool:
        return url_matches(self.pattern, url) and query_matches(self.query, wire_url(url, method, data))


def wire_url(url: str, method: Any = "GET", data: Any = None) -> str:
    """The URL a `wx.request` puts on the wire: a GET's `data` goes into the query string (§1)."""
    if str(method or "GET").upper() != "GET" or data is None:
        return url
    qs = encode_form(data) if isinstance(data, dict) else (data if isinstance(data, str) else "")
    return url + ("&" if "?" in url else "?") + qs if qs else url


def query_matches(query: dict[str, Any] | None, url: str) -> bool:
    """Every `query` parameter is in `url`'s query string (values are globs: `{"page": "*"}`)."""
    if not query:
        return True
    got = parse_qs(urlsplit(url).query, keep_blank_values=True)
    return all(k in got and any(fnmatch.fnmatchcase(v, _query_text(want)) for v in got[k]) for k, want in query.items())


def _query_text(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def real_handler(name: str) -> Handler:
    """The emulated client's own handler for `wx.<name>` (what answers when nothing is mocked)."""
    spec = REGISTRY.get(name)
    if spec is None or spec.handler is None:
        def unsupported(ctx: WxContext, args: Any) -> Any:
            raise Fail("not supported in wxsim")

        return unsupported
    return spec.handler


@dataclass
class Interception:
    """One user's mocks, request rules, hooks and exposed functions; `sync_name()` applies them."""

    mocks: dict[str, MockSpec] = field(default_factory=dict)
    request_rules: list[RequestRule] = field(default_factory=list)
    hooks: dict[str, list[WxHook]] = field(default_factory=dict)
    exposed: dict[str, Callable[..., Any]] = field(default_factory=dict)
    js_installed: set[str] = field(default_factory=set)
    socket_mocks: list[SocketMock] = field(default_factory=list)
    cloud_functions: dict[str, MockSpec] = field(default_factory=dict)  # mock_cloud_function, by function name


def _interception(user: Owner) -> Interception:
    st: Interception | None = user.__dict__.get("_wx_interception")
    if st is None:
        st = user.__dict__["_wx_interception"] = Interception()
    return st


def _sim_mocks(sim: Any) -> dict[str, MockSpec]:
    table: dict[str, MockSpec] | None = sim.__dict__.get("_wx_sim_mocks")
    if table is None:
        table = sim.__dict__["_wx_sim_mocks"] = {}
    return table


def effective_mock(user: Owner, name: str) -> MockSpec | None:
    st = _interception(user)
    if name == _CLOUD_CALL and st.cloud_functions:  # functions mocked by name; the others as below
        fallback = st.mocks.get(name) or _sim_mocks(user.sim).get(name)
        return MockSpec(name, _functions_handler(st, fallback), description="cloud functions")
    if name in st.mocks:
        return st.mocks[name]
    if name == "request" and st.request_rules:
        return MockSpec(name, _rules_handler(st), description="request rules")
    return _sim_mocks(user.sim).get(name)


_CLOUD_CALL = "cloud.callFunction"


def _functions_handler(st: Interception, fallback: MockSpec | None) -> Handler:
    """`wx.cloud.callFunction` answered by the mock of the function it names; other names by the
    simulation's mock or the default (mock_wx/api/cloud.py)."""
    def handler(ctx: WxContext, args: Any) -> Any:
        name = args.get("name") if isinstance(args, dict) else None
        spec = st.cloud_functions.get(str(name))
        if spec is None:
            spec = fallback
        if spec is not None and spec.handler is not None:
            return spec.handler(ctx, args)
        return real_handler(_CLOUD_CALL)(ctx, args)

    return handler


def _function_result(out: Any) -> Any:
    """What a cloud function returned, as callFunction's success answer `{result}` (awaited if need be)."""
    if inspect.isawaitable(out):
        async def later() -> Any:
            return {"result": await out}

        return later()
    return {"result": out}


def _rules_handler(st: Interception) -> Handler:
    def handler(ctx: WxContext, args: Any) -> Any:
        url = str(args.get("url", "")) if isinstance(args, dict) else ""
        method = args.get("method", "GET") if isinstance(args, dict) else "GET"
        data = args.get("data") if isinstance(args, dict) else None
        for rule in list(st.request_rules):
            if rule.matches(url, method, data):
                rule.used += 1
                if rule.once:
                    st.request_rules.remove(rule)
                assert rule.mock.handler is not None
                return rule.mock.handler(ctx, args)
        return real_handler("request")(ctx, args)

    return handler


def _socket_finder(st: Interception) -> Callable[[str], SocketMock | None]:
    """What `wx.connectSocket` asks for a URL: the latest matching socket script (a `once` one is used up)."""
    def find(url: str) -> SocketMock | None:
        for mock in reversed(st.socket_mocks):
            if mock.matches(url):
                if mock.once:
                    st.socket_mocks.remove(mock)
                return mock
        return None

    return find


def sync_name(user: Owner, name: str) -> None:
    """Recompute what answers `wx.<name>` for this user (Python table and, if launched, the JS table)."""
    from .hooks import wrap_with_hooks

    st = _interception(user)
    mock = effective_mock(user, name)
    hooks = st.hooks.get(name) or []
    ctx = user.ctx
    base: Handler | None = mock.handler if mock is not None and mock.handler is not None else None
    if hooks:
        ctx.mocks[name] = wrap_with_hooks(name, base or real_handler(name), hooks, base is not None)
    elif base is not None:
        ctx.mocks[name] = base
    else:
        ctx.mocks.pop(name, None)
    realm = user._realm
    if realm is None or realm.closed:
        return
    if mock is not None and name not in REGISTRY:
        realm.call("ensureWx", name, _kind(name))  # so the app (and canIUse) sees a mocked API wxsim lacks
    js = mock.js if mock is not None else None
    if js is not None:
        realm.call("setJsMock", name, js)
        st.js_installed.add(name)
    elif name in st.js_installed:
        realm.call("setJsMock", name, None)
        st.js_installed.discard(name)


def sync_all(user: Owner) -> None:
    st = _interception(user)
    names = set(st.mocks) | set(st.hooks) | set(_sim_mocks(user.sim)) | set(st.js_installed)
    if st.request_rules:
        names.add("request")
    if st.cloud_functions:
        names.add(_CLOUD_CALL)
    for name in sorted(names):
        sync_name(user, name)


class MockingUser:
    """`VirtualUser` methods: mock_wx, mock_request, restore_wx, restore_all."""

    if TYPE_CHECKING:
        sim: Simulator
        ctx: WxContext
        _realm: Realm | None

    def mock_wx(
        self,
        name: str,
        fn: Callable[[Any], Any] | None = None,
        *,
        result: Any = None,
        fail: str | None = None,
        js: str | None = None,
        js_args: Sequence[Any] = (),
    ) -> MockSpec:
        """Answer `wx.<name>` for this user with `fn(options)`, a fixed `result`, a `fail` reason or `js` source."""
        spec = make_mock(name, fn, result=result, fail=fail, js=js, js_args=js_args)
        _interception(self).mocks[name] = spec
        sync_name(self, name)
        return spec

    def mock_request(
        self, pattern: str, *, result: Any = None, fail: str | None = None,
        fn: Callable[[Any], Any] | None = None, once: bool = False,
        json: Any = None, status: int = 200, query: dict[str, Any] | None = None,
    ) -> RequestRule:
        """Answer `wx.request` calls whose URL path matches the glob `pattern` (others go to the network).

        `json=body` answers with that response body (and `status`), like `result={"data": body}`;
        `query={"page": "1"}` also requires those parameters in the final URL (a GET's `data` included).
        """
        if json is not None:
            if result is not None or fail is not None or fn is not None:
                raise ValueError("mock_request takes one of json=, result=, fail=, fn")
            result = {"data": json, "statusCode": status}
        label = f"mock_request({pattern!r}, fn={getattr(fn, '__name__', 'fn')})" if fn is not None else None
        rule = RequestRule(pattern, make_mock("request", fn, result=result, fail=fail, label=label), once,
                           query=dict(query) if query else None)
        _interception(self).request_rules.append(rule)
        sync_name(self, "request")
        return rule

    def mock_cloud_function(
        self, name: str, fn: Callable[[Any], Any] | None = None, *, result: Any = None, fail: str | None = None,
    ) -> MockSpec:
        """Answer `wx.cloud.callFunction({name, data})` for the cloud function `name`: `fn(data)` (sync or async)
        or `result=` is what the function returns (the call's `result`); `fail=` the reason in
        `cloud.callFunction:fail <reason>`. Other functions answer as before (the default fails: cloud.py)."""
        if sum(x is not None for x in (fn, result, fail)) > 1:
            raise ValueError("mock_cloud_function takes one of fn, result=, fail=")
        if fail is not None:
            spec = make_mock(_CLOUD_CALL, fail=fail)
        elif fn is not None:
            func = fn
            spec = make_mock(_CLOUD_CALL, lambda opts: _function_result(func((opts or {}).get("data") or {})),
                             label=f"mock_cloud_function({name!r}, fn={getattr(fn, '__name__', 'fn')})")
        else:
            spec = make_mock(_CLOUD_CALL, result={"result": result})
        spec.description = f"cloud function {name}"
        _interception(self).cloud_functions[name] = spec
        sync_name(self, _CLOUD_CALL)
        return spec

    def mock_socket(
        self, pattern: str, *, on_open: Sequence[Frame] = (), replies: Mapping[str | bytes, Reply] | None = None,
        fn: Callable[[str | bytes], Reply] | None = None, close: tuple[int, str] | None = None,
        refuse: int | None = None, once: bool = False,
    ) -> SocketMock:
        """Answer `wx.connectSocket` to URLs matching the glob `pattern` with a scripted server (§5).

        `on_open` frames are sent once the socket opens, then `close=(code, reason)` if given; each message
        the app sends is answered by `replies[message]` or `fn(message)` (a frame, a list of frames, None,
        or a `SocketClose`); `refuse=503` fails the handshake with that status. Frames are str, bytes, or a
        dict/list sent as JSON. Returns the handle with `.connections`, `.received`, `.push(...)`.
        """
        if replies is not None and fn is not None:
            raise ValueError("mock_socket takes replies= or fn=, not both")
        frames: list[Any] = list(on_open) + ([SocketClose(*close)] if close is not None else [])
        mock = SocketMock(pattern, frames, dict(replies or {}), fn, refuse, once)
        st = _interception(self)
        st.socket_mocks.append(mock)
        self.ctx.state["socket_mock"] = _socket_finder(st)
        return mock

    def restore_wx(self, name: str) -> None:
        """Drop this user's mock of `wx.<name>` (a simulation-wide mock, if any, answers again)."""
        st = _interception(self)
        st.mocks.pop(name, None)
        if name == "request":
            st.request_rules.clear()
        if name == "connectSocket":
            st.socket_mocks.clear()
        if name == _CLOUD_CALL:
            st.cloud_functions.clear()
        sync_name(self, name)

    def restore_all(self) -> None:
        """Drop every mock this user set."""
        st = _interception(self)
        names = set(st.mocks) | ({"request"} if st.request_rules else set()) | (
            {_CLOUD_CALL} if st.cloud_functions else set())
        st.mocks.clear()
        st.request_rules.clear()
        st.cloud_functions.clear()
        st.socket_mocks.clear()
        for name in names:
            sync_name(self, name)

    @property
    def mocked(self) -> dict[str, str]:
        """`{api: description}` of what answers instead of the client for this user."""
        st = _interception(self)
        names = set(st.mocks) | set(_sim_mocks(self.sim)) | ({_CLOUD_CALL} if st.cloud_functions else set())
        out = {}
        for name in sorted(names):
            m = effective_mock(self, name)
            if m is not None:
                out[name] = m.description
        return out


class MockingSim:
    """`Simulator` methods: simulation-wide mocks for every current and future user (user mocks win)."""

    if TYPE_CHECKING:
        @property
        def all_users(self) -> list[VirtualUser]: ...

    def mock_wx(
        self,
        name: str,
        fn: Callable[[Any], Any] | None = None,
        *,
        result: Any = None,
        fail: str | None = None,
        js: str | None = None,
        js_args: Sequence[Any] = (),
    ) -> MockSpec:
        """Answer `wx.<name>` for every user (see `VirtualUser.mock_wx`)."""
        spec = make_mock(name, fn, result=result, fail=fail, js=js, js_args=js_args)
        _sim_mocks(self)[name] = spec
        for user in self.all_users:
            sync_name(user, name)
        return spec

    def restore_wx(self, name: str) -> None:
        _sim_mocks(self).pop(name, None)
        for user in self.all_users:
            sync_name(user, name)

    def restore_all(self) -> None:
        table = _sim_mocks(self)
        names = list(table)
        table.clear()
        for user in self.all_users:
            for name in names:
                sync_name(user, name)


def err_name(name: str) -> str:
    spec = REGISTRY.get(name)
    return spec.err_name if spec else name


def describe_failure(name: str, exc: BaseException) -> str:
    """The errMsg a failing handler produces, as the bridge would write it."""
    if isinstance(exc, Fail):
        return f"{err_name(name)}:fail {exc.reason}".rstrip()
    if isinstance(exc, WxApiError):
        return exc.errMsg
    return f"{err_name(name)}:fail wxsim internal error: {exc}"
