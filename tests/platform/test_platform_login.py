"""Login server: wx.login codes, code2Session, checkSession, access tokens (wx-fidelity.md §9)."""

from __future__ import annotations

from typing import Any

import aiohttp

from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform


async def code2session(http: aiohttp.ClientSession, platform: WeChatPlatform, code: str, **over: str) -> Any:
    params = {
        "appid": platform.appid,
        "secret": platform.secret,
        "js_code": code,
        "grant_type": "authorization_code",
        **over,
    }
    async with http.get(f"{platform.base_url}/sns/jscode2session", params=params) as response:
        assert response.status == 200
        return await response.json()


async def test_code_exchanges_once_then_40163(platform: WeChatPlatform, http: aiohttp.ClientSession) -> None:
    """§9: a code is single-use; the second exchange answers 40163 "code been used"."""
    code = platform.login.issue_code("alice")
    first = await code2session(http, platform, code)
    assert set(first) == {"openid", "session_key"}
    again = await code2session(http, platform, code)
    assert again == {"errcode": 40163, "errmsg": "code been used"}


async def test_code_lives_five_minutes_on_the_clock(
    platform: WeChatPlatform, http: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    """§9: a code is valid 5 min of virtual time; an expired one answers 40029 like an unknown one."""
    fresh, stale = platform.login.issue_code("alice"), platform.login.issue_code("alice")
    await clock.advance(minutes=4, seconds=59)
    assert "openid" in await code2session(http, platform, fresh)
    await clock.advance(seconds=1)
    assert (await code2session(http, platform, stale))["errcode"] == 40029


async def test_invalid_code_40029_and_bad_secret_40125(
    platform: WeChatPlatform, http: aiohttp.ClientSession
) -> None:
    """§9: an unknown code is 40029 "invalid code"; a wrong AppSecret is 40125."""
    assert await code2session(http, platform, "nope") == {"errcode": 40029, "errmsg": "invalid code"}
    code = platform.login.issue_code("alice")
    assert (await code2session(http, platform, code, secret="wrong"))["errcode"] == 40125
    assert "openid" in await code2session(http, platform, code)  # a refused call does not burn the code


async def test_openid_stable_per_user_and_app(platform: WeChatPlatform, clock: VirtualClock) -> None:
    """§9: the openid is the same on every login of a user in an app, and differs per user and per app."""
    login = platform.login
    a1 = login.code2session(platform.appid, platform.secret, login.issue_code("alice")).openid
    a2 = login.code2session(platform.appid, platform.secret, login.issue_code("alice")).openid
    b = login.code2session(platform.appid, platform.secret, login.issue_code("bob")).openid
    assert a1 == a2 != b
    assert a1.startswith("o") and len(a1) == 28
    other = WeChatPlatform(clock, appid="wx0000000000000001", seed=7)
    other_openid = other.login.code2session(other.appid, other.secret, other.login.issue_code("alice")).openid
    assert other_openid != a1
    assert WeChatPlatform(clock, seed=99).login.openid("alice") == a1  # not tied to the sandbox seed


async def test_check_session(platform: WeChatPlatform) -> None:
    """§9: checkSession succeeds after wx.login, fails before it and after the session is dropped."""
    assert not platform.login.check_session("carol")
    platform.login.issue_code("carol")
    assert platform.login.check_session("carol")
    platform.login.expire_session("carol")
    assert not platform.login.check_session("carol")


async def test_access_token(
    platform: WeChatPlatform, http: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    """§10 server calls need /cgi-bin/token: expires_in 7200 on the clock, then 42001."""
    params = {"grant_type": "client_credential", "appid": platform.appid, "secret": platform.secret}
    async with http.get(f"{platform.base_url}/cgi-bin/token", params=params) as response:
        data = await response.json()
    assert data["expires_in"] == 7200
    platform.login.check_token(data["access_token"])
    await clock.advance(hours=2)
    url = f"{platform.base_url}/cgi-bin/message/subscribe/send?access_token={data['access_token']}"
    async with http.post(url, json={"touser": "o", "template_id": "t", "data": {}}) as response:
        assert (await response.json())["errcode"] == 42001
