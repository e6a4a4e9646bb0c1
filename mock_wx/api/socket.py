"""wx.connectSocket → SocketTask over the `websockets` client, and the legacy global socket API (§5).

`connectSocket` reports only task creation (`connectSocket:ok`); the connection itself answers through
the task's onOpen/onMessage/onError/onClose. Only the handshake counts as pending work for `idle()`:
an open socket is not "in flight", and frames that arrive later are delivered to JS as they come.

The handshake `timeout` runs on the simulation's clock, like wx.request's: with a virtual clock a
handshake its server has not answered within `Services.stall_grace` real seconds stops holding up
`idle()`, and `await clock.advance(...)` past the deadline fails it (onError "connect timeout", onClose).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException

from ._base import Fail, WxContext, api, event_api
from ._urls import Target, resolve_url

__all__ = ["MAX_SOCKETS", "ScriptedServer"]

MAX_SOCKETS = 5  # simultaneous sockets since base library 1.7.0 (§5)
MAX_REASON_BYTES = 123

event_api("onSocketOpen", "onSocketMessage", "onSocketError", "onSocketClose")


class ScriptedServer(Protocol):
    """A stand-in socket server (the rig's `user.mock_socket`): `open` answers the handshake with a
    connection shaped like a websockets ClientConnection, or raises as a failed handshake would.
    `track` (when given) counts frames the server queued as pending work for `idle()`."""

    async def open(self, url: str, headers: dict[str, str], protocols: list[str] | None,
                   track: Callable[[Any], Any] | None) -> Any: ...


def _scripted_server(ctx: WxContext, url: Any) -> ScriptedServer | None:
    """The scripted server the test put in `ctx.state["socket_mock"]` for this URL, if any."""
    find = ctx.state.get("socket_mock")
    return find(url) if find is not None and isinstance(url, str) else None  # type: ignore[no-any-return]


@dataclass
class _Socket:
    task_id: int
    seq: int
    url: str
    state: str = "connecting"     # connecting | open | closing | closed
    ws: ClientConnection | None = None
    runner: asyncio.Future[Any] | None = None
    deadline: Any = None          # the clock's Timer for the handshake timeout
    close_request: tuple[int, str] | None = field(default=None)


def _sockets(ctx: WxContext) -> dict[int, _Socket]:
    return ctx.state.setdefault("sockets", {})  # type: ignore[no-any-return]


def _current(ctx: WxContext) -> _Socket | None:
    """The socket the legacy global API acts on: the most recently created one (§5)."""
    tid = ctx.state.get("socket_current")
    return _sockets(ctx).get(tid) if tid is not None else None


def _emit(ctx: WxContext, sock: _Socket, event: str, payload: dict[str, Any]) -> None:
    if ctx.host is None:
        return
    ctx.host.emit(sock.task_id, event, payload)
    if ctx.state.get("socket_current") == sock.task_id:
        ctx.host.emit_global("onSocket" + event.capitalize(), payload)


@api("connectSocket", "task")
def connect_socket(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """Create the SocketTask and start the handshake; success means the task exists (§5)."""
    task_id = int(args.get("__taskId", 0))
    url = args.get("url")
    scripted = _scripted_server(ctx, url)
    # A scripted server stands in for one the test cannot reach, so (like a mocked wx.request) it is not
    # held to the domain list or the host mapping.
    target = Target(logical=str(url), real=str(url)) if scripted is not None else resolve_url(ctx, url, socket=True)
    socks = _sockets(ctx)
    seq = ctx.state["socket_seq"] = ctx.state.get("socket_seq", 0) + 1
    live = [s for s in socks.values() if s.state in ("connecting", "open", "closing")]
    if len(live) >= MAX_SOCKETS:
        msg = f"createSocketTask:fail wcwss taskID={seq} exceed max concurrent count"
        raise Fail("exceed max concurrent count", errMsg=msg)
    sock = _Socket(task_id, seq, target.logical)
    socks[task_id] = sock
    ctx.state["socket_current"] = task_id
    if not ctx.state.get("socket_close_hook"):
        ctx.state["socket_close_hook"] = True
        ctx.hooks.setdefault("close", []).append(lambda: _close_all(ctx))
    headers = {str(k): str(v) for k, v in (args.get("header") or {}).items() if str(k).lower() != "referer"}
    headers["Referer"] = f"https://servicewechat.com/{ctx.appid}/0/page-frame.html"
    protocols = [str(p) for p in args.get("protocols") or []] or None
    loop = asyncio.get_running_loop()
    opened: asyncio.Future[None] = loop.create_future()
    timeout = args.get("timeout")
    open_timeout = float(timeout) / 1000.0 if isinstance(timeout, int | float) and timeout > 0 else 60.0
    sock.runner = asyncio.ensure_future(_run(ctx, sock, target.real, headers, protocols,
                                             bool(args.get("perMessageDeflate")), opened, scripted))
    sock.deadline = ctx.clock.call_later(open_timeout, _handshake_timeout, ctx, sock, opened)
    opened.add_done_callback(lambda _: sock.deadline.cancel())
    if ctx.host is not None:
        host = ctx.host
        held = host.track(opened)  # only the handshake holds up idle()
        if not ctx.clock.realtime:
            def stalled() -> None:
                ctx.record("socket-stalled", url=target.logical, task=task_id)
                host.detach(held)

            stall = loop.call_later(float(getattr(ctx.services, "stall_grace", 5.0)), stalled)
            opened.add_done_callback(lambda _: stall.cancel())
    ctx.record("socket-connect", url=target.logical, task=task_id)
    return {}


async def _handshake_timeout(ctx: WxContext, sock: _Socket, opened: asyncio.Future[None]) -> None:
    """Fired by the clock at the `timeout` deadline: a handshake still pending fails (§5 `timeout`)."""
    if opened.done() or sock.ws is not None or sock.state == "closed":
        return
    runner = sock.runner
    if runner is not None and not runner.done():
        runner.cancel()
        await asyncio.wait({runner})  # the connection attempt is gone before JS hears of the failure
    if not opened.done():
        opened.set_result(None)
    _fail_open(ctx, sock, TimeoutError())


async def _run(ctx: WxContext, sock: _Socket, real_url: str, headers: dict[str, str], protocols: list[str] | None,
               deflate: bool, opened: asyncio.Future[None], scripted: ScriptedServer | None = None) -> None:
    started = time.perf_counter()
    try:
        try:
            if scripted is not None:
                track = ctx.host.track if ctx.host is not None else None
                ws = await scripted.open(real_url, headers, protocols, track)
            else:
                # No open_timeout here: the deadline is the simulation clock's (_handshake_timeout).
                ws = await connect(real_url, additional_headers=headers, subprotocols=protocols,  # type: ignore[arg-type]
                                   compression="deflate" if deflate else None, proxy=None, ping_interval=None,
                                   open_timeout=None, max_size=None)
        except (OSError, TimeoutError, WebSocketException) as exc:
            _fail_open(ctx, sock, exc)
            return
        sock.ws = ws
        if sock.state == "closing" and sock.close_request is not None:
            await ws.close(*sock.close_request)
        sock.state = "open" if sock.state == "connecting" else sock.state
        header = dict(ws.response.headers.raw_items()) if ws.response is not None else {}
        ms = round((time.perf_counter() - started) * 1000.0, 3)
        ctx.record("socket-open", url=sock.url, task=sock.task_id, ms=ms)
        if sock.state == "open":
            _emit(ctx, sock, "open", {"header": header, "profile": {"connectEnd": ctx.clock.now_ms(),
                                                                     "handshakeCost": ms}})
    finally:
        if not opened.done():
            opened.set_result(None)
    try:
        async for frame in ws:
            data: Any = frame if isinstance(frame, str) else bytes(frame)
            ctx.record("socket-recv", task=sock.task_id, data=data if isinstance(data, str) else f"<{len(data)} bytes>")
            listeners = getattr(ctx.services, "socket_listeners", None)
            if listeners:
                t0 = time.perf_counter()
                _emit(ctx, sock, "message", {"data": data})
                ctx.services.notify_socket(sock.url, data, (time.perf_counter() - t0) * 1000.0)
            else:
                _emit(ctx, sock, "message", {"data": data})
    except ConnectionClosed:
        pass
    if sock.close_request is not None:
        code, reason = sock.close_request  # the app closed: onClose reports its own code and reason
    else:
        code = ws.close_code if ws.close_code is not None else 1006
        reason = ws.close_reason or ""
    if code == 1006:
        _emit(ctx, sock, "error", {"errMsg": "connection lost"})
    _closed(ctx, sock, code, reason)


def _fail_open(ctx: WxContext, sock: _Socket, exc: BaseException) -> None:
    if isinstance(exc, InvalidStatus):
        text = f"Error during WebSocket handshake: Unexpected response code: {exc.response.status_code}"
    elif isinstance(exc, TimeoutError):
        text = "connect timeout"
    else:
        text = f"{type(exc).__name__}: {exc}"
    ctx.record("socket-error", task=sock.task_id, url=sock.url, error=text)
    _emit(ctx, sock, "error", {"errMsg": text})
    _closed(ctx, sock, 1006, "abnormal closure")


def _closed(ctx: WxContext, sock: _Socket, code: int, reason: str) -> None:
    if sock.state == "closed":
        return
    sock.state = "closed"
    ctx.record("socket-close", task=sock.task_id, code=code, reason=reason)
    _emit(ctx, sock, "close", {"code": code, "reason": reason})
    _sockets(ctx).pop(sock.task_id, None)


def _close_all(ctx: WxContext) -> None:
    """The app process died (realm closed): drop every socket without running JS (§5)."""
    ctx.state["socket_close_hook"] = False
    for sock in list(_sockets(ctx).values()):
        sock.state = "closed"
        if sock.deadline is not None:
            sock.deadline.cancel()
        if sock.runner is not None:
            sock.runner.cancel()
        if sock.ws is not None:
            services = ctx.services
            closing = sock.ws.close(1001, "app closed")
            if services is not None and hasattr(services, "track"):
                services.track(closing)  # a short close handshake, awaited by the services
            else:
                closing.close()
                sock.ws.transport.abort()
    _sockets(ctx).clear()


# ---------------------------------------------------------------------------- send / close
async def _send(ctx: WxContext, sock: _Socket | None, args: dict[str, Any]) -> dict[str, Any]:
    if sock is None or sock.state != "open" or sock.ws is None:
        raise Fail("WebSocket is not connected")  # §5 [obs]
    data = args.get("data")
    if isinstance(data, dict) and isinstance(data.get("__arraybuffer"), list):
        data = bytes(data["__arraybuffer"])  # an ArrayBuffer nested in a task method's args
    if not isinstance(data, str | bytes):
        raise Fail("parameter error: parameter.data should be String or ArrayBuffer")
    try:
        await sock.ws.send(data)
    except ConnectionClosed as exc:
        raise Fail("WebSocket is not connected") from exc
    ctx.record("socket-send", task=sock.task_id, data=data if isinstance(data, str) else f"<{len(data)} bytes>")
    return {}


def _close_args(args: dict[str, Any]) -> tuple[int, str]:
    code = args.get("code", 1000)
    reason = args.get("reason", "")
    if not isinstance(code, int) or not (code == 1000 or 3000 <= code <= 4999):
        raise Fail("code must be 1000 or in 3000-4999")
    if not isinstance(reason, str) or len(reason.encode("utf-8")) > MAX_REASON_BYTES:
        raise Fail(f"reason must be at most {MAX_REASON_BYTES} bytes")  # §5: reason ≤ 123 UTF-8 bytes
    return code, reason


async def _close(ctx: WxContext, sock: _Socket | None, args: dict[str, Any], legacy: bool) -> dict[str, Any]:
    code, reason = _close_args(args)
    if sock is None or sock.state == "closed":
        return {}
    if sock.state == "connecting":
        if legacy:
            return {}  # closeSocket before open has no effect (§5)
        sock.state, sock.close_request = "closing", (code, reason)
        return {}
    if sock.state == "open" and sock.ws is not None:
        sock.state, sock.close_request = "closing", (code, reason)
        await sock.ws.close(code, reason)
    return {}


@api("connectSocket.send", "async", err_name="sendSocketMessage")
def task_send(ctx: WxContext, args: dict[str, Any]) -> Any:
    return _send(ctx, _sockets(ctx).get(int(args.get("taskId", 0))), args.get("args") or {})


@api("connectSocket.close", "async", err_name="closeSocket")
def task_close(ctx: WxContext, args: dict[str, Any]) -> Any:
    return _close(ctx, _sockets(ctx).get(int(args.get("taskId", 0))), args.get("args") or {}, legacy=False)


@api("sendSocketMessage")
def send_socket_message(ctx: WxContext, args: dict[str, Any]) -> Any:
    """Legacy global API: acts on the current (most recent) socket (§5)."""
    return _send(ctx, _current(ctx), args)


@api("closeSocket")
def close_socket(ctx: WxContext, args: dict[str, Any]) -> Any:
    """Legacy global API: closes the current socket; before open it has no effect (§5)."""
    return _close(ctx, _current(ctx), args, legacy=True)
