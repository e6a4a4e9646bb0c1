"""Load statistics: one `Entry` per (kind, name), per-second series for charts, mergeable across processes.

`Stats.record` is on the hot path of every request a virtual user makes, so it does a few dict
lookups, one `log()` and a handful of integer updates; everything else (quantiles, series
quantiles, merging) happens when someone asks.
"""

from __future__ import annotations

import contextvars
import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from .histogram import (
    _INV_LOG_GAMMA,
    _MIN_BUCKET,
    _OFFSET,
    MIN_VALUE,
    SERIES_SHIFT,
    CoarseHistogram,
    Histogram,
)
from .routes import RouteNames, request_name, route_template

__all__ = [
    "KINDS",
    "PERCENTILES",
    "Entry",
    "SeriesPoint",
    "Stats",
    "StepTimer",
    "current_stats",
    "error_message",
    "request_name",
    "route_template",
    "step",
]

KINDS = ("request", "socket", "step", "journey")
PERCENTILES = (0.5, 0.9, 0.95, 0.99)
MAX_ERROR_KINDS = 100
"""Distinct error messages kept per entry; later new ones are counted as "(other errors)"."""
_log = math.log

current_stats: contextvars.ContextVar[Stats | None] = contextvars.ContextVar("wxsim_load_stats", default=None)
"""The Stats the running virtual user reports to; set by `run_population` in each user task."""


