"""Sharing, scenes and launch options: user.share() / other.open(card) on a fixture app (wx-fidelity.md §3)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from fixture_apps import js
from net_servers import bundle

from mock_wx import Page, Simulator, VirtualUser


@pytest_asyncio.fixture
async def social() -> AsyncIterator[Simulator]:
    async with Simulator(bundle("social"), embedded_backend=False) as sim:
        yield sim


async def test_menu_share_calls_handler(social: Simulator) -> None:
    """§3: from the menu, onShareAppMessage gets {from: 'menu'} with no target; its fields make the card."""
    alice = social.user()
    page = await alice.launch("/pages/index/index")
    card = await alice.share()
    assert card is not None
    assert (card.title, card.path, card.imageUrl, card.kind) == ("Come shop", "/pages/detail/detail?id=42",
                                                                 "https://cdn.example.com/s.png", "chat")
    assert card.from_user == "alice" and card.from_page == "pages/index/index" and card.query == {"id": "42"}
    assert page.data["lastArg"] == {"from": "menu"}
    assert social.trace.of_kind("share")[0].data["path"] == "/pages/detail/detail?id=42"


async def test_button_share_has_target(social: Simulator) -> None:
    """§3: from a share button, `target` is the tapped button: {id, dataset}."""
    alice = social.user()
    page = await alice.launch("/pages/index/index")
    card = await alice.share(from_="button", target_dataset={"gid": "g7"}, target_id="shareBtn")
    assert card is not None and card.path == "/pages/detail/detail?gid=g7&ref=u1" and card.title == "Join group g7"
    arg = page.data["lastArg"]
    assert arg["from"] == "button" and arg["target"]["dataset"] == {"gid": "g7"} and arg["target"]["id"] == "shareBtn"


async def test_no_handler_no_share(social: Simulator) -> None:
    """§3: without onShareAppMessage the menu item is absent and a share button does nothing."""
    alice = social.user()
    await alice.launch("/pages/plain/plain?x=1")
    assert await alice.share() is None
    assert await alice.share(from_="button") is None


async def test_defaults_title_and_path(social: Simulator) -> None:
    """§3: title defaults to the app name and path to the current page with its query."""
    alice = social.user()
    page = await alice.launch("/pages/plain/plain?x=1")
    assert await page.call("showMenu") == "showShareMenu:ok"
    card = await alice.share()
    assert card is not None and card.title == "Social Shop" and card.path == "/pages/plain/plain?x=1"
    assert card.with_share_ticket


async def test_hide_share_menu(social: Simulator) -> None:
    """§3: hideShareMenu hides both items by default: nothing can be forwarded from the menu."""
    alice = social.user()
    page = await alice.launch("/pages/index/index")
    await page.call("hideAll")
    assert await alice.share() is None
    assert await alice.share(timeline=True) is None


async def test_show_timeline_needs_app_message(social: Simulator) -> None:
    """§3: showing shareTimeline requires shareAppMessage to be shown too."""
    alice = social.user()
    page = await alice.launch("/pages/plain/plain")
    assert (await page.call("badMenu")).startswith("showShareMenu:fail")


async def test_promise_within_three_seconds(social: Simulator) -> None:
    """§3: a `promise` resolving within 3 s (virtual clock) supplies the card's fields."""
    alice = social.user()
    await alice.launch("/pages/detail/detail")
    t0 = social.clock.time()
    card = await alice.share()
    assert card is not None and card.title == "async title" and card.path == "/pages/detail/detail?id=99"
    assert social.clock.time() - t0 == 1.0


async def test_promise_too_slow_uses_sync_fields(social: Simulator) -> None:
    """§3: a `promise` slower than 3 s is ignored; the synchronous fields apply."""
    alice = social.user()
    page = await alice.launch("/pages/detail/detail?id=5")
    await page.call("setDelay", 5000)
    t0 = social.clock.time()
    card = await alice.share()
    assert card is not None and card.title == "sync title" and card.path == "/pages/detail/detail?id=5"
    assert social.clock.time() - t0 == 3.0


def app_data(user: VirtualUser) -> dict[str, Any]:
    return js(user, "getApp().globalData")  # type: ignore[no-any-return]


async def test_open_single_chat_card(social: Simulator) -> None:
    """§3: a single-chat card cold-starts with scene 1007, the card's path and query, no shareTicket."""
    alice, bob = social.users(2)
    await alice.launch("/pages/index/index")
    card = await alice.share()
    assert card is not None
    page = await bob.open(card)
    assert page.route == "pages/detail/detail" and page.data["query"] == {"id": "42"}
    g = app_data(bob)
    launch = g["launches"][0]
    assert launch["scene"] == 1007 and launch["path"] == "pages/detail/detail" and launch["query"] == {"id": "42"}
    assert "shareTicket" not in launch and launch["chatType"] == 1 and launch["apiCategory"] == "default"
    assert g["launchSync"] == launch and g["enter"] == launch


