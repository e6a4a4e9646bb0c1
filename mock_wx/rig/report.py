"""Journey results for people: a progress bar, a summary table, and a single self-contained report.html."""

from __future__ import annotations

import asyncio
import base64
import html
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from .report_steps import steps_html

__all__ = ["print_summary", "render_html", "run_with_progress", "write_html_report"]

MAX_EVENTS_PER_JOURNEY = 600
KIND_CLASS = {
    "request": "net", "socket-send": "net", "socket-recv": "net", "setData": "data", "modal": "dialog",
    "toast": "dialog", "actionSheet": "dialog", "loading": "dialog", "navigate": "nav", "launch": "nav",
    "share": "share", "share-card": "share", "open-card": "share", "payment": "pay", "finding": "finding",
    "js-error": "error", "wx-fail": "error", "action": "action", "console": "console",
}


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


def _events_html(trace: Any) -> str:
    if trace is None:
        return "<p>(no trace)</p>"
    by_user: dict[str, list[tuple[int, Any]]] = {}
    for n, e in enumerate(trace.events[:MAX_EVENTS_PER_JOURNEY], 1):
        by_user.setdefault(e.user, []).append((n, e))
    parts = []
    t0 = trace.events[0].t if trace.events else 0.0
    w0 = trace.events[0].wall if trace.events else 0.0
    for user, events in by_user.items():
        rows = []
        for n, e in events:
            data = html.escape(json.dumps(e.data, ensure_ascii=False, default=str)[:300])
            cls = KIND_CLASS.get(e.kind, "other")
            # Virtual time stands still within a step: the step number orders events across users, and wall
            # time since the journey started measures the app's own work between them.
            rows.append(f'<li class="ev {cls}" data-kind="{html.escape(e.kind)}" data-step="{n}">'
                        f'<span class="n">#{n}</span><span class="t">+{e.t - t0:.3f}s</span>'
                        f'<span class="w" title="wall time since the journey started">'
                        f'{(e.wall - w0) * 1000:.1f} ms</span>'
                        f'<span class="k">{html.escape(e.kind)}</span><code>{data}</code></li>')
        parts.append(f'<div class="user" data-user="{html.escape(user)}"><h4>{html.escape(user)} '
                     f'<small>({len(events)} events)</small></h4><ol class="timeline">{"".join(rows)}</ol></div>')
    if len(trace.events) > MAX_EVENTS_PER_JOURNEY:
        parts.append(f"<p class='cut'>{len(trace.events) - MAX_EVENTS_PER_JOURNEY} more events in the JSON export</p>")
    return "".join(parts)


def _screens_html(r: Any) -> str:
    """The users' screens when the journey failed, beside its stack: images load when scrolled to
    (data-src → src), so a report of many failures opens quickly."""
    shots = [s for s in getattr(r, "screens", None) or [] if s.get("when") == "failure"]
    if not shots:
        return ""
    figs = "".join(
        f'<figure class="screen" data-user="{html.escape(s["user"])}"><img alt="{html.escape(s["user"])}\'s screen '
        f'at {html.escape(s.get("when", ""))}" width="188" data-src="data:image/png;base64,'
        f'{base64.b64encode(s["png"]).decode()}"><figcaption>{html.escape(s["user"])} — '
        f'{html.escape(s.get("page") or "")} ({html.escape(s.get("when", ""))})</figcaption></figure>'
        for s in shots)
    return f'<div class="screens">{figs}</div>'


def _status(r: Any) -> str:
    return "skipped" if r.skipped else ("passed" if r.ok else "failed")


