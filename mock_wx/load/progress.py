"""Live terminal progress (users, rps, failures, p95 every 2 s) and the end-of-run summary table.

On a terminal this is a `rich` live panel; elsewhere (CI logs, pipes) it prints one plain line
per refresh, so logs stay greppable.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Iterable, Sequence
from types import TracebackType

from rich.console import Console
from rich.live import Live
from rich.table import Table
from rich.text import Text

from .histogram import CoarseHistogram
from .scheduler import Tick
from .stats import KINDS, Stats
from .thresholds import ThresholdResult

__all__ = ["Progress", "print_summary", "summary_rows", "summary_table"]


def _ms(v: float) -> str:
    return "-" if math.isnan(v) or math.isinf(v) else f"{v:.0f}" if v >= 100 else f"{v:.1f}"


class Progress:
    """An `on_tick` callback that redraws at most every `interval` seconds; use as a context manager.

    Shows users, the current rate (since the last redraw), failures so far and p95 over the
    last `interval` seconds (of requests, or of journeys when the run records no requests).
    """

    def __init__(self, console: Console | None = None, interval: float = 2.0) -> None:
        self.console = console or Console(stderr=True)
        self.interval = interval
        self._live: Live | None = None
        self._last_at: float | None = None
        self._last_count = 0
        self.lines = 0

    def __enter__(self) -> Progress:
        if self.console.is_terminal:
            self._live = Live(Text("starting…"), console=self.console, auto_refresh=False, transient=False)
            self._live.__enter__()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._live is not None:
            self._live.__exit__(et, ev, tb)
            self._live = None

    def __call__(self, tick: Tick) -> None:
        now = time.monotonic()
        if self._last_at is not None and now - self._last_at < self.interval:
            return
        self.update(tick.stats, tick.users, tick.elapsed, now)

    def update(self, stats: Stats, users: int, elapsed: float, now: float | None = None) -> str:
        """Redraw now; returns the plain status line."""
        now = time.monotonic() if now is None else now
        kind = stats.primary_kind()
        agg = stats.total(kind)
        window = now - self._last_at if self._last_at is not None else max(elapsed, 1e-9)
        rps = (agg.count - self._last_count) / max(window, 1e-9)
        self._last_at, self._last_count = now, agg.count
        recent = CoarseHistogram()
        wall = int(stats.now())
        per_kind = stats.series.get(kind, {})
        for t in range(wall - max(1, math.ceil(self.interval)), wall + 1):
            s = per_kind.get(t)
            if s is not None:
                recent.merge(CoarseHistogram(s.hist))
        p95 = recent.quantile(0.95) if recent.counts else agg.percentile(0.95)
        fail_pct = 100.0 * agg.error_rate
        line = (f"[{elapsed:6.1f}s] users {users:>6}  {kind}s/s {rps:8.1f}  "
                f"failures {agg.failures} ({fail_pct:.2f}%)  p95 {_ms(p95)} ms")
        self.lines += 1
        if self._live is not None:
            self._live.update(Text(line), refresh=True)
        else:
            self.console.print(line, markup=False, highlight=False)
        return line


def summary_rows(stats: Stats, kinds: Iterable[str] = KINDS) -> list[dict[str, object]]:
    """Per (kind, name) numbers for tables and reports, with an aggregate row per kind."""
    rows: list[dict[str, object]] = []
    for kind in kinds:
        names = stats.names(kind)
        entries = [stats.entries[(kind, n)] for n in names]
        if len(entries) > 1:
            entries.append(stats.total(kind))
        for e in entries:
            p50, p90, p95, p99 = e.percentiles((0.5, 0.9, 0.95, 0.99))
            rows.append({
                "kind": kind, "name": e.name, "count": e.count, "failures": e.failures,
                "rps": stats.rps(e), "avg": e.avg, "min": e.min if e.count else math.nan, "p50": p50,
                "p90": p90, "p95": p95, "p99": p99, "max": e.max if e.count else math.nan,
                "errors": dict(sorted(e.errors.items(), key=lambda kv: -kv[1])),
            })
    return rows


def summary_table(stats: Stats, kinds: Iterable[str] = KINDS) -> Table:
    """A rich table: per name count, fails, rps, p50, p95, p99, max (ms)."""
    rows = summary_rows(stats, kinds)
    table = Table(title=f"wxsim load — {stats.elapsed:.1f}s", title_justify="left")
    table.add_column("type", no_wrap=True)
    widest = max((len(str(r["name"])) for r in rows), default=4)
    table.add_column("name", overflow="fold", min_width=min(widest, 30))  # names matter more than numbers
    for col in ("count", "fails", "rps", "p50", "p95", "p99", "max"):
        table.add_column(col, justify="right")
    for r in rows:
        style = "bold" if r["name"] == "Aggregated" else None
        table.add_row(str(r["kind"]), str(r["name"]), str(r["count"]), str(r["failures"]),
                      f"{r['rps']:.1f}", *(_ms(float(r[k])) for k in ("p50", "p95", "p99", "max")),  # type: ignore[arg-type]
                      style=style)
    return table


def print_summary(stats: Stats, console: Console | None = None,
                  thresholds: Sequence[ThresholdResult] = ()) -> None:
    """Print the summary table, the top errors and threshold results."""
    # Off a terminal rich assumes 80 columns; CI logs are wider and a cropped table helps no one.
    console = console or Console(width=None if sys.stdout.isatty() else 120)
    console.print(summary_table(stats))
    errors: dict[str, int] = {}
    for (kind, name), e in stats.entries.items():
        for msg, n in e.errors.items():
            errors[f"{kind} {name}: {msg}"] = errors.get(f"{kind} {name}: {msg}", 0) + n
    for msg, n in sorted(errors.items(), key=lambda kv: -kv[1])[:10]:
        console.print(f"  {n:>6} × {msg}", markup=False, highlight=False)
    for res in thresholds:
        console.print(str(res), style="green" if res.ok else "red", markup=False, highlight=False)
