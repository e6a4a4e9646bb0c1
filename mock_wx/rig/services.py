"""Shared services of one simulation: the HTTP client, the emulated platform, the (embedded) backend."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from .simulator import Simulator

__all__ = ["RequestListener", "Services", "SocketListener"]

#: `(name, method, status, latency_ms, ok, size, error)`: called once per finished wx.request/upload/download;
#: `error` is None when ok, else what went wrong ("HTTP 429 login_rate_limited", "net::ERR_CONNECTION_REFUSED").
RequestListener = Callable[[str, str, int, float, bool, int, "str | None"], Any]
#: `(url, data, handling_ms)`: called once per socket frame received, after the page's handlers ran on it
#: (`handling_ms`: from the frame's arrival to the end of its delivery into JS).
SocketListener = Callable[[str, "str | bytes", float], Any]


class Services:
    """What every virtual user's wx client shares: connections, the platform, where the backend is.

    The app sees `https://<api_domain>/...` (wx-fidelity.md §1: https on a configured domain); `hosts`
    maps each such domain to the real server on 127.0.0.1 that answers it.
    """

    def __init__(self, sim: Simulator, *, backend_url: str | None, embedded_backend: bool, api_domain: str,
                 platform_url: str | None = None) -> None:
        self.sim = sim
        self.clock = sim.clock
        self.backend_url = backend_url
        self.embedded_backend = embedded_backend and backend_url is None
        self.api_domain = api_domain
        self.platform: Any = None         # the in-process WeChatPlatform (None when it runs elsewhere)
        self.platform_url: str | None = platform_url
        self.remote_platform = platform_url is not None
        self.wechat: Any = None           # the client's channel to WeChat's servers (login, pay, subscribe)
        self.backend: Any = None          # the embedded backend_stub BackendServer, when started
        self.http: Any = None             # one aiohttp.ClientSession (one connector) for every user
        #: request/socket domains configured for the app (the admin console's list, §1).
        self.allowed_domains: list[str] = [api_domain]
        #: logical host (as the app writes it) -> real base URL (http://127.0.0.1:PORT).
        self.hosts: dict[str, str] = {}
        #: what a relative URL like `/api/x` resolves against in lenient mode.
        self.base_url = f"https://{api_domain}"
        #: a request still unanswered after this many real seconds stops holding up `idle()` (virtual clock
        #: only), so a test can `await clock.advance(seconds=61)` and see `request:fail timeout`.
        self.stall_grace = 5.0
        self.request_listeners: list[RequestListener] = []
        self.socket_listeners: list[SocketListener] = []
        self._tasks: set[asyncio.Future[Any]] = set()
        self._sweep_listener: Callable[[float], Any] | None = None
        if backend_url:
            self.hosts[api_domain] = backend_url.rstrip("/")

    async def start(self) -> None:
        """Open the HTTP client, start the platform sandbox and (when embedded) the backend stub."""
        import aiohttp

        from ..platform import LocalChannel, RemoteChannel, WeChatPlatform

        if self.http is None:
            connector = aiohttp.TCPConnector(limit=0, limit_per_host=0, ttl_dns_cache=None)
            # Cookies are per user (each WxContext keeps its own jar), so the shared session keeps none.
            self.http = aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar())
        if self.remote_platform and self.wechat is None:
            # WeChat's servers run in another process (`wxsim platform`, or beside `wxsim backend`).
            self.wechat = RemoteChannel(str(self.platform_url), self.http, self.sim.appid)
        if not self.remote_platform and self.platform is None:
            self.platform = WeChatPlatform(self.clock, appid=self.sim.appid, seed=self.sim.seed)
            self.platform_url = await self.platform.start()
            self.wechat = LocalChannel(self.platform)
        if self.embedded_backend and self.backend is None and self.platform is not None:
            try:
                from backend_stub import BackendConfig, BackendServer  # lazily: mock_wx works without it
            except ImportError:
                return
            cfg = BackendConfig(test_mode=True, platform_url=self.platform_url, clock=self.clock.time,
                                appid=self.platform.appid, secret=self.platform.secret)
            self.backend = BackendServer(cfg)
            self.backend_url = await self.backend.start()
            self.hosts[self.api_domain] = self.backend_url
            self.backend.follow(self.clock)  # sweeps on clock jumps, settles its background work
        elif self.backend_url and not self.embedded_backend and self._sweep_listener is None:
            await self._follow_remote_backend()

    async def _follow_remote_backend(self) -> None:
        """Share the virtual clock with an external test-mode backend: start at its now, move it with every jump.

        The virtual clock moves forward to the backend's now (never the backend back: its WeChat platform
        keeps real time in its own process).
        """
        import aiohttp

        base = str(self.backend_url).rstrip("/")
        try:
            async with self.http.get(base + "/__admin/clock") as resp:
                if resp.status != 200:
                    return  # not in test mode: its clock is its own
                now = float((await resp.json())["now"])
        except (aiohttp.ClientError, ValueError, KeyError):
            return
        if now > self.clock.time() and not self.clock.realtime:
            await self.clock.set(now)
        last = [self.clock.time()]
        url = base + "/__admin/clock/advance"

        async def advance(now: float) -> None:
            delta, last[0] = now - last[0], now
            if delta <= 0 or self._sweep_listener is None:
                return
            async with self.http.post(url, json={"seconds": delta}) as resp:
                if resp.status == 404:  # not in test mode: its clock is its own
                    self.clock.remove_listener(advance)
                    self._sweep_listener = None

        self._sweep_listener = advance
        self.clock.add_listener(advance)

    async def close(self) -> None:
        if self._tasks:
            # Socket close handshakes started when the users' apps closed (§5): give them a moment.
            await asyncio.wait(list(self._tasks), timeout=1.0)
        for t in list(self._tasks):
            t.cancel()
        if self._sweep_listener is not None:
            self.clock.remove_listener(self._sweep_listener)
            self._sweep_listener = None
        if self.backend is not None:
            await self.backend.close()
            self.backend = None
        if self.platform is not None:
            await self.platform.close()
            self.platform = None
        if self.http is not None:
            await self.http.close()
            self.http = None
        self.wechat = None

    def route(self, domain: str, real_base_url: str, *, allow: bool = True) -> None:
        """Serve `https://<domain>` (and `wss://<domain>`) from `real_base_url` on 127.0.0.1."""
        self.hosts[domain] = real_base_url.rstrip("/")
        if allow and domain not in self.allowed_domains:
            self.allowed_domains.append(domain)

    def resolve(self, host: str, port: int | None = None) -> str | None:
        """The real base URL behind a logical host (or `host:port`), or None when nothing serves it."""
        if port is not None and f"{host}:{port}" in self.hosts:
            return self.hosts[f"{host}:{port}"]
        return self.hosts.get(host)

    def is_local(self, url: str) -> bool:
        return urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1")

    def notify_request(self, name: str, method: str, status: int, latency_ms: float, ok: bool, size: int,
                       error: str | None = None) -> None:
        for listener in list(self.request_listeners):
            listener(name, method, status, latency_ms, ok, size, error)

    def notify_socket(self, url: str, data: str | bytes, handling_ms: float) -> None:
        for listener in list(self.socket_listeners):
            listener(url, data, handling_ms)

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
