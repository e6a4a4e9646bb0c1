"""What a load run needs from the rig: one realtime Simulator, a user factory, journeys of one user, listeners.

Shared by `wxsim load` (mock_wx/load/cli.py) and the Locust adapter. Unlike the rest of
`mock_wx.load`, this module sits on top of the rig (it makes `VirtualUser`s), so the package's
`__init__` does not import it.
"""

from __future__ import annotations

import inspect
import json
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .routes import RouteNames
from .stats import Stats

__all__ = ["LoadJourney", "LoadSession", "load_journeys"]

#: The seeded shop the bundled journeys use (scenarios/_helpers.py SHOP_SEED).
SHOP_SEED = 42
#: One call into a user's JS may run this long under load before it is interrupted (a runaway page
#: must not hold the shared loop for the default 10 s).
LOAD_TIME_LIMIT = 2.0

_DEVICES = [("iPhone", "iPhone 13<iPhone14,5>", "iOS 16.4", "ios"), ("iPhone", "iPhone 15 Pro<iPhone16,1>", "iOS 17.2", "ios"),
            ("HUAWEI", "Mate 60 Pro", "Android 12", "android"), ("Xiaomi", "Xiaomi 14", "Android 14", "android"),
            ("OPPO", "Find X7", "Android 14", "android"), ("vivo", "X100", "Android 14", "android")]


@dataclass(frozen=True)
class LoadJourney:
    """A journey usable in a population: `fn(user)` runs `journey(sim, user)`."""

    name: str
    weight: float
    fn: Callable[[Any], Awaitable[None]]
    module: Any


def load_journeys(path: str | Path) -> list[Any]:
    """The journeys in `path` that take exactly one user (`async def viewer(sim, user)`); ValueError if none."""
    from ..errors import WxError
    from ..rig.journeys import discover

    p = Path(path)
    if not p.exists():
        raise ValueError(f"no such scenario file or folder: {p}")
    try:
        found = discover([p])
    except WxError as exc:
        raise ValueError(str(exc).splitlines()[0]) from None
    ones = [j for j in found if len(j.users) == 1]
    if not ones:
        names = ", ".join(f"{j.name}({len(j.users)} users)" for j in found[:5]) or "none found"
        raise ValueError(f"{p}: no journey takes exactly one user (async def name(sim, user)); journeys: {names}")
    return ones


