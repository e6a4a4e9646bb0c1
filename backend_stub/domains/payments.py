"""WeChat Pay notifications (payment and refund) and the outbox of platform calls.

Both notification handlers are idempotent: the `payments` row is keyed by order and the `refunds` row
by order and out_refund_no, so a duplicate or late notification is acknowledged without effect, and a
payment notification arriving after its refund's never turns the order back into `paid`. The buyer's
purchase points are awarded here, with the payment, keyed by (purchase, order) like any award, and taken
back here, with the refund's success, keyed by (purchase_refund, order): every refund path (the buyer's
request, a failed group's expiry, a late payment for a closed order, retries) ends in `apply_refund`, and a
refund that fails for good never reaches its success branch, so it takes nothing back.
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from .._http import Ctx, Router, json_response
from ..openapi import obj
from ..wechatpay import NotificationError, PayError

__all__ = ["apply_payment", "apply_refund", "flush_outbox", "router"]

router = Router("payments")
log = logging.getLogger("backend_stub.payments")


class _Reject(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _fail(status: int, message: str) -> web.Response:
    # WeChat Pay reads `code`/`message`; `error` keeps the stub's own error shape too (§4 Acknowledge).
    return json_response({"code": "FAIL", "message": message, "error": "notification_rejected"}, status)


def apply_payment(backend: Any, res: dict[str, Any], now: float) -> str:
    """Record a TRANSACTION.SUCCESS resource; returns what happened (for logs and tests)."""
    from .gamification import award_purchase
    from .group_buy import on_member_paid
    from .orders import request_refund
    from .referral import create_commission

    if res.get("trade_state") != "SUCCESS":
        return "ignored"
    db, cfg = backend.db, backend.config
    with db.tx():
        order = db.one("SELECT * FROM orders WHERE out_trade_no=?", str(res.get("out_trade_no")))
        if order is None:
            raise _Reject(404, f"unknown out_trade_no {res.get('out_trade_no')!r}")
        merchant = cfg.merchant
        total = (res.get("amount") or {}).get("total")
        if (merchant and res.get("mchid") != merchant.mchid) or total != order["amount"]:
            raise _Reject(400, "mchid or amount does not match the order")
        if db.one("SELECT 1 FROM payments WHERE order_id=?", order["id"]):
            return "duplicate"
        transaction_id = str(res.get("transaction_id") or "")
        db.run("INSERT INTO payments (order_id, transaction_id, amount, paid_at, received_at) VALUES (?,?,?,?,?)",
               order["id"], transaction_id, total, now, now)
        db.run("UPDATE orders SET transaction_id=? WHERE id=?", transaction_id, order["id"])
        if order["status"] == "closed":
            # Paid after we closed it (timeout, cancel, failed group): the money goes straight back.
            request_refund(backend, order, "订单已关闭，自动退款", now)
            return "refunding_late_payment"
        if order["status"] != "created":
            return "recorded_after_" + order["status"]
        db.run("UPDATE orders SET status='paid', paid_at=? WHERE id=?", now, order["id"])
        db.run("UPDATE products SET sales = sales + ? WHERE id=?", order["quantity"], order["product_id"])
        if order["group_id"]:
            on_member_paid(backend, order, now)
        create_commission(backend, order, now)
        # The purchase points follow the verified payment, not the app's report of it, which may come
        # before this notification (refused then) or never (the app closed).
        award_purchase(db, order, now)
    return "paid"


def apply_refund(backend: Any, res: dict[str, Any], now: float) -> str:
    """Record a REFUND.* resource; the order becomes `refunded` once: stock returns, purchase points go, once."""
    from .gamification import revoke_purchase
    from .orders import refund_failed

    db = backend.db
    with db.tx():
        order = db.one("SELECT * FROM orders WHERE out_trade_no=?", str(res.get("out_trade_no")))
        if order is None:
            raise _Reject(404, f"unknown out_trade_no {res.get('out_trade_no')!r}")
        out_refund_no = str(res.get("out_refund_no") or "R" + order["out_trade_no"])
        refund = db.one("SELECT * FROM refunds WHERE order_id=?", order["id"])
        if refund is None:
            db.run("INSERT INTO refunds (order_id, out_refund_no, amount, reason, status, created_at) "
                   "VALUES (?,?,?,?,?,?)", order["id"], out_refund_no,
                   (res.get("amount") or {}).get("refund", order["amount"]), "platform", "requested", now)
        elif refund["status"] == "success":
            return "duplicate"
        status = str(res.get("refund_status", ""))
        if status != "SUCCESS":
            db.run("UPDATE refunds SET status=? WHERE order_id=?", status.lower() or "unknown", order["id"])
            if status == "CLOSED":  # final (§4 Refund status); ABNORMAL is not, the shop may still retry it
                refund_failed(backend, order["id"], "REFUND.CLOSED: the platform closed the refund")
            return "refund_" + (status.lower() or "unknown")
        db.run("UPDATE refunds SET status='success', succeeded_at=?, refund_id=? WHERE order_id=?", now,
               res.get("refund_id"), order["id"])
        db.run("UPDATE orders SET status='refunded' WHERE id=?", order["id"])
        db.run("UPDATE commissions SET status='clawed_back', settled_at=? WHERE order_id=? AND status!='clawed_back'",
               now, order["id"])
        # Only on success (not when the refund is requested, as the commission is): a refund that ends
        # refund_failed keeps the points. Once per order, however often the notification comes.
        revoke_purchase(db, order, now)
        if order["closed_reason"] is None:
            # Closed orders gave their stock back when they closed; paid ones give it back now.
            db.run("UPDATE products SET stock = stock + ?, sales = MAX(0, sales - ?) WHERE id=?",
                   order["quantity"], order["quantity"], order["product_id"])
    return "refunded"


async def _notification(ctx: Ctx, apply: Any) -> web.Response:
    pay = ctx.backend.pay
    if pay is None:
        return _fail(503, "no merchant credentials configured")
    raw = await ctx.request.read()
    try:
        envelope, resource = pay.open_notification(ctx.request.headers, raw, now=ctx.backend.notification_now(),
                                                   max_skew=ctx.backend.config.notify_max_skew_seconds)
    except NotificationError as exc:
        log.warning("rejected notification: %s", exc)
        return _fail(401, str(exc))
    try:
        outcome = apply(ctx.backend, resource, ctx.now)
    except _Reject as exc:
        return _fail(exc.status, exc.message)
    log.info("notification %s %s → %s", envelope.get("id"), envelope.get("event_type"), outcome)
    if ctx.backend.outbox_due():
        ctx.backend.spawn(ctx.backend.flush_outbox())
    return web.Response(status=204)


_NOTIFY_ERRORS = (401, 404, 503)


@router.post("/api/pay/notify", summary="WeChat Pay v3 payment notification", auth=False, status=204,
             errors=_NOTIFY_ERRORS, body=obj())
async def pay_notify(ctx: Ctx) -> web.Response:
    return await _notification(ctx, apply_payment)


@router.post("/api/pay/refund-notify", summary="WeChat Pay v3 refund notification", auth=False, status=204,
             errors=_NOTIFY_ERRORS, body=obj())
async def refund_notify(ctx: Ctx) -> web.Response:
    return await _notification(ctx, apply_refund)


async def flush_outbox(backend: Any) -> int:
    """Send queued closes and refunds to the platform; transient failures retry with backoff."""
    from .orders import refund_failed

    pay = backend.pay
    if pay is None:
        return 0
    db, now = backend.db, backend.now()
    with db.tx():
        rows = db.all("SELECT * FROM outbox WHERE status='pending' AND next_at<=? ORDER BY id", now)
        for row in rows:
            db.run("UPDATE outbox SET status='sending', attempts=attempts+1 WHERE id=?", row["id"])
    for row in rows:
        order = db.one("SELECT * FROM orders WHERE id=?", row["order_id"])
        status, error = "done", None
        try:
            if order is None:
                status = "failed"
            elif row["kind"] == "close":
                await pay.close(order["out_trade_no"])
            else:
                refund = db.one("SELECT * FROM refunds WHERE order_id=?", order["id"])
                assert refund is not None
                answer = await pay.refund(out_trade_no=order["out_trade_no"], out_refund_no=refund["out_refund_no"],
                                          refund=refund["amount"], total=order["amount"],
                                          reason=refund["reason"] or "退款",
                                          notify_url=backend.config.refund_notify_url)
                with db.tx():
                    db.run("UPDATE refunds SET status='submitted', refund_id=? WHERE order_id=? AND status='requested'",
                           answer.get("refund_id"), order["id"])
        except PayError as exc:
            error = str(exc)
            if row["kind"] == "close" and 400 <= exc.status < 500:
                status = "done"  # nothing to close: never ordered, or already paid/closed
            elif 400 <= exc.status < 500 and exc.status != 429:
                status = "failed"  # refused for good: the order shows refund_failed
                if order is not None:
                    refund_failed(backend, order["id"], str(exc))
            else:
                status = "pending"
        with db.tx():
            delay = min(300.0, 5.0 * 2 ** row["attempts"])
            db.run("UPDATE outbox SET status=?, last_error=?, next_at=? WHERE id=?", status, error,
                   now + delay if status == "pending" else now, row["id"])
    return len(rows)
