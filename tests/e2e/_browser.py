"""The system Chromium for the browser tests: Playwright drives Debian's (it cannot download its own here)."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HAVE_CHROMIUM = Path(CHROMIUM).exists()
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]

#: A browser test module's `pytestmark`: one event loop per module (its browser lives as long), skipped
#: with the install command when Chromium is missing.
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(not HAVE_CHROMIUM, reason="Chromium not installed (apt-get install -y chromium); "
                                                 "Playwright cannot download browsers here"),
]


@contextlib.asynccontextmanager
async def chromium_browser() -> AsyncIterator[Any]:
    """The system Chromium, headless, quiet inside containers."""
    from playwright.async_api import async_playwright

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            await browser.close()
