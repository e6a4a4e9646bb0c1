"""Login: `wx.login` codes come from the emulated platform (5 min, single use; wx-fidelity.md §9)."""

from __future__ import annotations

import hashlib
from typing import Any

from ._base import Fail, WxContext, api


@api("login")
async def login(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    if ctx.state.get("single_page_mode"):
        raise Fail("not supported in single page mode")  # §3: no login in timeline single-page mode
    channel = getattr(ctx.services, "wechat", None)
    if channel is not None:
        code = await channel.login_code(ctx.user_key)
    else:
        n = ctx.state["login_seq"] = ctx.state.get("login_seq", 0) + 1
        code = hashlib.sha256(f"{ctx.user_key}:{n}".encode()).hexdigest()[:32]
    ctx.state["logged_in"] = True
    return {"code": code}


@api("checkSession")
async def check_session(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    channel = getattr(ctx.services, "wechat", None)
    ok = await channel.check_session(ctx.user_key) if channel is not None else ctx.state.get("logged_in", False)
    if not ok:
        # Observed as "checkSession:fail session time out, need relogin" and, in newer clients, with
        # "系统错误，错误码：-13001," before it (§9); apps test the text or errCode -13001.
        raise Fail("session time out, need relogin", errCode=-13001)
    return {}
