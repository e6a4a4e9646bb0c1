"""Fixtures for the automation protocol: `wxsim serve` in-process on ephemeral ports, and a websockets client."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect

from mock_wx.automation import AutomationServer
from mock_wx.rig.simulator import Simulator

FIXTURE_APP = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "automation"


class Failed(Exception):
    """The server answered `{id, error: {message}}`."""


class ProtocolClient:
    """A minimal DevTools-protocol client: `await call("App.getCurrentPage")`, events in `events`."""

    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self.events: list[dict[str, Any]] = []
        self._waiting: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for raw in self.ws:
            msg = json.loads(raw)
            fut = self._waiting.pop(str(msg.get("id")), None)
            if fut is not None:
                fut.set_result(msg)
            elif "id" in msg:
                self.events.append({"unmatched": msg})
            else:
                self.events.append(msg)

    async def raw(self, text: str, msg_id: str | None = None) -> dict[str, Any]:
        fut: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[str(msg_id)] = fut
        await self.ws.send(text)
        return await asyncio.wait_for(fut, 10)

    async def call(self, command: str, /, **params: Any) -> Any:
        msg_id = uuid.uuid4().hex
        msg = await self.raw(json.dumps({"id": msg_id, "method": command, "params": params}), msg_id)
        if "error" in msg:
            raise Failed(msg["error"]["message"])
        return msg["result"]

    def of(self, name: str) -> list[dict[str, Any]]:
        return [e["params"] for e in self.events if e.get("method") == name]

    async def close(self) -> None:
        await self.ws.close()
        self._reader.cancel()


async def _served(app: Path | None, users: int, **sim_options: Any) -> AsyncIterator[tuple[AutomationServer, list[ProtocolClient]]]:
    sim = Simulator(app, **sim_options)
    await sim.start()
    if app is None:
        await sim.backend.seed(42)  # the seeded shop of the bundled journeys
    server = AutomationServer(sim, users, port=0, answer_delay=0)
    await server.start()
    clients = [ProtocolClient(await connect(url)) for url in server.endpoints.values()]
    try:
        yield server, clients
    finally:
        for c in clients:
            await c.close()
        await server.close()
        await sim.close()


@pytest.fixture
async def fixture_app() -> AsyncIterator[tuple[AutomationServer, ProtocolClient]]:
    """The small automation fixture app (a custom component, an input, a switch), one user, virtual clock."""
    async for server, clients in _served(FIXTURE_APP, 1):
        yield server, clients[0]


@pytest.fixture
async def shop() -> AsyncIterator[tuple[AutomationServer, list[ProtocolClient]]]:
    """The sample shop with two users (two ports), seeded embedded backend, virtual clock."""
    async for server, clients in _served(None, 2):
        yield server, clients
