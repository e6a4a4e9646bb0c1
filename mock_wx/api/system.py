"""System and device information (wx-fidelity.md §10): a plausible iPhone, per user."""

from __future__ import annotations

from typing import Any

from ._base import WxContext, api, event_api
from .defaults import listened

DEFAULT_SYSTEM: dict[str, Any] = {
    "brand": "iPhone", "model": "iPhone 13<iPhone14,5>", "pixelRatio": 3, "screenWidth": 390, "screenHeight": 844,
    "windowWidth": 390, "windowHeight": 753, "statusBarHeight": 47, "language": "zh_CN", "version": "8.0.50",
    "system": "iOS 17.4", "platform": "ios", "fontSizeSetting": 17, "SDKVersion": "3.4.10", "benchmarkLevel": 1,
    "theme": "light", "enableDebug": False, "deviceOrientation": "portrait",
    "safeArea": {"left": 0, "right": 390, "top": 47, "bottom": 810, "width": 390, "height": 763},
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
    """Plausible layout boxes: there is no renderer, so queries answer with stable made-up geometry."""
    s = system_info(ctx)
    out: list[Any] = []
    for i, item in enumerate(args[0] if args else []):
        kind = item.get("kind")
        if item.get("selector") == "viewport":
            box: dict[str, Any] = {"left": 0, "top": 0, "right": s["windowWidth"], "bottom": s["windowHeight"],
                                   "width": s["windowWidth"], "height": s["windowHeight"]}
        else:
            top = 100 + 60 * i
            box = {"id": "", "dataset": {}, "left": 16, "right": s["windowWidth"] - 16, "top": top,
                   "bottom": top + 44, "width": s["windowWidth"] - 32, "height": 44}
        if kind == "scrollOffset":
            box = {"id": "", "dataset": {}, "scrollLeft": 0, "scrollTop": 0, "scrollWidth": s["windowWidth"],
                   "scrollHeight": s["windowHeight"] * 3}
        elif kind in ("node", "context"):
            box = {kind: None}
        out.append([box] if item.get("all") else box)
    return out
