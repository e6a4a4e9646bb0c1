"""Fidelity audit of wx-fidelity.md §3 (sharing, scenes, launch options), §4 (wx.requestPayment), §6 (Page/App
runtime), §7 (navigation) and §9 (login): the client-side rules no other conformance test pins.

Most tests drive `pages/spr_audit/spr_audit` of the conformance fixture app: share hooks that record their
calls, and `invoke(name, opts)` / `invokePromise(name, opts)` that run any wx API and return its result.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from aiohttp import web
from fixture_apps import app_log, js, routes

from mock_wx import NavigationError, Simulator, VirtualUser
from mock_wx.runtime import Realm

AUDIT = "/pages/spr_audit/spr_audit"


async def invoke(user: VirtualUser, api: str, opts: dict[str, Any] | None = None) -> dict[str, Any]:
    """Call wx.<api>(opts) with callbacks on the current page: {ok, res, ret}."""
    result: dict[str, Any] = await user.current_page.call("invoke", api, opts or {})
    return result


async def login_session(sim: Simulator, user: VirtualUser) -> None:
    """wx.login, then the merchant backend's code2Session: the user now has a session_key (§9)."""
    platform = sim.services.platform
    code = (await invoke(user, "login"))["res"]["code"]
    platform.login.code2session(sim.appid, platform.secret, code)


# -- §3 sharing ---------------------------------------------------------------------------------------
async def test_share_has_no_result_callback(sim: Simulator) -> None:
    """§3 no result callback: success/fail/complete returned by onShareAppMessage are never called (removed
    in 2018); the card is made from title/path alone."""
    alice, bob = sim.users(2)
    await alice.launch(AUDIT)
    card = await alice.share()
    assert card is not None and (card.title, card.path) == ("Audit card", "/pages/spr_audit/spr_audit?from=share")
    await bob.open(card)
    await alice.share(from_="button", target_id="b")
    assert js(alice, "getApp().globalData.shareCallbacks || null") is None
    assert js(alice, "getApp().globalData.shareArgs")[0] == {"from": "menu"}  # no target from the menu


async def test_share_timeline_api_absent(user: VirtualUser) -> None:
    """§3 callable share APIs: wx.shareTimeline does not exist in mini programs (nor wx.shareAppMessage)."""
    await user.launch(AUDIT)
    assert js(user, "[typeof wx.shareTimeline, typeof wx.shareAppMessage]") == ["undefined", "undefined"]


async def test_show_share_menu_menus_are_checked(user: VirtualUser) -> None:
    """§3 showShareMenu: menus are drawn from ['shareAppMessage', 'shareTimeline']; shareTimeline alone fails
    (it needs shareAppMessage shown too)."""
    await user.launch(AUDIT)
    bad = await invoke(user, "showShareMenu", {"menus": ["shareMoments"]})
    assert not bad["ok"] and bad["res"]["errMsg"].startswith("showShareMenu:fail")
    alone = await invoke(user, "showShareMenu", {"menus": ["shareTimeline"]})
    assert not alone["ok"] and alone["res"]["errMsg"].startswith("showShareMenu:fail")
    both = await invoke(user, "showShareMenu", {"menus": ["shareAppMessage", "shareTimeline"]})
    assert both["res"] == {"errMsg": "showShareMenu:ok"}


async def test_show_share_menu_default_is_share_app_message_only(user: VirtualUser) -> None:
    """§3 showShareMenu: the default menus are ['shareAppMessage']: after hiding both, the default call brings
    back the chat item but not the timeline item."""
    await user.launch(AUDIT)
    assert (await invoke(user, "hideShareMenu"))["res"] == {"errMsg": "hideShareMenu:ok"}
    assert await user.share() is None and await user.share(timeline=True) is None
    assert (await invoke(user, "showShareMenu"))["ok"]
    assert await user.share() is not None
    assert await user.share(timeline=True) is None


async def test_hiding_share_app_message_hides_timeline(user: VirtualUser) -> None:
    """§3 hideShareMenu: hiding shareAppMessage also hides the timeline item; hiding only shareTimeline keeps
    the chat item."""
    await user.launch(AUDIT)
    await invoke(user, "hideShareMenu", {"menus": ["shareTimeline"]})
    assert await user.share() is not None and await user.share(timeline=True) is None
    page = await user.launch(AUDIT)
    assert await user.share(timeline=True) is not None  # a fresh page instance shows its menu again
    await page.call("invoke", "hideShareMenu", {"menus": ["shareAppMessage"]})
    assert await user.share() is None and await user.share(timeline=True) is None


