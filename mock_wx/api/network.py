"""wx.request over aiohttp, and the machinery downloadFile/uploadFile share (wx-fidelity.md §1).

Each call returns a task (never a Promise, §0). The three share a limit of 10 concurrent calls per client;
extra calls queue (`profile.queueStart/queueEnd`). Timeouts run on the simulation's clock: with a virtual
clock a request to a stalled server stops holding up `idle()` after `Services.stall_grace` real seconds,
and `await clock.advance(seconds=61)` then fails it with `request:fail timeout`.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import aiohttp
from yarl import URL

from ._base import Fail, WxContext, api
from ._urls import Target, resolve_url

__all__ = ["MAX_CONCURRENT", "METHODS", "JSONBody", "encode_form"]

MAX_CONCURRENT = 10  # request + uploadFile + downloadFile share it (§1)
METHODS = ("OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE", "TRACE", "CONNECT")
DEFAULT_TIMEOUT_MS = 60000
NETWORK_ERRNO = 600000
INTERRUPTED_ERRNO = 600003  # §0: "interrupted" (the app spent 5 s in the background)


@dataclass
class _Call:
    """One in-flight network task of one client; `stop()` ends it with abort or timeout."""

    task_id: int
    api: str
    task: asyncio.Task[Any] | None = None
    reason: str | None = None
    profile: dict[str, Any] = field(default_factory=dict)

    def stop(self, reason: str) -> None:
        if self.reason is not None or (self.task is not None and self.task.done()):
            return
        self.reason = reason
        if self.task is not None:
            self.task.cancel()  # a call stopped before its task started fails as soon as it starts


def _new_call(ctx: WxContext, task_id: int, api_name: str) -> _Call:
    call = _Call(task_id, api_name)
    ctx.state.setdefault("net_calls", {})[task_id] = call
    if not ctx.state.get("net_hide_hook"):
        ctx.state["net_hide_hook"] = True
        ctx.hooks.setdefault("__app_hide", []).append(lambda: _on_hide(ctx))
    return call


INTERRUPT_AFTER = 5.0  # seconds in the background before in-flight calls fail "interrupted" (§1)


def _on_hide(ctx: WxContext) -> None:
    """The app went to the background: interrupt what is still in flight 5 s later, if it stays there."""
    gen = ctx.state["net_hide_gen"] = ctx.state.get("net_hide_gen", 0) + 1

    async def interrupt() -> None:
        router = getattr(ctx.host, "router", None)
        if ctx.state.get("net_hide_gen") != gen or router is None or not router.in_background:
            return
        calls = list(ctx.state.get("net_calls", {}).values())
        for call in calls:
            call.stop("interrupted")
        pending = {c.task for c in calls if c.task is not None and not c.task.done()}
        if pending:
            await asyncio.wait(pending)

    ctx.clock.call_later(INTERRUPT_AFTER, interrupt)


# ---------------------------------------------------------------------------- helpers
def _js_string(v: Any) -> str:
    """`String(v)` for JSON-able values, as the client sees them when building a query string."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if v is None:
        return "null"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dict | list):
        return _stringify(v)
    return str(v)


def _encode_uri_component(s: str) -> str:
    return quote(s, safe="-_.!~*'()")


def encode_form(data: dict[str, Any]) -> str:
    """`encodeURIComponent(k)=encodeURIComponent(v)&…` (§1 data serialisation)."""
    return "&".join(f"{_encode_uri_component(str(k))}={_encode_uri_component(_js_string(v))}" for k, v in data.items())


