"""Waiting on the virtual clock: conditions on page data, pages, and requests the app made.

Nothing sleeps: time moves step by step (to the next JS timer, or by `step` seconds) up to the
timeout, the simulation settles after each step, and the condition is checked again.
"""

from __future__ import annotations

import asyncio
import inspect
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import WaitTimeout
from .mocking import query_matches, url_matches, wire_url

if TYPE_CHECKING:
    from ..api import WxContext
    from ..runtime import Realm
    from .page import Page
    from .simulator import Simulator
    from .user import VirtualUser

__all__ = ["RequestInfo", "WaitingPage", "WaitingUser", "run_until"]

Check = Callable[[], "bool | Awaitable[bool]"]


async def _holds(check: Check) -> bool:
    out = check()
    if inspect.isawaitable(out):
        out = await out
    return bool(out)


async def run_until(sim: Simulator, check: Check, timeout: float, step: float = 1.0) -> bool:  # noqa: ASYNC109 (virtual seconds)
    """Settle, then move virtual time (to each due timer, at most `step` s at a time) until `check()`
    holds or `timeout` virtual seconds have passed. Returns whether it held."""
    clock = sim.clock
    await sim.idle()
    if await _holds(check):
        return True
    if clock.realtime:  # load runs: real time passes by itself
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            await asyncio.sleep(min(step, 0.02))
            await sim.idle()
            if await _holds(check):
                return True
        return False
    deadline = clock.time() + timeout
    while clock.time() < deadline:
        now = clock.time()
        target = min(deadline, now + step)
        due = clock.next_due()
        if due is not None and due < target:
            target = max(due, now + 1e-6)
        await clock.advance(target - now)
        await sim.idle()
        await asyncio.sleep(0)  # let real sockets make progress between steps
        if await _holds(check):
            return True
    return False


class WaitingPage:
    """`Page.wait_for` and `Page.wait_for_data_key`."""

    if TYPE_CHECKING:
        user: VirtualUser
        route: str

        @property
        def data(self) -> dict[str, Any]: ...

    async def wait_for(
        self, condition: Callable[[dict[str, Any]], Any] | float, *, timeout: float = 30.0,  # noqa: ASYNC109
        step: float = 1.0,
    ) -> dict[str, Any]:
        """Wait until `condition(page.data)` is truthy (a number: just let that many virtual seconds pass).
        Returns the page data; raises `WaitTimeout` when the virtual deadline passes first."""
        if isinstance(condition, int | float):
            await self.user.sim.sleep(float(condition))
            await self.user.idle()
            return self.data
        cond = condition

        async def check() -> bool:
            try:
                out = cond(self.data)
                if inspect.isawaitable(out):
                    out = await out
            except (KeyError, IndexError, TypeError):  # the data is not there yet: `d["order"]["status"]`
                return False
            return bool(out)

        if not await run_until(self.user.sim, check, timeout, step):
            raise WaitTimeout(f"{self.route}: condition {_name(cond)} not met within {timeout:g} s (virtual); "
                              f"data: {_short(self.data)}")
        return self.data

    async def wait_for_data_key(self, *keys: str | Sequence[str], timeout: float = 30.0) -> dict[str, Any]:  # noqa: ASYNC109 (virtual seconds)
        """Wait until every key path ("order.status" or ["order", "status"]) exists in the page data."""

        def present(data: dict[str, Any]) -> bool:
            for key in keys:
                obj: Any = data
                for part in key.split(".") if isinstance(key, str) else key:
                    if isinstance(obj, dict) and part in obj:
                        obj = obj[part]
                    elif isinstance(obj, list) and str(part).isdigit() and int(part) < len(obj):
                        obj = obj[int(part)]
                    else:
                        return False
            return True

        present.__name__ = f"data has {', '.join(map(str, keys))}"
        return await self.wait_for(present, timeout=timeout)


@dataclass
class RequestInfo:
    """A `wx.request` the app made, as the test sees it in `wait_for_request`."""

    url: str
    method: str
    data: Any
    header: dict[str, Any]
    t: float
    options: Any = field(repr=False, default=None)

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def final_url(self) -> str:
        """The URL that went over the wire: for a GET, `data` serialised into the query string (§1)."""
        return wire_url(self.url, self.method, self.data)