async def logged_in_session(social: Simulator, page: Page) -> str:
    """Log the page's user in and return the session_key the platform holds for it."""
    platform = social.services.platform
    code = (await page.call("loginNow"))["code"]
    return platform.login.code2session(social.appid, platform.secret, code).session_key


def decrypt(session_key: str, info: dict[str, Any]) -> Any:
    dec = Cipher(algorithms.AES(base64.b64decode(session_key)), modes.CBC(base64.b64decode(info["iv"]))).decryptor()
    raw = dec.update(base64.b64decode(info["encryptedData"])) + dec.finalize()
    unpad = padding.PKCS7(128).unpadder()
    return json.loads(unpad.update(raw) + unpad.finalize())


async def test_group_card_with_share_ticket_is_scene_1044(social: Simulator) -> None:
    """§3: a card shared after showShareMenu({withShareTicket: true}) opens in a group with scene 1044 and a
    shareTicket (the ticket scene and the group-chat scene are mutually exclusive); getShareInfo decrypts it
    to {openGId}."""
    alice, bob = social.users(2)
    home = await alice.launch("/pages/index/index")
    assert await home.call("ticketMenu") == "showShareMenu:ok"
    card = await alice.share()
    assert card is not None and card.with_share_ticket
    page = await bob.open(card, chat="group")
    launch = app_data(bob)["launches"][0]
    assert launch["scene"] == 1044 and launch["chatType"] == 3 and launch["shareTicket"]
    session_key = await logged_in_session(social, page)
    await page.call("readShareInfo")
    info = page.data["shareInfo"]
    assert info["ok"] and info["errMsg"] == "getShareInfo:ok"
    assert page.data["shareInfoReturn"] == ["undefined", "undefined"]  # not promisified (§0)
    data = decrypt(session_key, info)
    assert data["openGId"].startswith("G") and data["watermark"]["appid"] == social.appid


async def test_group_card_without_share_ticket_is_scene_1008(social: Simulator) -> None:
    """§3: without withShareTicket a group open is scene 1008 and carries no shareTicket, so getShareInfo fails."""
    alice, bob = social.users(2)
    await alice.launch("/pages/index/index")
    card = await alice.share()
    assert card is not None and not card.with_share_ticket
    page = await bob.open(card, chat="group")
    launch = app_data(bob)["launches"][0]
    assert launch["scene"] == 1008 and launch["chatType"] == 3 and "shareTicket" not in launch
    await logged_in_session(social, page)
    await page.call("readShareInfo")
    assert page.data["shareInfo"] == {"ok": False, "errMsg": "getShareInfo:fail invalid shareTicket"}


async def test_update_share_menu_sets_the_ticket_of_later_shares(social: Simulator) -> None:
    """§3: the last showShareMenu/updateShareMenu call decides whether the page's next card carries a ticket."""
    alice, bob = social.users(2)
    home = await alice.launch("/pages/index/index")
    await home.call("ticketMenu")
    assert await home.call("updateTicket", False) == "updateShareMenu:ok"
    card = await alice.share()
    assert card is not None and not card.with_share_ticket
    await home.call("updateTicket", True)
    card = await alice.share()
    assert card is not None and card.with_share_ticket
    await bob.open(card, chat="group")
    assert app_data(bob)["launches"][0]["scene"] == 1044


async def test_ticket_card_in_a_single_chat_has_no_ticket(social: Simulator) -> None:
    """§3: only group-chat opens carry a shareTicket; a withShareTicket card opened in a single chat is 1007."""
    alice, bob = social.users(2)
    home = await alice.launch("/pages/index/index")
    await home.call("ticketMenu")
    card = await alice.share()
    assert card is not None
    await bob.open(card)
    launch = app_data(bob)["launches"][0]
    assert launch["scene"] == 1007 and "shareTicket" not in launch


async def test_get_group_enter_info_in_a_group(social: Simulator) -> None:
    """§3: wx.getGroupEnterInfo (2.10.4+) needs no ticket: from a group card (1008 here) it returns
    {encryptedData, iv, cloudID} decrypting to {opengid}; callbacks only, no Promise (its page: "不支持")."""
    alice, bob = social.users(2)
    await alice.launch("/pages/index/index")
    card = await alice.share()
    assert card is not None
    page = await bob.open(card, chat="group")
    session_key = await logged_in_session(social, page)
    await page.call("readGroupEnterInfo")
    info = page.data["groupInfo"]
    assert info["ok"] and info["errMsg"] == "getGroupEnterInfo:ok" and info["cloudID"]
    assert page.data["groupInfoReturn"] == ["undefined", "undefined"]
    data = decrypt(session_key, info)
    assert data["opengid"].startswith("G") and data["chat_type"] == 3 and data["watermark"]["appid"] == social.appid