async def test_timeline_needs_share_app_message(user: VirtualUser) -> None:
    """§3 onShareTimeline precondition: a page with onShareTimeline but no onShareAppMessage cannot be shared
    to Moments (and has no chat item)."""
    await user.launch("/pages/spr_timeline/spr_timeline")
    assert await user.share(timeline=True) is None
    assert await user.share() is None


async def test_share_ticket_lives_for_one_app_lifetime(sim: Simulator) -> None:
    """§3 shareTicket: valid for the current app lifetime only: after a cold start without a card the old
    ticket no longer decrypts (getShareInfo fails)."""
    alice, bob = sim.users(2)
    await alice.launch(AUDIT)
    await invoke(alice, "showShareMenu", {"withShareTicket": True})
    card = await alice.share()
    assert card is not None
    await bob.open(card, chat="group")
    ticket = js(bob, "wx.getLaunchOptionsSync().shareTicket")
    await login_session(sim, bob)
    assert (await invoke(bob, "getShareInfo", {"shareTicket": ticket}))["res"]["errMsg"] == "getShareInfo:ok"
    await bob.launch(AUDIT)  # the app was killed and started again from the home screen
    await login_session(sim, bob)
    out = await invoke(bob, "getShareInfo", {"shareTicket": ticket})
    assert not out["ok"] and out["res"]["errMsg"].startswith("getShareInfo:fail")


async def test_share_ticket_survives_a_hot_start(sim: Simulator) -> None:
    """§3 shareTicket: within one app lifetime the ticket stays valid, also after going to the background."""
    alice, bob = sim.users(2)
    await alice.launch(AUDIT)
    await invoke(alice, "showShareMenu", {"withShareTicket": True})
    card = await alice.share()
    assert card is not None
    await bob.open(card, chat="group")
    ticket = js(bob, "wx.getLaunchOptionsSync().shareTicket")
    await bob.hide()
    await bob.show()
    await login_session(sim, bob)
    assert (await invoke(bob, "getShareInfo", {"shareTicket": ticket}))["ok"]


# -- §3 scenes, launch options, single-page mode -------------------------------------------------------------
async def test_launch_options_fields(user: VirtualUser) -> None:
    """§3 launch options: {path, query (object), scene, referrerInfo, forwardMaterials, apiCategory 'default'};
    getLaunchOptionsSync equals what App.onLaunch got; no shareTicket outside group-chat opens."""
    await user.launch(AUDIT + "?a=1", scene=1037, referrerInfo={"appId": "wxother", "extraData": {"k": 1}})
    opts = js(user, "getApp().globalData.launchOptions")
    assert opts["path"] == "pages/spr_audit/spr_audit" and opts["query"] == {"a": "1"} and opts["scene"] == 1037
    assert opts["referrerInfo"] == {"appId": "wxother", "extraData": {"k": 1}}
    assert opts["apiCategory"] == "default" and opts["forwardMaterials"] == [] and "shareTicket" not in opts
    assert js(user, "wx.getLaunchOptionsSync()") == opts


async def test_enter_options_follow_a_hot_start(user: VirtualUser) -> None:
    """§3 getEnterOptionsSync: the onLaunch options on a cold start, the onShow options on a hot start (here
    back from another mini program, scene 1038); getLaunchOptionsSync keeps the cold start's."""
    await user.launch(AUDIT)
    assert js(user, "wx.getEnterOptionsSync().scene") == 1001
    await user.hide()
    await user.show(scene=1038, referrerInfo={"appId": "wxpaid", "extraData": {"ok": True}})
    enter = js(user, "wx.getEnterOptionsSync()")
    assert enter["scene"] == 1038 and enter["referrerInfo"] == {"appId": "wxpaid", "extraData": {"ok": True}}
    assert js(user, "wx.getLaunchOptionsSync().scene") == 1001


async def test_single_page_mode_routing_shows_the_toast(sim: Simulator) -> None:
    """§3 single-page mode (1154): routing APIs are disabled; the disabled call shows the toast
    "请前往小程序使用完整服务"."""
    alice, bob = sim.users(2)
    await alice.launch(AUDIT)
    card = await alice.share(timeline=True)
    assert card is not None
    await bob.open(card)
    out = await invoke(bob, "navigateTo", {"url": "/pages/c/c"})
    assert not out["ok"] and out["res"]["errMsg"].startswith("navigateTo:fail")
    toasts = [e.data for e in sim.trace.of_kind("toast")]
    assert {"title": "请前往小程序使用完整服务", "icon": "none"} in toasts
    assert routes(bob) == ["pages/spr_audit/spr_audit"]


