"""Bridge and realm costs, each beside a baseline measured in the same run (DESIGN.md performance targets).

    python benchmarks/bridge.py [--app DIR] [--realms 1,100,1000] [--calls N]

Prints, for the sample app (`miniprogram/`, or a fixture app if it is missing) launched on its first
page, with `wx.request` answered by an in-process mock so no network is involved:

- sync `wx.getStorageSync` from JS, µs per call, against a plain Python function call and a bare
  host call (an empty Python callable called from JS);
- async `await wx.getStorage(...)` resolved from Python (JS → invoke → Python handler → resolve →
  promise job → JS continues), µs per round trip, against `await Promise.resolve()` in JS;
- an awaited call of an app file's `async` helper as the loader rewrites it (async_rewrite.py: its promise
  is tracked for unhandled rejections), µs per call, against the same helper as written;
- realm creation + app launch, ms, against creating an empty QuickJS context;
- RSS per realm for 1, 100 and 1,000 launched users (each in a fresh subprocess), against the RSS
  per empty QuickJS context in the same process. Targets: sync < 20 µs, async < 100 µs, ≤ 1 MiB/realm.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import subprocess
import sys
import time
import timeit
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import quickjs  # noqa: E402

from mock_wx import Simulator  # noqa: E402
from mock_wx.runtime import AppBundle  # noqa: E402
from mock_wx.runtime.async_rewrite import rewrite_async  # noqa: E402

FALLBACK_APP = ROOT / "tests" / "fixtures" / "apps" / "opensource_style"


def default_app() -> Path:
    app = ROOT / "miniprogram"
    return app if (app / "app.json").is_file() else FALLBACK_APP


def fake_backend(ctx: Any, args: dict[str, Any]) -> dict[str, Any]:
    """Plausible answers for the sample app's first page (login, product list); 200 {} otherwise."""
    url = str(args.get("url", ""))
    if "/auth/login" in url:
        body: Any = {"token": "t-" + ctx.user, "user": {"id": ctx.user, "nickname": ctx.user}}
    elif "/products" in url:
        body = {"products": [{"id": f"p{i}", "title": f"商品 {i}", "price": 990 + i, "stock": 10,
                              "images": [f"https://img.example.com/{i}.jpg"]} for i in range(10)],
                "total": 40, "hasMore": True}
    else:
        body = {}
    return {"statusCode": 200, "data": body, "header": {"Content-Type": "application/json"}}


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def launched_users(app: Path, n: int) -> tuple[Simulator, list[Any]]:
    sim = Simulator(AppBundle.load(app), embedded_backend=False, trace=False)
    await sim.start()
    users = []
    for _ in range(n):
        u = sim.user()
        u.ctx.mocks["request"] = fake_backend
        await u.launch()
        users.append(u)
    return sim, users


def best_of(fn: Any, rounds: int = 5) -> float:
    return min(fn() for _ in range(rounds))


# ---------------------------------------------------------------------------------------------- measures
def py_call_us() -> float:
    def f() -> None:
        return None

    n = 1_000_000
    return best_of(lambda: timeit.timeit(f, number=n)) / n * 1e6


def bare_host_call_us(calls: int) -> float:
    ctx = quickjs.Context()
    ctx.add_callable("noop", lambda *a: None)
    ctx.eval("function loop(n) { for (var i = 0; i < n; i++) noop('k'); }")
    loop = ctx.get("loop")

    def run() -> float:
        t = time.perf_counter()
        loop(calls)
        return time.perf_counter() - t

    return best_of(run) / calls * 1e6


def sync_call_us(user: Any, calls: int) -> float:
    engine = user.realm.engine
    engine.eval("wx.setStorageSync('bench', {a: 1, b: 'two'});"
                "globalThis.__benchSync = function (n) { for (var i = 0; i < n; i++) wx.getStorageSync('bench'); };")
    loop = engine.function("__benchSync")

    def run() -> float:
        t = time.perf_counter()
        engine.call(loop, calls)
        return time.perf_counter() - t

    return best_of(run) / calls * 1e6


def async_call_us(user: Any, calls: int) -> tuple[float, float]:
    """(wx round trip, plain JS await) in µs: sequential awaits, the realm pumped from Python."""
    realm = user.realm
    engine = realm.engine
    engine.eval("""
      globalThis.__benchDone = 0;
      globalThis.__benchAsync = async function (n) {
        for (var i = 0; i < n; i++) await wx.getStorage({ key: 'bench' });
        __benchDone = 1;
      };
      globalThis.__benchAwait = async function (n) {
        for (var i = 0; i < n; i++) await Promise.resolve(i);
        __benchDone = 1;
      };""")

    def run(fn: str) -> float:
        f = engine.function(fn)
        engine.eval("__benchDone = 0")
        t = time.perf_counter()
        engine.call(f, calls)
        realm.pump()
        elapsed = time.perf_counter() - t
        assert engine.eval("__benchDone") == 1, "the async loop did not finish within one pump"
        return elapsed

    wx_us = best_of(lambda: run("__benchAsync")) / calls * 1e6
    js_us = best_of(lambda: run("__benchAwait")) / calls * 1e6
    return wx_us, js_us


