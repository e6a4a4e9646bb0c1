"""How a Locust greenlet should wait for work running on an asyncio loop in another OS thread.

    python benchmarks/locust_bridge_wait.py [--greenlets 50] [--jobs 100]

The Locust adapter (mock_wx/load/locust_adapter.py) runs the virtual users on an asyncio loop in its
own thread and submits each journey with `asyncio.run_coroutine_threadsafe`; the greenlet must then
wait without blocking the gevent hub. Three ways, each timed on `--greenlets` greenlets x `--jobs`
round trips of one aiohttp GET against a local aiohttp server (all on the loop thread):
  poll        `while not fut.done(): gevent.sleep(0.001)`
  callback    `fut.add_done_callback(-> hub.loop.run_callback_threadsafe(event.set))`, then `event.wait()`
  threadpool  `hub.threadpool.spawn(fut.result).get()` (gevent's native thread pool, 10 threads)
Prints jobs/s and process CPU seconds per way; the adapter uses `callback`.
"""

from __future__ import annotations  # noqa: I001  (locust first: it gevent-patches the process, as in a worker)

import locust  # noqa: F401

import argparse
import asyncio
import time

import aiohttp
import gevent  # type: ignore[import-untyped]
import gevent.event  # type: ignore[import-untyped]
from aiohttp import web
from gevent import monkey


def start_loop() -> tuple[asyncio.AbstractEventLoop, str, aiohttp.ClientSession]:
    box: list[tuple[asyncio.AbstractEventLoop, str, aiohttp.ClientSession]] = []

    def main() -> None:
        loop = asyncio.SelectorEventLoop(monkey.get_original("selectors", "DefaultSelector")())
        asyncio.set_event_loop(loop)

        async def setup() -> tuple[str, aiohttp.ClientSession]:
            app = web.Application()

            async def ok(_r: web.Request) -> web.Response:
                return web.json_response({"ok": 1})

            app.router.add_get("/ok", ok)
            runner = web.AppRunner(app)
            await runner.setup()
            site = web.TCPSite(runner, "127.0.0.1", 0)
            await site.start()
            port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
            return f"http://127.0.0.1:{port}/ok", aiohttp.ClientSession()

        url, session = loop.run_until_complete(setup())
        box.append((loop, url, session))
        loop.run_forever()

    monkey.get_original("_thread", "start_new_thread")(main, ())
    while not box:
        gevent.sleep(0.01)
    return box[0]


def main(greenlets: int, jobs: int) -> None:
    loop, url, session = start_loop()
    hub = gevent.get_hub()

    async def job() -> int:
        async with session.get(url) as r:
            await r.read()
            return r.status

    def poll(fut):  # type: ignore[no-untyped-def]
        while not fut.done():
            gevent.sleep(0.001)
        return fut.result()

    def callback(fut):  # type: ignore[no-untyped-def]
        done = gevent.event.Event()
        fut.add_done_callback(lambda _f: hub.loop.run_callback_threadsafe(done.set))
        done.wait()
        return fut.result()

    def threadpool(fut):  # type: ignore[no-untyped-def]
        return hub.threadpool.spawn(fut.result).get()

    for name, wait in (("poll", poll), ("callback", callback), ("threadpool", threadpool)):
        n = 0

        def worker(wait=wait) -> None:  # type: ignore[no-untyped-def]
            nonlocal n
            for _ in range(jobs):
                assert wait(asyncio.run_coroutine_threadsafe(job(), loop)) == 200
                n += 1

        t0, c0 = time.perf_counter(), time.process_time()
        gevent.joinall([gevent.spawn(worker) for _ in range(greenlets)], timeout=120)
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        print(f"{name:<11} {n:>6} jobs  {n / wall:>7.0f} jobs/s  cpu {cpu:.2f}s  ({cpu / n * 1e6:.0f} us/job)")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--greenlets", type=int, default=50)
    p.add_argument("--jobs", type=int, default=100)
    a = p.parse_args()
    main(a.greenlets, a.jobs)
