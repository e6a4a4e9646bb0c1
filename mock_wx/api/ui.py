"""Interaction UI: toast, loading, modal, action sheet, navigation bar, pull-down (wx-fidelity.md §8).

Native dialogs are answered by the user's `DialogPolicy` (default: confirm, first item), or one-shot
answers queued with `user.dialogs.next(...)`. Everything shown is recorded on the user.
"""

from __future__ import annotations

from typing import Any

from ._base import Fail, WxContext, api

TOAST_ICONS = {"success", "error", "loading", "none"}


def _text_len(s: str) -> float:
    # The platform counts a Chinese character as one and an ASCII character as half (§8 "4 Chinese characters").
    return sum(1 if ord(c) > 0x7F else 0.5 for c in s)


def _show(ctx: WxContext, kind: str, info: dict[str, Any]) -> None:
    entry = {"kind": kind, "t": ctx.clock.time(), **info}
    ctx.dialogs.shown.append(entry)
    ctx.record(kind, **info)


@api("showToast")
def show_toast(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    title = args.get("title")
    if not isinstance(title, str):
        raise Fail("parameter error: parameter.title should be String instead of Undefined;")
    icon = args.get("icon", "success")
    if icon not in TOAST_ICONS:
        icon = "success"
    duration = int(args.get("duration", 1500))
    info = {"title": title, "icon": icon, "duration": duration, "mask": bool(args.get("mask", False)),
            "until": ctx.clock.time() + duration / 1000}
    if args.get("image"):
        info["image"] = args["image"]
    ctx.ui["toast"] = info
    ctx.ui.pop("loading", None)  # only one of toast/loading is visible at a time (§8)
    _show(ctx, "toast", info)
    return {}


@api("hideToast")
def hide_toast(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.ui.pop("toast", None)
    return {}


@api("showLoading")
def show_loading(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    title = args.get("title")
    if not isinstance(title, str):
        raise Fail("parameter error: parameter.title should be String instead of Undefined;")
    ctx.ui["loading"] = {"title": title, "mask": bool(args.get("mask"))}
    ctx.ui.pop("toast", None)
    _show(ctx, "loading", {"title": title})
    return {}


@api("hideLoading")
def hide_loading(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.ui.pop("loading", None)
    return {}


@api("showModal")
def show_modal(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    confirm_text = str(args.get("confirmText", "确定"))
    cancel_text = str(args.get("cancelText", "取消"))
    if _text_len(confirm_text) > 4:
        raise Fail("confirmText length should not larger than 4 Chinese characters")
    if _text_len(cancel_text) > 4:
        raise Fail("cancelText length should not larger than 4 Chinese characters")
    show_cancel = args.get("showCancel", True) is not False
    info = {"title": args.get("title", ""), "content": args.get("content", ""), "showCancel": show_cancel,
            "confirmText": confirm_text, "cancelText": cancel_text,
            "confirmColor": args.get("confirmColor", "#576B95"), "cancelColor": args.get("cancelColor", "#000000"),
            "editable": bool(args.get("editable")), "placeholderText": args.get("placeholderText", "")}
    answer = str(ctx.dialogs.answer("modal"))
    _show(ctx, "modal", {**info, "answer": answer})
    if answer.startswith("content:"):
        return {"confirm": True, "cancel": False, "content": answer[len("content:"):]}
    if answer == "cancel" and show_cancel:
        return {"confirm": False, "cancel": True}
    return {"confirm": True, "cancel": False, **({"content": ""} if info["editable"] else {})}


@api("showActionSheet")
def show_action_sheet(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    items = args.get("itemList")
    if not isinstance(items, list) or not items:
        raise Fail("parameter error: parameter.itemList should be Array instead of Undefined;")
    if len(items) > 6:
        raise Fail("parameter error: itemList should not be large than 6")
    answer = ctx.dialogs.answer("action_sheet")
    if isinstance(answer, str) and answer != "cancel":
        # The test named the item to tap ("分享给朋友"); the page gets its 0-based index.
        if answer not in items:
            err = ValueError(f"action sheet answer {answer!r} is not one of its items {items!r}")
            ctx.state.setdefault("test_errors", []).append(err)  # raised to the test by the rig
            raise err
        answer = items.index(answer)
    _show(ctx, "actionSheet", {"itemList": items, "itemColor": args.get("itemColor", "#000000"),
                               "alertText": args.get("alertText", ""), "answer": answer})
    if answer == "cancel" or not isinstance(answer, int) or not 0 <= answer < len(items):
        raise Fail("cancel")
    return {"tapIndex": answer}


def _remember_screen(ctx: WxContext, name: str, args: dict[str, Any]) -> None:
    """What the screen shows after a navigation/tab bar call, kept per page route (the navigation bar
    belongs to the page that set it) and per tab: screenshots draw it (mock_wx/rig/screens.py)."""
    if "NavigationBar" in name:
        route = ctx.host.current_route() if ctx.host else None
        bar = ctx.ui.setdefault("navigationBar", {}).setdefault(route, {})
        if name == "setNavigationBarTitle":
            bar["title"] = str(args.get("title", ""))
        elif name == "setNavigationBarColor":
            bar.update({k: args[k] for k in ("frontColor", "backgroundColor") if k in args})
        else:
            bar["loading"] = name.startswith("show")
    elif "TabBar" in name:
        tab = ctx.ui.setdefault("tabBarState", {"badges": {}, "dots": set(), "hidden": False})
        index = args.get("index")
        if name == "setTabBarBadge" and isinstance(index, int):
            tab["badges"][index] = str(args.get("text", ""))
        elif name == "removeTabBarBadge":
            tab["badges"].pop(index, None)
        elif name == "showTabBarRedDot" and isinstance(index, int):
            tab["dots"].add(index)
        elif name == "hideTabBarRedDot":
            tab["dots"].discard(index)
        elif name in ("showTabBar", "hideTabBar"):
            tab["hidden"] = name == "hideTabBar"


def _record_only(name: str, kind: str) -> None:
    def handler(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
        ctx.ui[kind] = args
        _remember_screen(ctx, name, args)
        ctx.record(kind, **{k: v for k, v in args.items() if not callable(v)})
        return {}

    handler.__name__ = name
    api(name)(handler)


for _name, _kind in [
    ("setNavigationBarTitle", "navigationBarTitle"), ("setNavigationBarColor", "navigationBarColor"),
    ("showNavigationBarLoading", "navigationBarLoading"), ("hideNavigationBarLoading", "navigationBarLoading"),
    ("setTabBarBadge", "tabBarBadge"), ("removeTabBarBadge", "tabBarBadge"), ("showTabBarRedDot", "tabBarRedDot"),
    ("hideTabBarRedDot", "tabBarRedDot"), ("setTabBarItem", "tabBarItem"), ("pageScrollTo", "pageScroll"),
    ("setBackgroundColor", "backgroundColor"), ("setBackgroundTextStyle", "backgroundTextStyle"),
    ("hideHomeButton", "homeButton"), ("showTabBar", "tabBar"), ("hideTabBar", "tabBar"),
]:
    _record_only(_name, _kind)


@api("startPullDownRefresh")
def start_pull_down_refresh(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.ui["pullDownRefresh"] = True
    ctx.record("pullDownRefresh", active=True)
    return {}


@api("stopPullDownRefresh")
def stop_pull_down_refresh(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.ui["pullDownRefresh"] = False
    ctx.record("pullDownRefresh", active=False)
    return {}
