"""Screenshots of a user's screen in Chromium: device size, element boxes, WXSS isolation as the browser
computes it, the navigation bar and overlays (tests/fixtures/apps/screens)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from screen_helpers import FIXTURE_APPS, compare, needs_chromium, png_size, stats

from mock_wx import Simulator
from mock_wx.rig.screens import page_document
from mock_wx.runtime import AppBundle
from mock_wx.view.screenshot import browser

pytestmark = [pytest.mark.browser, needs_chromium, pytest.mark.asyncio(loop_scope="module")]

APP = AppBundle.load(FIXTURE_APPS / "screens")


@pytest_asyncio.fixture(loop_scope="module")
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(APP, embedded_backend=False) as s:
        yield s


async def test_the_screen_is_375_by_667_at_dpr_2(sim: Simulator) -> None:
    page = await sim.user("alice").launch("/pages/home/home")
    png = await page.screenshot()
    assert png_size(png) == (750, 1334)


async def test_the_device_comes_from_the_users_system_info(sim: Simulator, tmp_path: Any) -> None:
    user = sim.user("bob")
    user.ctx.system.update({"screenWidth": 414, "screenHeight": 736, "pixelRatio": 3})
    page = await user.launch("/pages/home/home")
    out = tmp_path / "bob.png"
    png = await page.screenshot(out)
    assert png_size(png) == (1242, 2208)
    assert out.read_bytes() == png
    # rpx follows the width: the 200rpx × 100rpx box is 110 × 55 CSS px at 414.
    assert png_size(await page.get_element("#box").screenshot()) == (330, 165)


async def test_an_element_screenshot_is_its_box(sim: Simulator) -> None:
    page = await sim.user("alice").launch("/pages/home/home")
    png = await page.get_element("#box").screenshot()
    assert png_size(png) == (200, 100)  # 200rpx × 100rpx at 375 px = 100 × 50 CSS px, DPR 2
    assert (await stats(png))["center"] == [0, 255, 0]


async def _computed(doc: str, selector_by_name: dict[str, str], prop: str) -> dict[str, str]:
    b = await browser()
    context = await b.new_context(viewport={"width": 375, "height": 667})
    try:
        tab = await context.new_page()
        await tab.set_content(doc)
        return {name: await tab.eval_on_selector(sel, f"e => getComputedStyle(e).{prop}")
                for name, sel in selector_by_name.items()}
    finally:
        await context.close()


async def test_component_styles_are_isolated(sim: Simulator) -> None:
    page = await sim.user("alice").launch("/pages/home/home")
    nid = {name: f'[data-nid="{page.get_element(sel).nid}"]' for name, sel in {
        "page title": "#ptitle", "card title": "#card >>> .title", "card global": "#card >>> .global",
        "shared title": "#shared >>> .title", "shared external": "#shared >>> .global", "card host": "#card",
    }.items()}
    doc, _ = page_document(page)
    colors = await _computed(doc, nid, "color")
    assert colors["page title"] == "rgb(255, 0, 0)"        # page .title
    assert colors["card title"] == "rgb(0, 0, 255)"        # the component's own .title, not the page's
    assert colors["card global"] == "rgb(51, 51, 51)"      # app.wxss .global does not reach an isolated component
    assert colors["shared title"] == "rgb(255, 0, 0)"      # apply-shared: the page's .title applies
    assert colors["shared external"] == "rgb(0, 128, 0)"   # externalClasses: my-class="global" from the page
    weights = await _computed(doc, nid, "fontWeight")
    assert weights["shared title"] == "700" and weights["page title"] == "400"
    widths = await _computed(doc, nid, "width")
    assert widths["card host"] == "150px"                  # :host { width: 300rpx }
    sizes = await _computed(doc, {"page": "wx-page", "pad": "wx-page > wx-view"}, "padding")
    assert sizes["pad"] == "10px"                          # .pad from styles/base.wxss, @import-ed by app.wxss


async def test_navigation_bar_title_and_toast_change_the_screen(sim: Simulator) -> None:
    page = await sim.user("alice").launch("/pages/home/home")
    before = await page.screenshot()
    doc, _ = page_document(page)
    assert '<span class="t">屏幕</span>' in doc and "background: #123456" in doc
    assert '<div class="item" style="color: #ff0000"><i class="icon" style="background-image: url(&quot;data:image/png' in doc
    await page.call("rename")
    await page.get_element("#buy").tap()
    doc, _ = page_document(page)
    assert '<span class="t">新标题</span>' in doc
    assert '<div class="wxsim-toast"><i class="ic">✓</i>已复制</div>' in doc
    after = await page.screenshot()
    changed, total = await compare(before, after)
    assert 0 < changed < total // 4  # the title and the toast, not the whole page
    await sim.clock.advance(seconds=3)  # the toast's 2 s are over
    assert 'class="wxsim-toast' not in page_document(page)[0]


async def test_page_json_window_and_a_back_button(sim: Simulator) -> None:
    user = sim.user("carol")
    await user.launch("/pages/home/home")
    await user.realm.router.navigate("navigateTo", {"url": "/pages/plain/plain"})
    await user.idle()
    page = user.current_page
    doc, _ = page_document(page)
    assert '<i class="back"></i><span class="t">其他页</span>' in doc
    assert "background: #ffffff; color: #000" in doc
    assert 'id="wxsim-tabbar"' not in doc  # not a tab page


async def test_a_dialog_shown_to_the_user_can_be_drawn(sim: Simulator) -> None:
    page = await sim.user("alice").launch("/pages/home/home")
    plain = await page.screenshot()
    modal = {"kind": "modal", "title": "确认支付", "content": "共 ¥12.00", "showCancel": True}
    with_modal = await page.screenshot(dialog=modal)
    changed, total = await compare(plain, with_modal)
    assert changed > total // 2  # the mask dims the whole screen


async def test_remote_images_are_placeholders(sim: Simulator) -> None:
    page = await sim.user("alice").launch("/pages/home/home")
    doc, _ = page_document(page)
    assert "cdn.example.com" not in doc
    w, h = png_size(await page.get_element("#img").screenshot())
    assert abs(w - 100) <= 2 and abs(h - 100) <= 2  # 100rpx square (an inline box may start mid-pixel)
    local = await page.get_element("#local").screenshot()
    assert (await stats(local))["center"] == [255, 0, 255]  # the app's own image, inlined
