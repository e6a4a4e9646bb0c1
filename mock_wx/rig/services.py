"""Shared services of one simulation: the HTTP client, the emulated platform, the (embedded) backend."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .simulator import Simulator

__all__ = ["Services"]


class Services:
    """What every virtual user's wx client shares: connections, the platform, where the backend is."""

    def __init__(self, sim: Simulator, *, backend_url: str | None, embedded_backend: bool, api_domain: str) -> None:
        self.sim = sim
        self.clock = sim.clock
        self.backend_url = backend_url
        self.embedded_backend = embedded_backend and backend_url is None
        self.api_domain = api_domain
        self.platform: Any = None
        self.platform_url: str | None = None
        self.backend: Any = None
        self.http: Any = None
        self._tasks: set[asyncio.Future[Any]] = set()

    async def start(self) -> None:
        """Start what is available; each family module adds its own pieces here as they land."""

    async def close(self) -> None:
        for t in list(self._tasks):
            t.cancel()

    def track(self, awaitable: Any) -> asyncio.Future[Any]:
        fut = asyncio.ensure_future(awaitable)
        self._tasks.add(fut)
        fut.add_done_callback(self._tasks.discard)
        return fut

    async def drain(self) -> bool:
        """Wait for the services' own in-flight work; True if there was any."""
        if not self._tasks:
            return False
        await asyncio.wait(list(self._tasks))
        return True
