"""Reconciliation: ask WeChat Pay about orders still `created` (pending payment) after a short window.

A notification can be lost for good (the platform's retry schedule ran out while the stub was down, or its
notify_url was unreachable), leaving a paid order unpaid forever. Merchant backends therefore also query the
platform (§4 query by out_trade_no) for orders that stay pending, and on start-up; what it answers goes
through `apply_payment`, the notification's own idempotent path, so a payment is recorded once either way.
"""

from __future__ import annotations

import logging
from typing import Any

from ..wechatpay import PayError

__all__ = ["reconcile_due", "reconcile_pending"]

log = logging.getLogger("backend_stub.reconcile")
_BATCH = 200


def _candidates(backend: Any, now: float) -> list[dict[str, Any]]:
    cutoff = now - backend.config.reconcile_after_seconds
    return list(backend.db.all(
        "SELECT id, out_trade_no, created_at FROM orders WHERE status='created' AND prepay_id IS NOT NULL "
        "AND created_at<=? ORDER BY created_at LIMIT ?", cutoff, _BATCH))


def reconcile_due(backend: Any, now: float) -> bool:
    """Whether some pending order waits for a query (cheap: one indexed lookup)."""
    if backend.pay is None:
        return False
    window = backend.config.reconcile_after_seconds
    return any(now - backend.reconciled_at.get(o["id"], float("-inf")) >= window for o in _candidates(backend, now))


async def reconcile_pending(backend: Any, now: float) -> int:
    """Query the platform for pending orders older than the window (each at most once per window);
    returns how many turned out paid and were recorded."""
    from .payments import _Reject, apply_payment

    if backend.pay is None:
        return 0
    window = backend.config.reconcile_after_seconds
    pending = _candidates(backend, now)
    ids = {o["id"] for o in pending}
    for stale in [k for k in backend.reconciled_at if k not in ids]:
        del backend.reconciled_at[stale]  # paid, closed or cancelled since
    paid = 0
    for order in pending:
        if now - backend.reconciled_at.get(order["id"], float("-inf")) < window:
            continue
        backend.reconciled_at[order["id"]] = now
        try:
            res = await backend.pay.query(order["out_trade_no"])
        except PayError as exc:
            log.warning("reconcile %s: the platform did not answer (%s)", order["out_trade_no"], exc)
            continue
        try:
            if apply_payment(backend, res, now) == "paid":
                paid += 1
                log.info("reconcile %s: paid (its notification never arrived)", order["out_trade_no"])
        except _Reject as exc:
            log.warning("reconcile %s: %s", order["out_trade_no"], exc.message)
    return paid
