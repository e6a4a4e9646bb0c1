"""Device abilities a shop app touches: vibration, clipboard, phone calls (wx-fidelity.md §10)."""

from __future__ import annotations

from typing import Any

from ._base import Fail, WxContext, api


@api("vibrateShort")
def vibrate_short(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    kind = args.get("type", "medium")
    if kind not in ("heavy", "medium", "light"):
        raise Fail("parameter error: parameter.type should be one of heavy, medium, light")
    ctx.record("vibrate", length="short", type=kind)
    return {}


@api("vibrateLong")
def vibrate_long(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.record("vibrate", length="long")
    return {}


@api("setClipboardData")
def set_clipboard_data(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    data = args.get("data")
    if not isinstance(data, str):
        raise Fail("parameter error: parameter.data should be String instead of Undefined;")
    ctx.state["clipboard"] = data
    # WeChat shows its own toast on success (§10).
    ctx.ui["toast"] = {"title": "内容已复制", "icon": "none", "duration": 1500}
    ctx.record("toast", title="内容已复制", icon="none", duration=1500, native=True)
    return {}


@api("getClipboardData")
def get_clipboard_data(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    return {"data": ctx.state.get("clipboard", "")}


@api("makePhoneCall")
def make_phone_call(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.record("phoneCall", number=args.get("phoneNumber"))
    return {}


@api("previewImage")
def preview_image(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.record("previewImage", urls=args.get("urls"), current=args.get("current"))
    return {}


@api("chooseImage")
def choose_image(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    n = max(1, min(int(args.get("count", 9)), 9))
    paths = [f"wxfile://tmp_{ctx.user}_{i}.jpg" for i in range(min(n, 1))]
    return {"tempFilePaths": paths, "tempFiles": [{"path": p, "size": 102400} for p in paths]}


@api("chooseMedia")
def choose_media(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    path = f"wxfile://tmp_{ctx.user}_0.jpg"
    return {"tempFiles": [{"tempFilePath": path, "size": 102400, "fileType": "image"}], "type": "image"}
