"""Referral: stable codes, first-touch binding within a window, single-tier commission per product rate,
settled after the refund window and clawed back on refund. No self-referral, no cycles."""

from __future__ import annotations

from typing import Any

from .._http import ApiError, Ctx, Router
from .._util import iso
from ..openapi import NS, B, I, N, S, arr, obj

__all__ = ["bind", "create_commission", "router", "settle_due"]

router = Router("referral")
CODE = {"type": "string", "minLength": 1, "maxLength": 32}


def bind(backend: Any, user: dict[str, Any], code: str) -> dict[str, Any]:
    """Bind `user` to the owner of `code` if this is their first touch and the window is open."""
    from .analytics import record_event

    db, now = backend.db, backend.now()
    with db.tx():
        user = db.one("SELECT * FROM users WHERE id=?", user["id"]) or user
        referrer = db.one("SELECT * FROM users WHERE referral_code=?", code.strip().upper())
        record_event(db, user["id"], "referral_touch", now, data={"code": code})
        if referrer is None:
            return {"bound": False, "reason": "unknown_code"}
        if referrer["id"] == user["id"]:
            return {"bound": False, "reason": "self_referral"}
        if user["referred_by"]:
            return {"bound": False, "referrerId": user["referred_by"], "reason": "already_bound"}
        if now - user["created_at"] > backend.config.referral_bind_window_seconds:
            return {"bound": False, "reason": "window_expired"}
        if referrer["referred_by"] == user["id"]:
            return {"bound": False, "reason": "cycle"}
        db.run("UPDATE users SET referred_by=?, referred_at=? WHERE id=?", referrer["id"], now, user["id"])
        record_event(db, referrer["id"], "referral_bound", now, data={"referredUser": user["id"]})
    return {"bound": True, "referrerId": referrer["id"]}


def create_commission(backend: Any, order: dict[str, Any], now: float) -> None:
    """Pending commission for the buyer's referrer (inside the payment transaction)."""
    db = backend.db
    referrer = db.scalar("SELECT referred_by FROM users WHERE id=?", order["user_id"])
    if not referrer or referrer == order["user_id"]:
        return
    from .gamification import award

    award(db, referrer, "referral", order["user_id"], now)  # once per referred friend
    rate = float(db.scalar("SELECT commission_rate FROM products WHERE id=?", order["product_id"]) or 0)
    db.run("INSERT OR IGNORE INTO commissions (order_id, referrer_id, buyer_id, amount, rate, status, created_at, "
           "settle_at) VALUES (?,?,?,?,?,?,?,?)", order["id"], referrer, order["user_id"],
           int(order["amount"] * rate), rate, "pending", now, now + backend.config.refund_window_seconds)


def settle_due(backend: Any, now: float) -> int:
    """Pending commissions whose refund window has passed become settled."""
    db = backend.db
    if not db.scalar("SELECT 1 FROM commissions WHERE status='pending' AND settle_at<=? LIMIT 1", now):
        return 0
    with db.tx():
        return int(db.run("UPDATE commissions SET status='settled', settled_at=? WHERE status='pending' AND "
                          "settle_at<=? AND order_id IN (SELECT id FROM orders WHERE status IN "
                          "('paid','shipped','completed'))", now, now).rowcount)


@router.post("/api/referral/generate", summary="The caller's referral code (stable)",
             response=obj(["referralCode"], referralCode=S))
async def generate(ctx: Ctx) -> dict[str, Any]:
    return {"referralCode": (ctx.user or {})["referral_code"]}


@router.post("/api/referral/track", summary="Bind the caller to a referrer (first touch)", body=obj(["referralCode"],
             referralCode=CODE), response=obj(["bound"], bound=B, referrerId=S, reason=S))
async def track(ctx: Ctx) -> dict[str, Any]:
    return bind(ctx.backend, ctx.user or {}, ctx.body["referralCode"])


@router.post("/api/referral/share-track", summary="Record that a referral link was shared",
             body=obj(["referralCode"], referralCode=CODE), response=obj(["ok"], ok=B))
async def share_track(ctx: Ctx) -> dict[str, Any]:
    from .analytics import record_event

    with ctx.db.tx() as db:
        record_event(db, ctx.uid, "referral_share", ctx.now, data={"code": ctx.body["referralCode"]})
    return {"ok": True}


@router.post("/api/referral/commission", summary="Commission on an order, computed by the server",
             body=obj(["orderId"], orderId={"type": "string", "minLength": 1, "maxLength": 64}),
             response=obj(["commission", "status"], commission=I, status=S, rate=N, ignoredClientFields=arr(S)),
             errors=(404,))
async def commission(ctx: Ctx) -> dict[str, Any]:
    from .analytics import record_ignored

    ignored = record_ignored(ctx, ("commission", "amount", "referrerId", "rate"))
    order = ctx.db.one("SELECT * FROM orders WHERE id=?", ctx.body["orderId"])
    if order is None:
        raise ApiError(404, "order_not_found", f"no order {ctx.body['orderId']}")
    row = ctx.db.one("SELECT * FROM commissions WHERE order_id=?", order["id"])
    if ctx.uid not in (order["user_id"], row and row["referrer_id"]):
        raise ApiError(403, "forbidden", "neither your order nor your referral")
    out: dict[str, Any] = {"commission": 0, "status": "none", "rate": 0.0}
    if row is not None and row["referrer_id"] == ctx.uid:
        out = {"commission": row["amount"], "status": row["status"], "rate": row["rate"]}
    if ignored:
        out["ignoredClientFields"] = ignored
    return out


@router.get("/api/referral/summary", summary="Who the caller referred and what it earned",
            response=obj(["referralCode", "referredUsers", "commissions", "items"], referralCode=S,
                         referredUsers=arr(obj(["userId"], userId=S, nickname=S, boundAt=NS, ordered=B)),
                         commissions=obj(["pending", "settled", "clawedBack"], pending=I, settled=I, clawedBack=I),
                         items=arr(obj(["orderId", "amount", "status"], orderId=S, amount=I, status=S,
                                       buyerId=S, settleAt=NS)),
                         referredBy=NS))
async def summary(ctx: Ctx) -> dict[str, Any]:
    db, uid = ctx.db, ctx.uid
    users = db.all("SELECT id, nickname, referred_at FROM users WHERE referred_by=? ORDER BY referred_at", uid)
    items = db.all("SELECT * FROM commissions WHERE referrer_id=? ORDER BY created_at", uid)
    totals = {"pending": 0, "settled": 0, "clawedBack": 0}
    for item in items:
        totals[{"clawed_back": "clawedBack"}.get(item["status"], item["status"])] += item["amount"]
    ordered = {r["buyer_id"] for r in items}
    return {
        "referralCode": (ctx.user or {})["referral_code"], "referredBy": (ctx.user or {}).get("referred_by"),
        "referredUsers": [{"userId": u["id"], "nickname": u["nickname"], "boundAt": iso(u["referred_at"]),
                           "ordered": u["id"] in ordered} for u in users],
        "commissions": totals,
        "items": [{"orderId": i["order_id"], "buyerId": i["buyer_id"], "amount": i["amount"], "status": i["status"],
                   "settleAt": iso(i["settle_at"])} for i in items],
    }
