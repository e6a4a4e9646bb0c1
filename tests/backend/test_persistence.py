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


async def test_an_older_database_file_gets_the_new_columns(tmp_path: Path, platform: WeChatPlatform,
                                                           clock: VirtualClock) -> None:
    """A file made before `point_awards.reported` existed opens, keeps its awards and counts them as reported."""
    import sqlite3

    db = str(tmp_path / "old.sqlite")
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE point_awards (id INTEGER PRIMARY KEY, user_id TEXT NOT NULL, action TEXT NOT NULL, "
                 "object_key TEXT NOT NULL, points INTEGER NOT NULL, day TEXT NOT NULL, at REAL NOT NULL, "
                 "UNIQUE (user_id, action, object_key))")
    conn.execute("INSERT INTO point_awards (user_id, action, object_key, points, day, at) "
                 "VALUES ('u1', 'purchase', 'o1', 50, '2026-01-01', 0)")
    conn.commit()
    conn.close()
    server = await start_shop(platform, clock, db=db)
    try:
        assert server.backend.db.all("SELECT object_key, reported FROM point_awards") == [
            {"object_key": "o1", "reported": 1}]
    finally:
        await server.close()
