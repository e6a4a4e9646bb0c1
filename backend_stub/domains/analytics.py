"""Analytics: recorded events in, metrics out — every number is computed from events and orders."""

from __future__ import annotations

import json
from typing import Any

from .._http import ApiError, Ctx, Router
from .._util import day_of, iso
from ..openapi import I, N, S, arr, obj

__all__ = ["record_event", "record_ignored", "router"]

router = Router("analytics")
OK = obj(["ok"], ok={"type": "boolean"})
ID = {"type": "string", "maxLength": 64}


def require_merchant(ctx: Ctx) -> None:
    """Shop-wide numbers (revenue, order and user counts) are the merchant's: 403 for a shopper."""
    user = ctx.user
    if user is None or user["openid"] not in ctx.backend.merchant_openids:
        raise ApiError(403, "forbidden", "shop-wide analytics are for the merchant's staff")


def record_event(db: Any, user_id: str | None, kind: str, at: float, *, product_id: str | None = None,
                 post_id: str | None = None, group_id: str | None = None, stream_id: str | None = None,
                 platform: str | None = None, data: Any = None) -> None:
    db.run("INSERT INTO events (user_id, kind, product_id, post_id, group_id, stream_id, platform, data, at) "
           "VALUES (?,?,?,?,?,?,?,?,?)", user_id, kind, product_id, post_id, group_id, stream_id, platform,
           json.dumps(data, ensure_ascii=False) if data is not None else None, at)


def record_ignored(ctx: Ctx, fields: tuple[str, ...]) -> list[str]:
    """Note client-sent money/points fields the server ignored; returns their names."""
    ignored = [f for f in fields if f in ctx.body]
    if ignored:
        with ctx.db.tx() as db:
            record_event(db, ctx.user["id"] if ctx.user else None, "ignored_client_value", ctx.now,
                         data={"route": ctx.request.path, **{f: ctx.body[f] for f in ignored}})
    return ignored


@router.post("/api/analytics/share", summary="Record a share", response=OK,
             body=obj(["platform"], productId=ID, postId=ID, groupId=ID,
                      platform={"type": "string", "enum": ["chat", "moments", "group", "product"]}))
async def share(ctx: Ctx) -> dict[str, Any]:
    b = ctx.body
    with ctx.db.tx() as db:
        record_event(db, ctx.uid, "share", ctx.now, product_id=b.get("productId"), post_id=b.get("postId"),
                     group_id=b.get("groupId"), platform=b["platform"])
    return {"ok": True}


@router.post("/api/analytics/product-interest", summary="Record interest in a product", response=OK,
             body=obj(["productId"], productId={"type": "string", "minLength": 1, "maxLength": 64}, streamId=ID))
async def product_interest(ctx: Ctx) -> dict[str, Any]:
    with ctx.db.tx() as db:
        record_event(db, ctx.uid, "product_interest", ctx.now, product_id=ctx.body["productId"],
                     stream_id=ctx.body.get("streamId"))
    return {"ok": True}


@router.post("/api/analytics/social-action", summary="Record a social action", response=OK,
             body=obj(["action"], action={"type": "string", "minLength": 1, "maxLength": 64}, data={}))
async def social_action(ctx: Ctx) -> dict[str, Any]:
    with ctx.db.tx() as db:
        record_event(db, ctx.uid, "social_action", ctx.now, platform=ctx.body["action"], data=ctx.body.get("data"))
    return {"ok": True}


def _count(db: Any, sql: str, *args: Any) -> int:
    return int(db.scalar(sql, *args) or 0)


INSIGHTS = obj(["shares", "likesGiven", "likesReceived", "comments", "posts", "groupsJoined"], shares=I,
               likesGiven=I, likesReceived=I, comments=I, posts=I, groupsJoined=I, groupsCreated=I, orders=I)


@router.get("/api/analytics/social-insights/{userId}", summary="A user's social activity", response=INSIGHTS)
async def social_insights(ctx: Ctx) -> dict[str, Any]:
    db, uid = ctx.db, ctx.uid
    return {
        "shares": _count(db, "SELECT COUNT(*) FROM events WHERE user_id=? AND kind='share'", uid),
        "likesGiven": _count(db, "SELECT COUNT(*) FROM post_likes WHERE user_id=?", uid),
        "likesReceived": _count(db, "SELECT COUNT(*) FROM post_likes l JOIN posts p ON p.id=l.post_id "
                                    "WHERE p.user_id=?", uid),
        "comments": _count(db, "SELECT COUNT(*) FROM post_comments WHERE user_id=?", uid),
        "posts": _count(db, "SELECT COUNT(*) FROM posts WHERE user_id=?", uid),
        "groupsJoined": _count(db, "SELECT COUNT(*) FROM group_members WHERE user_id=?", uid),
        "groupsCreated": _count(db, "SELECT COUNT(*) FROM groups WHERE creator_id=?", uid),
        "orders": _count(db, "SELECT COUNT(*) FROM orders WHERE user_id=? AND paid_at IS NOT NULL", uid),
    }


@router.get("/api/analytics/influencer-metrics/{userId}", summary="A user's reach as a referrer",
            response=obj(["totalShares", "totalReferrals", "conversionRate", "totalCommissions", "topProducts"],
                         totalShares=I, totalReferrals=I, conversionRate=N, totalCommissions=I,
                         topProducts=arr(obj(["productId", "orders"], productId=S, orders=I, commission=I))))
