"""§8 UI feedback: toast, loading, modal, action sheet — options, defaults, answers and failures."""

from __future__ import annotations

from typing import Any

import pytest

from mock_wx import VirtualUser


async def ui(user: VirtualUser, api: str, opts: dict[str, Any] | None = None) -> Any:
    page = user.current_page if user.running else await user.launch("/pages/ui/ui")
    return await page.tap("call", detail={"api": api, "opts": opts or {}})


async def test_toast_defaults(user: VirtualUser) -> None:
    """§8: showToast defaults: icon 'success', duration 1500 ms, mask false."""
    assert await ui(user, "showToast", {"title": "已保存"}) == {"ok": {"errMsg": "showToast:ok"}}
    toast = user.ctx.ui["toast"]
    assert (toast["title"], toast["icon"], toast["duration"], toast["mask"]) == ("已保存", "success", 1500, False)


async def test_toast_options_recorded(user: VirtualUser) -> None:
    """§8: showToast records icon ('none', 'error', 'loading') and duration as given."""
    await ui(user, "showToast", {"title": "网络错误", "icon": "error", "duration": 3000})
    assert user.dialogs.shown[-1]["icon"] == "error"
    assert user.dialogs.shown[-1]["duration"] == 3000


async def test_toast_needs_title(user: VirtualUser) -> None:
    """§8: showToast's title is required."""
    out = await ui(user, "showToast", {})
    assert out["failed"].startswith("showToast:fail parameter error")


async def test_loading_until_hidden_and_one_at_a_time(user: VirtualUser) -> None:
    """§8: showLoading stays until hideLoading; only one of toast/loading is visible at a time."""
    await ui(user, "showLoading", {"title": "加载中", "mask": True})
    assert user.ctx.ui["loading"] == {"title": "加载中", "mask": True}
    await user.sim.clock.advance(seconds=60)
    assert "loading" in user.ctx.ui
    await ui(user, "showToast", {"title": "好"})
    assert "loading" not in user.ctx.ui and "toast" in user.ctx.ui
    await ui(user, "showLoading", {"title": "again"})
    assert await ui(user, "hideLoading") == {"ok": {"errMsg": "hideLoading:ok"}}
    assert "loading" not in user.ctx.ui


async def test_modal_default_answer_is_confirm(user: VirtualUser) -> None:
    """§8: showModal succeeds with {confirm, cancel}; the default user policy confirms."""
    out = await ui(user, "showModal", {"title": "提示", "content": "确定吗"})
    assert out == {"ok": {"confirm": True, "cancel": False, "errMsg": "showModal:ok"}}
    shown = user.dialogs.shown[-1]
    assert (shown["confirmText"], shown["cancelText"], shown["showCancel"]) == ("确定", "取消", True)
    assert (shown["confirmColor"], shown["cancelColor"], shown["editable"]) == ("#576B95", "#000000", False)


async def test_modal_without_cancel_button(user: VirtualUser) -> None:
    """§8: with showCancel false there is no cancel button, so even a cancelling user confirms."""
    user.dialogs.modal = "cancel"
    out = await ui(user, "showModal", {"title": "知道了", "showCancel": False})
    assert out["ok"]["confirm"] is True and user.dialogs.shown[-1]["showCancel"] is False


async def test_modal_cancel_is_success_with_cancel_true(user: VirtualUser) -> None:
    """§8: cancelling a modal is still success, with cancel: true and confirm: false."""
    user.dialogs.next("modal", "cancel")
    out = await ui(user, "showModal", {"title": "删除?"})
    assert out == {"ok": {"confirm": False, "cancel": True, "errMsg": "showModal:ok"}}


async def test_modal_answer_in_callback_style(user: VirtualUser) -> None:
    """§8: a page's showModal success callback sees the user's answer (per-user policy)."""
    page = await user.launch("/pages/ui/ui")
    assert await page.call("confirmDelete") == "deleted"
    user.dialogs.modal = "cancel"
    assert await page.call("confirmDelete") == "kept"


