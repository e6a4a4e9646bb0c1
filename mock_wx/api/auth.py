"""Login: `wx.login` codes come from the emulated platform (5 min, single use; wx-fidelity.md §9)."""

from __future__ import annotations

import hashlib
from typing import Any

from ._base import Fail, WxContext, api


@api("login")
def login(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    if ctx.state.get("single_page_mode"):
        raise Fail("not supported in single page mode")  # §3: no login in timeline single-page mode
    platform = getattr(ctx.services, "platform", None)
    if platform is not None:
        code = platform.login.issue_code(ctx.user_key)
    else:
        n = ctx.state["login_seq"] = ctx.state.get("login_seq", 0) + 1
        code = hashlib.sha256(f"{ctx.user_key}:{n}".encode()).hexdigest()[:32]
    ctx.state["logged_in"] = True
    return {"code": code}


@api("checkSession")
def check_session(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    platform = getattr(ctx.services, "platform", None)
    ok = platform.login.check_session(ctx.user_key) if platform is not None else ctx.state.get("logged_in", False)
    if not ok:
        raise Fail("session time out, need relogin")
    return {}