async def influencer_metrics(ctx: Ctx) -> dict[str, Any]:
    db, uid = ctx.db, ctx.uid
    shares = _count(db, "SELECT COUNT(*) FROM events WHERE user_id=? AND kind IN ('share','referral_share')", uid)
    referrals = _count(db, "SELECT COUNT(*) FROM users WHERE referred_by=?", uid)
    converted = _count(db, "SELECT COUNT(DISTINCT buyer_id) FROM commissions WHERE referrer_id=?", uid)
    total = _count(db, "SELECT SUM(amount) FROM commissions WHERE referrer_id=? AND status!='clawed_back'", uid)
    top = db.all("SELECT o.product_id AS productId, COUNT(*) AS orders, SUM(c.amount) AS commission "
                 "FROM commissions c JOIN orders o ON o.id=c.order_id WHERE c.referrer_id=? AND "
                 "c.status!='clawed_back' GROUP BY o.product_id ORDER BY orders DESC LIMIT 5", uid)
    return {"totalShares": shares, "totalReferrals": referrals,
            "conversionRate": round(converted / referrals, 4) if referrals else 0.0,
            "totalCommissions": total, "topProducts": top}


@router.get("/api/analytics/social-report/{userId}", summary="Daily activity over a period",
            query={"period": {"type": "string", "enum": ["7d", "30d", "90d"], "default": "30d"}},
            response=obj(["period", "from", "to", "daily", "totals"], period=S, to=S, daily=arr(obj(["date"],
                         date=S, shares=I, likes=I, comments=I, posts=I, orders=I)), totals=obj(), **{"from": S}))
async def social_report(ctx: Ctx) -> dict[str, Any]:
    db, uid, now = ctx.db, ctx.uid, ctx.now
    days = int(str(ctx.query["period"]).rstrip("d"))
    start = now - days * 86400
    rows: list[tuple[str, float]] = []
    for kind, sql in (
        ("shares", "SELECT at FROM events WHERE user_id=? AND kind='share' AND at>=?"),
        ("likes", "SELECT created_at FROM post_likes WHERE user_id=? AND created_at>=?"),
        ("comments", "SELECT created_at FROM post_comments WHERE user_id=? AND created_at>=?"),
        ("posts", "SELECT created_at FROM posts WHERE user_id=? AND created_at>=?"),
        ("orders", "SELECT paid_at FROM orders WHERE user_id=? AND paid_at>=?"),
    ):
        rows += [(kind, r[0]) for r in db.run(sql, uid, start).fetchall()]
    daily: dict[str, dict[str, Any]] = {}
    for kind, at in rows:
        day = daily.setdefault(day_of(at), {"date": day_of(at), "shares": 0, "likes": 0, "comments": 0,
                                            "posts": 0, "orders": 0})
        day[kind] += 1
    totals = {k: sum(d[k] for d in daily.values()) for k in ("shares", "likes", "comments", "posts", "orders")}
    return {"period": ctx.query["period"], "from": iso(start), "to": iso(now),
            "daily": [daily[k] for k in sorted(daily)], "totals": totals}


@router.get("/api/analytics/overview", summary="Shop-wide social commerce metrics",
            response=obj(["users", "shareRate", "groupCompletionRate", "referralConversionRate"], users=I,
                         shareRate=N, groupCompletionRate=N, referralConversionRate=N, groups=I, orders=I,
                         revenue=I, averageOrderValue=N, liveViewers=I,
                         productInterest=arr(obj(["productId", "count"], productId=S, count=I, fromLive=I))))
async def overview(ctx: Ctx) -> dict[str, Any]:
    require_merchant(ctx)
    db = ctx.db
    users = _count(db, "SELECT COUNT(*) FROM users")
    sharers = _count(db, "SELECT COUNT(DISTINCT user_id) FROM events WHERE kind='share'")
    finished = _count(db, "SELECT COUNT(*) FROM groups WHERE status IN ('complete','failed')")
    complete = _count(db, "SELECT COUNT(*) FROM groups WHERE status='complete'")
    referred = _count(db, "SELECT COUNT(*) FROM users WHERE referred_by IS NOT NULL")
    converted = _count(db, "SELECT COUNT(DISTINCT buyer_id) FROM commissions")
    orders = _count(db, "SELECT COUNT(*) FROM orders WHERE status IN ('paid','shipped','completed')")
    revenue = _count(db, "SELECT SUM(amount) FROM orders WHERE status IN ('paid','shipped','completed')")
    return {"users": users, "shareRate": round(sharers / users, 4) if users else 0.0,
            "groupCompletionRate": round(complete / finished, 4) if finished else 0.0,
            "referralConversionRate": round(converted / referred, 4) if referred else 0.0,
            "groups": _count(db, "SELECT COUNT(*) FROM groups"), "orders": orders, "revenue": revenue,
            "averageOrderValue": round(revenue / orders, 2) if orders else 0.0,
            "liveViewers": ctx.backend.live.total_viewers(),
            "productInterest": db.all("SELECT product_id AS productId, COUNT(*) AS count, COUNT(stream_id) AS fromLive "
                                      "FROM events WHERE kind='product_interest' GROUP BY product_id "
                                      "ORDER BY count DESC, product_id LIMIT 5")}
