"""Requests/s of the backend stub: a read route (GET /api/products) and the group join route.

Runs the stub and the platform sandbox in-process on 127.0.0.1 and drives them with a bare aiohttp
client (keep-alive, `--concurrency` requests in flight). Join requests include the stub's prepay call
to the platform, as in real use.

    python benchmarks/backend_throughput.py [--reads 5000] [--joins 1000] [--concurrency 32]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Awaitable, Callable

import aiohttp
from aiohttp import web

from backend_stub import BackendConfig, BackendServer
from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform


async def _drive(n: int, concurrency: int, call: Callable[[int], Awaitable[int]]) -> tuple[float, dict[int, int]]:
    queue = iter(range(n))
    statuses: dict[int, int] = {}

    async def worker() -> None:
        for i in queue:
            status = await call(i)
            statuses[status] = statuses.get(status, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return n / (time.perf_counter() - started), statuses


async def _bare_baseline(session: aiohttp.ClientSession, body: bytes, n: int, concurrency: int) -> float:
    """The same client against an aiohttp handler that only returns `body`."""
    app = web.Application()

    async def handler(_: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    app.router.add_get("/api/products", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def read(_: int) -> int:
        async with session.get(f"http://127.0.0.1:{port}/api/products") as resp:
            await resp.read()
            return resp.status

    await _drive(200, concurrency, read)
    rps, _ = await _drive(n, concurrency, read)
    await runner.cleanup()
    return rps


async def main(reads: int, joins: int, concurrency: int) -> None:
    clock = VirtualClock()
    async with WeChatPlatform(clock) as platform, BackendServer(
        BackendConfig(test_mode=True, platform_url=platform.base_url, clock=clock.time)
    ) as server:
        url = server.url
        connector = aiohttp.TCPConnector(limit=concurrency)
        async with aiohttp.ClientSession(connector=connector) as session:
            await (await session.post(url + "/__admin/seed", json={"products": 20, "users": 10, "posts": 30})).read()

            async def read(i: int) -> int:
                async with session.get(f"{url}/api/products?page={i % 2 + 1}&limit=10") as resp:
                    await resp.read()
                    return resp.status

            await _drive(200, concurrency, read)  # warm-up
            read_rps, read_status = await _drive(reads, concurrency, read)
            async with session.get(f"{url}/api/products?page=1&limit=10") as resp:
                body = await resp.read()
            bare_rps = await _bare_baseline(session, body, reads, concurrency)

            # One user per join (one open group per user per product), groups of 20 made by creators.
            server.backend.db.run("UPDATE products SET stock=1000000 WHERE id='p001'")
            tokens = []
            for i in range(joins + joins // 19 + 1):
                code = platform.login.issue_code(f"bench-{i}")
                async with session.post(url + "/api/auth/login", json={"code": code}) as resp:
                    tokens.append((await resp.json())["token"])
            creators, joiners = tokens[: joins // 19 + 1], tokens[joins // 19 + 1:]
            groups = []
            for token in creators:
                async with session.post(url + "/api/group-buy/create", json={"productId": "p001", "maxParticipants": 20},
                                        headers={"Authorization": f"Bearer {token}"}) as resp:
                    groups.append((await resp.json())["groupId"])

            async def join(i: int) -> int:
                headers = {"Authorization": f"Bearer {joiners[i]}"}
                async with session.post(f"{url}/api/group-buy/{groups[i // 19]}/join", headers=headers) as resp:
                    await resp.read()
                    return resp.status

            join_rps, join_status = await _drive(joins, concurrency, join)
    print(f"bare aiohttp, same body    {bare_rps:8.0f} req/s  (a handler returning the bytes: the ceiling here)")
    print(f"GET /api/products          {read_rps:8.0f} req/s  ({reads} requests, {concurrency} in flight, {read_status}; "
          f"{read_rps / bare_rps:.0%} of bare)")
    print(f"POST /api/group-buy/{{id}}/join {join_rps:6.0f} req/s  ({joins} joins incl. platform prepay, {join_status})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reads", type=int, default=5000)
    parser.add_argument("--joins", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=32)
    args = parser.parse_args()
    asyncio.run(main(args.reads, args.joins, args.concurrency))
