"""report.html in a real Chromium (Playwright, Debian's /usr/bin/chromium): the summary counts, a row per
journey, the findings table, each step's events in its users' lanes and the filters — compared with the run's
JSON export.

Playwright's async API in async tests, on one module-scoped event loop with one browser: the sync API
(pytest-playwright's `page` fixture) keeps an event loop running in the worker's thread for the whole
session, and every later pytest-asyncio test in that worker then fails with "Runner.run() cannot be
called from a running event loop". The `wxsim` runs happen in subprocesses (tests/e2e/conftest.py),
once per session even under xdist. The fixtures are not named `page`/`browser`, so pytest-playwright
does not parametrize these tests by its `--browser` option.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from _browser import BROWSER_MARKS, chromium_browser
from _wxsim_cli import CliRun

from mock_wx.rig.report_journey import MAX_EVENTS_PER_STEP
from mock_wx.rig.report_steps import group_steps
from mock_wx.trace import Event

pytestmark = BROWSER_MARKS


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Any]:
    async with chromium_browser() as b:
        yield b


@pytest_asyncio.fixture(loop_scope="module")
async def report_page(chromium: Any) -> AsyncIterator[Any]:
    """A fresh browser context and tab per test."""
    context = await chromium.new_context()
    p = await context.new_page()
    yield p
    await context.close()


async def _open(page: Any, run: CliRun) -> None:
    assert run.report.exists(), f"{run.argv} wrote no report:\n{run.stderr[-2000:]}"
    await page.goto(run.report.resolve().as_uri())


def _findings(run: CliRun) -> list[dict[str, Any]]:
    return [f for r in run.results for f in r["findings"]]


async def _cells(row: Any) -> list[str]:
    return [c.strip() for c in await row.locator("td").all_inner_texts()]


async def test_demo_summary_counts(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    results = demo_run.results
    assert results, "the demo's JSON export is empty"
    passed = sum(r["ok"] for r in results)
    expected = f"{passed} passed, {len(results) - passed} failed, {len(_findings(demo_run))} findings"
    assert (await page.locator("#totals").inner_text()).startswith(expected + " — generated ")
    assert (await page.title()).startswith("wxsim demo:")


async def test_demo_has_a_row_per_journey(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    rows = page.locator("#summary tbody tr")
    assert await rows.count() == len(demo_run.results)
    for i, r in enumerate(demo_run.results):
        cells = await _cells(rows.nth(i))
        assert cells[0] == r["journey"]
        assert cells[1] == ("passed" if r["ok"] else "failed")
        assert int(cells[3]) == len(r["findings"])
        # The journey's name links to its section.
        href = await rows.nth(i).locator("td a").get_attribute("href")
        assert (await page.locator(f"section{href} h3").inner_text()).startswith(r["journey"])


async def test_demo_findings_table_matches_the_run(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    rows = page.locator("#findings tbody tr")
    findings = _findings(demo_run)
    if not findings:
        assert await rows.count() == 1
        assert (await rows.first.inner_text()).startswith("No findings")
    else:
        assert await rows.count() == len(findings)


async def test_findings_table_lists_each_mistake(report_page: Any, mistakes_run: CliRun) -> None:
    page = report_page
    await _open(page, mistakes_run)
    rows = page.locator("#findings tbody tr")
    assert await rows.count() == 5
    table = [await _cells(rows.nth(i)) for i in range(5)]
    by_kind = sorted((r[2], r[0], r[4]) for r in table)
    assert by_kind == [
        ("await-task", "mistakes/awaits_wx_request", "pages/await_request/await_request"),
        ("no-such-api", "mistakes/calls_wx_share_apis", "pages/share/share"),
        ("no-such-api", "mistakes/calls_wx_share_apis", "pages/share/share"),
        ("relative-url", "mistakes/requests_a_relative_url", "pages/relative_url/relative_url"),
        ("static-setdata", "mistakes/sets_data_from_a_static_helper", "pages/static_helper/static_helper"),
    ]
    users = {r[2]: r[1] for r in table}
    assert users == {"await-task": "alice", "no-such-api": "bob", "relative-url": "carol", "static-setdata": "dave"}
    assert (await page.locator("#totals").inner_text()).startswith("4 passed, 0 failed, 5 findings")
    # Findings also appear in their user's lane, in the step they happened in, and link to it.
    assert await page.locator('td.lane[data-lane="bob"] li.ev[data-group="finding"]').count() == 2
    link = rows.nth(0).locator("td").last.locator("a")
    step = page.locator(await link.get_attribute("href") or "")
    assert await step.locator('li.ev[data-group="finding"]').count() >= 1
    await link.click()
    assert "open" in (await step.get_attribute("class") or "").split()
    assert await step.locator('li.ev[data-group="finding"]').first.is_visible()


def _steps(trace: list[dict[str, Any]]) -> list[Any]:
    return group_steps([Event(e["t"], e["user"], e["kind"], e["data"], e["wall"]) for e in trace])


async def test_each_steps_events_are_in_their_users_lanes(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    i, r = next((i, r) for i, r in enumerate(demo_run.results)
                if r["ok"] and len({e["user"] for e in r["trace"]}) >= 2)
    steps = _steps(r["trace"])
    await page.locator(f"#j{i} > details > summary").click()  # a passed journey starts folded
    shown = page.locator(f"#j{i} tbody.step")
    assert await shown.locator("tr.head .name").all_inner_texts() == [s.name for s in steps]
    for n, step in enumerate(steps):
        await shown.nth(n).locator("tr.head td.n").click()  # open the step
        events = step.events[:MAX_EVENTS_PER_STEP]
        for user in {e.user for _, e in events}:
            lane = shown.nth(n).locator(f'tr.evs td[data-lane="{user}"] li.ev')
            expected = [e.kind for _, e in events if e.user == user]
            assert await lane.evaluate_all("els => els.map(e => e.dataset.kind)") == expected
            assert await lane.evaluate_all(VISIBLE) == len(expected)
    first = shown.first
    assert await first.locator("td.vt").inner_text() == "+0.000s"
    assert (await first.locator("td.wall").inner_text()).startswith("+0.0 ms")


#: How many of the elements are on screen (checkVisibility: no box of their own or an ancestor's, not in a closed
#: <details>), wherever they are scrolled to.
VISIBLE = "els => els.filter(e => e.checkVisibility()).length"


async def test_the_kind_filter_keeps_the_steps_with_such_events_open(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    events = page.locator("li.ev")
    assert await events.evaluate_all(VISIBLE) == 0  # passed journeys start folded, their steps closed
    for box in await page.locator("input.kind").all():
        if await box.get_attribute("value") != "request":
            await box.uncheck()
    i = next(i for i, r in enumerate(demo_run.results) if any(e["kind"] == "request" for e in r["trace"]))
    sec = page.locator(f"#j{i}")
    await sec.locator("summary").first.click()
    requests = await sec.locator('li.ev[data-group="request"]').count()
    assert 0 < requests < await sec.locator("li.ev").count()
    visible = await sec.locator("li.ev").evaluate_all(
        "els => els.filter(e => e.checkVisibility()).map(e => e.dataset.group)")
    assert visible == ["request"] * requests  # the steps that have some are open; nothing else shows
    steps = sec.locator("tbody.step")
    kept = await steps.evaluate_all("els => els.filter(e => e.checkVisibility())"
                                    ".map(e => e.dataset.groups.split(' ').includes('request'))")
    assert kept and all(kept) and len(kept) < await steps.count()
    await page.locator('input.kind[value="request"]').uncheck()
    await page.locator('input.kind[value="setData"]').check()
    assert await sec.locator('li.ev[data-group="setData"]').evaluate_all(VISIBLE) == \
        await sec.locator('li.ev[data-group="setData"]').count() > 0
    assert await sec.locator('li.ev[data-group="request"]').evaluate_all(VISIBLE) == 0
    for box in await page.locator("input.kind").all():
        await box.check()
    assert await events.evaluate_all(VISIBLE) == 0  # back as it was: steps closed
    assert await steps.evaluate_all(VISIBLE) == await steps.count()


async def test_journey_name_and_result_filters(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    ids = [r["journey"] for r in demo_run.results]
    area = ids[0].split("/")[0]
    await page.locator("#q").fill(area + "/")
    sections = page.locator("section.journey")
    shown = await sections.evaluate_all("els => els.filter(e => e.checkVisibility()).map(e => e.dataset.name)")
    assert shown == [j for j in ids if area + "/" in j] != []
    assert await page.locator("#summary tbody tr").evaluate_all(VISIBLE) == len(shown)
    assert await page.locator("#shown").inner_text() == f"{len(shown)} of {len(ids)} journeys"
    await page.locator("#q").fill("")
    await page.locator("#status").select_option("failed")
    failed = sum(not r["ok"] for r in demo_run.results)
    assert await sections.evaluate_all(VISIBLE) == failed
    await page.locator("#status").select_option("passed")
    assert await sections.evaluate_all(VISIBLE) == len(ids) - failed