def render_html(results: Sequence[Any], title: str = "wxsim report") -> str:
    """The report as one HTML string: summary, findings, and a per-user timeline for each journey."""
    skipped = sum(1 for r in results if r.skipped)
    passed = sum(1 for r in results if r.ok) - skipped
    failed = len(results) - passed - skipped
    findings = [(r.journey.id, f) for r in results if r.trace for f in r.trace.findings]
    summary_rows = "".join(
        f'<tr class="{"ok" if r.ok else "fail"}"><td><a href="#j{i}">{html.escape(r.journey.id)}</a></td>'
        f'<td>{_status(r)}</td><td>{r.seconds:.3f}</td><td>{r.findings}</td>'
        f'<td>{html.escape(r.error or "")}</td></tr>'
        for i, r in enumerate(results)
    )
    finding_rows = "".join(
        f"<tr><td>{html.escape(jid)}</td><td>{html.escape(f.user)}</td><td>{html.escape(f.kind)}</td>"
        f"<td>{html.escape(f.message)}</td><td>{html.escape(f.page or '')}</td></tr>"
        for jid, f in findings
    ) or '<tr><td colspan="5">No findings: no platform pitfalls were hit.</td></tr>'
    sections = "".join(
        f'<section class="journey {"ok" if r.ok else "fail"}" id="j{i}"><h3>{html.escape(r.journey.id)} — '
        f'{_status(r)}</h3>'
        + (f"<div class='failure'>{_screens_html(r)}<pre class='error'>{html.escape(r.detail or r.error or '')}</pre></div>"
           if not r.ok else "")
        + steps_html(r.trace, {s["event"]: s["png"] for s in getattr(r, "screens", None) or [] if "event" in s})
        + _events_html(r.trace) + "</section>"
        for i, r in enumerate(results)
    )
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<style>
body{{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#222}} table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:4px 8px;text-align:left}} tr.fail td{{background:#fde8e8}}
tr.ok td:nth-child(2){{color:#18794e}} .timeline{{list-style:none;padding-left:0;max-height:420px;overflow:auto}}
.ev{{border-left:4px solid #ddd;padding:1px 6px;margin:1px 0;font-size:12px}} .ev .t{{color:#888;margin-right:8px}} .ev .n{{color:#aaa;margin-right:6px}} .ev .w{{color:#aaa;margin-right:8px}}
.ev .k{{font-weight:600;margin-right:8px}} .net{{border-color:#3b82f6}} .data{{border-color:#a855f7}}
.dialog{{border-color:#f59e0b}} .nav{{border-color:#10b981}} .share{{border-color:#ec4899}} .pay{{border-color:#ef4444}}
.finding,.error{{border-color:#b91c1c;background:#fef2f2}} .user{{display:inline-block;vertical-align:top;width:48%;margin-right:1%}}
pre.error{{background:#fef2f2;padding:8px;overflow:auto}} section.journey{{border-top:1px solid #eee;padding-top:8px}}
#filter{{margin:8px 0}}
.failure{{display:flex;gap:12px;align-items:flex-start}} .failure pre.error{{flex:1;margin:0}}
.screens{{display:flex;gap:8px}} .screen{{margin:0;font-size:12px;color:#555}}
table.steps td.vt{{color:#888;white-space:nowrap;font-size:12px}} table.steps td.lane{{background:#f0f7ff;vertical-align:top}}
table.steps img.after{{display:block;margin-top:4px;border:1px solid #ccc;border-radius:6px;min-height:167px;background:#f4f4f4}}
.screen img{{display:block;border:1px solid #ccc;border-radius:8px;min-height:334px;background:#f4f4f4}}
</style></head><body>
<h1>{html.escape(title)}</h1>
<p id="totals"><b>{passed}</b> passed, <b>{failed}</b> failed, {f"<b>{skipped}</b> skipped, " if skipped else ""}<b>{len(findings)}</b> findings — generated {generated}</p>
<h2>Journeys</h2><table id="summary"><thead><tr><th>journey</th><th>result</th><th>seconds</th><th>findings</th><th>error</th></tr></thead>
<tbody>{summary_rows}</tbody></table>
<h2>Findings</h2><table id="findings"><thead><tr><th>journey</th><th>user</th><th>kind</th><th>message</th><th>page</th></tr></thead>
<tbody>{finding_rows}</tbody></table>
<h2>Timelines</h2><label>Show only events of kind <input id="filter" placeholder="e.g. request"></label>
{sections}
<script>
document.getElementById('filter').addEventListener('input', function (e) {{
  var q = e.target.value.trim();
  document.querySelectorAll('.ev').forEach(function (li) {{
    li.style.display = !q || li.dataset.kind.indexOf(q) >= 0 ? '' : 'none';
  }});
  document.querySelectorAll('tr.step').forEach(function (tr) {{
    tr.style.display = !q || tr.dataset.kind.indexOf(q) >= 0 || tr.dataset.user.indexOf(q) >= 0 ? '' : 'none';
  }});
}});
(function () {{
  var imgs = document.querySelectorAll('img[data-src]');
  function show(img) {{ if (img.dataset.src) {{ img.src = img.dataset.src; delete img.dataset.src; }} }}
  if (!('IntersectionObserver' in window)) {{ imgs.forEach(show); return; }}
  var io = new IntersectionObserver(function (entries) {{
    entries.forEach(function (e) {{ if (e.isIntersecting) {{ show(e.target); io.unobserve(e.target); }} }});
  }}, {{rootMargin: '400px'}});
  imgs.forEach(function (img) {{ io.observe(img); }});
}})();
</script></body></html>"""


def write_html_report(results: Sequence[Any], path: str | Path, title: str = "wxsim report") -> Path:
    out = Path(path)
    t = time.perf_counter()
    out.write_text(render_html(results, title), encoding="utf-8")
    _ = time.perf_counter() - t
    return out
