"""A file database survives a restart (WAL mode)."""

from __future__ import annotations

from pathlib import Path

import aiohttp

from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform

from .conftest import start_shop


async def test_restart_keeps_data(tmp_path: Path, platform: WeChatPlatform, clock: VirtualClock) -> None:
    db = str(tmp_path / "shop.sqlite")
    server = await start_shop(platform, clock, db=db)
    async with aiohttp.ClientSession() as session:
        async with session.post(server.url + "/__admin/seed", json={"products": 3, "users": 1, "posts": 1}) as r:
            assert r.status == 200
        code = platform.login.issue_code("alice")
        async with session.post(server.url + "/api/auth/login", json={"code": code}) as r:
            token = (await r.json())["token"]
        assert server.backend.db.scalar("PRAGMA journal_mode") == "wal"
        await server.close()
        server = await start_shop(platform, clock, db=db)
        async with session.get(server.url + "/api/products") as r:
            assert (await r.json())["total"] == 3
        async with session.get(server.url + "/api/user/me", headers={"Authorization": f"Bearer {token}"}) as r:
            assert r.status == 200
    await server.close()