async def test_single_page_mode_has_no_tab_bar(sim: Simulator) -> None:
    """§3 single-page mode (1154): the tab bar is not rendered, so there is no tab to tap."""
    alice, bob = sim.users(2)
    await alice.launch(AUDIT)
    card = await alice.share(timeline=True)
    assert card is not None
    await bob.open(card)
    with pytest.raises(NavigationError):
        await bob.tap_tab("/pages/tab_b/tab_b")
    assert routes(bob) == ["pages/spr_audit/spr_audit"]


async def test_scene_1155_is_full_mode(sim: Simulator) -> None:
    """§3 scenes: 1155 ("前往小程序" from single-page mode) opens the full app: login works, normal storage,
    apiCategory 'default' — unlike 1154."""
    alice, bob = sim.users(2)
    await alice.launch(AUDIT)
    await invoke(alice, "setStorage", {"key": "k", "data": "normal"})
    bob_home = await bob.launch(AUDIT)
    await bob_home.call("invoke", "setStorage", {"key": "k", "data": "normal"})
    card = await alice.share(timeline=True)
    assert card is not None
    await bob.open(card)
    assert not (await invoke(bob, "login"))["ok"]
    assert (await invoke(bob, "getStorage", {"key": "k"}))["ok"] is False  # single-page storage is separate
    await bob.launch(AUDIT + "?a=1&b=2", scene=1155)
    assert js(bob, "wx.getLaunchOptionsSync().apiCategory") == "default"
    assert (await invoke(bob, "login"))["res"]["errMsg"] == "login:ok"
    assert (await invoke(bob, "getStorage", {"key": "k"}))["res"]["data"] == "normal"


# -- §4 wx.requestPayment ------------------------------------------------------------------------------------
@pytest_asyncio.fixture
async def notify_url() -> AsyncIterator[str]:
    """A merchant notify endpoint on 127.0.0.1 that acknowledges every notification with 204."""
    async def ok(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/notify", ok)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/notify"  # type: ignore[union-attr]
    await runner.cleanup()


def place_order(sim: Simulator, user: VirtualUser, url: str, no: str) -> dict[str, str]:
    platform = sim.services.platform
    order = platform.pay.create_jsapi({
        "appid": platform.appid, "mchid": platform.merchant.mchid, "description": "Tea", "out_trade_no": no,
        "notify_url": url, "amount": {"total": 100, "currency": "CNY"},
        "payer": {"openid": platform.login.openid(user.ctx.user_key)},
    })
    params: dict[str, str] = platform.merchant.pay_params(order.prepay_id)
    return params


async def test_request_payment_promisifies(sim: Simulator, notify_url: str) -> None:
    """§4 client call: wx.requestPayment promisifies: without callbacks it returns a Promise resolving
    {errMsg: 'requestPayment:ok'}, or rejecting with 'requestPayment:fail cancel'."""
    user = sim.user()
    page = await user.launch(AUDIT)
    ok = await page.call("invokePromise", "requestPayment", place_order(sim, user, notify_url, "AUDIT_0001"))
    assert ok == {"promise": True, "ok": True, "res": {"errMsg": "requestPayment:ok"}}
    user.payments.next("cancel")
    cancel = await page.call("invokePromise", "requestPayment", place_order(sim, user, notify_url, "AUDIT_0002"))
    assert cancel == {"promise": True, "ok": False, "res": {"errMsg": "requestPayment:fail cancel"}}


async def test_request_payment_sign_type_defaults_to_rsa(sim: Simulator, notify_url: str) -> None:
    """§4 signType: RSA is the v3 default, so a call without signType pays; signType itself is not signed."""
    user = sim.user()
    page = await user.launch(AUDIT)
    params = place_order(sim, user, notify_url, "AUDIT_0001")
    del params["signType"]
    assert (await page.call("invoke", "requestPayment", params))["res"] == {"errMsg": "requestPayment:ok"}
    assert sim.services.platform.pay.orders["AUDIT_0001"].trade_state == "SUCCESS"


# -- §6 runtime -----------------------------------------------------------------------------------------
async def test_get_app_allow_default_before_app(sim: Simulator) -> None:
    """§6 getApp({allowDefault}): before App() getApp() is undefined, with allowDefault a default
    implementation; App() then merges into it (its own fields winning), and getApp() is that same object."""
    user = sim.user()
    realm = Realm(sim.bundle, user.ctx, time_limit=sim.time_limit)
    try:
        def ev(expr: str) -> Any:
            return json.loads(realm.engine.eval(f"JSON.stringify({expr})"))

        assert ev("[typeof getApp(), typeof getApp({allowDefault: true})]") == ["undefined", "object"]
        ev("(function () { var d = getApp({allowDefault: true}); d.early = 1; d.globalData = {early: true}; "
           "globalThis.__default = d; return 0 })()")
        realm.call("requireModule", "app.js")
        realm.call("launchApp", json.dumps({"path": "pages/c/c", "query": {}, "scene": 1001}))
        assert ev("[getApp() === globalThis.__default, getApp().early, typeof getApp().onLaunch]") == [True, 1, "function"]
        assert ev("getApp().globalData.log") == ["App.onLaunch", "App.onShow"]  # App's globalData replaced the default's
    finally:
        realm.close()


async def test_on_page_scroll_argument(user: VirtualUser) -> None:
    """§6 hooks: onPageScroll receives {scrollTop}."""
    page = await user.launch(AUDIT)
    await page.scroll(120)
    assert js(user, "getApp().globalData.scrolls") == [{"scrollTop": 120}]


# -- §7 navigation --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("api", "url"), [("redirectTo", AUDIT + "?r=1"), ("reLaunch", "/pages/tab_b/tab_b?r=2"),
                                          ("switchTab", "/pages/tab_a/tab_a")])
