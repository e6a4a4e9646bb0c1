"""Identity: code2Session login, bearer sessions, the caller's profile."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from .._http import Ctx, Router
from .._util import stable_code
from ..openapi import NS, B, I, S, arr, obj, ref

__all__ = ["create_user", "router"]

router = Router("auth")

DEFAULT_AVATAR = "https://thirdwx.qlogo.cn/mmopen/vi_32/default/132"


def create_user(db: Any, openid: str, now: float, nickname: str | None = None,
                avatar: str | None = None) -> dict[str, Any]:
    """Insert a user keyed by openid (ids and referral codes derive from it, so they are stable)."""
    uid = "u" + hashlib.sha256(openid.encode()).hexdigest()[:12]
    # After 2022-11 WeChat hands new apps a grey avatar and "微信用户" (wx-fidelity.md §9).
    name = nickname or f"微信用户{uid[-4:]}"
    db.run("INSERT OR IGNORE INTO users (id, openid, nickname, avatar, referral_code, created_at) "
           "VALUES (?,?,?,?,?,?)", uid, openid, name, avatar or DEFAULT_AVATAR, stable_code(uid), now)
    row = db.one("SELECT * FROM users WHERE id=?", uid)
    assert row is not None
    return row


@router.post("/api/auth/login", summary="Exchange a wx.login code for a session", auth=False,
             body=obj(["code"], code={"type": "string", "minLength": 1, "maxLength": 128},
                      refCode={"type": "string", "maxLength": 32}),
             response=obj(["token", "userId", "openid", "nickname", "isNew"], token=S, userId=S, openid=S,
                          nickname=S, isNew=B, referral=obj(bound=B, referrerId=S, reason=S)),
             errors=(401, 429, 502))
async def login(ctx: Ctx) -> dict[str, Any]:
    session = await ctx.backend.code2session(ctx.body["code"])
    openid, now, cfg = str(session["openid"]), ctx.now, ctx.backend.config
    token = secrets.token_urlsafe(24)
    with ctx.db.tx() as db:
        is_new = db.one("SELECT id FROM users WHERE openid=?", openid) is None
        user = create_user(db, openid, now)
        db.run("INSERT INTO sessions (token, user_id, session_key, created_at, expires_at) VALUES (?,?,?,?,?)",
               token, user["id"], session.get("session_key"), now, now + cfg.session_ttl_seconds)
    out: dict[str, Any] = {"token": token, "userId": user["id"], "openid": openid,
                           "nickname": user["nickname"], "isNew": is_new}
    if ctx.body.get("refCode"):
        from .referral import bind

        out["referral"] = bind(ctx.backend, user, str(ctx.body["refCode"]))
    return out


@router.get("/api/user/me", summary="The caller's profile",
            response=obj(["id", "openid", "nickname", "points", "level", "badges", "referralCode"],
                         id=S, openid=S, nickname=S, avatar=S, points=I, level=I, badges=arr(ref("Badge")),
                         referralCode=S, referredBy=NS))
async def me(ctx: Ctx) -> dict[str, Any]:
    from .gamification import badges_of, level_of, points_of

    user = ctx.user or {}
    points = points_of(ctx.db, ctx.uid)
    return {"id": user["id"], "openid": user["openid"], "nickname": user["nickname"], "avatar": user["avatar"],
            "points": points, "level": level_of(points)[0], "badges": badges_of(ctx.db, ctx.uid),
            "referralCode": user["referral_code"], "referredBy": user["referred_by"]}
