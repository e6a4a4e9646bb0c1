"""Run reports: a JSON document (stats + series + thresholds + metadata, mergeable raw stats
included) and one self-contained HTML page (inline CSS and SVG charts, nothing fetched).
"""

from __future__ import annotations

import csv
import datetime as _dt
import json
import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import Any

from ._charts import line_chart
from .progress import summary_rows
from .stats import KINDS, Stats
from .thresholds import ThresholdResult

__all__ = ["render_html", "to_json", "write_csv", "write_html", "write_json"]


def _clean(v: Any) -> Any:
    """NaN/inf → None, recursively, so the JSON is strict."""
    if isinstance(v, float):
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(v, dict):
        return {str(k): _clean(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_clean(x) for x in v]
    return v


def _iso(ts: float | None) -> str | None:
    return None if ts is None else _dt.datetime.fromtimestamp(ts, _dt.UTC).isoformat(timespec="seconds")


def to_json(stats: Stats, thresholds: Sequence[ThresholdResult] = (),
            meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """The report as a JSON-safe dict: meta, summary rows, per-second series, thresholds, raw stats."""
    series = {}
    for kind in KINDS:
        pts = stats.series_points(kind)
        if pts and kind in stats.series:
            series[kind] = [{"t": p.t, "count": p.count, "failures": p.failures, "p50": p.p50,
                             "p95": p.p95, "users": p.users} for p in pts]
    return _clean({
        "meta": {**stats.meta, **(meta or {}), "started_at": _iso(stats.started_at),
                 "stopped_at": _iso(stats.stopped_at), "elapsed_s": stats.elapsed},
        "ok": all(r.ok for r in thresholds),
        "summary": summary_rows(stats),
        "series": series,
        "thresholds": [{"threshold": r.threshold.text, "scope": r.threshold.scope, "metric": r.threshold.metric,
                        "op": r.threshold.op, "limit": r.threshold.value, "actual": r.actual, "ok": r.ok}
                       for r in thresholds],
        "stats": stats.to_dict(),
    })


def write_json(path: str | Path, stats: Stats, thresholds: Sequence[ThresholdResult] = (),
               meta: dict[str, Any] | None = None) -> Path:
    """Write `to_json(...)` to `path`."""
    p = Path(path)
    p.write_text(json.dumps(to_json(stats, thresholds, meta), indent=2, allow_nan=False), encoding="utf-8")
    return p


_STATS_COLUMNS = ["Type", "Name", "Request Count", "Failure Count", "Average Response Time", "Min Response Time",
                  "Max Response Time", "Requests/s", "Failures/s", "50%", "90%", "95%", "99%"]
_HISTORY_COLUMNS = ["Timestamp", "User Count", "Type", "Requests/s", "Failures/s", "50%", "95%"]


def write_csv(prefix: str | Path, stats: Stats) -> tuple[Path, Path]:
    """`PREFIX_stats.csv` (a row per type and name, an aggregate per type: Locust's column names, times in
    ms) and `PREFIX_stats_history.csv` (a row per second and type: users, rates, p50/p95), for the tools
    that already read Locust's `--csv` output."""
    base = Path(prefix)
    stats_path = base.with_name(base.name + "_stats.csv")
    history_path = base.with_name(base.name + "_stats_history.csv")

    def num(v: Any, digits: int = 3) -> Any:
        return "" if v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))) else round(v, digits)

    with stats_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(_STATS_COLUMNS)
        elapsed = max(stats.elapsed, 1e-9)
        for r in summary_rows(stats):
            w.writerow([r["kind"], r["name"], r["count"], r["failures"], num(r["avg"]), num(r["min"]),
                        num(r["max"]), num(r["rps"]), num(float(r["failures"]) / elapsed),  # type: ignore[arg-type]
                        num(r["p50"]), num(r["p90"]), num(r["p95"]), num(r["p99"])])
    with history_path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(_HISTORY_COLUMNS)
        for kind in KINDS:
            if kind not in stats.series:
                continue
            for pt in stats.series_points(kind):
                w.writerow([pt.t, pt.users, kind, pt.count, pt.failures, num(pt.p50), num(pt.p95)])
    return stats_path, history_path


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#111;background:#fafafa}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px}.muted{color:#666}
table{border-collapse:collapse;background:#fff;font-variant-numeric:tabular-nums}
th,td{border:1px solid #ddd;padding:4px 8px;text-align:right}th{background:#f0f0f0}
td.l,th.l{text-align:left}tr.agg td{font-weight:600}.pass{color:#15803d}.fail{color:#b91c1c;font-weight:600}
.badge{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff}.badge.pass{background:#15803d;color:#fff}
.badge.fail{background:#b91c1c;color:#fff}.charts{display:flex;flex-wrap:wrap;gap:12px}
.chart{background:#fff;border:1px solid #ddd}.chart .title{font-weight:600;font-size:13px}
.chart .axis{font-size:10px;fill:#555}.chart .legend{font-size:11px}.chart .grid{stroke:#eee}
"""


def _num(v: Any, digits: int = 1) -> str:
    if v is None or (isinstance(v, float) and (math.isnan(v) or math.isinf(v))):
        return "-"
    return f"{v:.{digits}f}" if isinstance(v, float) else str(v)


def _charts(stats: Stats) -> str:
    kind = stats.primary_kind()
    pts = stats.series_points(kind)
    if not pts:
        return '<p class="muted">No data recorded.</p>'
    t0 = pts[0].t
    xs = [float(p.t - t0) for p in pts]
    return "".join([
        line_chart(f"{kind} latency (ms)", xs, {"p50": [p.p50 for p in pts], "p95": [p.p95 for p in pts]}, "ms"),
        line_chart(f"{kind}s per second", xs, {"rps": [float(p.count) for p in pts],
                                               "failures/s": [float(p.failures) for p in pts]}),
        line_chart("virtual users", xs, {"users": [float(p.users) for p in pts]}),
    ])


def render_html(stats: Stats, thresholds: Sequence[ThresholdResult] = (), title: str = "wxsim load report",
                meta: dict[str, Any] | None = None) -> str:
    """One self-contained HTML page: run metadata, thresholds, charts, summary table, errors."""
    info = {**stats.meta, **(meta or {})}
    ok = all(r.ok for r in thresholds)
    head = ", ".join(f"{escape(str(k))}={escape(str(v))}" for k, v in info.items()
                     if v is not None and k not in ("journeys",))
    out = [f"<!doctype html><html lang=en><head><meta charset=utf-8><title>{escape(title)}</title>"
           f"<meta name=viewport content='width=device-width,initial-scale=1'><style>{_CSS}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<p class="muted">{escape(_iso(stats.started_at) or "")} · {stats.elapsed:.1f}s · {head}</p>']
    if thresholds:
        out.append(f'<h2>Thresholds <span class="badge {"pass" if ok else "fail"}">'
                   f'{"PASS" if ok else "FAIL"}</span></h2><table><tr><th class=l>threshold</th>'
                   "<th class=l>scope</th><th>actual</th><th>result</th></tr>")
        for r in thresholds:
            cls = "pass" if r.ok else "fail"
            out.append(f"<tr><td class=l>{escape(r.threshold.text)}</td><td class=l>{escape(r.threshold.scope)}</td>"
                       f"<td>{escape(r.actual_text)}</td><td class={cls}>{'pass' if r.ok else 'FAIL'}</td></tr>")
        out.append("</table>")
    out.append(f'<h2>Over time</h2><div class="charts">{_charts(stats)}</div>')
    out.append("<h2>Summary</h2><table><tr><th class=l>type</th><th class=l>name</th><th>count</th>"
               "<th>fails</th><th>rps</th><th>avg</th><th>p50</th><th>p90</th><th>p95</th><th>p99</th>"
               "<th>max</th></tr>")
    errors: list[tuple[int, object, object, str]] = []
    for row in summary_rows(stats):
        agg = ' class="agg"' if row["name"] == "Aggregated" else ""
        cells = "".join(f"<td>{_num(row[k])}</td>" for k in ("rps", "avg", "p50", "p90", "p95", "p99", "max"))
        out.append(f"<tr{agg}><td class=l>{escape(str(row['kind']))}</td><td class=l>{escape(str(row['name']))}</td>"
                   f"<td>{row['count']}</td><td>{row['failures']}</td>{cells}</tr>")
        errs = row["errors"]
        if row["name"] != "Aggregated" and isinstance(errs, dict):
            errors += [(n, row["kind"], row["name"], msg) for msg, n in errs.items()]
    out.append("</table>")
    if errors:
        out.append("<h2>Errors</h2><table><tr><th>count</th><th class=l>type</th><th class=l>name</th>"
                   "<th class=l>message</th></tr>")
        for n, kind, name, msg in sorted(errors, key=lambda e: -e[0])[:50]:
            out.append(f"<tr><td>{n}</td><td class=l>{escape(str(kind))}</td><td class=l>{escape(str(name))}</td>"
                       f"<td class=l>{escape(str(msg))}</td></tr>")
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out)


def write_html(path: str | Path, stats: Stats, thresholds: Sequence[ThresholdResult] = (),
               title: str = "wxsim load report", meta: dict[str, Any] | None = None) -> Path:
    """Write `render_html(...)` to `path`."""
    p = Path(path)
    p.write_text(render_html(stats, thresholds, title, meta), encoding="utf-8")
    return p
