"""Gamification: idempotent point awards keyed by (action, object), daily caps, levels and badges.

Points are decided here, never by the client: a `points` value in the request is ignored and recorded.
A refunded order's purchase points are taken back by a negative `purchase_refund` row (`revoke_purchase`);
badges already earned are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .._http import Ctx, Router
from .._util import day_of, iso
from ..openapi import B, I, S, arr, obj, ref

__all__ = ["PURCHASE_REFUND", "award", "award_purchase", "badges_of", "check_badges", "level_of", "points_of",
           "revoke_purchase", "router"]

router = Router("gamification")

#: action → (points, daily cap or None, awardable by a client request). The sample app reports
#: share/like/comment/post/purchase; the seed's pages use the longer names.
ACTIONS: dict[str, tuple[int, int | None, bool]] = {
    "share": (10, 10, True), "like": (2, 20, True), "comment": (5, 10, True), "post": (10, 3, True),
    "purchase": (50, None, True),
    "share_product": (10, 5, True), "share_moments": (20, 3, True), "share_group": (10, 5, True),
    "share_post": (5, 5, True), "like_post": (2, 20, True), "daily_checkin": (5, 1, True),
    "watch_live": (5, 3, True), "join_group": (20, 5, True),
    "referral": (100, None, False),  # to the referrer, by the server, when a referred friend first pays
}
LEVELS = (0, 100, 300, 600, 1000, 1500, 2500, 4000, 6000, 10000)
#: The claw-back of a refunded order's purchase points: a negative point_awards row keyed by the order. Not in
#: ACTIONS, so no reward call can make (or undo) one; only a successful refund does (`revoke_purchase`).
PURCHASE_REFUND = "purchase_refund"

_N = "SELECT COUNT(*) FROM "
BADGES: dict[str, tuple[str, str, str, int]] = {
    # id: (name, description, count query, threshold)
    "first_share": ("初次分享", "Shared for the first time", _N + "events WHERE user_id=? AND kind='share'", 1),
    "social_butterfly": ("社交达人", "Shared 10 times", _N + "events WHERE user_id=? AND kind='share'", 10),
    "first_purchase": ("首单达成", "Paid a first order", _N + "orders WHERE user_id=? AND paid_at IS NOT NULL", 1),
    "group_leader": ("团长", "Led a group to completion", _N + "groups WHERE creator_id=? AND status='complete'", 1),
    "team_player": ("拼团高手", "Paid for 3 group slots", _N + "group_members WHERE user_id=? AND paid=1", 3),
    "influencer": ("带货达人", "Referred 3 friends", _N + "users WHERE referred_by=?", 3),
    "commentator": ("评论家", "Wrote 10 comments", _N + "post_comments WHERE user_id=?", 10),
    "popular": ("人气王", "Received 20 likes",
                _N + "post_likes l JOIN posts p ON p.id=l.post_id WHERE p.user_id=?", 20),
}


def _liked(db: Any, user_id: str, post_id: str) -> bool:
    return bool(db.scalar("SELECT 1 FROM post_likes WHERE user_id=? AND post_id=?", user_id, post_id))


# Verifiers: an objectId the client names must be something the caller really did.
_VERIFY: dict[str, Callable[[Any, str, str], bool]] = {
    "like": _liked,
    "like_post": _liked,
    "purchase": lambda db, u, o: bool(db.scalar(
        "SELECT 1 FROM orders WHERE id=? AND user_id=? AND status IN ('paid','shipped','completed')", o, u)),
    "comment": lambda db, u, o: bool(db.scalar("SELECT 1 FROM post_comments WHERE user_id=? AND post_id=?", u, o)),
    "post": lambda db, u, o: bool(db.scalar("SELECT 1 FROM posts WHERE user_id=? AND id=?", u, o)),
    "join_group": lambda db, u, o: bool(db.scalar("SELECT 1 FROM group_members WHERE user_id=? AND group_id=?",
                                                  u, o)),
}


#: Actions the server awards by itself on a verified event (the purchase, when the payment notification arrives).
SERVER_AWARDED = frozenset({"purchase"})
#: The object is the caller's but not verified *yet*: the points follow when it is (no award now).
_PENDING: dict[str, Callable[[Any, str, str], bool]] = {
    "purchase": lambda db, u, o: bool(db.scalar(
        "SELECT 1 FROM orders WHERE id=? AND user_id=? AND status='created'", o, u)),
}


def points_of(db: Any, user_id: str) -> int:
    return int(db.scalar("SELECT COALESCE(SUM(points),0) FROM point_awards WHERE user_id=?", user_id))


def level_of(points: int) -> tuple[int, int]:
    """(level, points needed for the next level)."""
    level = sum(1 for threshold in LEVELS if points >= threshold)
    return level, LEVELS[level] if level < len(LEVELS) else LEVELS[-1]


def badges_of(db: Any, user_id: str) -> list[dict[str, Any]]:
    rows = db.all("SELECT badge_id, earned_at FROM badges WHERE user_id=? ORDER BY earned_at, badge_id", user_id)
    return [_badge(r["badge_id"], r["earned_at"]) for r in rows if r["badge_id"] in BADGES]


def _badge(badge_id: str, earned_at: float | None) -> dict[str, Any]:
    name, description, _, _ = BADGES[badge_id]
    return {"id": badge_id, "name": name, "description": description, "earnedAt": iso(earned_at)}


def check_badges(db: Any, user_id: str, now: float) -> list[dict[str, Any]]:
    """Grant every badge whose recorded-event condition now holds; returns the new ones."""
    have = {r["badge_id"] for r in db.all("SELECT badge_id FROM badges WHERE user_id=?", user_id)}
    new = []
    with db.tx():
        for badge_id, (_, _, sql, threshold) in BADGES.items():
            if badge_id not in have and int(db.scalar(sql, user_id) or 0) >= threshold:
                db.run("INSERT OR IGNORE INTO badges (user_id, badge_id, earned_at) VALUES (?,?,?)", user_id,
                       badge_id, now)
                new.append(_badge(badge_id, now))
    return new


def award(db: Any, user_id: str, action: str, object_id: str | None, now: float, *,
          by_server: bool = False) -> tuple[int, str | None]:
    """Award `action` once per object (or up to the daily cap); returns (points, reason if none).

    `by_server`: awarded on a verified event (a payment notification) rather than in answer to the
    user's own reward call; the first reward call for the same object then reports it (`_claim`).
    """
    if action not in ACTIONS:
        return 0, "unknown_action"
    points, cap, _ = ACTIONS[action]
    day = day_of(now)
    with db.tx():
        today = int(db.scalar("SELECT COUNT(*) FROM point_awards WHERE user_id=? AND action=? AND day=?",
                              user_id, action, day))
        if cap is not None and today >= cap:
            return 0, "daily_cap"
        key = object_id if object_id else f"{day}#{today}"
        cur = db.run("INSERT OR IGNORE INTO point_awards (user_id, action, object_key, points, day, at, reported) "
                     "VALUES (?,?,?,?,?,?,?)", user_id, action, key, points, day, now, 0 if by_server else 1)
        return (points, None) if cur.rowcount else (0, "already_awarded")


def award_purchase(db: Any, order: dict[str, Any], now: float) -> int:
    """The buyer's purchase points, when WeChat Pay's notification proves the payment (once per order)."""
    return award(db, order["user_id"], "purchase", order["id"], now, by_server=True)[0]


def revoke_purchase(db: Any, order: dict[str, Any], now: float) -> int:
    """Take back the points this order's purchase earned, when its refund succeeds (once per order).

    The award row stays and a negative `purchase_refund` row keyed by the order joins it, so the history is
    auditable and a duplicate or late refund notification inserts nothing (UNIQUE user, action, object_key),
    like the commission's once-only `clawed_back`. An order that earned nothing (refunded before its payment was
    recorded, or paid after it closed) loses nothing. Totals and levels are sums over point_awards, so the
    level can go down. Badges already earned stay: a badge marks something the user did (their first paid
    order, for one, still has its paid_at), and `check_badges` never takes one back.
    Returns the points taken back now (0 if none were awarded or they were already taken back).
    """
    with db.tx():
        row = db.one("SELECT id, points FROM point_awards WHERE user_id=? AND action='purchase' AND object_key=?",
                     order["user_id"], order["id"])
        if row is None or row["points"] <= 0:
            return 0
        cur = db.run("INSERT OR IGNORE INTO point_awards (user_id, action, object_key, points, day, at, reported) "
                     "VALUES (?,?,?,?,?,?,1)", order["user_id"], PURCHASE_REFUND, order["id"], -row["points"],
                     day_of(now), now)
        # An award the app has not reported yet is never celebrated once it has been taken back (`_claim`).
        db.run("UPDATE point_awards SET reported=1 WHERE id=?", row["id"])
        return int(row["points"]) if cur.rowcount else 0


def _claim(db: Any, user_id: str, action: str, object_id: str) -> tuple[int, int] | None:
    """(points, total just before them) of a server-made award not yet reported to the user; marks it reported.

    The app reports a purchase right after paying, and the notification that awards it may come first: the
    user's reward call then answers the award the server made, once, so the app still celebrates it.
    """
    with db.tx():
        row = db.one("SELECT id, points FROM point_awards WHERE user_id=? AND action=? AND object_key=? "
                     "AND reported=0", user_id, action, object_id)
        if row is None:
            return None
        db.run("UPDATE point_awards SET reported=1 WHERE id=?", row["id"])
        before = db.scalar("SELECT COALESCE(SUM(points),0) FROM point_awards WHERE user_id=? AND id<?",
                           user_id, row["id"])
        return int(row["points"]), int(before)


REWARD_BODY = obj(["action"], action={"type": "string", "minLength": 1, "maxLength": 64},
                  objectId={"type": "string", "maxLength": 64}, points={"type": "number"})
REWARD = obj(["awarded", "points", "totalPoints", "level", "levelUp", "newBadges"], awarded=B, points=I,
             totalPoints=I, level=I, levelUp=B, newLevel=I, newBadges=arr(ref("Badge")),
             ignoredClientPoints={"type": "number"}, reason=S)


async def _reward(ctx: Ctx) -> dict[str, Any]:
    from .analytics import record_ignored

    db, uid, now, action = ctx.db, ctx.uid, ctx.now, ctx.body["action"]
    object_id = ctx.body.get("objectId")
    record_ignored(ctx, ("points",))
    before = level_of(points_of(db, uid))[0]
    reason: str | None
    claimed = _claim(db, uid, action, object_id) if action in SERVER_AWARDED and object_id else None
    if claimed is not None:
        points, reason = claimed[0], None
        before = level_of(claimed[1])[0]
    elif action in ACTIONS and not ACTIONS[action][2]:
        points, reason = 0, "server_only"
    elif action in _PENDING and object_id and _PENDING[action](db, uid, object_id):
        points, reason = 0, "pending_payment"
    elif action in _VERIFY and not (object_id and _VERIFY[action](db, uid, object_id)):
        points, reason = 0, "not_verified"
    else:
        points, reason = award(db, uid, action, object_id, now)
    total = points_of(db, uid)
    level = level_of(total)[0]
    out: dict[str, Any] = {"awarded": points > 0, "points": points, "totalPoints": total, "level": level,
                           "levelUp": level > before, "newBadges": check_badges(db, uid, now)}
    if level > before:
        out["newLevel"] = level
    if reason:
        out["reason"] = reason
    if "points" in ctx.body:
        out["ignoredClientPoints"] = ctx.body["points"]
    return out


@router.post("/api/user/reward", summary="Award points for an action (server decides how many)",
             body=REWARD_BODY, response=REWARD)
async def reward(ctx: Ctx) -> dict[str, Any]:
    return await _reward(ctx)


@router.post("/api/user/award-points", summary="Same as /api/user/reward", body=REWARD_BODY, response=REWARD)
async def award_points(ctx: Ctx) -> dict[str, Any]:
    return await _reward(ctx)


@router.get("/api/user/{userId}/level", summary="The caller's level",
            response=obj(["level", "points", "nextLevelPoints"], level=I, points=I, nextLevelPoints=I))
async def get_level(ctx: Ctx) -> dict[str, Any]:
    points = points_of(ctx.db, ctx.uid)
    level, next_points = level_of(points)
    return {"level": level, "points": points, "nextLevelPoints": next_points}


@router.get("/api/user/{userId}/badges", summary="The caller's badges",
            response=obj(["badges"], badges=arr(ref("Badge"))))
async def get_badges(ctx: Ctx) -> dict[str, Any]:
    return {"badges": badges_of(ctx.db, ctx.uid)}


@router.post("/api/user/check-badges", summary="Grant badges whose conditions now hold",
             body=obj(action={"type": "string", "maxLength": 64}), response=obj(["newBadges"], newBadges=arr(ref("Badge"))))
async def post_check_badges(ctx: Ctx) -> dict[str, Any]:
    return {"newBadges": check_badges(ctx.db, ctx.uid, ctx.now)}
