"""aiohttp application factory, middlewares, the in-process server and the standalone runner."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
import signal
import socket
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from ._http import ApiError, Ctx, Operation, json_response
from .backend import Backend
from .config import BackendConfig
from .openapi import build_document, coerce_query, validate

__all__ = ["BACKEND", "OPENAPI", "USER_ID", "BackendServer", "create_app", "run_until_stopped", "serve"]

log = logging.getLogger("backend_stub")
BACKEND = web.AppKey("backend_stub.backend", Backend)
OPENAPI = web.AppKey("backend_stub.openapi", dict)
USER_ID = web.RequestKey("backend_stub.user_id", str)
# Fields the seed's pages use to say "this is me"; any other value is someone else's identity.
_IDENTITY_FIELDS = ("userId", "creatorId", "newUserId")


def _operations() -> list[Operation]:
    from . import admin
    from .domains import (
        analytics,
        auth,
        feed,
        gamification,
        group_buy,
        live,
        orders,
        payments,
        products,
        referral,
    )

    mods = (auth, products, orders, payments, group_buy, referral, live, feed, gamification, analytics, admin)
    return [op for mod in mods for op in mod.router.operations]


def authenticate(backend: Backend, request: web.Request, *, query_token: bool = False) -> dict[str, Any] | None:
    """The user behind `Authorization: Bearer <token>`, if any. `?token=` only where a header cannot be sent
    (`query_token=True`: the live WebSocket, as `wx.connectSocket` clients send it): a session token in
    REST URLs ends up in access logs, proxies and Referer headers."""
    header = request.headers.get("Authorization", "")
    token = header[7:].strip() if header[:7].lower() == "bearer " else ""
    if not token and query_token:
        token = request.query.get("token", "")
    if not token:
        return None
    row = backend.db.one(
        "SELECT u.* FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token=? AND s.expires_at>?",
        token, backend.now())
    return row


def _handler(op: Operation) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    async def handle(request: web.Request) -> web.StreamResponse:
        backend = request.app[BACKEND]
        if op.path.startswith("/__admin"):
            _check_admin_token(backend, request)
        user = authenticate(backend, request)
        if user:
            request[USER_ID] = user["id"]
        if op.auth and user is None:
            raise ApiError(401, "unauthorized", "missing or unknown bearer token")
        body: Any = {}
        raw = await request.read() if request.body_exists else b""
        if raw:
            try:
                body = json.loads(raw)
            except ValueError as exc:
                if op.body is not None:
                    raise ApiError(400, "invalid_request", "body is not valid JSON", [str(exc)]) from exc
        errors = validate(op.body, body) if op.body is not None else []
        if not isinstance(body, dict):
            body = {}
        query, query_errors = coerce_query(op.query, request.query)
        errors += query_errors
        if errors:
            raise ApiError(400, "invalid_request", "; ".join(errors[:5]), errors)
        if op.auth and user is not None:
            for source in (body, query, request.match_info):
                for name in _IDENTITY_FIELDS:
                    if name in source and str(source[name]) != user["id"]:
                        raise ApiError(403, "forbidden", f"{name} {source[name]!r} is not the caller")
        ctx = Ctx(request, backend, body, query, dict(request.match_info), user)
        result = await op.handler(ctx)
        if isinstance(result, web.StreamResponse):
            return result
        return json_response(result, op.status)

    return handle


ADMIN_TOKEN_HEADER = "X-Admin-Token"


def _check_admin_token(backend: Backend, request: web.Request) -> None:
    """With `admin_token` configured, the test-mode admin API answers only requests that carry it."""
    expected = backend.config.admin_token
    if expected and not secrets.compare_digest(request.headers.get(ADMIN_TOKEN_HEADER, ""), expected):
        raise ApiError(401, "unauthorized", f"the admin API needs the {ADMIN_TOKEN_HEADER} header")


def check_exposure(config: BackendConfig, host: str) -> None:
    """Refuse to serve reset/seed/clock to the network: test mode on a non-loopback host needs an admin token."""
    if config.test_mode and not config.admin_token and host not in LOOPBACK_HOSTS:
        raise ValueError(f"test mode on host {host} would let anyone on the network reset, seed and move the "
                         "clock of this backend: bind 127.0.0.1, or configure an admin token (--admin-token)")


LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")


@web.middleware
async def _errors(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return json_response(exc.body(), exc.status)
    except web.HTTPException as exc:
        if exc.status < 400:
            raise
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status, "http_error")
        response = json_response({"error": code, "message": exc.reason}, exc.status)
        if "Allow" in exc.headers:  # a 405 says which methods the resource has (RFC 9110 §15.5.6)
            response.headers["Allow"] = exc.headers["Allow"]
        return response
    except (asyncio.CancelledError, ConnectionResetError):
        raise
    except Exception as exc:
        log.exception("unhandled error on %s %s", request.method, request.path)
        return json_response({"error": "internal", "message": repr(exc)}, 500)


@web.middleware
async def _sweep(request: web.Request, handler: Any) -> web.StreamResponse:
    backend = request.app[BACKEND]
    if not request.path.startswith("/__admin"):
        # Time-based rules run lazily: whatever fell due since the last request is applied first.
        if backend.sweep_needed():
            if backend.reconcile_due():
                await backend.reconcile()
            backend.sweep_due()
            if backend.outbox_due():
                await backend.flush_outbox()
    return await handler(request)


async def _openapi(request: web.Request) -> web.Response:
    return json_response(request.app[OPENAPI])


def create_app(config: BackendConfig) -> web.Application:
    """The stub as an aiohttp application; platform clients start with the app."""
    from .admin import fault_middleware, journal_middleware

    backend = Backend(config)
    app = web.Application(middlewares=[journal_middleware, fault_middleware, _errors, _sweep],
                          client_max_size=2 * 1024 * 1024)
    app[BACKEND] = backend
    operations = _operations()
    for op in operations:
        if op.path.startswith("/__admin") and not config.test_mode:
            continue
        app.router.add_route(op.method, op.path, _handler(op))
    from .domains import live

    app.router.add_get(live.WEBSOCKET_PATH, backend.live.websocket)
    app.router.add_get("/openapi.json", _openapi)
    app[OPENAPI] = build_document(operations, {live.WEBSOCKET_PATH: {"get": live.WEBSOCKET_OPERATION}},
                                  live.WEBSOCKET_SCHEMAS)

    async def startup(_: web.Application) -> None:
        await backend.start()

    async def cleanup(_: web.Application) -> None:
        await backend.close()

    app.on_startup.append(startup)
    app.on_cleanup.append(cleanup)
    return app


class BackendServer:
    """`async with BackendServer(config) as server:` — the stub on 127.0.0.1, ephemeral port."""

    def __init__(self, config: BackendConfig | None = None, host: str = "127.0.0.1", port: int = 0) -> None:
        self.config = config or BackendConfig(test_mode=True)
        self.host, self.port = host, port
        self.url = ""
        self.app: web.Application | None = None
        self._runner: web.AppRunner | None = None

    @property
    def backend(self) -> Backend:
        assert self.app is not None, "server not started"
        return self.app[BACKEND]

    async def sweep(self, now: float | None = None) -> dict[str, int]:
        """Apply due time-based rules now (call after moving a virtual clock)."""
        return await self.backend.sweep(now)

    def follow(self, clock: Any) -> None:
        """Sweep on every jump of a `VirtualClock` (so `await clock.advance(hours=24)` is enough)."""
        self.backend.follow(clock)

    async def start(self) -> str:
        check_exposure(self.config, self.host)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        public_host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        self.url = f"http://{public_host}:{self.port}"
        self.config.public_url = self.url
        self.app = create_app(self.config)
        self._runner = web.AppRunner(self.app, access_log=None)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BackendServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


async def run_until_stopped(config: BackendConfig, host: str = "127.0.0.1", port: int = 8800) -> None:
    """Serve until SIGINT/SIGTERM, then close cleanly (the database is checkpointed)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):  # not on Windows
            loop.add_signal_handler(sig, stop.set)
    async with BackendServer(config, host, port) as server:
        print(f"backend_stub listening on {server.url} (db={config.db}, test_mode={config.test_mode})", flush=True)
        await stop.wait()


def serve(db: str = "wxsim-shop.sqlite", host: str = "127.0.0.1", port: int = 8800,
          test_mode: bool = False, platform_url: str | None = None, admin_token: str | None = None) -> None:
    """Run the stub until interrupted (`wxsim backend`, `python -m backend_stub`)."""
    # A separately started platform keeps its own (often virtual) clock, so no time_expire (config.py).
    config = BackendConfig(db=db, test_mode=test_mode, platform_url=platform_url, send_time_expire=False,
                           admin_token=admin_token)
    try:
        asyncio.run(run_until_stopped(config, host, port))
    except KeyboardInterrupt:
        pass
