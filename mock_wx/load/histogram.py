"""A mergeable log-bucketed latency histogram with a bounded relative error (DDSketch-style).

Chosen over `hdrhistogram` because recording is a dict increment after one `log()` (about 3×
cheaper per value in `benchmarks/stats_record.py`), it merges by adding counts and it serialises
to a plain JSON dict; the relative error of every quantile is at most `ALPHA` (1 %).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

__all__ = ["ALPHA", "MIN_VALUE", "SERIES_SHIFT", "CoarseHistogram", "Histogram", "bucket_of", "value_of"]

ALPHA = 0.01
"""Worst-case relative error of a quantile estimate."""
GAMMA = (1 + ALPHA) / (1 - ALPHA)
_INV_LOG_GAMMA = 1.0 / math.log(GAMMA)
MIN_VALUE = 1e-3
"""Smallest distinguishable value (ms): 1 µs. Smaller values, zero included, count as this."""
# Offset so that int() floors (bucket indices stay positive for values >= MIN_VALUE).
_OFFSET = 1 - math.floor(math.log(MIN_VALUE) * _INV_LOG_GAMMA)
_MIN_BUCKET = int(math.log(MIN_VALUE) * _INV_LOG_GAMMA + _OFFSET)
_log = math.log


def bucket_of(value: float) -> int:
    """The bucket index holding `value` (the hot path inlines this same expression)."""
    if value <= MIN_VALUE:
        return _MIN_BUCKET
    return int(_log(value) * _INV_LOG_GAMMA + _OFFSET)


def value_of(bucket: int) -> float:
    """The representative value of a bucket: within ALPHA of every value it holds."""
    low = GAMMA ** (bucket - _OFFSET)
    return 2.0 * low * GAMMA / (GAMMA + 1.0)


SERIES_SHIFT = 2
"""Per-second series fold 2**SERIES_SHIFT buckets into one: ~4 % error, a quarter of the memory
(a chart does not need 1 %, and a long soak run keeps one histogram per second)."""
_GAMMA_COARSE = GAMMA ** (1 << SERIES_SHIFT)


def coarse_value_of(bucket: int) -> float:
    """Representative value of a coarse (series) bucket, `fine_bucket >> SERIES_SHIFT`."""
    low = GAMMA ** ((bucket << SERIES_SHIFT) - _OFFSET)
    return 2.0 * low * _GAMMA_COARSE / (_GAMMA_COARSE + 1.0)


class Histogram:
    """Counts per log bucket; `merge` adds counts, `to_dict`/`from_dict` cross processes."""

    __slots__ = ("counts",)
    _value = staticmethod(value_of)

    def __init__(self, counts: Mapping[int, int] | None = None) -> None:
        self.counts: dict[int, int] = dict(counts) if counts else {}

    def record(self, value: float, count: int = 1) -> None:
        """Add `count` observations of `value`."""
        b = bucket_of(value)
        self.counts[b] = self.counts.get(b, 0) + count

    @property
    def total(self) -> int:
        """How many values were recorded."""
        return sum(self.counts.values())

    def merge(self, other: Histogram) -> None:
        """Add another histogram's counts into this one."""
        counts = self.counts
        for b, n in other.counts.items():
            counts[b] = counts.get(b, 0) + n

    def quantiles(self, qs: Iterable[float]) -> list[float]:
        """Nearest-rank quantiles (q in [0, 1]); NaN when empty."""
        qs = list(qs)
        total = self.total
        if total == 0:
            return [math.nan for _ in qs]
        items = sorted(self.counts.items())
        out: list[float] = []
        for q in qs:
            rank = max(1, math.ceil(q * total))
            seen = 0
            for b, n in items:
                seen += n
                if seen >= rank:
                    out.append(self._value(b))
                    break
        return out

    def quantile(self, q: float) -> float:
        """One nearest-rank quantile (q in [0, 1])."""
        return self.quantiles([q])[0]

    def to_dict(self) -> dict[str, int]:
        """JSON-safe form: bucket index (as a string) → count."""
        return {str(b): n for b, n in self.counts.items()}

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> Histogram:
        """Inverse of `to_dict`."""
        return cls({int(b): int(n) for b, n in data.items()})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Histogram):
            return NotImplemented
        return {b: n for b, n in self.counts.items() if n} == {b: n for b, n in other.counts.items() if n}

    def __repr__(self) -> str:
        return f"Histogram(total={self.total}, buckets={len(self.counts)})"


class CoarseHistogram(Histogram):
    """A histogram of coarse buckets (`bucket_of(v) >> SERIES_SHIFT`), as the per-second series keep."""

    __slots__ = ()
    _value = staticmethod(coarse_value_of)
