"""Pass/fail criteria for a load run: `"p95<300ms"`, `"errors<1%"`, `"request:/api/orders p99<=1s"`.

Grammar: `[SCOPE ]METRIC OP VALUE[UNIT]` where METRIC is `pNN[.N]`, `avg`, `min`, `max`, `errors`
(failure ratio), `rps` or `count`; OP is `<`, `<=`, `>`, `>=`; UNIT is `ms` or `s` for latencies
(bare numbers are ms), `%` for errors (bare numbers are a ratio). SCOPE is `kind`, `kind:name`
(kind one of request, socket, step, journey) or a bare request name; without a scope the
threshold applies to all requests together, or to all journeys when no request was recorded.
"""

from __future__ import annotations

import inspect
import math
import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .stats import KINDS, Entry, Stats

if TYPE_CHECKING:
    from .scheduler import Tick

__all__ = ["Threshold", "ThresholdResult", "abort_on_fail", "evaluate", "parse_threshold"]

_RE = re.compile(
    r"^\s*(?:(?P<scope>.+?)\s+)?(?P<metric>p\d+(?:\.\d+)?|avg|min|max|errors|rps|count)"
    r"\s*(?P<op><=|>=|<|>)\s*(?P<num>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>ms|s|%|/s)?\s*$"
)
_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge,
}
_LATENCY = ("avg", "min", "max")


@dataclass(frozen=True)
class Threshold:
    """A parsed threshold; `value` is in ms for latencies and a ratio for errors."""

    text: str
    metric: str
    op: str
    value: float
    kind: str | None = None
    name: str | None = None

    @property
    def scope(self) -> str:
        """Human form of what the threshold applies to."""
        if self.kind is None:
            return "all requests"
        return f"{self.kind}:{self.name}" if self.name else f"all {self.kind}s"


@dataclass(frozen=True)
class ThresholdResult:
    """Outcome of one threshold: `actual` is None when nothing was recorded in its scope."""

    threshold: Threshold
    ok: bool
    actual: float | None

    @property
    def actual_text(self) -> str:
        """`actual` with the threshold's unit, or "no data"."""
        if self.actual is None:
            return "no data"
        m = self.threshold.metric
        if m == "errors":
            return f"{self.actual * 100:.2f}%"
        if m in ("rps", "count"):
            return f"{self.actual:.1f}"
        return f"{self.actual:.1f}ms"

    def __str__(self) -> str:
        mark = "PASS" if self.ok else "FAIL"
        return f"{mark} {self.threshold.text}  (actual {self.actual_text}, {self.threshold.scope})"


def parse_threshold(text: str) -> Threshold:
    """Parse one threshold string; raise a one-line ValueError on bad syntax."""
    m = _RE.match(text)
    if not m:
        raise ValueError(f"bad threshold {text!r}: expected [scope ]metric op value, e.g. 'p95<300ms', "
                         "'errors<1%', 'request:/api/orders p99<=1s'")
    metric, op, unit = m["metric"], m["op"], m["unit"]
    value = float(m["num"])
    is_latency = metric.startswith("p") or metric in _LATENCY
    if is_latency:
        if metric.startswith("p") and not 0 < float(metric[1:]) <= 100:
            raise ValueError(f"bad threshold {text!r}: percentile must be in (0, 100]")
        if unit not in (None, "ms", "s"):
            raise ValueError(f"bad threshold {text!r}: {metric} takes ms or s, not {unit!r}")
        value = value * 1000.0 if unit == "s" else value
    elif metric == "errors":
        if unit not in (None, "%"):
            raise ValueError(f"bad threshold {text!r}: errors takes % or a ratio, not {unit!r}")
        value = value / 100.0 if unit == "%" else value
    elif unit not in (None, "/s") or (metric == "count" and unit):
        raise ValueError(f"bad threshold {text!r}: {metric} takes a plain number, not {unit!r}")
    kind, name = _parse_scope(text, m["scope"])
    return Threshold(text=text.strip(), metric=metric, op=op, value=value, kind=kind, name=name)


def _parse_scope(text: str, scope: str | None) -> tuple[str | None, str | None]:
    if not scope:
        return None, None
    scope = scope.strip()
    kind, sep, name = scope.partition(":")
    if sep and kind in KINDS:
        return kind, name.strip() or None
    if not sep and scope in KINDS:
        return scope, None
    if sep and not scope.startswith("/") and "/" not in kind:
        raise ValueError(f"bad threshold {text!r}: scope kind must be one of {', '.join(KINDS)}")
    return "request", scope


def _entry_for(t: Threshold, stats: Stats) -> Entry | None:
    if t.name is not None and t.kind is not None:
        return stats.get(t.kind, t.name)
    kind = t.kind
    if kind is None:
        kind = stats.primary_kind()
    agg = stats.total(kind)
    return agg if agg.count else None


def _actual(t: Threshold, e: Entry, stats: Stats) -> float:
    m = t.metric
    if m == "errors":
        return e.error_rate
    if m == "rps":
        return stats.rps(e)
    if m == "count":
        return float(e.count)
    if m == "avg":
        return e.avg
    if m == "min":
        return e.min
    if m == "max":
        return e.max
    return e.percentile(float(m[1:]) / 100.0)


def evaluate(thresholds: Iterable[str | Threshold], stats: Stats) -> list[ThresholdResult]:
    """Check each threshold against `stats`; no data in scope counts as a failure."""
    results = []
    for t in thresholds:
        th = parse_threshold(t) if isinstance(t, str) else t
        e = _entry_for(th, stats)
        if e is None:
            results.append(ThresholdResult(th, False, None))
            continue
        actual = _actual(th, e, stats)
        ok = not math.isnan(actual) and _OPS[th.op](actual, th.value)
        results.append(ThresholdResult(th, ok, actual))
    return results


def abort_on_fail(thresholds: Sequence[str | Threshold], *, after: float = 0.0,
                  then: Callable[[Tick], Any] | None = None) -> Callable[[Tick], Any]:
    """An `on_tick` for `--abort-on-fail`: stop the run once a threshold fails (after `after` s).

    `then` (e.g. a `Progress`) is called first on every tick. The failing results are left in
    `stats.meta["aborted_by"]`.
    """
    parsed = [parse_threshold(t) if isinstance(t, str) else t for t in thresholds]

    async def on_tick(tick: Tick) -> bool:
        if then is not None:
            res = then(tick)
            if inspect.isawaitable(res):
                res = await res
            if res is True:
                return True
        if tick.elapsed < after:
            return False
        failed = [r for r in evaluate(parsed, tick.stats) if not r.ok and r.actual is not None]
        if failed:
            tick.stats.meta["aborted_by"] = [str(r) for r in failed]
        return bool(failed)

    return on_tick