def _stringify(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


def _header_get(headers: dict[str, str], name: str) -> str | None:
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None


def _slots(ctx: WxContext) -> asyncio.Semaphore:
    sem = ctx.state.get("net_slots")
    if sem is None:
        sem = ctx.state["net_slots"] = asyncio.Semaphore(MAX_CONCURRENT)
    return sem


def _jar(ctx: WxContext) -> aiohttp.CookieJar:
    """This client's cookies, keyed by the URL the app sees (per user, like separate phones)."""
    jar = ctx.state.get("cookie_jar")
    if jar is None:
        jar = ctx.state["cookie_jar"] = aiohttp.CookieJar(unsafe=True)
    return jar


def _timeout_ms(ctx: WxContext, args: dict[str, Any], kind: str) -> float:
    """`timeout` option, else app.json `networkTimeout.<kind>`, else 60 s (§1)."""
    t = args.get("timeout")
    if isinstance(t, int | float) and t > 0:
        return float(t)
    cfg = (ctx.app_config or {}).get("networkTimeout") or {}
    t = cfg.get(kind)
    return float(t) if isinstance(t, int | float) and t > 0 else float(DEFAULT_TIMEOUT_MS)


def _headers(ctx: WxContext, given: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    if isinstance(given, dict):
        for k, v in given.items():
            if str(k).lower() == "referer":
                continue  # the app cannot set Referer (§1)
            out[str(k)] = _js_string(v)
    out["Referer"] = f"https://servicewechat.com/{ctx.appid}/0/page-frame.html"
    return out


def _response_headers(resp: aiohttp.ClientResponse) -> tuple[dict[str, str], list[str]]:
    header: dict[str, str] = {}
    for k, v in resp.headers.items():
        header[k] = f"{header[k]},{v}" if k in header else v
    cookies = list(resp.headers.getall("Set-Cookie", []))
    return header, cookies


def _forget(ctx: WxContext, call: _Call) -> None:
    """The call is over: drop it and the task events JS listened to."""
    ctx.state["net_calls"].pop(call.task_id, None)
    listening = ctx.state.get("listening")
    if listening:
        for event in ("headersReceived", "chunkReceived", "progressUpdate"):
            listening.discard(f"task:{call.task_id}:{event}")


async def _run(ctx: WxContext, call: _Call, timeout_ms: float, label: str,
               work: Callable[[], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    """Queue for one of the 10 slots, run `work()`; abort/timeout cancel it and fail the call (§1).

    The timeout runs on the simulation's clock. With a virtual clock a call its server has not
    answered within `Services.stall_grace` real seconds stops holding up `idle()`, so a test can
    `await clock.advance(seconds=61)` and see `request:fail timeout`.
    """
    me = asyncio.current_task()
    call.task = me
    if call.reason is not None:
        _forget(ctx, call)
        raise _stopped(call.reason)

    async def expire() -> None:
        # Fired by the clock: stop the call, then let it hand its result to the realm before the
        # clock settles, so `await clock.advance(...)` returns with the fail callback already run.
        call.stop("timeout")
        if me is not None and me is not asyncio.current_task() and not me.done():
            await asyncio.wait({me})

    timer = ctx.clock.call_later(timeout_ms / 1000.0, expire)
    stall: asyncio.TimerHandle | None = None
    if not ctx.clock.realtime and ctx.host is not None and me is not None:
        host = ctx.host

        def detach() -> None:
            ctx.record("request-stalled", api=call.api, url=label)
            host.detach(me)

        stall = asyncio.get_running_loop().call_later(float(getattr(ctx.services, "stall_grace", 5.0)), detach)
    try:
        sem = _slots(ctx)
        call.profile["queueStart"] = _now_ms(ctx)
        async with sem:
            call.profile["queueEnd"] = _now_ms(ctx)
            try:
                return await work()
            except (aiohttp.ClientError, OSError, ValueError) as exc:
                raise Fail(_transport_text(exc), errno=NETWORK_ERRNO) from exc
    except asyncio.CancelledError:
        if call.reason is not None:
            raise _stopped(call.reason) from None  # abort() or timeout: the call fails, the task does not vanish
        raise
    finally:
        timer.cancel()
        if stall is not None:
            stall.cancel()
        _forget(ctx, call)


def _stopped(reason: str) -> Fail:
    """The fail of a call stopped by abort(), its timeout, or the background ("interrupted": errno 600003, §0)."""
    return Fail(reason, errno=INTERRUPTED_ERRNO if reason == "interrupted" else None)


def _transport_text(exc: BaseException) -> str:
    if isinstance(exc, aiohttp.ClientConnectorError | ConnectionRefusedError):
        return "net::ERR_CONNECTION_REFUSED"
    if isinstance(exc, aiohttp.ServerDisconnectedError | aiohttp.ClientPayloadError):
        return "net::ERR_EMPTY_RESPONSE"
    return f"net::ERR_FAILED {type(exc).__name__}"


def _now_ms(ctx: WxContext) -> float:
    return float(ctx.clock.now_ms())


_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,48}")


def http_error_text(status: int, raw: bytes) -> str:
    """"HTTP 429 login_rate_limited": the status and, when a short JSON error body names one, its code
    (`error`, WeChat's `errcode` or WeChat Pay's `code`), so load stats tell failures apart without
    splitting them by free-text messages."""
    text = f"HTTP {status}"
    if len(raw) <= 4096 and raw[:1] == b"{":
        try:
            body = json.loads(raw)
        except ValueError:
            return text
        for key in ("error", "errcode", "code"):
            code = body.get(key) if isinstance(body, dict) else None
            if code is not None and not isinstance(code, bool) and _ERROR_CODE.fullmatch(str(code)):
                return f"{text} {code}"
    return text


#: How much of a request's and a response's body the trace keeps (the report shows it; the rest is counted).
BODY_PREVIEW = 2048


def _preview(raw: bytes | None) -> str | None:
    if not raw:
        return None
    head = raw[:BODY_PREVIEW]
    if b"\x00" in head:
        return f"<{len(raw)} bytes of binary data>"
    text = head.decode("utf-8", errors="replace")
    return text if len(raw) <= BODY_PREVIEW else f"{text}… ({len(raw)} bytes in all)"


def _report(ctx: WxContext, api_name: str, method: str, target: Target, status: int, started: float,
            ok: bool, size: int, error: str | None = None, *, sent: float | None = None,
            body: bytes | None = None, response: bytes | None = None) -> None:
    ms = round((time.perf_counter() - started) * 1000.0, 3)
    extra: dict[str, Any] = {"error": error} if error else {}
    if ctx.trace.enabled:  # what the report shows; a load run's disabled trace does not pay for the copies
        if sent is not None:
            extra["sent"] = sent  # virtual time it was sent; the event's own time is when it was answered
        for key, raw in (("body", body), ("response", response)):
            text = _preview(raw)
            if text is not None:
                extra[key] = text
    ctx.record("request", api=api_name, method=method, url=target.logical, status=status, ms=ms, size=size,
               ok=ok, **extra)
    if error == "abort" and getattr(ctx.host, "closed", False):
        # Cut off because its user was closed (a load run ending, Locust stopping users): no answer to count,
        # and not the server's failure. The trace above still has it.
        return
    services = ctx.services
    if services is not None and getattr(services, "request_listeners", None):
        services.notify_request(target.logical.split("?", 1)[0], method, status, ms, ok, size, error)


def _listening(ctx: WxContext, task_id: int, event: str) -> bool:
    """Whether JS registered a listener for this task event (the prelude reports `on<Event>` calls)."""
    return ctx.host is not None and f"task:{task_id}:{event}" in ctx.state.get("listening", ())


def _session(ctx: WxContext) -> aiohttp.ClientSession:
    http = getattr(ctx.services, "http", None)
    if http is None:
        raise Fail("network is not available (the simulation has not started)", errno=NETWORK_ERRNO)
    return http  # type: ignore[no-any-return]


def _cookie_header(ctx: WxContext, target: Target, headers: dict[str, str]) -> None:
    jar = _jar(ctx)
    if not len(jar) or _header_get(headers, "cookie") is not None:
        return
    cookies = jar.filter_cookies(URL(target.logical))
    if cookies:
        headers["Cookie"] = "; ".join(f"{m.key}={m.value}" for m in cookies.values())


# ---------------------------------------------------------------------------- wx.request
def _prepare(args: dict[str, Any], target: Target, headers: dict[str, str], method: str) -> tuple[Target, bytes | None]:
    """Serialise `data` by method and content type (§1)."""
    data = args.get("data")
    if data is None:
        return target, None
    if method == "GET":
        qs = encode_form(data) if isinstance(data, dict) else (data if isinstance(data, str) else "")
        if not qs:
            return target, None
        sep = "&" if "?" in target.real else "?"
        return Target(target.logical + ("&" if "?" in target.logical else "?") + qs, target.real + sep + qs), None
    if isinstance(data, bytes):
        return target, data
    ctype = (_header_get(headers, "content-type") or "application/json").lower()
    if isinstance(data, str):
        return target, data.encode()
    if "application/x-www-form-urlencoded" in ctype and isinstance(data, dict):
        return target, encode_form(data).encode()
    # application/json, and (UNCONFIRMED, §1) any other content type: JSON.stringify(data).
    return target, _stringify(data).encode()


class JSONBody(str):
    """A response body (BOM stripped) that the realm hands to JS as text, for the page's own `JSON.parse`
    (a body that does not parse stays a string, §1): one parse in JS instead of `json.loads` here, then
    `json.dumps` and a `JSON.parse` in JS. Only used when no mock or hook of `wx.request` can see the result."""


def _parse_body(raw: bytes, args: dict[str, Any], to_js: bool = False) -> Any:
    if args.get("responseType") == "arraybuffer":
        return raw
    text = raw.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]  # one BOM is stripped (§1)
    if args.get("dataType", "json") == "json":
        if to_js:
            return JSONBody(text)
        try:
            return json.loads(text)
        except ValueError:
            return text  # invalid JSON stays a string, still success (§1)
    return text


CHUNK_SIZE = 64 * 1024


async def _read_chunked(ctx: WxContext, task_id: int, resp: aiohttp.ClientResponse) -> bytes:
    """enableChunked (2.20.2+): each part of the body goes to onChunkReceived as an ArrayBuffer as it
    arrives (§1). The success `res.data` still carries the whole body (UNCONFIRMED for chunked calls)."""
    parts: list[bytes] = []
    async for chunk in resp.content.iter_chunked(CHUNK_SIZE):
        parts.append(chunk)
        if ctx.host is not None and _listening(ctx, task_id, "chunkReceived"):
            ctx.host.emit(task_id, "chunkReceived", {"data": chunk})
    return b"".join(parts)


@api("request", "task")
def request(ctx: WxContext, args: dict[str, Any]) -> Any:
    """`wx.request`: every HTTP status goes to success; timeout/abort/domain errors go to fail (§1)."""
    task_id = int(args.get("__taskId", 0))
    method = args.get("method", "GET")
    if not isinstance(method, str) or method not in METHODS:
        raise Fail(f"parameter error: parameter.method should be one of {', '.join(METHODS)}")
    target = resolve_url(ctx, args.get("url"))
    headers = _headers(ctx, args.get("header"))
    if _header_get(headers, "content-type") is None:
        headers["content-type"] = "application/json"
    target, body = _prepare(args, target, headers, method)
    _cookie_header(ctx, target, headers)
    call = _new_call(ctx, task_id, "request")
    started, sent = time.perf_counter(), ctx.clock.time()
    # A mock or hook of wx.request (ctx.mocks) sees the result in Python, parsed; otherwise only JS does.
    to_js = ctx.host is not None and "request" not in ctx.mocks

    async def work() -> dict[str, Any]:
        http = _session(ctx)
        call.profile["requestStart"] = _now_ms(ctx)
        status, size = 0, 0
        try:
            async with http.request(method, URL(target.real, encoded=True), data=body, headers=headers,
                                    allow_redirects=args.get("redirect") != "manual") as resp:
                status = resp.status
                header, cookies = _response_headers(resp)
                if resp.cookies:
                    _jar(ctx).update_cookies(resp.cookies, URL(target.logical))
                if ctx.host is not None and _listening(ctx, task_id, "headersReceived"):
                    ctx.host.emit(task_id, "headersReceived", {"header": header, "statusCode": status,
                                                               "cookies": cookies})
                if args.get("enableChunked"):
                    raw = await _read_chunked(ctx, task_id, resp)
                else:
                    raw = await resp.read()
                size = len(raw)
        except BaseException as exc:
            _report(ctx, "request", method, target, status, started, False, size,
                    "abort" if isinstance(exc, asyncio.CancelledError) else _transport_text(exc), sent=sent, body=body)
            raise
        call.profile["responseEnd"] = _now_ms(ctx)
        _report(ctx, "request", method, target, status, started, status < 400, size,
                http_error_text(status, raw) if status >= 400 else None, sent=sent, body=body, response=raw)
        profile = {**call.profile, "peerIP": "127.0.0.1", "protocol": "http/1.1", "port": 443,
                   "socketReused": True, "sendBytesCount": len(body or b""), "receivedBytedCount": size,
                   "estimate_nettype": 5, "rtt": round((time.perf_counter() - started) * 1000)}
        return {"data": _parse_body(raw, args, to_js), "statusCode": status, "header": header, "cookies": cookies,
                "profile": profile}

    return _run(ctx, call, _timeout_ms(ctx, args, "request"), target.logical, work)


def _abort(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    call = ctx.state.get("net_calls", {}).get(int(args.get("taskId", 0)))
    if call is not None:
        call.stop("abort")
    return {}


for _name in ("request", "downloadFile", "uploadFile"):
    api(f"{_name}.abort", "async", err_name=_name)(_abort)
