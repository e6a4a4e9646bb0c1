"""Native dialogs and permission prompts, answered by policy or one-shot (docs/testing-api.md, "Native")."""

from __future__ import annotations

import pytest

from mock_wx import Page, Simulator, VirtualUser, WxApiError
from mock_wx.api.permissions import GREY_AVATAR


async def test_handle_modal_by_policy_and_one_shot(user: VirtualUser, home: Page) -> None:
    """native.handle_modal(btn_text) / mock_show_modal: answered before it appears, headlessly."""
    await home.tap("confirmDelete")
    assert home.data["deleted"] is True  # default policy: confirm
    user.dialogs.next("modal", "cancel")
    await home.tap("confirmDelete")
    assert home.data["deleted"] is False
    user.dialogs.modal = "cancel"
    await home.tap("confirmDelete")
    assert home.data["deleted"] is False


async def test_handle_action_sheet(user: VirtualUser, home: Page) -> None:
    """native.handle_action_sheet(item) / mock_show_action_sheet(tap_index)."""
    user.dialogs.next("action_sheet", 2)
    await home.tap("pickAction")
    assert home.data["picked"] == 2
    user.dialogs.next("action_sheet", "cancel")
    await home.tap("pickAction")
    assert home.data["picked"] == "showActionSheet:fail cancel"


async def test_allow_authorize_policy_and_the_first_call_prompts(user: VirtualUser, home: Page) -> None:
    """native.allow_authorize(True) / allow_get_location: the first getLocation prompts, then sticks."""
    await home.tap("where")
    assert home.data["lat"] == pytest.approx(22.540503)
    await home.tap("where")
    prompts = [d for d in user.dialogs.shown if d["kind"] == "authorize"]
    assert prompts == [{"kind": "authorize", "t": prompts[0]["t"], "scope": "scope.userLocation", "api": "getLocation",
                        "answer": "allow"}]
    assert user.auth_setting == {"scope.userLocation": True}


async def test_deny_then_no_prompt_until_open_setting(user: VirtualUser, home: Page) -> None:
    """allow_authorize(False): deny → `getLocation:fail auth deny`; later calls fail without prompting."""
    user.dialogs.next("authorize", "deny")
    await home.tap("where")
    assert home.data["locError"] == "getLocation:fail auth deny"
    user.dialogs.next("authorize", "allow")  # would allow, but no prompt is shown any more
    await home.tap("where")
    assert home.data["locError"] == "getLocation:fail auth deny"
    assert len([d for d in user.dialogs.shown if d["kind"] == "authorize"]) == 1
    await home.tap("readSettings")
    assert home.data["settings"] == {"scope.userLocation": False}
    await home.tap("openSettings")  # the user switches location back on
    assert home.data["settings"] == {"scope.userLocation": True}
    await home.tap("where")
    assert home.data["locError"] == "" and home.data["lat"] == pytest.approx(22.540503)


async def test_wx_authorize_and_open_setting_choices(user: VirtualUser, home: Page) -> None:
    user.dialogs.authorize = "deny"
    await home.tap("askAuthorize")
    assert home.data["auth"] == "authorize:fail auth deny"
    user.dialogs.next("settings", {"scope.userLocation": False, "scope.address": True})
    await home.tap("openSettings")
    assert home.data["settings"] == {"scope.userLocation": False, "scope.address": True}
    with pytest.raises(WxApiError, match="openSetting:fail can only be invoked by user TAP gesture"):
        await user.call_wx("openSetting")


async def test_choose_address(user: VirtualUser, home: Page) -> None:
    await home.tap("askAddress")
    assert home.data["address"] == "新港中路397号"
    user.dialogs.next("address", "cancel")
    await home.tap("askAddress")
    assert home.data["address"] == "chooseAddress:fail cancel"
    assert [d["kind"] for d in user.dialogs.shown] == ["authorize", "addressPicker", "addressPicker"]


async def test_get_user_profile_needs_a_tap_and_gives_the_grey_profile(user: VirtualUser, home: Page) -> None:
    """allow_get_user_info: getUserProfile after a tap → "微信用户" with the grey avatar (§9)."""
    await home.tap("askProfile")
    assert home.data["nick"] == "微信用户" and home.data["avatar"] == GREY_AVATAR
    await home.call("askProfile")  # not a tap
    assert home.data["nick"] == "getUserProfile:fail can only be invoked by user TAP gesture."
    user.dialogs.next("authorize", "deny")
    await home.tap("askProfile")
    assert home.data["nick"] == "getUserProfile:fail auth deny"


async def test_dialogs_shown_lists_everything(user: VirtualUser, home: Page) -> None:
    """app.get_modals(): what was shown, in order, with the answers given."""
    user.mock_wx("request", fail="timeout")
    await home.tap("confirmDelete")
    await home.tap("loadItems")
    await home.tap("pickAction")
    kinds = [(d["kind"], d.get("answer")) for d in user.dialogs.shown]
    assert kinds == [("modal", "confirm"), ("toast", None), ("actionSheet", 0)]


async def test_undeclared_private_info_fails_in_strict_mode(tmp_path) -> None:
    """Since 2022-07-14 getLocation must be declared in app.json requiredPrivateInfos."""
    (tmp_path / "pages" / "p").mkdir(parents=True)
    (tmp_path / "app.json").write_text('{"pages": ["pages/p/p"]}')
    (tmp_path / "app.js").write_text("App({})")
    (tmp_path / "pages" / "p" / "p.js").write_text(
        "Page({ async go() { try { await wx.getLocation() } catch (e) { this.setData({ e: e.errMsg }) } } })")
    async with Simulator(tmp_path, embedded_backend=False) as sim:
        page = await sim.user().launch()
        await page.tap("go")
        assert page.data["e"] == ("getLocation:fail the api need to be declared in the requiredPrivateInfos field in "
                                  "app.json/ext.json")


async def test_one_shot_answer_of_any_kind(user: VirtualUser, home: Page) -> None:
    """`user.dialogs.next("cancel")` answers the next native dialog, whatever it is."""
    user.dialogs.next("cancel")
    await home.tap("pickAction")
    assert home.data["picked"] == "showActionSheet:fail cancel"
    user.dialogs.next("cancel")
    await home.tap("where")  # the location prompt: cancel means deny
    assert home.data["locError"] == "getLocation:fail auth deny"
    user.dialogs.next("confirm")
    await home.tap("confirmDelete")
    assert home.data["deleted"] is True
