"""Journey results for people: a progress bar, a summary table, and a single self-contained report.html."""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .report_assets import SCRIPT, STYLE
from .report_journey import journey_html, status_of
from .report_steps import EVENT_GROUPS

__all__ = ["print_summary", "render_html", "run_with_progress", "write_html_report"]


async def run_with_progress(items: Sequence[Any], fn: Callable[[Any], Awaitable[Any]]) -> list[Any]:
    """Run `fn(item)` for each item in order, with a progress bar on a terminal."""
    console = Console(stderr=True)
    out: list[Any] = []
    with Progress(TextColumn("[bold]journeys"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  TextColumn("{task.description}"), console=console, transient=False,
                  disable=not console.is_terminal) as progress:
        task = progress.add_task("", total=len(items))
        for item in items:
            progress.update(task, description=getattr(item, "id", ""))
            out.append(await fn(item))
            progress.advance(task)
            await asyncio.sleep(0)
    return out


def print_summary(results: Sequence[Any], console: Console | None = None) -> None:
    """A table per area: journeys passed/failed, time, findings; then each failure on one line."""
    console = console or Console()
    table = Table(title="wxsim journeys")
    for col in ("area", "journeys", "passed", "failed", "findings", "seconds"):
        table.add_column(col, justify="right" if col != "area" else "left")
    areas: dict[str, list[Any]] = {}
    for r in results:
        areas.setdefault(r.journey.area, []).append(r)
    for area, rs in sorted(areas.items()):
        failed = sum(not r.ok for r in rs)
        table.add_row(area, str(len(rs)), str(len(rs) - failed), f"[red]{failed}[/]" if failed else "0",
                      str(sum(r.findings for r in rs)), f"{sum(r.seconds for r in rs):.2f}")
    total_failed = sum(not r.ok for r in results)
    table.add_row("[bold]total", str(len(results)), str(len(results) - total_failed), str(total_failed),
                  str(sum(r.findings for r in results)), f"{sum(r.seconds for r in results):.2f}")
    console.print(table)
    for r in results:
        if not r.ok:
            console.print(f"[red]FAILED[/] {r.journey.id}: {r.error}")
    skipped = sum(1 for r in results if r.skipped)
    passed = len(results) - total_failed - skipped
    console.print(f"{passed} passed, {total_failed} failed" + (f", {skipped} skipped" if skipped else ""))
    for r in results:
        if r.skipped:
            console.print(f"[yellow]SKIPPED[/] {r.journey.id}: {r.skipped}")


def render_html(results: Sequence[Any], title: str = "wxsim report") -> str:
    """The report as one self-contained HTML string (styles, script and screenshots inline): the summary,
    the findings (each linked to its step), a toolbar of filters, and each journey's steps (report_journey)."""
    skipped = sum(1 for r in results if r.skipped)
    passed = sum(1 for r in results if r.ok) - skipped
    failed = len(results) - passed - skipped
    sections, finding_rows = [], []
    users: dict[str, None] = {}
    for i, r in enumerate(results):
        section, anchors = journey_html(i, r)
        sections.append(section)
        for u in (e.user for e in (r.trace.events if r.trace else []) if e.user):
            users.setdefault(u)
        for n, f in enumerate(r.trace.findings if r.trace else []):
            step = f'<a href="#{anchors[n]}">step {anchors[n].split("s")[-1]}</a>' if n < len(anchors) else ""
            finding_rows.append(
                f'<tr data-status="{status_of(r)}" data-name="{html.escape(r.journey.id)}"><td>'
                f'<a href="#j{i}">{html.escape(r.journey.id)}</a></td><td>{html.escape(f.user)}</td>'
                f"<td>{html.escape(f.kind)}</td><td>{html.escape(f.message)}</td><td>{html.escape(f.page or '')}</td>"
                f"<td>{step}</td></tr>")
    summary_rows = "".join(
        f'<tr class="{"ok" if r.ok else "fail"}" data-status="{status_of(r)}" data-name="{html.escape(r.journey.id)}">'
        f'<td><a href="#j{i}">{html.escape(r.journey.id)}</a></td><td>{status_of(r)}</td><td>{r.seconds:.3f}</td>'
        f'<td>{r.findings}</td><td>{html.escape(r.error or "")}</td></tr>'
        for i, r in enumerate(results))
    findings_body = "".join(finding_rows) or '<tr><td colspan="6">No findings: no platform pitfalls were hit.</td></tr>'
    user_options = "".join(f"<option>{html.escape(u)}</option>" for u in users)
    kinds = "".join(f'<label><input type="checkbox" class="kind" value="{g}" checked> {g}</label>'
                    for g in [*EVENT_GROUPS, "other"])
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>{STYLE}</style></head><body>
<h1>{html.escape(title)}</h1>
<p id="totals"><b>{passed}</b> passed, <b>{failed}</b> failed, {f"<b>{skipped}</b> skipped, " if skipped else ""}<b>{len(finding_rows)}</b> findings — generated {generated}</p>
<form id="filters" onsubmit="return false">
<input id="q" type="search" placeholder="journey name contains…" aria-label="journey name">
<select id="status" aria-label="result"><option value="">all results</option><option value="failed">failed</option><option value="passed">passed</option><option value="skipped">skipped</option></select>
<select id="user" aria-label="user"><option value="">all users</option>{user_options}</select>
<span class="kinds">{kinds}</span>
<button type="button" id="expand">expand all</button><button type="button" id="collapse">collapse all</button>
<span id="shown"></span></form>
<h2>Journeys</h2><table id="summary"><thead><tr><th>journey</th><th>result</th><th>seconds</th><th>findings</th><th>error</th></tr></thead>
<tbody>{summary_rows}</tbody></table>
<h2>Findings</h2><table id="findings"><thead><tr><th>journey</th><th>user</th><th>kind</th><th>message</th><th>page</th><th>where</th></tr></thead>
<tbody>{findings_body}</tbody></table>
<h2>Steps</h2>
<p class="hint">A row per step, a column per user. Click a step for what happened during it: requests, setData,
dialogs, findings, errors. Times: virtual since the journey started · wall since the journey started (how long the step took).</p>
{"".join(sections)}
<script>{SCRIPT}</script></body></html>"""


def write_html_report(results: Sequence[Any], path: str | Path, title: str = "wxsim report") -> Path:
    out = Path(path)
    out.write_text(render_html(results, title), encoding="utf-8")
    return out
