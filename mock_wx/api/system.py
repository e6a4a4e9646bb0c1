"""System and device information (wx-fidelity.md §10): a plausible iPhone, per user.

The default phone is the one screenshots draw (375 × 667 at DPR 2, below a 20 px status bar and the
44 px navigation bar), so what a page computes from the system info matches what its screenshot shows."""

from __future__ import annotations

from typing import Any

from ._base import WxContext, api, event_api
from .defaults import listened

DEFAULT_SYSTEM: dict[str, Any] = {
    "brand": "iPhone", "model": "iPhone SE (3rd generation)<iPhone14,6>", "pixelRatio": 2, "screenWidth": 375,
    "screenHeight": 667, "windowWidth": 375, "windowHeight": 603, "statusBarHeight": 20, "language": "zh_CN", "version": "8.0.50",
    "system": "iOS 17.4", "platform": "ios", "fontSizeSetting": 17, "SDKVersion": "3.4.10", "benchmarkLevel": 1,
    "theme": "light", "enableDebug": False, "deviceOrientation": "portrait",
    "safeArea": {"left": 0, "right": 375, "top": 20, "bottom": 667, "width": 375, "height": 647},
    "albumAuthorized": True, "cameraAuthorized": True, "locationAuthorized": True, "microphoneAuthorized": True,
    "notificationAuthorized": True, "bluetoothEnabled": True, "locationEnabled": True, "wifiEnabled": True,
}


def system_info(ctx: WxContext) -> dict[str, Any]:
    return {**DEFAULT_SYSTEM, **ctx.system}


@api("getSystemInfoSync", "sync")
def get_system_info_sync(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    return system_info(ctx)


@api("getSystemInfo")
def get_system_info(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    return system_info(ctx)


@api("getWindowInfo", "sync")
def get_window_info(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    s = system_info(ctx)
    keys = ("pixelRatio", "screenWidth", "screenHeight", "windowWidth", "windowHeight", "statusBarHeight", "safeArea")
    return {k: s[k] for k in keys} | {"screenTop": 0}


@api("getDeviceInfo", "sync")
def get_device_info(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    s = system_info(ctx)
    return {k: s[k] for k in ("brand", "model", "system", "platform", "benchmarkLevel")} | {"abi": "arm64"}


@api("getAppBaseInfo", "sync")
def get_app_base_info(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    s = system_info(ctx)
    return {k: s[k] for k in ("SDKVersion", "enableDebug", "language", "version", "theme", "fontSizeSetting")}


@api("getAccountInfoSync", "sync")
def get_account_info_sync(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    return {"miniProgram": {"appId": ctx.appid, "envVersion": "develop", "version": ""}}


@api("getMenuButtonBoundingClientRect", "sync")
def get_menu_button_bounding_client_rect(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    """The capsule (··· ⊙) button's box, which custom navigation bars align to: plausible iPhone geometry."""
    s = system_info(ctx)
    right = s["windowWidth"] - 7
    top = s["statusBarHeight"] + 4
    return {"width": 87, "height": 32, "left": right - 87, "right": right, "top": top, "bottom": top + 32}


# App-level events: the runtime emits onAppShow/onAppHide with the App's own onShow/onHide; the others are
# accepted so that apps can subscribe (a test can emit them through the realm's emit_global).
event_api("onAppShow", "onAppHide", "onNetworkStatusChange", "onMemoryWarning")


@api("getNetworkType")
def get_network_type(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    return {"networkType": ctx.state.get("network_type", "wifi"), "signalStrength": 100}


@api("getLaunchOptionsSync", "sync")
def get_launch_options_sync(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    return dict(ctx.state.get("launch_options") or {})


@api("getEnterOptionsSync", "sync")
def get_enter_options_sync(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    # The onLaunch options on a cold start, the onShow options on a hot start (§3).
    return dict(ctx.state.get("enter_options") or ctx.state.get("launch_options") or {})


@api("__listen", "sync")
def listen(ctx: WxContext, args: list[Any]) -> None:
    ctx.state.setdefault("listening", set()).add(args[0])
    listened(ctx, str(args[0]))


@api("__selectorQuery", "sync")
def selector_query(ctx: WxContext, args: list[Any]) -> list[Any]:
    """Plausible layout boxes: nothing is laid out headlessly, so boxes are stable made-up geometry. With the
    view layer attached, `matches` lists the rendered nodes each selector found (their id and dataset): no
    match answers null (`select`) or [] (`selectAll`), as the platform does."""
    s = system_info(ctx)
    out: list[Any] = []
    for i, item in enumerate(args[0] if args else []):
        kind = item.get("kind")
        if item.get("selector") == "viewport":
            view_box: dict[str, Any] = {"left": 0, "top": 0, "right": s["windowWidth"], "bottom": s["windowHeight"],
                                        "width": s["windowWidth"], "height": s["windowHeight"]}
            out.append(_box(s, kind, i, {"id": "", "dataset": {}}) if kind in ("scrollOffset", "node", "context") else view_box)
            continue
        matches = item.get("matches")
        nodes = matches if matches is not None else [{"id": "", "dataset": {}}]
        boxes = [_box(s, kind, i + j, node) for j, node in enumerate(nodes)]
        out.append(boxes if item.get("all") else (boxes[0] if boxes else None))
    return out


def _box(s: dict[str, Any], kind: str | None, i: int, node: dict[str, Any]) -> dict[str, Any]:
    if kind == "scrollOffset":
        return {"id": node["id"], "dataset": node["dataset"], "scrollLeft": 0, "scrollTop": 0,
                "scrollWidth": s["windowWidth"], "scrollHeight": s["windowHeight"] * 3}
    if kind in ("node", "context"):
        return {kind: None}
    top = 100 + 60 * i
    return {"id": node["id"], "dataset": node["dataset"], "left": 16, "right": s["windowWidth"] - 16, "top": top,
            "bottom": top + 44, "width": s["windowWidth"] - 32, "height": 44}