class LoadSession:
    """One Simulator in realtime mode, tracing off, each user settling on its own; makes users and journeys."""

    def __init__(self, *, app: str | Path | None = None, backend_url: str | None = None,
                 platform_url: str | None = None, seed: int = 0, fidelity: str = "strict",
                 time_limit: float = LOAD_TIME_LIMIT) -> None:
        self.app = app
        self.backend_url = backend_url
        self.platform_url = platform_url
        self.seed = seed
        self.fidelity = fidelity
        self.time_limit = time_limit
        self.sim: Any = None
        self._faker: Any = None
        #: How requests are named in stats: the backend's OpenAPI paths when it serves them, else the id rule.
        self.routes = RouteNames()

    async def start(self, modules: list[Any] = ()) -> None:  # type: ignore[assignment]
        """Start the simulator (and embedded backend); run each scenario module's `setup(sim)` once.

        Without a `setup`, an embedded backend is filled with the bundled journeys' seeded shop.
        """
        from ..rig.simulator import Simulator

        remote: dict[str, Any] = {}
        if self.backend_url:
            await check_backend(self.backend_url)
            if not self.platform_url:
                raise ValueError("--backend needs --platform: the WeChat platform that backend exchanges login codes "
                                 "and payments with (printed by `wxsim backend` or `wxsim platform`)")
            await check_backend(self.platform_url.rstrip("/") + "/sandbox/merchant")
            remote["platform_url"] = self.platform_url  # the simulated clients log in and pay through it
        self.sim = Simulator(self.app, fidelity=self.fidelity, seed=self.seed, realtime=True, trace=False,
                             backend_url=self.backend_url, time_limit=self.time_limit, isolated_idle=True, **remote)
        await self.sim.start()
        await self._learn_routes()
        setups = [m.setup for m in dict.fromkeys(modules) if inspect.iscoroutinefunction(getattr(m, "setup", None))]
        for setup in setups:
            await setup(self.sim)
        if not setups and not self.backend_url:
            await self.sim.backend.seed(SHOP_SEED)

    async def _learn_routes(self) -> None:
        """Name requests by the backend's own route templates (its /openapi.json), when it serves them."""
        import aiohttp

        base = self.sim.services.backend_url
        if not base:
            return
        try:
            async with self.sim.services.http.get(base.rstrip("/") + "/openapi.json",
                                                  timeout=aiohttp.ClientTimeout(total=5)) as resp:
                if resp.status != 200:
                    return
                spec = await resp.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            return  # no OpenAPI document: the id rule names the requests (routes.py)
        self.routes.use_openapi(spec)

    async def close(self) -> None:
        if self.sim is not None:
            await self.sim.close()
            self.sim = None

    # ------------------------------------------------------------------ users
    async def make_user(self, idx: int) -> Any:
        """A fresh `VirtualUser` with a seeded Faker identity (nickname, device); not kept by the simulator."""
        from ..rig.user import VirtualUser

        user = VirtualUser(self.sim, f"u{idx}", idx)
        fake = self._fake(idx)
        brand, model, system, platform = _DEVICES[fake.random_int(0, len(_DEVICES) - 1)]
        user.ctx.system.update({"brand": brand, "model": model, "system": system, "platform": platform})
        user.ctx.state["identity"] = {"nickname": fake.name(), "city": fake.city()}
        return user

    def _fake(self, idx: int) -> Any:
        if self._faker is None:
            from faker import Faker

            self._faker = Faker("zh_CN")
        self._faker.seed_instance(f"{self.seed}:{idx}")
        return self._faker

    def journeys(self, found: list[Any]) -> list[LoadJourney]:
        """Bind discovered one-user journeys to this session's simulator."""
        out = []
        for j in found:
            async def run(user: Any, _fn: Any = j.fn) -> None:
                await _fn(self.sim, user)

            run.__name__ = j.name
            out.append(LoadJourney(j.name, j.weight, run, sys.modules.get(j.fn.__module__)))
        return out

    # ------------------------------------------------------------------ listeners
    def listen(self, on_request: Callable[[str, str, int, float, bool, int, str | None], Any] | None = None,
               on_socket: Callable[[str, str | bytes, float], Any] | None = None) -> None:
        """Call these for every wx.request (etc.) and every socket frame of every user."""
        if on_request is not None:
            self.sim.services.request_listeners.append(on_request)
        if on_socket is not None:
            self.sim.services.socket_listeners.append(on_socket)

    def record_into(self, stats: Stats) -> None:
        """Record requests (by route template) and socket messages (by type) into `stats`."""
        stats.routes = self.routes

        def on_request(name: str, method: str, status: int, ms: float, ok: bool, size: int,
                       error: str | None = None) -> None:
            stats.request(name, ms, ok, size, None if ok else (error or http_error(status)))

        def on_socket(url: str, data: str | bytes, ms: float) -> None:
            stats.record("socket", message_type(data), ms, size=len(data))

        self.listen(on_request, on_socket)


def http_error(status: int) -> str:
    return f"HTTP {status}" if status else "network error"


def message_type(data: str | bytes) -> str:
    """A socket frame's name in stats: its JSON `type`, else "json", "text" or "binary"."""
    if isinstance(data, bytes):
        return "binary"
    if data.startswith('{"type":"'):  # most frames: read the type without parsing the whole body
        end = data.find('"', 9)
        if end > 9:
            return data[9:end]
    try:
        msg = json.loads(data)
    except ValueError:
        return "text"
    t = msg.get("type") if isinstance(msg, dict) else None
    return str(t) if t is not None else "json"


async def check_backend(url: str) -> None:
    """ValueError (one line) when nothing answers at `url`."""
    import aiohttp

    t0 = time.perf_counter()
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as s, s.get(url) as resp:
            await resp.read()
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise ValueError(f"backend {url} is unreachable ({type(exc).__name__}: {exc}) "
                         f"after {time.perf_counter() - t0:.1f}s") from None