async def test_group_enter_info_matches_the_share_ticket_group(social: Simulator) -> None:
    """§3: with a ticket (1044), getGroupEnterInfo's opengid is the group getShareInfo names."""
    alice, bob = social.users(2)
    home = await alice.launch("/pages/index/index")
    await home.call("ticketMenu")
    card = await alice.share()
    assert card is not None
    page = await bob.open(card, chat="group", group="family")
    session_key = await logged_in_session(social, page)
    await page.call("readShareInfo")
    await page.call("readGroupEnterInfo")
    share_info = decrypt(session_key, page.data["shareInfo"])
    group_info = decrypt(session_key, page.data["groupInfo"])
    assert group_info["opengid"] == share_info["openGId"]


async def test_get_group_enter_info_outside_a_group_fails(social: Simulator) -> None:
    """§3: outside a group-chat entry (a single-chat card) getGroupEnterInfo fails with errCode 40097 (场景错误)."""
    alice, bob = social.users(2)
    await alice.launch("/pages/index/index")
    card = await alice.share()
    assert card is not None
    page = await bob.open(card)
    await logged_in_session(social, page)
    await page.call("readGroupEnterInfo")
    assert page.data["groupInfo"] == {"ok": False, "errMsg": "getGroupEnterInfo:fail 场景错误", "errCode": 40097}


async def test_hot_start_from_card(social: Simulator) -> None:
    """§3: opening a card while the app lives is a hot start: App.onShow gets the new options, the launch options stay."""
    alice, bob = social.users(2)
    home = await alice.launch("/pages/index/index")
    await home.call("ticketMenu")
    card = await alice.share()
    assert card is not None
    await bob.launch("/pages/index/index")
    page = await bob.open(card, chat="group")
    g = app_data(bob)
    assert len(g["launches"]) == 1 and g["launches"][0]["scene"] == 1001
    assert g["shows"][-1]["scene"] == 1044 and g["enter"]["scene"] == 1044 and g["enter"]["shareTicket"]
    assert page.route == "pages/detail/detail" and page.data["query"] == {"id": "42"}


async def test_timeline_card_single_page_mode(social: Simulator) -> None:
    """§3: onShareTimeline returns a query; opening it is scene 1154: browseOnly, no login, no routing, own storage."""
    alice, bob = social.users(2)
    await alice.launch("/pages/index/index")
    card = await alice.share(timeline=True)
    assert card is not None and card.kind == "timeline" and card.query == {"id": "7", "from": "tl"}
    assert card.title == "Timeline deal" and card.path == "/pages/index/index"
    bob_home = await bob.launch("/pages/index/index")
    await bob_home.call("setItem", "k", "normal")
    page = await bob.open(card)
    g = app_data(bob)
    launch = g["launches"][0]
    assert launch["scene"] == 1154 and launch["apiCategory"] == "browseOnly" and launch["query"] == {"id": "7", "from": "tl"}
    assert g["login"]["ok"] is False and g["login"]["errMsg"].startswith("login:fail")
    assert (await page.call("goDetail")).startswith("navigateTo:fail")
    assert await page.call("getItem", "k") == ""
    home = await bob.launch("/pages/index/index")
    assert await home.call("getItem", "k") == "normal"


async def test_share_app_message_api_absent(social: Simulator) -> None:
    """§3: wx.shareAppMessage does not exist in mini programs (strict: undefined)."""
    alice = social.user()
    await alice.launch("/pages/index/index")
    assert js(alice, "typeof wx.shareAppMessage") == "undefined"


async def test_async_share_handler_is_ignored(social: Simulator) -> None:
    """§3: the handler must return an object; an async handler's Promise is ignored (defaults) and reported."""
    alice = social.user()
    await alice.launch("/pages/plain/plain?async=1")
    card = await alice.share()
    assert card is not None and card.title == "Social Shop" and card.path == "/pages/plain/plain?async=1"
    assert [f.kind for f in social.trace.findings] == ["async-share-handler"]


async def test_hidden_menu_belongs_to_the_page(social: Simulator) -> None:
    """§3: hideShareMenu acts on the current page; a relaunched page shows its menu again."""
    alice = social.user()
    page = await alice.launch("/pages/index/index")
    await page.call("hideAll")
    assert await alice.share() is None
    await alice.launch("/pages/index/index")
    assert await alice.share() is not None
