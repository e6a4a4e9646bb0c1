"""Share menus and group share info (wx-fidelity.md §3).

Sharing itself is user-initiated (the rig's `user.share()` calls the page's onShareAppMessage); these APIs
only control the menu and decrypt what a group share ticket says. `wx.getShareInfo` and
`wx.getGroupEnterInfo` do not promisify (their pages say Promise style is "不支持", §0), so they are
registered with kind "callback".
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from ._base import Fail, WxContext, api

__all__ = ["MENUS", "encrypt_for_session", "menu_state"]

MENUS = ("shareAppMessage", "shareTimeline")


def menu_state(ctx: WxContext, page_id: int | None = None) -> dict[str, Any]:
    """The share menu of one page instance: `{shown, hidden, withShareTicket, update}` (default: current page).

    Menus belong to the page instance (a relaunch starts clean), so the key is the realm and the page id.
    """
    if page_id is None:
        router = getattr(ctx.host, "router", None)
        rec = router.current() if router is not None else None
        page_id = rec.id if rec is not None else 0
    key = f"{id(ctx.host)}:{page_id}"
    menus: dict[str, dict[str, Any]] = ctx.state.setdefault("share_menus", {})
    return menus.setdefault(key, {"shown": set(), "hidden": set(), "withShareTicket": False, "update": {}})


def _menus(args: dict[str, Any], default: tuple[str, ...]) -> list[str]:
    menus = args.get("menus", list(default))
    if not isinstance(menus, list) or any(m not in MENUS for m in menus):
        raise Fail(f"parameter error: menus should be drawn from {list(MENUS)}")
    return menus


@api("showShareMenu")
def show_share_menu(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """Show the page's forward menu items (default shareAppMessage); timeline needs shareAppMessage too (§3)."""
    menus = _menus(args, ("shareAppMessage",))
    if "shareTimeline" in menus and "shareAppMessage" not in menus:
        raise Fail("shareTimeline requires shareAppMessage to be shown too")
    st = menu_state(ctx)
    st["shown"].update(menus)
    st["hidden"].difference_update(menus)
    st["withShareTicket"] = bool(args.get("withShareTicket", st["withShareTicket"]))
    return {}


@api("hideShareMenu")
def hide_share_menu(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """Hide menu items; by default both, and hiding shareAppMessage hides the timeline item too (§3)."""
    menus = set(_menus(args, MENUS))
    if "shareAppMessage" in menus:
        menus.add("shareTimeline")
    st = menu_state(ctx)
    st["hidden"].update(menus)
    st["shown"].difference_update(menus)
    return {}


@api("updateShareMenu")
def update_share_menu(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """Share ticket / updatable-message settings for later shares of this page."""
    st = menu_state(ctx)
    if "withShareTicket" in args:
        st["withShareTicket"] = bool(args["withShareTicket"])
    st["update"] = {k: v for k, v in args.items() if k not in ("success", "fail", "complete")}
    return {}


def encrypt_for_session(session_key_b64: str, payload: dict[str, Any], appid: str, now: float) -> dict[str, str]:
    """Open data the way WeChat sends it: AES-128-CBC with the session_key, PKCS#7, base64 (§3 getShareInfo)."""
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    key = base64.b64decode(session_key_b64)
    iv = os.urandom(16)
    data = dict(payload, watermark={"timestamp": int(now), "appid": appid})
    padder = padding.PKCS7(128).padder()
    plain = padder.update(json.dumps(data, separators=(",", ":")).encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    cipher = enc.update(plain) + enc.finalize()
    return {"encryptedData": base64.b64encode(cipher).decode(), "iv": base64.b64encode(iv).decode()}


async def _open_data(ctx: WxContext, payload: dict[str, Any], cloud_seed: str) -> dict[str, Any]:
    """`{encryptedData, iv, cloudID}` for this user's session, as the group APIs answer (§3)."""
    channel = getattr(ctx.services, "wechat", None)
    session = await channel.session(ctx.user_key) if channel is not None else None
    if session is None:
        raise Fail("session key is invalid, call wx.login first")
    out: dict[str, Any] = encrypt_for_session(session.session_key, payload, ctx.appid, ctx.clock.time())
    out["cloudID"] = hashlib.sha256(cloud_seed.encode()).hexdigest()[:40]
    return out


@api("getShareInfo", "callback")
async def get_share_info(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """`{encryptedData, iv, cloudID}` for a share ticket this app lifetime received; decrypts to `{openGId}`."""
    ticket = args.get("shareTicket")
    groups: dict[str, str] = ctx.state.get("share_tickets") or {}
    if not isinstance(ticket, str) or ticket not in groups:
        raise Fail("invalid shareTicket")  # tickets are only valid for the app lifetime that received them
    return await _open_data(ctx, {"openGId": groups[ticket]}, ticket)


GROUP_SCENES = (1008, 1044)  # group-chat card, and one carrying a shareTicket (§3 scenes)


@api("getGroupEnterInfo", "callback")
async def get_group_enter_info(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """Since 2.10.4 (group cards since 2.17.3): the group the app was entered from, no ticket needed;
    decrypts to `{opengid, chat_type}`. Outside a group-chat entry it fails with errCode 40097 "场景错误"."""
    enter = ctx.state.get("enter_options") or {}
    gid = ctx.state.get("group_enter")
    if enter.get("scene") not in GROUP_SCENES or not isinstance(gid, str):
        # The page lists 40097 场景错误; the exact errMsg text is UNCONFIRMED.
        raise Fail("场景错误", errCode=40097)
    payload: dict[str, Any] = {"opengid": gid, "chat_type": enter.get("chatType", 3)}
    if args.get("needGroupOpenID"):  # 3.7.8+: the user's own id within this group
        payload["group_openid"] = "g" + hashlib.sha256(f"{ctx.user_key}:{gid}".encode()).hexdigest()[:27]
    return await _open_data(ctx, payload, f"group:{gid}:{ctx.user_key}")
