"""`wxsim serve`: one simulation, one WebSocket port per virtual user, speaking DevTools' automation protocol.

Two clients connected to two ports act as two users of the same backend and WeChat platform, so a
Minium or miniprogram-automator suite can complete a group purchase between friends.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import time
from collections.abc import Sequence
from typing import Any

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from ..rig.simulator import Simulator
from . import app_methods, element_methods, extensions, page_methods  # noqa: F401 (register their methods)
from .protocol import METHODS, answer, failure
from .session import UserSession, errmsg

__all__ = ["AutomationServer"]

log = logging.getLogger(__name__)

#: Methods that must work before (or without) the app running: the client's handshake and closing.
_NO_APP = {"Tool.getInfo", "Tool.close", "Tool.getTestAccounts", "App.exit", "Wxsim.getUsers", "Wxsim.getClock"}
#: How often (real seconds) a route the app took by itself (a timer, a payment callback) is reported.
_ROUTE_POLL = 0.05
#: No answer leaves sooner than this after its request (real seconds). DevTools' answers take a round trip
#: through the AppService; Minium 1.6's client starts waiting for an answer only after sending, and an
#: answer that lands in between is missed until its 60 s command timeout (a lost wake-up).
ANSWER_DELAY = 0.005


class AutomationServer:
    """Serves `sim`'s users on 127.0.0.1, the first on `port` and each next one on the port after
    (port 0: any free port for each). `start()` launches every user at the app's first page."""

    def __init__(self, sim: Simulator, users: Sequence[str] | int = 1, *, port: int = 9420,
                 host: str = "127.0.0.1", answer_delay: float = ANSWER_DELAY) -> None:
        self.sim = sim
        self.answer_delay = answer_delay
        self.host = host
        self.port = port
        names = [None] * users if isinstance(users, int) else list(users)
        self._users = [sim.user(n) for n in names]
        self.sessions: list[UserSession] = []
        self._servers: list[Server] = []
        self._poller: asyncio.Task[None] | None = None

    async def __aenter__(self) -> AutomationServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    @property
    def endpoints(self) -> dict[str, str]:
        """`{user name: ws://127.0.0.1:port}` of every served user."""
        return {s.user.name: f"ws://{self.host}:{s.port}" for s in self.sessions}

    async def start(self) -> None:
        await self.sim.start()
        try:
            for i, user in enumerate(self._users):
                await user.launch()
                wanted = 0 if self.port == 0 else self.port + i
                session = UserSession(self, user, wanted)
                server = await serve(functools.partial(self._connection, session), self.host, wanted,
                                     max_size=32 * 2**20, ping_interval=None)
                session.port = server.sockets[0].getsockname()[1] if wanted == 0 else wanted
                self.sessions.append(session)
                self._servers.append(server)
                await session.ensure_running()
        except BaseException:
            await self.close()
            raise
        self.sim.trace.listeners.append(self._on_trace)
        self._poller = asyncio.create_task(self._poll_routes())

    async def close(self) -> None:
        if self._on_trace in self.sim.trace.listeners:
            self.sim.trace.listeners.remove(self._on_trace)
        if self._poller is not None:
            self._poller.cancel()
            self._poller = None
        for server in self._servers:
            server.close()
            await server.wait_closed()
        self._servers.clear()

    def _on_trace(self, e: Any) -> None:
        for s in self.sessions:
            s.on_trace(e)

    async def _poll_routes(self) -> None:
        """Routes the app takes on its own (after a payment, from a timer) still reach onAppRouteDone."""
        while True:
            await asyncio.sleep(_ROUTE_POLL)
            for s in self.sessions:
                if s.lock.locked():
                    continue
                async with s.lock:
                    try:
                        await s.check_route()
                    except Exception:
                        continue

    async def _connection(self, session: UserSession, ws: ServerConnection) -> None:
        outbox: asyncio.Queue[str] = asyncio.Queue()
        session.outboxes.add(outbox)
        writer = asyncio.create_task(self._write(ws, outbox))
        try:
            async for raw in ws:
                started = time.monotonic()
                reply = await self.handle(session, raw)
                wait = self.answer_delay - (time.monotonic() - started)
                if wait > 0:
                    await asyncio.sleep(wait)
                if reply is not None:
                    outbox.put_nowait(reply)
        except ConnectionClosed:
            pass
        finally:
            session.outboxes.discard(outbox)
            writer.cancel()

    @staticmethod
    async def _write(ws: ServerConnection, outbox: asyncio.Queue[str]) -> None:
        while True:
            text = await outbox.get()
            try:
                await ws.send(text)
            except ConnectionClosed:
                return
            finally:
                outbox.task_done()

    async def handle(self, session: UserSession, raw: str | bytes) -> str | None:
        """One request in, one answer out (the protocol's error shape for anything that goes wrong)."""
        try:
            msg = json.loads(raw)
        except (TypeError, ValueError) as exc:
            return failure(None, f"not a JSON message: {exc}")
        if not isinstance(msg, dict):
            return failure(None, "a message is a JSON object {id, method, params}")
        msg_id = msg.get("id")
        name = msg.get("method")
        params = msg.get("params")
        if params is None:
            params = {}
        handler = METHODS.get(name) if isinstance(name, str) else None
        if handler is None:
            return failure(msg_id, f"{name} unimplemented in wxsim (see docs/testing-api.md for the supported methods)")
        if not isinstance(params, dict):
            return failure(msg_id, f"{name}: params must be an object")
        started = time.monotonic()
        async with session.lock:
            log.debug("%s <- %s %.300s", session.user.name, name, params)
            try:
                if name not in _NO_APP:
                    await session.ensure_running()
                result = await handler(session, params)
                await session.check_route()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.debug("%s -> %s failed after %.3f s: %s", session.user.name, name, time.monotonic() - started, exc)
                return failure(msg_id, errmsg(exc))
        log.debug("%s -> %s in %.3f s", session.user.name, name, time.monotonic() - started)
        return answer(msg_id, result)
