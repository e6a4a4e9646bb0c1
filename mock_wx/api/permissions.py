"""Authorization scopes and the APIs behind them: authorize, getSetting, openSetting, getLocation,
chooseAddress, getUserProfile, getUserInfo.

A scope starts undecided. The first call that needs it shows the native prompt, answered by the user's
`DialogPolicy.authorize` ("allow" | "deny") or a one-shot `dialogs.next("authorize", ...)`. The answer
sticks: after a deny, calls fail with `<api>:fail auth deny` without prompting until the user turns the
scope on in `wx.openSetting` (what they switch there: `dialogs.next("settings", {scope: bool})`,
default: everything the app asked for on).
"""

from __future__ import annotations

import json
from typing import Any

from ._base import Fail, WxContext, api

SCOPES = frozenset({
    "scope.userInfo", "scope.userLocation", "scope.userFuzzyLocation", "scope.userLocationBackground",
    "scope.address", "scope.invoiceTitle", "scope.invoice", "scope.werun", "scope.record",
    "scope.writePhotosAlbum", "scope.camera", "scope.bluetooth", "scope.addPhoneContact",
    "scope.addPhoneCalendar",
})

#: Since 2022-07-14 these APIs must be listed in app.json `requiredPrivateInfos` [obs].
PRIVATE_INFO_APIS = frozenset({
    "getLocation", "getFuzzyLocation", "onLocationChange", "startLocationUpdate",
    "startLocationUpdateBackground", "chooseLocation", "choosePoi", "chooseAddress",
})

#: wx-fidelity.md §9: new base libraries get a grey avatar and the nickname "微信用户".
GREY_AVATAR = ("https://thirdwx.qlogo.cn/mmopen/vi_32/POgEwh4mIHO4nibH0KlMECNjjGxQUq24ZEaGT4poC6icRiccVGKSyXwibcP"
               "q4BWmiaIGuG1icwxaQX6grC9VemZoJ8rg/132")
ANONYMOUS_PROFILE = {"nickName": "微信用户", "avatarUrl": GREY_AVATAR, "gender": 0, "country": "", "province": "",
                     "city": "", "language": "zh_CN"}

DEFAULT_LOCATION = {"latitude": 22.540503, "longitude": 113.934528, "speed": -1, "accuracy": 65, "altitude": 0,
                    "verticalAccuracy": 65, "horizontalAccuracy": 65}
DEFAULT_ADDRESS = {"userName": "张三", "postalCode": "510000", "provinceName": "广东省", "cityName": "广州市",
                   "countyName": "海珠区", "streetName": "", "detailInfo": "新港中路397号", "detailInfoNew": "新港中路397号",
                   "nationalCode": "510000", "telNumber": "020-81167888"}

TAP_ONLY = "can only be invoked by user TAP gesture."  # [obs] getUserProfile / openSetting outside a tap


def _allowed(answer: Any) -> bool:
    return answer is True or str(answer).lower() in ("allow", "confirm", "ok", "true", "yes")


def _show(ctx: WxContext, kind: str, info: dict[str, Any]) -> None:
    ctx.dialogs.shown.append({"kind": kind, "t": ctx.clock.time(), **info})
    ctx.record(kind, **info)


def _one_shot(ctx: WxContext, kind: str, default: Any) -> Any:
    queue = ctx.dialogs.queue.get(kind)
    return queue.pop(0) if queue else default


def has_gesture(ctx: WxContext) -> bool:
    """True while a tap handler's synchronous part runs (set by `Page.tap`)."""
    return bool(ctx.state.get("user_gesture"))


def require_scope(ctx: WxContext, scope: str, api_name: str) -> None:
    """Pass if `scope` is granted; prompt if undecided; `Fail("auth deny")` if denied (now or before)."""
    state = ctx.settings.get(scope)
    if state is True:
        return
    if state is False:
        raise Fail("auth deny")
    answer = ctx.dialogs.answer("authorize")
    granted = _allowed(answer)
    _show(ctx, "authorize", {"scope": scope, "api": api_name, "answer": "allow" if granted else "deny"})
    ctx.settings[scope] = granted
    if not granted:
        raise Fail("auth deny")


