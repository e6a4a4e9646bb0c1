"""report.html in a real Chromium (Playwright, Debian's /usr/bin/chromium): the summary counts, a row per
journey, the findings table, a user's timeline and the kind filter — compared with the run's JSON export.

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

#: report.py shows at most this many events per journey (the rest are in the JSON export).
MAX_EVENTS_PER_JOURNEY = 600

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
    # Findings also appear in their user's timeline, highlighted.
    assert await page.locator('.user[data-user="bob"] li.ev.finding').count() == 2


async def test_a_users_timeline_shows_their_events_in_order(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    i, r = next((i, r) for i, r in enumerate(demo_run.results)
                if r["ok"] and len({e["user"] for e in r["trace"]}) >= 2)
    shown = r["trace"][:MAX_EVENTS_PER_JOURNEY]
    for user in sorted({e["user"] for e in shown}):
        expected = [e["kind"] for e in shown if e["user"] == user]
        timeline = page.locator(f'#j{i} .user[data-user="{user}"]')
        assert (await timeline.locator("h4").inner_text()).startswith(f"{user} ({len(expected)} events)")
        assert await timeline.locator("li.ev").evaluate_all("els => els.map(e => e.dataset.kind)") == expected
    first = page.locator(f'#j{i} .user[data-user="{shown[0]["user"]}"] li.ev').first
    assert await first.locator(".t").inner_text() == "+0.000s"
    assert await first.locator(".k").inner_text() == shown[0]["kind"]


VISIBLE = "els => els.filter(e => getComputedStyle(e).display !== 'none').map(e => e.dataset.kind)"


async def test_kind_filter_hides_other_events(report_page: Any, demo_run: CliRun) -> None:
    page = report_page
    await _open(page, demo_run)
    events = page.locator("li.ev")
    all_kinds = await events.evaluate_all("els => els.map(e => e.dataset.kind)")
    total = len(all_kinds)
    assert "request" in all_kinds and total > all_kinds.count("request")
    await page.locator("#filter").fill("request")
    visible = await events.evaluate_all(VISIBLE)
    assert visible == [k for k in all_kinds if "request" in k]
    hidden = await events.evaluate_all("els => els.filter(e => e.style.display === 'none').length")
    assert hidden == total - len(visible)
    await page.locator("#filter").fill("launch")
    assert await events.evaluate_all(VISIBLE) == [k for k in all_kinds if "launch" in k] != []
    await page.locator("#filter").fill("")
    assert len(await events.evaluate_all(VISIBLE)) == total
