"""report.html shows each user's screen beside the stack of a failed journey (`wxsim run`, screenshots on
failure by default), loaded lazily; checked in Chromium, including a screenshot of the report itself."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from _browser import BROWSER_MARKS, chromium_browser
from _wxsim_cli import REPO, CliRun, run_wxsim

APP = REPO / "tests" / "fixtures" / "apps" / "screens"
JOURNEYS = REPO / "tests" / "fixtures" / "screens_journeys"

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def broken_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    return run_wxsim(["run", str(JOURNEYS), "--app", str(APP)], tmp_path_factory.mktemp("broken"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def report(broken_run: CliRun) -> AsyncIterator[Any]:
    assert broken_run.report.exists(), broken_run.stderr[-2000:]
    async with chromium_browser() as b:
        page = await (await b.new_context(viewport={"width": 1200, "height": 900})).new_page()
        await page.goto(broken_run.report.resolve().as_uri())
        yield page


def _section(results: list[dict[str, Any]], name: str) -> str:
    return f"#j{next(i for i, r in enumerate(results) if r['journey'] == 'screens/' + name)}"


async def test_the_run_fails_with_two_journeys(broken_run: CliRun) -> None:
    assert broken_run.returncode == 1
    assert sorted((r["journey"], r["ok"]) for r in broken_run.results) == [
        ("screens/page_code_throws", False), ("screens/passes", True), ("screens/toast_then_wrong_assertion", False)]


async def test_a_failed_step_shows_the_screen_beside_the_stack(report: Any, broken_run: CliRun) -> None:
    sec = report.locator(_section(broken_run.results, "toast_then_wrong_assertion"))
    fig = sec.locator(".failure figure.screen")
    assert await fig.count() == 1
    assert await fig.locator("figcaption").inner_text() == "alice — pages/home/home (failure)"
    stack = await sec.locator(".failure pre.error").inner_text()
    assert "tapping 立即参团 should open 我的" in stack and "broken.py" in stack
    img = fig.locator("img")
    await img.scroll_into_view_if_needed()
    await report.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=await img.element_handle())
    assert await img.evaluate("i => [i.naturalWidth, i.naturalHeight]") == [750, 1334]
    # The picture is the phone as the failure left it: the toast is on it.
    shot = base64.b64decode((await img.get_attribute("src")).split(",", 1)[1])
    assert shot[:8] == b"\x89PNG\r\n\x1a\n"


async def test_every_user_of_a_failed_journey_and_the_js_stack(report: Any, broken_run: CliRun) -> None:
    sec = report.locator(_section(broken_run.results, "page_code_throws"))
    captions = await sec.locator("figure.screen figcaption").all_inner_texts()
    assert captions == ["alice — pages/home/home (failure)", "bob — pages/me/me (failure)"]
    stack = await sec.locator("pre.error").inner_text()
    assert "pages/home/home.js" in stack and "boom" in stack


async def test_passed_journeys_have_no_screens(report: Any, broken_run: CliRun) -> None:
    sec = report.locator(_section(broken_run.results, "passes"))
    assert await sec.locator("figure.screen").count() == 0


async def test_images_wait_until_scrolled_to(report: Any, broken_run: CliRun) -> None:
    page = await report.context.new_page()
    await page.set_viewport_size({"width": 1200, "height": 300})
    await page.goto(broken_run.report.resolve().as_uri())
    pending = await page.locator("img[data-src]").count()
    loaded = await page.locator("img[src]").count()
    assert pending + loaded == 3 and pending >= 1  # below the fold: not decoded yet
    await page.close()


async def test_a_screenshot_of_the_report(report: Any, tmp_path: Path) -> None:
    png = await report.screenshot(full_page=True)
    (tmp_path / "report.png").write_bytes(png)  # kept by pytest's tmp_path for a look after a failure
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    # The figures take room on the page: the report lays them out, not only lists them.
    img = report.locator("figure.screen img").first
    assert await img.evaluate("i => i.width") == 188 and (await img.bounding_box() or {}).get("height", 0) > 300


async def test_steps_are_named_in_swimlanes(report: Any, broken_run: CliRun) -> None:
    sec = report.locator(_section(broken_run.results, "page_code_throws"))
    assert await sec.locator("table.steps thead th").all_inner_texts() == ["#", "virtual", "wall", "bob", "alice"]
    names = sec.locator("table.steps tr.head .name")
    assert await names.all_inner_texts() == ["bob opens /pages/me/me", "alice opens /pages/home/home",
                                             "alice runs boom() on pages/home/home"]
    # Each in its user's lane: bob's column is the 4th, alice's the 5th.
    lanes = await names.evaluate_all("els => els.map(e => e.closest('td').dataset.lane)")
    assert lanes == ["bob", "alice", "alice"]
    sec = report.locator(_section(broken_run.results, "toast_then_wrong_assertion"))
    assert "alice taps 立即参团" in await sec.locator("table.steps tr.head .name").all_inner_texts()


@pytest.fixture(scope="module")
def every_step_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    args = ["run", str(JOURNEYS), "--app", str(APP), "--screenshots", "on", "-k", "toast_then"]
    return run_wxsim(args, tmp_path_factory.mktemp("every-step"))


async def test_screenshots_on_shows_the_screen_after_every_step(report: Any, every_step_run: CliRun) -> None:
    page = await report.context.new_page()
    await page.goto(every_step_run.report.resolve().as_uri())
    names = page.locator("table.steps tr.head .name")
    assert await names.all_inner_texts() == ["alice opens /pages/home/home", "alice taps 立即参团"]
    shots = page.locator("table.steps img.after")
    assert await shots.count() == 2
    for i in range(2):
        await shots.nth(i).scroll_into_view_if_needed()
        await page.wait_for_function("(img) => img.complete && img.naturalWidth === 375",  # at DPR 1
                                     arg=await shots.nth(i).element_handle())
    after_launch, after_tap = [await shots.nth(i).get_attribute("src") for i in range(2)]
    assert after_launch != after_tap  # the tap put a toast on the screen
    assert await page.locator(".failure figure.screen").count() == 1  # and the failure's own screen
    await page.close()
