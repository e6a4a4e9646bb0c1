"""Backend configuration and the stub's own notion of now."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["AdjustableClock", "BackendConfig", "MerchantKeys"]


class AdjustableClock:
    """`time.time()` plus an offset that test-mode admin routes can set or advance."""

    def __init__(self, offset: float = 0.0) -> None:
        self.offset = offset

    def __call__(self) -> float:
        return time.time() + self.offset

    def set(self, now: float) -> float:
        """Make the clock read `now` (epoch seconds) from this instant on."""
        self.offset = now - time.time()
        return self()

    def advance(self, seconds: float) -> float:
        """Move the clock forward by `seconds`."""
        self.offset += seconds
        return self()


@dataclass
class MerchantKeys:
    """WeChat Pay v3 merchant credentials (docs/platform-api.md `MerchantCredentials`)."""

    mchid: str
    appid: str
    serial_no: str
    private_key_pem: str
    apiv3_key: str
    platform_serial: str
    platform_public_key_pem: str
    secret: str | None = None

    @classmethod
    def coerce(cls, value: Any) -> MerchantKeys:
        """From MerchantKeys, `mock_wx.platform.MerchantCredentials`, or the `/sandbox/merchant` JSON."""
        if isinstance(value, cls):
            return value
        get = value.get if isinstance(value, dict) else (lambda k, d=None: getattr(value, k, d))
        fields = {k: get(k) for k in cls.__dataclass_fields__}
        missing = [k for k, v in fields.items() if v is None and k != "secret"]
        if missing:
            raise ValueError(f"merchant credentials lack {', '.join(missing)}")
        return cls(**{k: (str(v) if v is not None else None) for k, v in fields.items()})  # type: ignore[arg-type]


@dataclass
class BackendConfig:
    """Everything the stub needs; defaults suit an in-memory test run."""

    db: str = ":memory:"
    test_mode: bool = False
    platform_url: str | None = None
    appid: str = "wx5f1c0a0e0dd0c0de"
    secret: str = "wxsim-secret"
    #: MerchantKeys, a `mock_wx.platform.MerchantCredentials`, or None to fetch `/sandbox/merchant`.
    merchant: Any = None
    #: epoch seconds; the simulator passes its virtual clock's `time`.
    clock: Callable[[], float] = field(default_factory=AdjustableClock)
    #: set by BackendServer / serve(); notify URLs are `{public_url}/api/pay/notify`.
    public_url: str | None = None
    order_close_seconds: float = 30 * 60
    group_duration_seconds: float = 24 * 3600
    referral_bind_window_seconds: float = 7 * 24 * 3600
    refund_window_seconds: float = 7 * 24 * 3600
    #: shipped orders confirm themselves after this long (自动确认收货), as Chinese shops do
    auto_confirm_seconds: float = 10 * 24 * 3600
    session_ttl_seconds: float = 30 * 24 * 3600
    live_comment_limit: int = 5
    live_comment_window_seconds: float = 10.0
    #: seconds (stub clock) between viewer_count broadcasts to a room; a joiner gets the count at once
    live_viewer_count_interval: float = 0.5
    moderation_words: tuple[str, ...] = ("傻逼", "fuck", "spam-link", "加微信", "代购")
    journal_size: int = 5000
    platform_timeout_seconds: float = 5.0
    #: refuse notifications whose Wechatpay-Timestamp is further than this from now (None: no check)
    notify_max_skew_seconds: float | None = 300.0
    #: Send `time_expire` with each prepay (§4). Only safe when the platform reads the same clock; a stub
    #: started apart from its platform closes unpaid orders through the close API instead.
    send_time_expire: bool = True
    #: Required (header `X-Admin-Token`) by the test-mode admin API when set; test mode on a host other
    #: than loopback refuses to start without one.
    admin_token: str | None = None
    #: an order still pending payment this long after it was placed is checked with the platform (and on
    #: start-up): a payment whose notification was lost is recorded all the same (domains/reconcile.py)
    reconcile_after_seconds: float = 60.0
    #: openids of the merchant's staff: the only callers of shop-wide reports (GET /api/analytics/overview).
    #: In test mode `POST /__admin/merchants {"userId"|"openid"}` adds one.
    merchant_openids: tuple[str, ...] = ()

    @property
    def notify_url(self) -> str:
        return f"{self.public_url or 'http://127.0.0.1'}/api/pay/notify"

    @property
    def refund_notify_url(self) -> str:
        return f"{self.public_url or 'http://127.0.0.1'}/api/pay/refund-notify"
