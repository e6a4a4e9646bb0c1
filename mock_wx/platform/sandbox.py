"""`WeChatPlatform`: one sandbox of WeChat's servers (login, pay, subscribe messages) on 127.0.0.1."""

from __future__ import annotations

import random
import time
from typing import Literal

from aiohttp import web

from ..clock import VirtualClock
from .credentials import MerchantCredentials, SandboxKeys
from .login import LoginService
from .notify import Notifier
from .pay import PREPAY_TTL, PayService
from .pay_v2 import PayV2Api
from .server import build_app
from .subscribe import SubscribeService

__all__ = ["WeChatPlatform"]


class WeChatPlatform:
    """WeChat's servers for one mini program and one merchant, usable in-process and over HTTP."""

    def __init__(
        self,
        clock: VirtualClock,
        appid: str = "wx5f1c0a0e0dd0c0de",
        secret: str | None = None,
        mchid: str = "1900000109",
        *,
        seed: int = 0,
        prepay_ttl: float = PREPAY_TTL,
        refund_delay: float = 0.0,
        notify_timeout: float = 5.0,
        header_clock: Literal["virtual", "wall"] = "virtual",
    ) -> None:
        self.clock = clock
        self.seed = seed
        rng = random.Random(seed)
        self._keys = SandboxKeys.generate(
            random.Random(rng.getrandbits(64)), appid=appid, mchid=mchid, secret=secret, now=clock.time()
        )
        self.login = LoginService(
            clock, appid, self._keys.merchant.secret, random.Random(rng.getrandbits(64))
        )
        # Wechatpay-Timestamp follows the virtual clock so a backend on the same clock accepts it; "wall"
        # suits an SDK-based backend that rejects timestamps more than 5 minutes away from its own time.
        self.notifier = Notifier(
            clock,
            self._keys,
            random.Random(rng.getrandbits(64)),
            timeout=notify_timeout,
            header_time=time.time if header_clock == "wall" else None,
        )
        self.pay = PayService(
            clock,
            self._keys,
            self.notifier,
            random.Random(rng.getrandbits(64)),
            prepay_ttl=prepay_ttl,
            refund_delay=refund_delay,
        )
        #: The v2 merchant API (XML, MD5/HMAC-SHA256 with `merchant.apiv2_key`) over the same orders.
        self.pay_v2 = PayV2Api(self.pay, random.Random(rng.getrandbits(64)))
        self.subscribe = SubscribeService(self.login)
        self.app = build_app(self)
        self._runner: web.AppRunner | None = None
        self.base_url: str | None = None

    @property
    def merchant(self) -> MerchantCredentials:
        """The sandbox merchant's credentials (also served at GET /sandbox/merchant)."""
        return self._keys.merchant

    @property
    def appid(self) -> str:
        return self._keys.merchant.appid

    @property
    def secret(self) -> str:
        return self._keys.merchant.secret

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve HTTP on an ephemeral port; returns the base URL (no trailing slash)."""
        if self._runner is not None:
            assert self.base_url is not None
            return self.base_url
        runner = web.AppRunner(self.app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = runner.addresses[0][1]
        self.base_url = f"http://{host}:{bound_port}"
        self.clock.add_settle_hook(self.pay.idle)
        return self.base_url

    async def close(self) -> None:
        """Stop serving, cancel pending notification retries, close the HTTP client."""
        self.clock.remove_settle_hook(self.pay.idle)
        await self.pay.idle()
        await self.notifier.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
            self.base_url = None

    async def __aenter__(self) -> WeChatPlatform:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