def require_private_info(ctx: WxContext, api_name: str) -> None:
    declared = ctx.app_config.get("requiredPrivateInfos") or []
    if api_name in PRIVATE_INFO_APIS and api_name not in declared:
        message = "the api need to be declared in the requiredPrivateInfos field in app.json/ext.json"
        if not ctx.lenient:
            raise Fail(message)
        ctx.finding("undeclared-private-info", f"wx.{api_name}: {message}")


@api("authorize")
def authorize(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    scope = args.get("scope")
    if scope not in SCOPES:
        raise Fail("invalid scope")  # UNCONFIRMED wording
    if scope == "scope.userInfo":
        return {}  # UNCONFIRMED: no prompt since getUserInfo became anonymous (2021)
    require_scope(ctx, str(scope), "authorize")
    return {}


@api("getSetting")
def get_setting(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"authSetting": dict(ctx.settings)}
    if args.get("withSubscriptions"):
        out["subscriptionsSetting"] = {"mainSwitch": True, "itemSettings": {}}
    return out


@api("openSetting")
def open_setting(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    if not has_gesture(ctx):
        raise Fail(TAP_ONLY)
    changes = _one_shot(ctx, "settings", None)
    if changes is None:
        changes = {scope: True for scope in ctx.settings}
    for scope, on in dict(changes).items():
        ctx.settings[str(scope)] = bool(on)
    _show(ctx, "settings", {"authSetting": dict(ctx.settings)})
    return {"authSetting": dict(ctx.settings)}


@api("getLocation")
def get_location(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    require_private_info(ctx, "getLocation")
    require_scope(ctx, "scope.userLocation", "getLocation")
    return {**DEFAULT_LOCATION, **ctx.state.get("location", {})}


@api("chooseAddress")
def choose_address(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    require_private_info(ctx, "chooseAddress")
    require_scope(ctx, "scope.address", "chooseAddress")  # UNCONFIRMED whether new releases still ask
    picked = _one_shot(ctx, "address", ctx.state.get("address", DEFAULT_ADDRESS))
    _show(ctx, "addressPicker", {"answer": "cancel" if picked == "cancel" else "pick"})
    if picked == "cancel":
        raise Fail("cancel")
    return dict(picked)


@api("getUserProfile")
def get_user_profile(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(args.get("desc"), str) or not args["desc"]:
        raise Fail("parameter error: parameter.desc should be String instead of Undefined;")
    if not has_gesture(ctx):
        raise Fail(TAP_ONLY)
    granted = _allowed(ctx.dialogs.answer("authorize"))
    _show(ctx, "userProfile", {"desc": args["desc"], "answer": "allow" if granted else "deny"})
    if not granted:
        raise Fail("auth deny")
    return _profile(args)


@api("getUserInfo")
def get_user_info(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    return _profile(args)  # anonymous, no prompt (§9)


def _profile(args: dict[str, Any]) -> dict[str, Any]:
    info = dict(ANONYMOUS_PROFILE)
    if args.get("lang") in ("en", "zh_CN", "zh_TW"):
        info["language"] = args["lang"]
    return {"userInfo": info, "rawData": json.dumps(info, ensure_ascii=False, separators=(",", ":")),
            "signature": "", "encryptedData": "", "iv": ""}


# Privacy (base library 2.32.3+). A phone whose user has agreed to the app's privacy guide: nothing to
# authorize, so requirePrivacyAuthorize succeeds at once. A test that wants the prompt mocks these.
PRIVACY_CONTRACT = "《小程序隐私保护指引》"


@api("getPrivacySetting")
def get_privacy_setting(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    return {"needAuthorization": False, "privacyContractName": PRIVACY_CONTRACT}


@api("requirePrivacyAuthorize")
def require_privacy_authorize(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    return {}
