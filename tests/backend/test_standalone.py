"""`python -m backend_stub` runs the stub standalone against a platform URL and stops cleanly."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import aiohttp

from mock_wx.platform import WeChatPlatform


async def test_module_entry_point(tmp_path: Path, platform: WeChatPlatform) -> None:
    db = tmp_path / "shop.sqlite"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "backend_stub", "--db", str(db), "--port", "0", "--test-mode",
        "--platform", str(platform.base_url), stdout=asyncio.subprocess.PIPE)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 20)).decode()
        url = line.split(" listening on ")[1].split()[0]
        async with aiohttp.ClientSession() as session:
            async with session.post(url + "/__admin/seed", json={"products": 2, "users": 0, "posts": 0}) as r:
                assert r.status == 200
            code = platform.login.issue_code("alice")
            async with session.post(url + "/api/auth/login", json={"code": code}) as r:
                assert r.status == 200, await r.text()
                token = (await r.json())["token"]
            async with session.post(url + "/api/orders", json={"productId": "p001"},
                                    headers={"Authorization": f"Bearer {token}"}) as r:
                assert r.status == 200  # merchant keys came from /sandbox/merchant
    finally:
        proc.terminate()
        assert await asyncio.wait_for(proc.wait(), 10) == 0
    files = sorted(p.name for p in tmp_path.iterdir())  # noqa: ASYNC240 — a tmp dir listing, not I/O-bound
    assert files == ["shop.sqlite"]  # the WAL was checkpointed on shutdown
