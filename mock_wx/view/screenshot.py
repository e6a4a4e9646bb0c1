"""HTML → PNG through Playwright and the system Chromium: one browser per process (per event loop),
launched on the first screenshot and reused; one tab per device size, reused.

The only module that imports Playwright (the `dev` extra, or `pip install playwright`); without it, or
without a Chromium, a screenshot fails with `ScreenshotUnavailable` saying what to install.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from dataclasses import dataclass, field
from typing import Any

from ..errors import WxError

__all__ = ["ScreenshotUnavailable", "browser", "chromium_path", "close", "render_png"]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--font-render-hinting=none", "--disable-lcd-text"]


class ScreenshotUnavailable(WxError):
    """Screenshots need Playwright and a Chromium, and one of them is missing."""


def chromium_path() -> str | None:
    """The Chromium to drive: $WXSIM_CHROMIUM, else Debian's `chromium` on the PATH (None: Playwright's own)."""
    configured = os.environ.get("WXSIM_CHROMIUM")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@dataclass
class _Browser:
    loop: asyncio.AbstractEventLoop
    playwright: Any
    browser: Any
    tabs: dict[tuple[int, int, float], Any] = field(default_factory=dict)
    locks: dict[tuple[int, int, float], asyncio.Lock] = field(default_factory=dict)


_current: _Browser | None = None
_starting: asyncio.Lock | None = None


async def browser() -> Any:
    """The process's headless Chromium (Playwright `Browser`), launched on first use."""
    return (await _get()).browser


async def _get() -> _Browser:
    global _current, _starting
    loop = asyncio.get_running_loop()
    if _current is not None and _current.loop is loop and _current.browser.is_connected():
        return _current
    if _starting is None or _starting._loop is not loop:  # type: ignore[attr-defined]
        _starting = asyncio.Lock()
    async with _starting:
        if _current is not None and _current.loop is loop and _current.browser.is_connected():
            return _current
        # A browser started on another (finished) event loop cannot be driven from this one.
        _current = None
        try:
            from playwright.async_api import async_playwright
        except ImportError:
            raise ScreenshotUnavailable("screenshots need Playwright: pip install 'wxsim[screens]' "
                                        "(or playwright) and apt-get install -y chromium fonts-noto-cjk") from None
        pw = await async_playwright().start()
        path = chromium_path()
        try:
            b = await pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        except Exception as exc:
            await pw.stop()
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise ScreenshotUnavailable(f"cannot start Chromium ({path or 'Playwright default'}): {first}; "
                                        "install it with apt-get install -y chromium fonts-noto-cjk") from None
        _current = _Browser(loop, pw, b)
        return _current


async def close() -> None:
    """Close the browser (the next screenshot launches a new one)."""
    global _current
    b, _current = _current, None
    if b is None or b.loop is not asyncio.get_running_loop():
        return
    try:
        await b.browser.close()
    finally:
        await b.playwright.stop()


async def render_png(document: str, width: int, height: int, dpr: float, *, selector: str | None = None) -> bytes:
    """Load `document` in a tab of this size and pixel ratio; PNG of the viewport, or of `selector`'s box."""
    b = await _get()
    key = (width, height, dpr)
    lock = b.locks.setdefault(key, asyncio.Lock())
    async with lock:  # one document at a time per tab
        tab = b.tabs.get(key)
        if tab is None or tab.is_closed():
            context = await b.browser.new_context(viewport={"width": width, "height": height},
                                                  device_scale_factor=dpr, java_script_enabled=False)
            # The page never fetches anything: images are data: URLs or placeholders (no network in tests).
            await context.route("**/*", lambda route: route.abort()
                                if not route.request.url.startswith(("data:", "about:")) else route.continue_())
            tab = b.tabs[key] = await context.new_page()
        await tab.set_content(document, wait_until="load")
        if selector is None:
            return bytes(await tab.screenshot(type="png", animations="disabled", caret="hide"))
        target = tab.locator(selector)
        if await target.count() == 0:
            raise WxError(f"nothing to screenshot: {selector} is not in the rendered page")
        return bytes(await target.first.screenshot(type="png", animations="disabled", caret="hide"))