async def test_route_apis_promisify(user: VirtualUser, api: str, url: str) -> None:
    """§7: redirectTo, reLaunch and switchTab promisify, resolving {errMsg: '<api>:ok'}."""
    page = await user.launch(AUDIT)
    assert await page.call("invokePromise", api, {"url": url}) == {"promise": True, "ok": True,
                                                                    "res": {"errMsg": f"{api}:ok"}}


async def test_navigate_back_promisifies(user: VirtualUser) -> None:
    """§7: navigateBack promisifies: {errMsg: 'navigateBack:ok'}, and the page below is shown."""
    await user.launch("/pages/tab_a/tab_a")
    await user.current_page.tap("go", dataset={"api": "navigateTo", "url": AUDIT})
    out = await user.current_page.call("invokePromise", "navigateBack", {})
    assert out == {"promise": True, "ok": True, "res": {"errMsg": "navigateBack:ok"}}
    assert routes(user) == ["pages/tab_a/tab_a"]


async def test_redirect_to_unknown_page_errmsg(user: VirtualUser) -> None:
    """§7 unknown page: the errMsg names the API, the relative path and its query:
    'redirectTo:fail page "pages/x/y?id=1" is not found'."""
    page = await user.launch("/pages/c/c")
    app_log(user)
    out = await page.tap("go", dataset={"api": "redirectTo", "url": "/pages/x/y?id=1"})
    assert out == 'redirectTo:fail page "pages/x/y?id=1" is not found'
    assert app_log(user) == [] and routes(user) == ["pages/c/c"]


async def test_event_channel_once_and_off_semantics(user: VirtualUser) -> None:
    """§7 EventChannel: `once` fires a single time, `off(name, fn)` removes that listener, `off(name)` all."""
    page = await user.launch(AUDIT)
    assert await page.call("channelSemantics") == ["on:1", "once:1", "on:2"]


# -- §9 login -----------------------------------------------------------------------------------------
async def test_check_session_fail_message(sim: Simulator) -> None:
    """§9 checkSession: without a valid session it fails with the observed "session time out, need relogin"
    and errCode -13001 (the code quoted in the other observed message)."""
    user = sim.user()
    await user.launch(AUDIT)
    out = await invoke(user, "checkSession")
    assert out["ok"] is False
    assert out["res"] == {"errMsg": "checkSession:fail session time out, need relogin", "errCode": -13001}
    await invoke(user, "login")
    assert (await invoke(user, "checkSession"))["res"] == {"errMsg": "checkSession:ok"}


async def test_login_returns_a_fresh_code_each_time(sim: Simulator) -> None:
    """§9 wx.login: {code, errMsg: 'login:ok'}; each call gives a new single-use code."""
    user = sim.user()
    await user.launch(AUDIT)
    first, second = (await invoke(user, "login"))["res"], (await invoke(user, "login"))["res"]
    assert set(first) == {"code", "errMsg"} and first["errMsg"] == "login:ok"
    assert isinstance(first["code"], str) and first["code"] != second["code"]


async def test_rejected_share_promise_uses_sync_fields(sim: Simulator) -> None:
    """§3 `promise`: only a value it resolves with (within 3 s) is used; one that rejects leaves the
    synchronous fields."""
    user = sim.user()
    page = await user.launch(AUDIT)
    await page.set_data({"shareMode": "reject"})
    t0 = sim.clock.time()
    card = await user.share()
    assert card is not None and (card.title, card.path) == ("Audit sync", "/pages/spr_audit/spr_audit?from=sync")
    assert not card.used_promise and sim.clock.time() - t0 <= 3.0