async def test_modal_editable_content(user: VirtualUser) -> None:
    """§8: an editable modal returns the typed text in `content`."""
    user.dialogs.next("modal", "content:hello")
    out = await ui(user, "showModal", {"title": "备注", "editable": True})
    assert out["ok"]["content"] == "hello" and out["ok"]["confirm"] is True


async def test_modal_button_text_over_four_chars_fails(user: VirtualUser) -> None:
    """§8: confirmText over 4 Chinese characters fails and no dialog appears."""
    out = await ui(user, "showModal", {"title": "t", "confirmText": "确定确定确"})
    assert out == {"failed": "showModal:fail confirmText length should not larger than 4 Chinese characters"}
    out = await ui(user, "showModal", {"title": "t", "cancelText": "再想一想吧"})
    assert out == {"failed": "showModal:fail cancelText length should not larger than 4 Chinese characters"}
    assert not [d for d in user.dialogs.shown if d["kind"] == "modal"]


async def test_modal_four_chinese_or_eight_ascii_allowed(user: VirtualUser) -> None:
    """§8: exactly 4 Chinese characters (an ASCII letter counts half) is allowed."""
    assert "ok" in await ui(user, "showModal", {"title": "t", "confirmText": "立即购买"})
    assert "ok" in await ui(user, "showModal", {"title": "t", "confirmText": "Buy now!"})


async def test_action_sheet_tap_index(user: VirtualUser) -> None:
    """§8: showActionSheet succeeds with the 0-based tapIndex of the chosen item."""
    user.dialogs.next("action_sheet", 2)
    out = await ui(user, "showActionSheet", {"itemList": ["a", "b", "c"]})
    assert out == {"ok": {"tapIndex": 2, "errMsg": "showActionSheet:ok"}}
    assert user.dialogs.shown[-1]["itemColor"] == "#000000"  # default


async def test_action_sheet_cancel_fails(user: VirtualUser) -> None:
    """§8: cancelling an action sheet fails with 'showActionSheet:fail cancel'."""
    user.dialogs.next("action_sheet", "cancel")
    assert await ui(user, "showActionSheet", {"itemList": ["a"]}) == {"failed": "showActionSheet:fail cancel"}


async def test_action_sheet_answered_by_item_text(user: VirtualUser) -> None:
    """§8: the test may name the item to tap; the page gets that item's 0-based tapIndex."""
    user.dialogs.next("action_sheet", "分享给朋友")
    out = await ui(user, "showActionSheet", {"itemList": ["生成海报", "分享给朋友", "举报"]})
    assert out == {"ok": {"tapIndex": 1, "errMsg": "showActionSheet:ok"}}
    user.dialogs.action_sheet = "举报"  # the standing policy takes item text too
    out = await ui(user, "showActionSheet", {"itemList": ["生成海报", "分享给朋友", "举报"]})
    assert out["ok"]["tapIndex"] == 2
    assert user.dialogs.shown[-1]["answer"] == 2


async def test_action_sheet_unknown_item_text_fails_the_test(user: VirtualUser) -> None:
    """§8 rig: naming an item the sheet does not have is a test mistake: ValueError listing the items."""
    user.dialogs.next("action_sheet", "收藏")
    with pytest.raises(ValueError, match=r"'收藏' is not one of its items \['生成海报', '举报'\]"):
        await ui(user, "showActionSheet", {"itemList": ["生成海报", "举报"]})


async def test_action_sheet_max_six_items(user: VirtualUser) -> None:
    """§8: itemList holds at most 6 items; 7 fails."""
    out = await ui(user, "showActionSheet", {"itemList": list("abcdefg")})
    assert out["failed"].startswith("showActionSheet:fail")
    assert "ok" in await ui(user, "showActionSheet", {"itemList": list("abcdef")})


async def test_dialog_answers_are_per_user(user: VirtualUser) -> None:
    """§8 rig: dialog answers are set per user; another user keeps the default (confirm)."""
    bob = user.sim.user("bob")
    user.dialogs.modal = "cancel"
    assert (await ui(user, "showModal", {"title": "x"}))["ok"]["cancel"] is True
    assert (await ui(bob, "showModal", {"title": "x"}))["ok"]["confirm"] is True