class Entry:
    """Counters and a latency histogram for one (kind, name)."""

    __slots__ = ("_sec", "_second", "count", "errors", "failures", "hist", "kind", "max", "min", "name", "size",
                 "total")

    def __init__(self, kind: str, name: str) -> None:
        self.kind = kind
        self.name = name
        self.count = 0
        self.failures = 0
        self.errors: dict[str, int] = {}
        self.min = math.inf
        self.max = 0.0
        self.total = 0.0
        self.size = 0
        self.hist: dict[int, int] = defaultdict(int)
        self._sec = -1  # the series second `_second` belongs to (a cache for `Stats.record`)
        self._second = _NO_SECOND

    @property
    def avg(self) -> float:
        """Mean latency (ms); NaN when empty."""
        return self.total / self.count if self.count else math.nan

    @property
    def error_rate(self) -> float:
        """Failures / count (0 when empty)."""
        return self.failures / self.count if self.count else 0.0

    def percentiles(self, qs: Iterable[float] = PERCENTILES) -> list[float]:
        """Quantiles (ms), clamped to the exact min and max (q=0 and q=1 give them exactly)."""
        qs = list(qs)
        est = Histogram(self.hist).quantiles(qs)
        return [self.max if q >= 1 and self.count else self.min if q <= 0 and self.count else min(max(v, self.min), self.max)
                for q, v in zip(qs, est, strict=True)]

    def percentile(self, q: float) -> float:
        """One quantile (q in [0, 1]) in ms."""
        return self.percentiles([q])[0]

    def merge(self, other: Entry) -> None:
        """Add another entry's observations into this one."""
        self.count += other.count
        self.failures += other.failures
        for msg, n in other.errors.items():
            self.errors[msg] = self.errors.get(msg, 0) + n
        self.min = min(self.min, other.min)
        self.max = max(self.max, other.max)
        self.total += other.total
        self.size += other.size
        h = self.hist
        for b, n in other.hist.items():
            h[b] = h.get(b, 0) + n

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form, including the raw histogram for merging."""
        return {
            "kind": self.kind, "name": self.name, "count": self.count, "failures": self.failures,
            "errors": dict(self.errors), "min": None if self.count == 0 else self.min, "max": self.max,
            "total": self.total, "size": self.size, "hist": Histogram(self.hist).to_dict(),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Entry:
        """Inverse of `to_dict`."""
        e = cls(d["kind"], d["name"])
        e.count, e.failures, e.errors = d["count"], d["failures"], dict(d["errors"])
        e.min = math.inf if d["min"] is None else d["min"]
        e.max, e.total, e.size = d["max"], d["total"], d["size"]
        e.hist = defaultdict(int, Histogram.from_dict(d["hist"]).counts)
        return e


class _Second:
    __slots__ = ("count", "failures", "hist")

    def __init__(self) -> None:
        self.count = 0
        self.failures = 0
        self.hist: dict[int, int] = defaultdict(int)


_NO_SECOND = _Second()


@dataclass(frozen=True)
class SeriesPoint:
    """One second of one kind: for charts (epoch second, counts, latency quantiles, users)."""

    t: int
    count: int
    failures: int
    p50: float
    p95: float
    users: int


class Stats:
    """Registry of entries keyed by (kind, name), plus per-second series; see `record`."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.entries: dict[tuple[str, str], Entry] = {}
        self._by_kind: dict[str, dict[str, Entry]] = {k: {} for k in KINDS}  # str keys hash once; tuples don't
        self.series: dict[str, dict[int, _Second]] = {}
        self.users_series: dict[int, int] = {}
        self.users = 0
        self.started_at = clock()
        self.stopped_at: float | None = None
        self.meta: dict[str, Any] = {}
        #: How requests are named (route templates; the load session feeds it the backend's OpenAPI paths).
        self.routes = RouteNames()

    # -- hot path ----------------------------------------------------------------------------
    def record(self, kind: str, name: str, latency_ms: float, ok: bool = True, size: int = 0,
               error: str | None = None) -> None:
        """Record one observation; `error` (a message) implies a failure."""
        try:
            e = self._by_kind[kind][name]
        except KeyError:
            e = self._entry(kind, name)
        b = int(_log(latency_ms) * _INV_LOG_GAMMA + _OFFSET) if latency_ms > MIN_VALUE else _MIN_BUCKET
        e.count += 1
        e.total += latency_ms
        if latency_ms < e.min:
            e.min = latency_ms
        if latency_ms > e.max:
            e.max = latency_ms
        if size:
            e.size += size
        e.hist[b] += 1
        sec = int(self._clock())
        s = e._second if sec == e._sec else self._second_for(e, sec)
        s.count += 1
        s.hist[b >> SERIES_SHIFT] += 1
        if error is not None or not ok:
            e.failures += 1
            s.failures += 1
            errs = e.errors
            msg = error or "failed"
            if msg not in errs and len(errs) >= MAX_ERROR_KINDS:  # messages with ids in them
                msg = "(other errors)"
            errs[msg] = errs.get(msg, 0) + 1

    def _entry(self, kind: str, name: str) -> Entry:
        e = self.entries[(kind, name)] = Entry(kind, name)
        self._by_kind.setdefault(kind, {})[name] = e
        return e

    def _second_for(self, e: Entry, sec: int) -> _Second:
        per_kind = self.series.setdefault(e.kind, {})
        s = per_kind.get(sec)
        if s is None:
            s = per_kind[sec] = _Second()
        e._sec, e._second = sec, s
        return s

    def request(self, url: str, latency_ms: float, ok: bool = True, size: int = 0,
                error: str | None = None, name: str | None = None) -> None:
        """Record a request under its route template (or under `name` when the caller gives one)."""
        if name is None:
            name = self.routes.name(url)
        self.record("request", name, latency_ms, ok, size, error)

    def set_users(self, n: int) -> None:
        """Note the current number of virtual users (sampled into the per-second series)."""
        self.users = n
        self.users_series[int(self._clock())] = n

    def step(self, name: str) -> StepTimer:
        """`async with stats.step("open detail"):` times a journey step as kind "step"."""
        return StepTimer(self, name)

    def now(self) -> float:
        """The Stats clock (epoch seconds by default): series seconds are `int(now())`."""
        return self._clock()

    # -- lifecycle ---------------------------------------------------------------------------
    def start(self) -> None:
        """Mark the start of the run (requests/s are over started_at..stopped_at)."""
        self.started_at = self._clock()
        self.stopped_at = None

    def stop(self) -> None:
        """Mark the end of the run."""
        self.stopped_at = self._clock()

    @property
    def elapsed(self) -> float:
        """Seconds of run so far (or in total once stopped)."""
        end = self.stopped_at if self.stopped_at is not None else self._clock()
        return max(end - self.started_at, 1e-9)

    # -- queries -----------------------------------------------------------------------------
    def get(self, kind: str, name: str) -> Entry | None:
        """The entry for (kind, name), if anything was recorded."""
        return self.entries.get((kind, name))

    def names(self, kind: str) -> list[str]:
        """Names recorded under `kind`, sorted."""
        return sorted(n for k, n in self.entries if k == kind)

    def total(self, kind: str | None = None) -> Entry:
        """All entries of `kind` (or of every kind) merged into one."""
        agg = Entry(kind or "*", "Aggregated")
        for (k, _), e in self.entries.items():
            if kind is None or k == kind:
                agg.merge(e)
        return agg

    def primary_kind(self) -> str:
        """"request" when any request was recorded, else "journey": what unscoped numbers describe."""
        return "request" if any(k == "request" for k, _ in self.entries) else "journey"

    def rps(self, entry: Entry) -> float:
        """Observations per second of the run for an entry."""
        return entry.count / self.elapsed

    def series_points(self, kind: str) -> list[SeriesPoint]:
        """Per-second points of `kind`, gap-filled, with users carried forward."""
        per_kind = self.series.get(kind, {})
        secs = set(per_kind) | set(self.users_series)
        if not secs:
            return []
        users = 0
        out = []
        for t in range(min(secs), max(secs) + 1):
            users = self.users_series.get(t, users)
            s = per_kind.get(t)
            if s is None:
                out.append(SeriesPoint(t, 0, 0, math.nan, math.nan, users))
            else:
                p50, p95 = CoarseHistogram(s.hist).quantiles((0.5, 0.95))
                out.append(SeriesPoint(t, s.count, s.failures, p50, p95, users))
        return out

    # -- merging and serialisation -----------------------------------------------------------
    def merge(self, other: Stats) -> None:
        """Add another Stats (e.g. from another process) into this one."""
        for key, e in other.entries.items():
            mine = self.entries.get(key)
            if mine is None:
                mine = self._entry(*key)
            mine.merge(e)
        for kind, secs in other.series.items():
            per_kind = self.series.setdefault(kind, {})
            for t, s in secs.items():
                m = per_kind.setdefault(t, _Second())
                m.count += s.count
                m.failures += s.failures
                for b, n in s.hist.items():
                    m.hist[b] = m.hist.get(b, 0) + n
        for t, n in other.users_series.items():
            self.users_series[t] = self.users_series.get(t, 0) + n
        self.users += other.users
        self.started_at = min(self.started_at, other.started_at)
        if other.stopped_at is not None:
            self.stopped_at = max(self.stopped_at or other.stopped_at, other.stopped_at)
        self.meta = {**other.meta, **self.meta}

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form that `from_dict` turns back into an equal Stats."""
        return {
            "version": 1, "started_at": self.started_at, "stopped_at": self.stopped_at,
            "users": self.users, "meta": dict(self.meta),
            "entries": [e.to_dict() for e in self.entries.values()],
            "series": {k: {str(t): [s.count, s.failures, Histogram(s.hist).to_dict()] for t, s in v.items()}
                       for k, v in self.series.items()},
            "users_series": {str(t): n for t, n in self.users_series.items()},
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any], clock: Callable[[], float] = time.time) -> Stats:
        """Inverse of `to_dict`."""
        st = cls(clock)
        st.started_at, st.stopped_at = d["started_at"], d["stopped_at"]
        st.users, st.meta = d.get("users", 0), dict(d.get("meta", {}))
        for ed in d["entries"]:
            st._entry(ed["kind"], ed["name"]).merge(Entry.from_dict(ed))
        for kind, secs in d["series"].items():
            per_kind = st.series[kind] = {}
            for t, (count, failures, hist) in secs.items():
                s = per_kind[int(t)] = _Second()
                s.count, s.failures = count, failures
                s.hist.update(Histogram.from_dict(hist).counts)
        st.users_series = {int(t): n for t, n in d["users_series"].items()}
        return st


class StepTimer:
    """Times a block as kind "step"; an exception is recorded as a failure and re-raised."""

    __slots__ = ("_start", "name", "stats")

    def __init__(self, stats: Stats | None, name: str) -> None:
        self.stats = stats
        self.name = name
        self._start = 0.0

    def __enter__(self) -> StepTimer:
        self._start = time.perf_counter()
        return self

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        stats = self.stats if self.stats is not None else current_stats.get()
        if stats is None:
            return
        ms = (time.perf_counter() - self._start) * 1000.0
        if ev is None:
            stats.record("step", self.name, ms)
        elif isinstance(ev, Exception):  # cancellation is not a failure of the step
            stats.record("step", self.name, ms, ok=False, error=error_message(ev))

    async def __aenter__(self) -> StepTimer:
        return self.__enter__()

    async def __aexit__(self, et: type[BaseException] | None, ev: BaseException | None,
                        tb: TracebackType | None) -> None:
        self.__exit__(et, ev, tb)


def step(name: str) -> StepTimer:
    """`async with step("pay"):` inside a journey, reporting to the running population's Stats."""
    return StepTimer(None, name)


def error_message(exc: BaseException) -> str:
    """One-line message for an error count: `Type: message`, trimmed."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    msg = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    return msg[:200]