def async_helper_us(user: Any, calls: int) -> tuple[float, float]:
    """(rewritten, as written) in µs per awaited call of `async function helper(i) {...}`: the cost the
    load-time rewrite adds to every call of an app's async function."""
    realm = user.realm
    engine = realm.engine
    helper = "async function helper(i) { await null; return i + 1 }"
    make = "(function () {{{}; return helper }})()"
    engine.eval(f"globalThis.__benchHelpers = [{make.format(rewrite_async(helper))}, {make.format(helper)}];")
    engine.eval("""
      globalThis.__benchHelper = async function (k, n) {
        var h = __benchHelpers[k];
        for (var i = 0; i < n; i++) await h(i);
        __benchDone = 1;
      };""")

    def run(k: int) -> float:
        f = engine.function("__benchHelper")
        engine.eval("__benchDone = 0")
        t = time.perf_counter()
        engine.call(f, k, calls)
        realm.pump()
        elapsed = time.perf_counter() - t
        assert engine.eval("__benchDone") == 1, "the helper loop did not finish within one pump"
        return elapsed

    return best_of(lambda: run(0)) / calls * 1e6, best_of(lambda: run(1)) / calls * 1e6


async def creation_ms(app: Path, n: int) -> tuple[float, float]:
    """(realm + launch, empty QuickJS context) in ms, median of n."""
    sim = Simulator(AppBundle.load(app), embedded_backend=False, trace=False)
    await sim.start()
    times = []
    for _ in range(n):
        u = sim.user()
        u.ctx.mocks["request"] = fake_backend
        t = time.perf_counter()
        await u.launch()
        times.append(time.perf_counter() - t)
        u.close()
    await sim.close()
    empty = []
    for _ in range(n):
        t = time.perf_counter()
        quickjs.Context()
        empty.append(time.perf_counter() - t)
    return statistics.median(times) * 1e3, statistics.median(empty) * 1e3


def child_rss(kind: str, n: int, app: str) -> dict[str, Any]:
    """Run in a subprocess: RSS growth per realm (or per empty context) for n of them."""

    async def realms() -> dict[str, Any]:
        warm_sim, _ = await launched_users(Path(app), 1)  # imports and shared Python state: not counted
        gc.collect()
        before = rss_kib()
        sim, users = await launched_users(Path(app), n)
        gc.collect()
        after = rss_kib()
        heap = users[0].realm.engine.memory().get("malloc_size", 0) // 1024
        await sim.close()
        await warm_sim.close()
        return {"kind": kind, "n": n, "per_kib": (after - before) / n, "heap_kib": heap}

    if kind == "realm":
        return asyncio.run(realms())
    gc.collect()
    before = rss_kib()
    keep = [quickjs.Context() for _ in range(n)]
    gc.collect()
    return {"kind": kind, "n": n, "per_kib": (rss_kib() - before) / len(keep), "heap_kib": 0}


def measure_rss(kind: str, n: int, app: Path) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(n), "--app", str(app)],
                         check=True, capture_output=True, text=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


# ---------------------------------------------------------------------------------------------- main
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--app", default=str(default_app()))
    parser.add_argument("--realms", default="1,100,1000")
    parser.add_argument("--calls", type=int, default=20_000)
    parser.add_argument("--child", nargs=2, metavar=("KIND", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    app = Path(args.app)
    if args.child:
        print(json.dumps(child_rss(args.child[0], int(args.child[1]), str(app))))
        return

    print(f"app: {app.relative_to(ROOT) if app.is_relative_to(ROOT) else app}   quickjs binding: "
          f"{getattr(quickjs, '__version__', 'quickjs-py')}   python {sys.version.split()[0]}")
    print()
    base_py = py_call_us()
    base_host = bare_host_call_us(args.calls)

    async def in_loop() -> tuple[float, float, float, tuple[float, float], float, float]:
        # On the event loop, as in a simulation: the bridge schedules its pumps there.
        sim, users = await launched_users(app, 1)
        sync_us = sync_call_us(users[0], args.calls)
        wx_async_us, js_await_us = async_call_us(users[0], args.calls // 4)
        helper_us = async_helper_us(users[0], args.calls)
        await sim.close()
        create_ms, empty_ms = await creation_ms(app, 50)
        return sync_us, wx_async_us, js_await_us, helper_us, create_ms, empty_ms

    sync_us, wx_async_us, js_await_us, helper_us, create_ms, empty_ms = asyncio.run(in_loop())

    def row(name: str, value: float, unit: str, base_name: str, base: float, target: str) -> None:
        print(f"{name:<38} {value:>9.2f} {unit:<4} {base_name:<30} {base:>8.3f} {unit:<4} x{value / base:>7.1f}   {target}")

    print(f"{'measure':<38} {'value':>9} {'':<4} {'baseline (same run)':<30} {'base':>8} {'':<4} {'ratio':>8}   target")
    row("sync wx.getStorageSync from JS", sync_us, "µs", "plain Python call", base_py, "< 20 µs")
    row("  (bare host call from JS)", base_host, "µs", "plain Python call", base_py, "")
    row("async await wx.getStorage (Python)", wx_async_us, "µs", "await Promise.resolve() in JS", js_await_us,
        "< 100 µs")
    row("await an app's async helper", helper_us[0], "µs", "the helper as written (untracked)", helper_us[1], "")
    row("realm creation + app launch", create_ms, "ms", "empty QuickJS context", empty_ms, "")
    for n in [int(x) for x in args.realms.split(",") if x]:
        realm = measure_rss("realm", n, app)
        empty = measure_rss("empty", n, app)
        row(f"RSS per realm, {n} realms", realm["per_kib"], "KiB", "RSS per empty QuickJS context",
            max(empty["per_kib"], 1e-9), "≤ 1024 KiB")
    print(f"\nQuickJS heap of one launched realm (malloc_size): {realm['heap_kib']} KiB")


if __name__ == "__main__":
    main()
