"""report.html of a failing multi-user journey in Chromium: the step that broke shows every user's screen,
the traceback and JS stack, its requests (status, bodies), setData diffs and dialogs; the filters (journey
name and result, user, event kind) hide and show what they should. `wxsim run --screenshots on` over
tests/fixtures/report_journeys: alice opens the shop and shares it, the clock moves a day, bob opens her card
in a group chat and taps 立即参团 — the modal is confirmed, the order is refused (401) and the page breaks."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from _browser import BROWSER_MARKS, chromium_browser
from _wxsim_cli import REPO, CliRun, run_wxsim

APP = REPO / "tests" / "fixtures" / "apps" / "report"
JOURNEYS = REPO / "tests" / "fixtures" / "report_journeys"
VISIBLE = "els => els.filter(e => e.checkVisibility())"

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def join_run(tmp_path_factory: pytest.TempPathFactory) -> CliRun:
    args = ["run", str(JOURNEYS), "--app", str(APP), "--screenshots", "on"]
    return run_wxsim(args, tmp_path_factory.mktemp("report-steps"))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Any]:
    async with chromium_browser() as b:
        yield b


@pytest_asyncio.fixture(loop_scope="module")
async def report(chromium: Any, join_run: CliRun) -> AsyncIterator[Any]:
    assert join_run.report.exists(), join_run.stderr[-2000:]
    context = await chromium.new_context(viewport={"width": 1300, "height": 900})
    page = await context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(join_run.report.resolve().as_uri())
    yield page
    assert errors == []  # the report's own script never throws
    await context.close()


def _index(run: CliRun, name: str) -> int:
    return next(i for i, r in enumerate(run.results) if r["journey"] == "report/" + name)


async def _visible_names(sec: Any) -> list[str]:
    return await sec.locator("tbody.step tr.head .name").evaluate_all(VISIBLE + ".map(e => e.textContent)")


async def test_the_run_fails_in_bobs_step(join_run: CliRun) -> None:
    assert join_run.returncode == 1
    assert [(r["journey"], r["ok"]) for r in join_run.results] == [
        ("report/alice_browses", True), ("report/bob_joins_alices_group", False)]


async def test_steps_in_words_with_virtual_time(report: Any, join_run: CliRun) -> None:
    sec = report.locator(f"#j{_index(join_run, 'bob_joins_alices_group')}")
    assert await sec.locator("table.steps thead th").all_inner_texts() == ["#", "virtual", "wall", "alice", "bob"]
    heads = sec.locator("tbody.step tr.head")
    assert await heads.locator(".name").all_inner_texts() == [
        "alice opens /pages/shop/shop", "alice shares 一起拼团", "clock +24 h",
        "bob opens alice's card in a group chat", "bob taps 立即参团"]
    assert await heads.locator("td.vt").all_inner_texts() == ["+0.000s"] * 3 + ["+24h 00m 00s"] * 2
    walls = [float(t.split()[0].lstrip("+")) for t in await heads.locator("td.wall").all_inner_texts()]
    assert walls[0] == 0.0 and walls == sorted(walls)
    lanes = await heads.locator(".name").evaluate_all("els => els.map(e => e.closest('td').dataset.lane || '*')")
    assert lanes == ["alice", "alice", "*", "bob", "bob"]  # the clock runs across both lanes


async def test_the_failing_step_has_the_screens_and_the_stack(report: Any, join_run: CliRun) -> None:
    sec = report.locator(f"#j{_index(join_run, 'bob_joins_alices_group')}")
    failed = sec.locator("tbody.step.failed")
    assert await failed.count() == 1
    assert await failed.locator("tr.head .name").inner_text() == "bob taps 立即参团"
    figures = failed.locator("tr.failure-row figure.screen")
    assert await figures.locator("figcaption").all_inner_texts() == [
        "alice — pages/shop/shop (failure)", "bob — pages/shop/shop (failure)"]
    for i in range(2):
        img = figures.nth(i).locator("img")
        await img.scroll_into_view_if_needed()
        await report.wait_for_function("(img) => img.complete && img.naturalWidth === 750",
                                       arg=await img.element_handle())
    error = await failed.locator("tr.failure-row pre.error").inner_text()
    assert "JSError: TypeError: cannot read property 'total' of undefined" in error
    assert "at success (pages/shop/shop.js:34:40)" in error and "group_join.py" in error
    # The JS error is also in bob's lane, where it happened, with its stack; and the screen after the step.
    js = failed.locator('td[data-lane="bob"] li.ev[data-kind="js-error"]')
    assert await js.is_visible()  # the failing step starts open
    assert "pages/shop/shop.js:34" in await js.locator("pre.stack").inner_text()
    after = failed.locator('td.act[data-lane="bob"] img.after')
    await after.scroll_into_view_if_needed()
    await report.wait_for_function("(img) => img.complete && img.naturalWidth === 375", arg=await after.element_handle())
    assert await after.evaluate("i => i.width") == 94
    await after.click()  # full size
    assert await after.evaluate("i => i.width") == 375
    assert "open" in (await failed.get_attribute("class") or "").split()  # the click did not fold the step


async def test_the_failing_steps_request_setdata_and_dialogs(report: Any, join_run: CliRun) -> None:
    sec = report.locator(f"#j{_index(join_run, 'bob_joins_alices_group')}")
    bob = sec.locator('tbody.step.failed tr.evs td[data-lane="bob"]')
    request = bob.locator('li.ev[data-kind="request"]')
    assert await request.count() == 1
    assert await request.locator(".st").inner_text() == "401"
    line = " ".join((await request.locator(".line").text_content() or "").split())
    assert line.startswith("request 401 POST https://api.wxsim-shop.example.com/api/orders ")
    assert "sent +24h 00m 00s, answered +24h 00m 00s virtual" in await request.inner_text()
    body = request.locator("details.request")
    assert not await body.locator("pre").is_visible()  # bodies fold: one click away
    await body.locator("summary").click()
    assert json.loads(await body.locator("pre").inner_text()) == {"productId": "p001", "groupId": "g1"}
    response = request.locator("details.response")
    await response.locator("summary").click()
    assert json.loads(await response.locator("pre").inner_text())["error"] == "unauthorized"
    diff = bob.locator('li.ev[data-kind="setData"] table.diff').first
    assert await diff.locator("tr").evaluate_all("rows => rows.map(r => [r.cells[0].textContent, "
                                                 "r.cells[1].textContent])") == [["joined", "true"],
                                                                                 ["order.status", "401"]]
    assert "pages/shop/shop" in await bob.locator('li.ev[data-kind="setData"] .where').first.inner_text()
    assert await bob.locator('li.ev[data-group="dialog"]').evaluate_all("els => els.map(e => e.dataset.kind)") == \
        ["modal", "toast"]
    assert "“确认参团 — 参团后不可退出” → confirm" in await bob.locator('li.ev[data-kind="modal"]').inner_text()
    assert "“参团成功” (success)" in await bob.locator('li.ev[data-kind="toast"]').inner_text()


async def test_a_component_set_data_and_a_finding_in_the_first_step(report: Any, join_run: CliRun) -> None:
    sec = report.locator(f"#j{_index(join_run, 'bob_joins_alices_group')}")
    first = sec.locator("tbody.step").first
    assert not await first.locator("li.ev").first.is_visible()  # closed until clicked
    await first.locator("tr.head td.vt").click()
    alice = first.locator('tr.evs td[data-lane="alice"]')
    assert await alice.locator('li.ev[data-kind="setData"] .where').first.inner_text() == \
        "component components/badge/badge"
    finding = alice.locator('li.ev[data-kind="finding"]')
    assert await finding.is_visible() and "setdata-undefined" in await finding.inner_text()
    await first.locator("tr.head td.vt").click()
    assert not await finding.is_visible()


async def test_the_user_filter_keeps_one_lane(report: Any, join_run: CliRun) -> None:
    sec = report.locator(f"#j{_index(join_run, 'bob_joins_alices_group')}")
    await report.locator("#user").select_option("alice")
    assert await sec.locator("thead th[data-lane]").evaluate_all(VISIBLE + ".map(e => e.textContent)") == ["alice"]
    assert await _visible_names(sec) == ["alice opens /pages/shop/shop", "alice shares 一起拼团", "clock +24 h"]
    await report.locator("#user").select_option("bob")
    assert await _visible_names(sec) == ["clock +24 h", "bob opens alice's card in a group chat",
                                         "bob taps 立即参团"]
    # alice_browses has no bob: it is hidden, with its summary row still listed.
    assert not await report.locator(f"#j{_index(join_run, 'alice_browses')}").is_visible()
    assert await report.locator("#shown").inner_text() == "1 of 2 journeys"
    await report.locator("#user").select_option("")
    assert len(await _visible_names(sec)) == 5
    assert await sec.locator("thead th[data-lane]").evaluate_all(VISIBLE + ".length") == 2


async def test_the_kind_filter_shows_only_those_events(report: Any, join_run: CliRun) -> None:
    sec = report.locator(f"#j{_index(join_run, 'bob_joins_alices_group')}")
    events = sec.locator("li.ev")
    for box in await report.locator("input.kind").all():
        if await box.get_attribute("value") != "dialog":
            await box.uncheck()
    assert await events.evaluate_all(VISIBLE + ".map(e => e.dataset.kind)") == ["modal", "toast"]
    assert await _visible_names(sec) == ["bob taps 立即参团"]
    await report.locator('input.kind[value="dialog"]').uncheck()
    await report.locator('input.kind[value="finding"]').check()
    assert await events.evaluate_all(VISIBLE + ".map(e => e.dataset.kind)") == ["finding"] * 3
    assert await _visible_names(sec) == ["alice opens /pages/shop/shop", "bob opens alice's card in a group chat",
                                         "bob taps 立即参团"]
    # With a user: only the steps where that user had such events.
    await report.locator("#user").select_option("alice")
    assert await _visible_names(sec) == ["alice opens /pages/shop/shop"]
    await report.locator("#user").select_option("")
    for box in await report.locator("input.kind").all():
        await box.check()
    assert len(await _visible_names(sec)) == 5
    assert await events.evaluate_all(VISIBLE + ".length") == await sec.locator("tbody.step.failed li.ev").count()


async def test_journey_name_and_result_filters(report: Any, join_run: CliRun) -> None:
    sections = report.locator("section.journey")
    names = VISIBLE + ".map(e => e.dataset.name)"
    await report.locator("#status").select_option("failed")
    assert await sections.evaluate_all(names) == ["report/bob_joins_alices_group"]
    assert await report.locator("#summary tbody tr").evaluate_all(VISIBLE + ".length") == 1
    await report.locator("#status").select_option("")
    await report.locator("#q").fill("BROWSES")
    assert await sections.evaluate_all(names) == ["report/alice_browses"]
    assert await report.locator("#findings tbody tr").evaluate_all(VISIBLE + ".map(e => e.dataset.name)") == \
        ["report/alice_browses"]
    await report.locator("#q").fill("")
    assert len(await sections.evaluate_all(names)) == 2


async def test_a_screenshot_of_the_report(report: Any, join_run: CliRun, tmp_path: Path) -> None:
    failed = report.locator("tbody.step.failed")
    await failed.scroll_into_view_if_needed()
    png = await report.screenshot(full_page=True)
    (tmp_path / "report.png").write_bytes(png)  # kept by pytest's tmp_path for a look after a failure
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    box = await failed.bounding_box()
    assert box is not None and box["height"] > 400  # screens, stack and events laid out, not only listed
