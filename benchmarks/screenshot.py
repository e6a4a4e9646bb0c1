"""Milliseconds per screenshot of a typical sample page (the product detail page, seeded backend), with
its parts: the snapshot → HTML document (pure Python) and the PNG (Chromium), against a baseline of the
same run: a bare Playwright screenshot of static HTML of the same size in the same browser.

    python benchmarks/screenshot.py [--n 30] [--page "/pages/product/detail?id=p004"]

Target (issue 14): ≤ 150 ms per screenshot of a typical page, browser already running.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from mock_wx import Simulator
from mock_wx.rig.screens import page_document
from mock_wx.view.screenshot import close, render_png

STATIC = ("<!DOCTYPE html><html><body style='margin:0'><div style='width:375px;height:667px;background:#f5f5f5;"
          "font:16px sans-serif'>" + "<p>static text 静态文本</p>" * 20 + "</div></body></html>")


async def _time(n: int, fn) -> list[float]:  # type: ignore[no-untyped-def]
    await fn()  # warm-up (first launch, first layout)
    out = []
    for _ in range(n):
        t = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def _line(name: str, ms: list[float], base: float) -> str:
    med = statistics.median(ms)
    return f"{name:<38} median {med:7.1f} ms   p90 {sorted(ms)[int(len(ms) * 0.9) - 1]:7.1f} ms   ×{med / base:5.2f}"


async def main(n: int, url: str) -> None:
    async with Simulator() as sim:
        await sim.backend.seed()
        page = await sim.user("alice").launch(url)
        doc, device = page_document(page)

        async def baseline() -> None:
            await render_png(STATIC, device.width, device.height, device.dpr)

        async def html_only() -> None:
            page.user._realm_or_raise().view._snap_key = None  # re-read the tree, as after a render  # type: ignore[union-attr]
            page_document(page)

        async def png_only() -> None:
            await render_png(doc, device.width, device.height, device.dpr)

        async def full() -> None:
            page.user._realm_or_raise().view._snap_key = None  # type: ignore[union-attr]
            await page.screenshot()

        base = await _time(n, baseline)
        b = statistics.median(base)
        print(f"{url} at {device.width}×{device.height} DPR {device.dpr:g}, {len(doc)} bytes of HTML, n={n}")
        print(_line("baseline: static HTML → PNG", base, b))
        print(_line("tree → HTML document", await _time(n, html_only), b))
        print(_line("document → PNG", await _time(n, png_only), b))
        ms = await _time(n, full)
        print(_line("page.screenshot() (all of it)", ms, b))
        verdict = "within" if statistics.median(ms) <= 150 else "OVER"
        print(f"target ≤ 150 ms per screenshot: {verdict}")
        await close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=30)
    ap.add_argument("--page", default="/pages/product/detail?id=p004")
    args = ap.parse_args()
    asyncio.run(main(args.n, args.page))
