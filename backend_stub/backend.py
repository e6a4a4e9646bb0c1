"""The running stub's state: config, database, platform clients, live rooms, faults and journal."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Coroutine
from typing import Any

import aiohttp

from ._http import ApiError
from .config import AdjustableClock, BackendConfig, MerchantKeys
from .db import Database
from .wechatpay import WeChatPayClient

__all__ = ["Backend"]

log = logging.getLogger("backend_stub")


class Backend:
    """Shared by every handler through `app[BACKEND]`; one per application."""

    SWEEP_INTERVAL = 0.05

    def __init__(self, config: BackendConfig) -> None:
        from .admin import FaultTable
        from .domains.live import LiveHub

        self.config = config
        self.db = Database(config.db)
        self.session: aiohttp.ClientSession | None = None
        self.pay: WeChatPayClient | None = None
        self.faults = FaultTable()
        self.journal: deque[dict[str, Any]] = deque(maxlen=config.journal_size)
        self.live = LiveHub(self)
        #: Who may read shop-wide reports (config.merchant_openids, plus test-mode additions).
        self.merchant_openids: set[str] = set(config.merchant_openids)
        #: order id → when the platform was last asked about it (domains/reconcile.py)
        self.reconciled_at: dict[str, float] = {}
        self._tasks: set[asyncio.Task[Any]] = set()
        self._last_sweep = float("-inf")
        self._followed: list[Any] = []

    def now(self) -> float:
        return float(self.config.clock())

    def notification_now(self) -> float:
        """What a notification's Wechatpay-Timestamp is checked against.

        A shared clock (the simulator's virtual clock, which the embedded platform also signs with) is used
        as it is. The stub's own `AdjustableClock` is real time plus what test-mode admin calls added; a
        platform in another process never sees those moves and signs with its own (real) time, so the
        check uses real time there.
        """
        if isinstance(self.config.clock, AdjustableClock):
            return time.time()
        return self.now()

    # -- lifecycle ----------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the HTTP client and, if needed, fetch the sandbox merchant's credentials."""
        self.session = aiohttp.ClientSession()
        cfg = self.config
        if cfg.merchant is None and cfg.platform_url:
            try:
                async with self.session.get(f"{cfg.platform_url.rstrip('/')}/sandbox/merchant") as resp:
                    data = await resp.json()
                cfg.merchant = MerchantKeys.coerce(data)
            except (aiohttp.ClientError, KeyError, ValueError, TypeError) as exc:
                log.warning("no merchant credentials from %s: %r", cfg.platform_url, exc)
        if cfg.merchant is not None:
            cfg.merchant = MerchantKeys.coerce(cfg.merchant)
            # The sandbox hands out the mini program's appid and AppSecret with the merchant keys.
            cfg.appid = cfg.merchant.appid
            cfg.secret = cfg.merchant.secret or cfg.secret
        with self.db.tx() as db:
            db.run("UPDATE outbox SET status='pending' WHERE status='sending'")  # interrupted last run
        if cfg.merchant is not None and cfg.platform_url:
            self.pay = WeChatPayClient(cfg.merchant, cfg.platform_url, self.session, cfg.clock,
                                       cfg.platform_timeout_seconds)
            # Payments made while we were down and whose notifications gave up are recorded now.
            await self.reconcile()

    async def reconcile(self, now: float | None = None) -> int:
        """Query the platform about orders left pending past the window; record those it says are paid."""
        from .domains.reconcile import reconcile_pending

        return await reconcile_pending(self, self.now() if now is None else now)

    def reconcile_due(self) -> bool:
        from .domains.reconcile import reconcile_due

        return reconcile_due(self, self.now())

    def follow(self, clock: Any) -> None:
        """Sweep whenever a `mock_wx.clock.VirtualClock` jumps, and let it wait for our background work."""
        clock.add_listener(self.sweep)
        clock.add_settle_hook(self.idle)
        self._followed.append(clock)

    async def idle(self) -> None:
        """Wait for background work (outbox flushes started by notifications)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for clock in self._followed:
            clock.remove_settle_hook(self.idle)
            clock.remove_listener(self.sweep)
        await self.live.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self.session is not None:
            await self.session.close()
        self.db.close()

    def spawn(self, coro: Coroutine[Any, Any, Any]) -> None:
        """Run `coro` in the background, kept referenced and cancelled on close."""
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # -- platform -------------------------------------------------------------------------------
    def require_pay(self) -> WeChatPayClient:
        if self.pay is None:
            raise ApiError(502, "payment_unavailable", "no WeChat Pay platform configured")
        return self.pay

    async def code2session(self, code: str) -> dict[str, Any]:
        """Exchange a `wx.login` code at the platform's `/sns/jscode2session` (§9)."""
        cfg = self.config
        if not cfg.platform_url or self.session is None:
            raise ApiError(502, "platform_unavailable", "no platform URL configured for code2Session")
        params = {"appid": cfg.appid, "secret": cfg.secret, "js_code": code,
                  "grant_type": "authorization_code"}
        try:
            async with self.session.get(f"{cfg.platform_url.rstrip('/')}/sns/jscode2session", params=params,
                                        timeout=aiohttp.ClientTimeout(total=cfg.platform_timeout_seconds)) as r:
                data = await r.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise ApiError(502, "platform_unavailable", f"code2Session failed: {exc!r}") from exc
        if not isinstance(data, dict) or data.get("errcode") or not data.get("openid"):
            errcode = data.get("errcode") if isinstance(data, dict) else None
            errmsg = data.get("errmsg") if isinstance(data, dict) else None
            if errcode == -1:  # "system busy" is the platform's trouble, not a bad code (§9)
                raise ApiError(502, "platform_unavailable", f"code2Session: errcode -1 {errmsg}")
            if errcode == 45011:  # WeChat's per-user login quota (§9): a throttle, the code itself was fine
                raise ApiError(429, "login_rate_limited", f"code2Session: errcode 45011 {errmsg}")
            raise ApiError(401, "invalid_code", f"code2Session: errcode {errcode} {errmsg}")
        return data

    # -- time-based rules -----------------------------------------------------------------------
    def sweep_needed(self) -> bool:
        """Whether the per-request sweep should run: only once the clock has moved on a little."""
        # Due times are minutes to days away, so sweeping at most every 50 ms of stub time loses
        # nothing, and a frozen virtual clock costs no queries at all between jumps.
        now = self.now()
        return not (self._last_sweep <= now < self._last_sweep + self.SWEEP_INTERVAL)

    def sweep_due(self, now: float | None = None) -> dict[str, int]:
        """Apply every rule whose time has come (synchronous, one transaction per rule)."""
        from .domains import group_buy, orders, referral

        now = self.now() if now is None else now
        self._last_sweep = now
        return {
            "ordersClosed": orders.close_due(self, now),
            "ordersCompleted": orders.complete_due(self, now),
            "groupsExpired": group_buy.expire_due(self, now),
            "commissionsSettled": referral.settle_due(self, now),
        }

    async def sweep(self, now: float | None = None) -> dict[str, int]:
        """Time-based rules plus the platform calls they queued (closes, refunds)."""
        paid = await self.reconcile(now)  # before closing unpaid orders: some may have been paid
        result = self.sweep_due(now)
        result["ordersReconciled"] = paid
        self.live.flush_due(self.now() if now is None else now)
        result["platformCalls"] = await self.flush_outbox()
        return result

    def outbox_due(self) -> bool:
        return bool(self.db.scalar("SELECT 1 FROM outbox WHERE status='pending' AND next_at<=? LIMIT 1",
                                   self.now()))

    async def flush_outbox(self) -> int:
        from .domains.payments import flush_outbox

        return await flush_outbox(self)
