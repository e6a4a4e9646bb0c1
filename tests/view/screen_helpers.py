"""Screenshot test helpers: pixels compared in the browser's canvas (no imaging library needed), and a skip
mark for machines without Chromium (Debian's, driven by Playwright)."""

from __future__ import annotations

import base64
import struct
from pathlib import Path
from typing import Any

import pytest

from mock_wx.view.screenshot import browser, chromium_path


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    w, h = struct.unpack(">II", png[16:24])
    return int(w), int(h)


def _url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


_COMPARE = """async ([a, b, tol]) => {
  const load = (src) => new Promise((ok, ko) => { const i = new Image(); i.onload = () => ok(i); i.onerror = ko; i.src = src; });
  const [ia, ib] = [await load(a), await load(b)];
  if (ia.width !== ib.width || ia.height !== ib.height) return {size: false, changed: -1, total: 0};
  const px = (img) => { const c = document.createElement('canvas'); c.width = img.width; c.height = img.height;
    const g = c.getContext('2d'); g.drawImage(img, 0, 0); return g.getImageData(0, 0, c.width, c.height).data; };
  const [da, db] = [px(ia), px(ib)];
  let changed = 0;
  for (let i = 0; i < da.length; i += 4) {
    if (Math.abs(da[i] - db[i]) > tol || Math.abs(da[i+1] - db[i+1]) > tol || Math.abs(da[i+2] - db[i+2]) > tol) changed++;
  }
  return {size: true, changed, total: da.length / 4};
}"""

_STATS = """async ([a]) => {
  const i = new Image(); await new Promise((ok) => { i.onload = ok; i.src = a; });
  const c = document.createElement('canvas'); c.width = i.width; c.height = i.height;
  const g = c.getContext('2d'); g.drawImage(i, 0, 0); const d = g.getImageData(0, 0, c.width, c.height).data;
  let dark = 0; for (let k = 0; k < d.length; k += 4) if (d[k] + d[k+1] + d[k+2] < 384) dark++;
  return {dark, center: [d[(Math.floor(i.height / 2) * i.width + Math.floor(i.width / 2)) * 4],
                         d[(Math.floor(i.height / 2) * i.width + Math.floor(i.width / 2)) * 4 + 1],
                         d[(Math.floor(i.height / 2) * i.width + Math.floor(i.width / 2)) * 4 + 2]]};
}"""


async def _run(script: str, args: list[Any]) -> Any:
    b = await browser()
    context = await b.new_context()
    try:
        tab = await context.new_page()
        return await tab.evaluate(script, args)
    finally:
        await context.close()


async def compare(a: bytes, b: bytes, tolerance: int = 24) -> tuple[int, int]:
    """(pixels that differ by more than `tolerance` in a channel, total pixels); (-1, 0) if sizes differ."""
    out = await _run(_COMPARE, [_url(a), _url(b), tolerance])
    return int(out["changed"]), int(out["total"])


async def stats(png: bytes) -> dict[str, Any]:
    """{dark: pixels darker than mid-grey, center: [r, g, b] of the middle pixel}."""
    return dict(await _run(_STATS, [_url(png)]))


FIXTURE_APPS = Path(__file__).resolve().parent.parent / "fixtures" / "apps"
HAVE_CHROMIUM = chromium_path() is not None

needs_chromium = pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium not installed (apt-get install -y chromium "
                                                                "fonts-noto-cjk); Playwright cannot download browsers here")
