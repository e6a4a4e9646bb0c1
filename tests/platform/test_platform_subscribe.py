"""Subscribe messages: one send per one-time accept, 43101 otherwise (wx-fidelity.md §10)."""

from __future__ import annotations

from typing import Any

import aiohttp

from mock_wx.platform import WeChatPlatform


async def send(http: aiohttp.ClientSession, platform: WeChatPlatform, body: dict[str, Any]) -> Any:
    token, _ = platform.login.issue_token(platform.appid, platform.secret)
    url = f"{platform.base_url}/cgi-bin/message/subscribe/send?access_token={token}"
    async with http.post(url, json=body) as response:
        assert response.status == 200
        return await response.json()


async def test_send_needs_an_accept(platform: WeChatPlatform, http: aiohttp.ClientSession) -> None:
    """§10: each one-time accept allows one send; otherwise errcode 43101."""
    openid = platform.login.openid("alice")
    body = {
        "touser": openid,
        "template_id": "TPL_GROUP_DONE",
        "page": "pages/group/detail?id=1",
        "data": {"thing1": {"value": "拼团成功"}},
        "miniprogram_state": "developer",
    }
    assert await send(http, platform, body) == {"errcode": 43101, "errmsg": "user refuse to accept the msg"}
    platform.subscribe.record("alice", "TPL_GROUP_DONE", "accept")
    platform.subscribe.record("alice", "TPL_OTHER", "reject")
    assert await send(http, platform, body) == {"errcode": 0, "errmsg": "ok"}
    assert (await send(http, platform, body))["errcode"] == 43101
    [message] = platform.subscribe.sent_to("alice")
    assert message.data == {"thing1": {"value": "拼团成功"}} and message.miniprogram_state == "developer"


async def test_long_term_and_token_checks(platform: WeChatPlatform, http: aiohttp.ClientSession) -> None:
    """§10: long-term subscriptions allow repeated sends; the call needs a valid access_token (40001)."""
    platform.subscribe.record("bob", "TPL_LIVE", "accept", long_term=True)
    body = {"touser": platform.login.openid("bob"), "template_id": "TPL_LIVE", "data": {}}
    assert (await send(http, platform, body))["errcode"] == 0
    assert (await send(http, platform, body))["errcode"] == 0
    url = f"{platform.base_url}/cgi-bin/message/subscribe/send?access_token=bogus"
    async with http.post(url, json=body) as response:
        assert (await response.json())["errcode"] == 40001
