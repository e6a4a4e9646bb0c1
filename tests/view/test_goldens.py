"""Golden screenshots of the sample app's main pages, compared with a tolerance (fonts anti-alias a little
differently from machine to machine). After a deliberate change to the sample app or the renderer:

    python -m pytest tests/view/test_goldens.py --update-goldens

rewrites tests/goldens/*.png (375 × 667 at DPR 1 to keep them small); look at them before committing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from screen_helpers import compare, needs_chromium, png_size

from mock_wx import Page, Simulator, VirtualUser

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.asyncio(loop_scope="module")]

GOLDENS = Path(__file__).resolve().parent.parent / "goldens"
#: A pixel counts as changed when a channel moves by more than this; a page may change this share of them.
CHANNEL_TOLERANCE = 48
MAX_CHANGED = 0.015


@pytest_asyncio.fixture(loop_scope="module")
async def alice() -> AsyncIterator[VirtualUser]:
    async with Simulator() as sim:
        await sim.backend.seed()
        user = sim.user("alice")
        user.ctx.system.update({"screenWidth": 375, "screenHeight": 667, "pixelRatio": 1})
        yield user


async def _index(alice: VirtualUser) -> Page:
    return await alice.launch("/pages/index/index")


async def _detail(alice: VirtualUser) -> Page:
    return await alice.launch("/pages/product/detail?id=p004")


async def _group(alice: VirtualUser) -> Page:
    detail = await alice.launch("/pages/product/detail?id=p004")
    await detail.get_element("button", text_contains="发起拼团").tap()  # pays, then opens the group page
    assert alice.current_page.route == "pages/group-buy/group-buy"
    return alice.current_page


async def _orders(alice: VirtualUser) -> Page:
    await _group(alice)
    return await alice.tap_tab("pages/order/list")


async def _user(alice: VirtualUser) -> Page:
    return await alice.launch("/pages/user/user")


PAGES = {"index": _index, "product-detail": _detail, "group-buy": _group, "order-list": _orders, "user": _user}


@pytest.mark.parametrize("name", list(PAGES))
async def test_golden(name: str, alice: VirtualUser, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    page = await PAGES[name](alice)
    png = await page.screenshot()
    golden = GOLDENS / f"{name}.png"
    if request.config.getoption("--update-goldens"):
        GOLDENS.mkdir(exist_ok=True)
        golden.write_bytes(png)
        return
    assert golden.exists(), f"no golden for {name}: run python -m pytest {__file__} --update-goldens"
    expected = golden.read_bytes()
    assert png_size(png) == png_size(expected)
    changed, total = await compare(expected, png, CHANNEL_TOLERANCE)
    if changed > total * MAX_CHANGED:
        actual = tmp_path / f"{name}.actual.png"
        actual.write_bytes(png)
        pytest.fail(f"{name}: {changed} of {total} pixels differ from {golden} (allowed {MAX_CHANGED:.1%}); "
                    f"this run's screenshot: {actual}; if the change is intended: --update-goldens")
