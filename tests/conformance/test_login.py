"""wx.login / wx.checkSession with the platform's code2Session over real HTTP (wx-fidelity.md §9)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest_asyncio
from net_servers import bundle

from mock_wx import Simulator


@pytest_asyncio.fixture
async def login_sim() -> AsyncIterator[Simulator]:
    async with Simulator(bundle("pay"), embedded_backend=False) as sim:
        yield sim


async def code2session(sim: Simulator, code: str) -> dict[str, Any]:
    """What a merchant backend does with the code: GET /sns/jscode2session on the platform."""
    platform = sim.services.platform
    params = {"appid": sim.appid, "secret": platform.secret, "js_code": code, "grant_type": "authorization_code"}
    async with aiohttp.ClientSession() as http, http.get(f"{platform.base_url}/sns/jscode2session", params=params) as r:
        return await r.json(content_type=None)  # type: ignore[no-any-return]


async def login(sim: Simulator, name: str | None = None) -> tuple[Any, str]:
    user = sim.user(name)
    page = user.current_page if user.running else await user.launch("/pages/index/index")
    out = await page.call("login")
    assert out["ok"] and out["res"]["errMsg"] == "login:ok"
    return page, out["res"]["code"]


async def test_login_code_gives_stable_openid(login_sim: Simulator) -> None:
    """§9: wx.login → {code}; code2Session gives openid + session_key, the openid stable per user and app."""
    page, code = await login(login_sim, "alice")
    first = await code2session(login_sim, code)
    assert first.get("errcode", 0) == 0 and first["openid"] and first["session_key"]
    again = await code2session(login_sim, (await page.call("login"))["res"]["code"])
    assert again["openid"] == first["openid"]
    _, bob_code = await login(login_sim, "bob")
    assert (await code2session(login_sim, bob_code))["openid"] != first["openid"]


async def test_code_is_single_use(login_sim: Simulator) -> None:
    """§9: a code works once; reuse gives 40163 "code been used"."""
    _, code = await login(login_sim)
    await code2session(login_sim, code)
    assert (await code2session(login_sim, code))["errcode"] == 40163


async def test_code_expires_after_five_minutes(login_sim: Simulator) -> None:
    """§9: a code is valid 5 minutes on the simulation clock; after that it is invalid (40029)."""
    _, code = await login(login_sim)
    await login_sim.clock.advance(minutes=5, seconds=1)
    assert (await code2session(login_sim, code))["errcode"] == 40029


async def test_check_session(login_sim: Simulator) -> None:
    """§9: checkSession succeeds after a login and fails once the platform drops the session."""
    user = login_sim.user()
    page = await user.launch("/pages/index/index")
    assert (await page.call("checkSession"))["ok"] is False
    await page.call("login")
    assert (await page.call("checkSession"))["res"] == {"errMsg": "checkSession:ok"}
    login_sim.services.platform.login.expire_session(user.ctx.user_key)
    out = await page.call("checkSession")
    assert out["ok"] is False and out["res"]["errMsg"].startswith("checkSession:fail")
