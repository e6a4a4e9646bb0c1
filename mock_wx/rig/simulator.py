"""The simulation: one app bundle, one virtual clock, the emulated platform, many virtual users."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

from ..clock import VirtualClock
from ..errors import WaitTimeout
from ..runtime import AppBundle
from ..trace import Trace
from ..view import ViewBundle
from .backend_client import BackendClient
from .checkout import SimPay
from .paths import bundled_app_path
from .services import Services
from .test_errors import raise_pending
from .testing import SimTesting
from .user import VirtualUser

__all__ = ["Simulator"]

FIDELITY_MODES = ("strict", "lenient")


class Simulator(SimTesting):
    """Owns the clock, trace and shared services; hands out virtual users.

    Use as `async with Simulator(app_dir) as sim:`; the pytest plugin's `sim` fixture does this.
    """

    def __init__(
        self,
        app: str | Path | AppBundle | None = None,
        *,
        fidelity: str = "strict",
        seed: int = 0,
        clock: VirtualClock | None = None,
        realtime: bool = False,
        trace: bool = True,
        appid: str = "wx5f1c0a0e0dd0c0de",
        backend_url: str | None = None,
        platform_url: str | None = None,
        embedded_backend: bool = True,
        api_domain: str = "api.wxsim-shop.example.com",
        time_limit: float = 10.0,
        isolated_idle: bool = False,
        identity: str | None = None,
        view: bool = True,
        fail_on_js_errors: bool = False,
    ) -> None:
        if fidelity not in FIDELITY_MODES:
            raise ValueError(f"fidelity must be 'strict' or 'lenient', not {fidelity!r}")
        self.bundle = app if isinstance(app, AppBundle) else AppBundle.load(app or bundled_app_path())
        #: The compiled WXML of the app (None with view=False: pages run their logic only, nothing renders).
        self.view = ViewBundle.of(self.bundle) if view else None
        self.fidelity = fidelity
        self.seed = seed
        self.appid = appid
        #: Mixed into every user's WeChat identity (the platform's openid for "alice"). Empty for an embedded
        #: backend (fresh each simulation: runs are reproducible). Against an external backend and platform,
        #: which outlive the simulation, a fresh random one: every run meets new users, so a re-run neither
        #: finds the last run's alice (her points, orders, badges) nor trips WeChat's 100 logins per user per
        #: minute (errcode 45011, §9). Pass one to meet the same users again.
        self.identity = identity if identity is not None else (secrets.token_hex(6) if backend_url else "")
        #: Seconds one call into a user's JS may run before it is interrupted (runaway `while (true) {}`).
        self.time_limit = time_limit
        #: Load runs: a user's action waits for its own page only, not for every user's (realtime clock),
        #: so one slow user never holds up the others and idle() costs O(1) instead of O(users).
        self.isolated_idle = isolated_idle
        #: An unhandled promise rejection in app code fails the action that caused it (raises JSError), as an
        #: uncaught error always does; off, it is a finding only (README "A crashed data load is not silent").
        self.fail_on_js_errors = fail_on_js_errors
        self.clock = clock or VirtualClock(realtime=realtime)
        self.trace = Trace(enabled=trace)
        # Moving the clock is a step of the journey (the report names it "clock +24 h"); user "" = nobody's.
        self.clock.jump_listeners.append(lambda now, seconds: self.trace.add(now, "", "clock", {"seconds": seconds}))
        self.services = Services(self, backend_url=backend_url, embedded_backend=embedded_backend,
                                 api_domain=api_domain, platform_url=platform_url)
        self.backend = BackendClient(self.services)
        #: WeChat Pay orders for a mocked merchant backend: `await sim.pay.jsapi_params(user, total=...)`.
        self.pay = SimPay(self)
        self._users: list[VirtualUser] = []
        self._by_name: dict[str, VirtualUser] = {}
        self._realms: set[Any] = set()
        self.clock.add_settle_hook(self._drain_all)
        self._started = False

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.close()

    async def start(self) -> None:
        """Start the shared services (HTTP client, platform, embedded backend when configured)."""
        if not self._started:
            await self.services.start()
            self._started = True

    async def close(self) -> None:
        for u in self._users:
            u.close()
        await self.services.close()
        self._started = False

    # ------------------------------------------------------------------ users
    def user(self, name: str | None = None) -> VirtualUser:
        """A new virtual user (own storage, openid, device); names default to alice, bob, carol, ..."""
        index = len(self._users)
        name = name or _default_name(index)
        if name in self._by_name:
            return self._by_name[name]
        u = VirtualUser(self, name, index)
        self._users.append(u)
        self._by_name[name] = u
        return u

    def users(self, n: int) -> list[VirtualUser]:
        return [self.user() for _ in range(n)]

    @property
    def all_users(self) -> list[VirtualUser]:
        return list(self._users)

    def _closed_realm(self, realm: Any) -> None:
        self._realms.discard(realm)

    # ------------------------------------------------------------------ settling
    async def _drain_all(self) -> None:
        """Drain every running realm (and the services' own work) until nothing is in flight."""
        for _ in range(10_000):
            busy = False
            for u in self._users:
                r = u._realm
                if r is not None and not r.closed:
                    r.check_settled()  # a page looping without virtual time moving says so (runtime/settle.py)
                    if r.busy:
                        busy = True
                        await r.drain()
            if await self.services.drain():
                busy = True
            if not busy and self._render_stale():
                busy = True
            if not busy:
                return

    def _render_stale(self) -> bool:
        """Tests and journeys (not load runs, whose users settle alone): a page renders by the time the action
        that changed it has settled, so template findings and errors come with that action."""
        rendered = False
        for u in self._users:
            r = u._realm
            if r is not None and not r.closed and r.view is not None and r.view.render_stale():
                rendered = True
        return rendered

    async def idle(self) -> None:
        """Every page settled: no bridge call in flight, no timer due now, no render pending."""
        for _ in range(10_000):
            await self._drain_all()
            if self.clock.realtime:
                return
            due = self.clock.next_due()
            if due is not None and due <= self.clock.time() and not self.clock._advancing:
                await self.clock.run_due()
                continue
            for u in self._users:  # a bug in the test's own mock fails the test here (test_errors.py)
                raise_pending(u.ctx)
            return
        raise RuntimeError("the simulation did not settle (a timer loop at 0 ms?)")

    async def wait_until(self, check: Any, *, timeout: float = 10.0, what: str = "") -> None:  # noqa: ASYNC109
        """Wait until `check()` holds for work the simulation cannot see coming (frames a server pushes).

        Virtual time does not move; real I/O on 127.0.0.1 gets up to `timeout` real seconds.
        Raises `WaitTimeout`. To wait on the virtual clock instead, use `page.wait_for`.
        """
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await self.idle()
            if check():
                return
            if loop.time() > deadline:
                raise WaitTimeout(f"not within {timeout:g} s: {what or check}")
            await asyncio.sleep(0.001)  # real I/O on 127.0.0.1, not think time

    async def sleep(self, seconds: float) -> None:
        """Think time: advance the virtual clock (or really wait in realtime mode)."""
        if self.clock.realtime:
            await asyncio.sleep(seconds)
        else:
            await self.clock.advance(seconds)


def _default_name(i: int) -> str:
    names = ["alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory", "niaj",
             "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "yvonne"]
    return names[i] if i < len(names) else f"user{i}"
