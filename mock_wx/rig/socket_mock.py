"""`user.mock_socket`: a scripted WebSocket server that answers `wx.connectSocket` in a test (wx-fidelity.md §5).

For apps whose socket server is not available in a test: frames to send on open, replies to messages
(a table or a function), close codes, a refused handshake. The page still gets a real SocketTask with
onOpen/onMessage/onError/onClose in the platform's order; only the other end is a script. Frames the
script sends count as pending work, so `await page.call(...)`/`user.idle()` return after they are delivered.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.http11 import Response

from ._urlglob import url_matches

__all__ = ["Frame", "ScriptedConnection", "SocketClose", "SocketMock"]


@dataclass(frozen=True)
class SocketClose:
    """In a script's frames: the server closes the connection with this code and reason."""

    code: int = 1000
    reason: str = ""


#: What a script sends: text, bytes, a dict/list (sent as JSON text) or a SocketClose.
Frame = str | bytes | dict[str, Any] | list[Any] | SocketClose
Reply = Frame | Iterable[Frame] | None


def _frames(value: Reply) -> list[str | bytes | SocketClose]:
    if value is None:
        return []
    if isinstance(value, str | bytes | bytearray | dict | SocketClose):
        items: list[Any] = [value]
    elif isinstance(value, list) and not any(isinstance(v, str | bytes | dict | list | SocketClose) for v in value):
        items = [value]  # a JSON array frame, e.g. [1, 2, 3]
    else:
        items = list(value)
    out: list[str | bytes | SocketClose] = []
    for item in items:
        if isinstance(item, SocketClose | str):
            out.append(item)
        elif isinstance(item, bytes | bytearray):
            out.append(bytes(item))
        elif isinstance(item, dict | list):
            out.append(json.dumps(item, ensure_ascii=False, separators=(",", ":")))
        else:
            raise TypeError(f"a socket frame is str, bytes, dict, list or SocketClose, not {type(item).__name__}")
    return out


class _Transport:
    def abort(self) -> None:  # the realm closing drops a connection without a close handshake
        pass


class _HandshakeResponse:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = Headers(headers)


class ScriptedConnection:
    """One connection to the scripted server: what the app sent (`received`), what the server sent (`sent`),
    and `push()` / `disconnect()` to act as the server from the test."""

    def __init__(self, mock: SocketMock, url: str, headers: dict[str, str],
                 track: Callable[[Any], Any] | None) -> None:
        self.mock = mock
        self.url = url
        self.headers = headers  # the handshake's request headers (Referer included, §5)
        self.received: list[str | bytes] = []
        self.sent: list[str | bytes] = []
        self.closed: tuple[int, str] | None = None  # (code, reason) once closed, by either side
        self.close_code: int | None = None
        self.close_reason = ""
        self.response = _HandshakeResponse({"Upgrade": "websocket", "Connection": "Upgrade"})
        self.transport = _Transport()
        self._queue: asyncio.Queue[tuple[str | bytes | SocketClose, asyncio.Future[None]]] = asyncio.Queue()
        self._handled: asyncio.Future[None] | None = None
        self._track = track

    # -- acting as the server ----------------------------------------------------------------------
    def push(self, *frames: Frame) -> None:
        """Send frames to the app now (delivered before the user's next idle() returns)."""
        if self.closed is not None:
            raise RuntimeError(f"the socket to {self.url} is closed ({self.closed[0]})")
        for frame in _frames(list(frames)):
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._queue.put_nowait((frame, fut))
            if self._track is not None:
                self._track(fut)

    def disconnect(self, code: int = 1000, reason: str = "") -> None:
        """Close from the server side: the app's onClose gets this code and reason."""
        self.push(SocketClose(code, reason))

    # -- what the SocketTask emulation calls -------------------------------------------------------
    async def send(self, data: str | bytes) -> None:
        if self.closed is not None:
            raise ConnectionClosed(None, None)
        self.received.append(data)
        self.mock.received.append(data)
        reply = self.mock.reply_to(data)
        if reply:
            self.push(*reply)

    async def close(self, code: int = 1000, reason: str = "") -> None:
        """The app closed (SocketTask.close, or its process died): as websockets' ClientConnection.close."""
        self._finish(code, reason)

    def __aiter__(self) -> ScriptedConnection:
        return self

    async def __anext__(self) -> str | bytes:
        self._done_with_previous()
        if self.closed is not None:
            raise StopAsyncIteration
        frame, fut = await self._queue.get()
        if isinstance(frame, SocketClose):
            fut.set_result(None)
            self._finish(frame.code, frame.reason)
            raise StopAsyncIteration
        self.sent.append(frame)
        self._handled = fut  # resolved once the app's onMessage has run (the next __anext__)
        return frame

    def _done_with_previous(self) -> None:
        if self._handled is not None and not self._handled.done():
            self._handled.set_result(None)
        self._handled = None

    def _finish(self, code: int, reason: str) -> None:
        if self.closed is None:
            self.closed = (code, reason)
            self.close_code, self.close_reason = code, reason
        self._done_with_previous()
        while not self._queue.empty():  # frames never sent: nothing is pending any more
            _, fut = self._queue.get_nowait()
            if not fut.done():
                fut.set_result(None)
        self._queue.put_nowait((SocketClose(code, reason), asyncio.get_running_loop().create_future()))


@dataclass
class SocketMock:
    """`user.mock_socket(...)`'s handle: the script, its connections and what the app sent."""

    pattern: str
    on_open: list[str | bytes | SocketClose] = field(default_factory=list)
    replies: Mapping[str | bytes, Reply] = field(default_factory=dict)
    fn: Callable[[str | bytes], Reply] | None = None
    refuse: int | None = None
    once: bool = False
    connections: list[ScriptedConnection] = field(default_factory=list)
    received: list[str | bytes] = field(default_factory=list)

    @property
    def used(self) -> int:
        """How many times wx.connectSocket reached this script."""
        return len(self.connections)

    @property
    def last(self) -> ScriptedConnection:
        """The most recent connection (raises when the app never connected)."""
        if not self.connections:
            raise LookupError(f"no wx.connectSocket reached the mock for {self.pattern!r}")
        return self.connections[-1]

    def matches(self, url: str) -> bool:
        return url_matches(self.pattern, url)

    def reply_to(self, message: str | bytes) -> list[str | bytes | SocketClose]:
        if self.fn is not None:
            return _frames(self.fn(message))
        return _frames(self.replies.get(message))

    def push(self, *frames: Frame) -> None:
        """Send frames to every open connection of this script."""
        for conn in self.connections:
            if conn.closed is None:
                conn.push(*frames)

    async def open(self, url: str, headers: dict[str, str], protocols: list[str] | None,
                   track: Callable[[Any], Any] | None) -> ScriptedConnection:
        """The handshake: refused with `refuse` (an HTTP status), else a connection that sends `on_open`."""
        await asyncio.sleep(0)  # the handshake completes after connectSocket has returned its task
        if self.refuse is not None:
            raise InvalidStatus(Response(self.refuse, "Refused", Headers(), b""))
        conn = ScriptedConnection(self, url, headers, track)
        self.connections.append(conn)
        if self.on_open:
            conn.push(*self.on_open)
        return conn