_URL = re.compile(r'"url"\s*:\s*"([^"]*)"')


def _request_info(options: Any, t: float) -> RequestInfo:
    if isinstance(options, dict):
        return RequestInfo(str(options.get("url", "")), str(options.get("method", "GET")).upper(),
                           options.get("data"), dict(options.get("header") or {}), t, options)
    m = _URL.search(str(options))  # the trace keeps a long body as truncated text
    return RequestInfo(m.group(1) if m else "", "GET", None, {}, t, options)


@dataclass
class _RequestLog:
    scanned: int = 0
    seen: list[RequestInfo] = field(default_factory=list)
    taken: set[int] = field(default_factory=set)


class WaitingUser:
    """`VirtualUser.wait_for_request` and `VirtualUser.wait_for_page`."""

    if TYPE_CHECKING:
        name: str
        sim: Simulator
        ctx: WxContext
        _realm: Realm | None

        @property
        def current_page(self) -> Page: ...
        @property
        def running(self) -> bool: ...

    def _request_log(self) -> _RequestLog:
        log: _RequestLog | None = self.__dict__.get("_wx_request_log")
        if log is None:
            log = self.__dict__["_wx_request_log"] = _RequestLog()
        return log

    def _scan_requests(self) -> None:
        log = self._request_log()
        events = self.sim.trace.events
        for e in events[log.scanned:]:
            if e.user == self.name and e.kind == "wx" and e.data.get("api") == "request":
                log.seen.append(_request_info(e.data.get("args"), e.t))
        log.scanned = len(events)

    async def wait_for_request(
        self, pattern: str, *, method: str | None = None, timeout: float = 30.0,  # noqa: ASYNC109 (virtual s)
        query: dict[str, Any] | None = None,
    ) -> RequestInfo:
        """The first `wx.request` whose URL path matches the glob `pattern` ("/api/group-buy/*") (and
        `method`, if given) that an earlier wait has not returned, waiting on the virtual clock if needed.
        `query={"page": "1"}` also requires those parameters in the request's final URL."""
        log = self._request_log()
        hook = None
        if not self.sim.trace.enabled:  # no trace to read: watch the calls from now on
            from .hooks import HookingUser

            hook = HookingUser.hook_wx(self, "request",  # type: ignore[arg-type]
                                       after=lambda rec: log.seen.append(_request_info(rec.options, rec.start)))
        found: list[RequestInfo] = []

        def check() -> bool:
            if hook is None:
                self._scan_requests()
            for i, info in enumerate(log.seen):
                if i not in log.taken and url_matches(pattern, info.url) and query_matches(query, info.final_url) and (
                        method is None or info.method == method.upper()):
                    log.taken.add(i)
                    found.append(info)
                    return True
            return False

        try:
            ok = await run_until(self.sim, check, timeout)
        finally:
            if hook is not None:
                hook.release()
        if not ok:
            seen = [r.url for r in log.seen][-10:]
            raise WaitTimeout(f"{self.name}: no wx.request matching {pattern!r} within {timeout:g} s (virtual); "
                              f"requests seen: {seen}")
        return found[0]

    async def wait_for_page(self, path: str, *, timeout: float = 10.0) -> Page:  # noqa: ASYNC109 (virtual seconds)
        """Wait until the current page is `path` (with or without the leading "/")."""
        route = path.split("?")[0].lstrip("/")

        def check() -> bool:
            if not self.running:
                return False
            try:
                return self.current_page.route == route
            except Exception:
                return False

        if not await run_until(self.sim, check, timeout):
            raise WaitTimeout(f"{self.name}: page {route} not shown within {timeout:g} s (virtual)")
        return self.current_page


def _name(fn: Any) -> str:
    return getattr(fn, "__name__", repr(fn))


def _short(data: Any) -> str:
    text = repr(data)
    return text if len(text) <= 300 else text[:300] + "..."

