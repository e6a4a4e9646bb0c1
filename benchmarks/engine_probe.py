"""Probe a JS engine binding for the runtime's needs (docs/engine.md): run it in a venv per binding.

    python -m venv /tmp/venv-ng && /tmp/venv-ng/bin/pip install quickjs-ng
    /tmp/venv-ng/bin/python benchmarks/engine_probe.py [--realms 500]

Standalone (no project imports), so it runs in any venv holding one of `quickjs-py`, `quickjs-ng`,
`quickjs` (all three install the module `quickjs`) or `mini-racer`. Measures, on a generated ~29 KB
app-like source: sync host call from JS (µs), async round trip (JS promise → Python → resolve → jobs
drained, µs), RSS per realm holding the source and per empty realm (KiB), create+eval time (ms),
interruption of `while (true) {}`, whether host calls work while a time limit is set, and what a JS
stack says about file names and columns. Prints a table and a final JSON line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from importlib import metadata
from typing import Any


def detect() -> tuple[str, str]:
    for dist in ("quickjs-py", "quickjs-ng", "quickjs", "mini-racer"):
        try:
            return dist, metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    raise SystemExit("no JS engine binding installed (quickjs-py, quickjs-ng, quickjs or mini-racer)")


def app_source(target: int = 29 * 1024) -> str:
    """App-like code: small functions over objects, arrays and strings, and a class, about `target` bytes."""
    parts = ["var app = {};\n", "class Store { constructor() { this.items = []; } add(x) { this.items.push(x); "
             "return this.items.length; } }\napp.store = new Store();\n"]
    i = 0
    while sum(map(len, parts)) < target:
        parts.append(
            f"function util{i}(a, b) {{ var o = {{ id: {i}, name: 'item-{i}', tags: ['a', 'b'] }};\n"
            f"  if (a > b) return o.name + ':' + a; return [a, b, o.id].concat(o.tags).join('-'); }}\n"
            f"app.util{i} = util{i};\n"
        )
        i += 1
    return "".join(parts)


def rss_kib() -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def best(fn: Any, rounds: int = 5) -> float:
    return min(fn() for _ in range(rounds))


# ------------------------------------------------------------------------------------------ QuickJS family
def probe_quickjs(dist: str, realms: int, source: str) -> dict[str, Any]:
    import quickjs

    out: dict[str, Any] = {}
    calls = 20_000

    # sync host call
    ctx = quickjs.Context()
    ctx.add_callable("host_sync", lambda s: s)
    ctx.eval("function syncLoop(n) { var r; for (var i = 0; i < n; i++) r = host_sync('key'); return r; }")
    loop = ctx.get("syncLoop")

    def run_sync() -> float:
        t = time.perf_counter()
        loop(calls)
        return time.perf_counter() - t

    out["sync_us"] = best(run_sync) / calls * 1e6

    # async round trip: JS promise -> Python records the id -> Python resolves -> jobs drained
    queue: list[int] = []
    ctx.add_callable("host_async", lambda cb_id: queue.append(int(cb_id)))
    ctx.eval("""
      var pending = {}, nextId = 1, done = 0;
      function call() { return new Promise(function (res) { var id = nextId++; pending[id] = res; host_async(id); }); }
      function resolveCb(id, v) { var r = pending[id]; delete pending[id]; r(v); }
      async function asyncLoop(n) { for (var i = 0; i < n; i++) await call(); done = 1; }
    """)
    resolve = ctx.get("resolveCb")
    async_loop = ctx.get("asyncLoop")
    n_async = calls // 4

    def run_async() -> float:
        t = time.perf_counter()
        async_loop(n_async)
        while queue:
            resolve(queue.pop(), "ok")
            while ctx.execute_pending_job():
                pass
        assert ctx.eval("done") == 1
        ctx.eval("done = 0")
        return time.perf_counter() - t

    out["async_us"] = best(run_async) / n_async * 1e6

    # create + eval, then memory per realm (empty contexts first, then contexts holding the source)
    times = []
    for _ in range(50):
        t = time.perf_counter()
        c = quickjs.Context()
        c.eval(source)
        times.append(time.perf_counter() - t)
    out["create_eval_ms"] = statistics.median(times) * 1e3
    del c
    gc.collect()
    before = rss_kib()
    empty = [quickjs.Context() for _ in range(realms)]
    gc.collect()
    out["empty_kib"] = (rss_kib() - before) / realms
    before = rss_kib()
    full = []
    for _ in range(realms):
        c = quickjs.Context()
        c.eval(source)
        full.append(c)
    gc.collect()
    out["realm_kib"] = (rss_kib() - before) / realms
    del empty, full

    # interruption of a runaway loop
    c = quickjs.Context()
    c.set_time_limit(0.2)
    t = time.perf_counter()
    try:
        c.eval("while (true) {}")
        out["interrupt"] = "not interrupted"
    except quickjs.JSException as exc:
        out["interrupt"] = f"{str(exc).splitlines()[0]} after {time.perf_counter() - t:.2f} s"

    # host calls while a time limit is set (needed: every call into the app runs under the limit)
    c = quickjs.Context()
    c.add_callable("host_sync", lambda s: s)
    unsafe = hasattr(c, "allow_unsafe_py_with_limit")
    c.set_time_limit(1.0)
    try:
        c.eval("host_sync('x')")
        out["host_call_under_limit"] = "yes"
    except quickjs.JSException as exc:
        out["host_call_under_limit"] = "no: " + str(exc).splitlines()[0]
        if unsafe:
            c.allow_unsafe_py_with_limit(True)
            c.eval("host_sync('x')")
            out["host_call_under_limit"] += "; yes with allow_unsafe_py_with_limit(True)"

    # what a stack says
    c = quickjs.Context()
    try:
        c.eval("\n\nfunction f() { null.x }\nf()")
    except quickjs.JSException as exc:
        frames = [ln.strip() for ln in str(exc).splitlines()[1:] if ln.strip()]
        out["stack_frame"] = frames[0] if frames else str(exc)
    return out


# ------------------------------------------------------------------------------------------ mini-racer (V8)
def probe_mini_racer(realms: int, source: str) -> dict[str, Any]:
    from py_mini_racer import JSEvalException, JSTimeoutException, MiniRacer

    out: dict[str, Any] = {"sync_us": None}
    out["host_call_under_limit"] = "n/a: host functions are async only (wrap_py_function), no sync host call"

    async def async_probe() -> float:
        mr = MiniRacer()
        mr.eval("async function asyncLoop(f, n) { for (var i = 0; i < n; i++) await f(i); return n; }")

        async def host(*args: Any) -> Any:
            return "ok"

        async with mr.wrap_py_function(host) as fn:
            loop = mr.eval("asyncLoop")
            n = 2000

            async def run() -> float:
                t = time.perf_counter()
                await loop(fn, n)
                return time.perf_counter() - t

            best_t = min([await run() for _ in range(3)])
        mr.close()
        return best_t / n * 1e6

    out["async_us"] = asyncio.run(async_probe())
    times = []
    for _ in range(20):
        t = time.perf_counter()
        mr = MiniRacer()
        mr.eval(source)
        times.append(time.perf_counter() - t)
        mr.close()
    out["create_eval_ms"] = statistics.median(times) * 1e3
    n = min(realms, 100)  # each MiniRacer is a V8 isolate: hundreds are slow to create
    gc.collect()
    before = rss_kib()
    empty = [MiniRacer() for _ in range(n)]
    out["empty_kib"] = (rss_kib() - before) / n
    before = rss_kib()
    full = []
    for _ in range(n):
        mr = MiniRacer()
        mr.eval(source)
        full.append(mr)
    out["realm_kib"] = (rss_kib() - before) / n
    out["realms_measured"] = n
    for mr in empty + full:
        mr.close()
    mr = MiniRacer()
    t = time.perf_counter()
    try:
        mr.eval("while (true) {}", timeout=200)
        out["interrupt"] = "not interrupted"
    except JSTimeoutException as exc:
        out["interrupt"] = f"{type(exc).__name__} after {time.perf_counter() - t:.2f} s"
    try:
        mr.eval("\n\nfunction f() { null.x }\nf()")
    except JSEvalException as exc:
        lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
        out["stack_frame"] = lines[0] if lines else str(exc)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--realms", type=int, default=500)
    args = parser.parse_args()
    dist, version = detect()
    source = app_source()
    if dist == "mini-racer":
        out = probe_mini_racer(args.realms, source)
    else:
        out = probe_quickjs(dist, args.realms, source)
    out = {"binding": dist, "version": version, "python": sys.version.split()[0], "source_kib": len(source) // 1024,
           "realms": out.pop("realms_measured", args.realms), **out}

    def fmt(v: Any) -> str:
        return "n/a" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)

    print(f"{dist} {version} (python {out['python']}, {out['source_kib']} KiB source, {out['realms']} realms)")
    for key, label in [("sync_us", "sync host call from JS, µs"), ("async_us", "async round trip via Python, µs"),
                       ("realm_kib", "RSS per realm holding the source, KiB"), ("empty_kib", "RSS per empty realm, KiB"),
                       ("create_eval_ms", "create + eval source, ms"), ("interrupt", "while (true) {} with 0.2 s limit"),
                       ("host_call_under_limit", "host calls while a time limit is set"),
                       ("stack_frame", "first stack frame of an error")]:
        print(f"  {label:<40} {fmt(out.get(key))}")
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
