"""Cost of `Stats.record()` on the hot path, against appending to a list in the same run.

    python benchmarks/stats_record.py [N [ROUNDS]]

Prints ns per call for: list.append (baseline), Histogram bucket update alone, `hdrhistogram`
record_value (the alternative we measured against), `Stats.record`, `Stats.request` (route
template cached), and the ratio of each to the baseline.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mock_wx.load import Histogram, Stats


def per_call_ns(fn, values: list[float]) -> float:
    t = time.perf_counter_ns()
    fn(values)
    return (time.perf_counter_ns() - t) / len(values)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    rng = random.Random(1)
    values = [rng.lognormvariate(3, 1) for _ in range(n)]
    names = [rng.choice(["/api/a", "/api/b", "/api/c/{id}", "/api/d"]) for _ in range(n)]
    urls = [f"/api/orders/{rng.randint(1, 500)}?x=1" for _ in range(n)]

    def baseline(vs: list[float]) -> None:
        out: list[float] = []
        append = out.append
        for v in vs:
            append(v)

    def hist_only(vs: list[float]) -> None:
        h = Histogram()
        for v in vs:
            h.record(v)

    def hdr(vs: list[float]) -> None:
        from hdrh.histogram import HdrHistogram
        h = HdrHistogram(1, 3_600_000_000, 2)  # µs, 2 significant digits
        rec = h.record_value
        for v in vs:
            rec(int(v * 1000))

    def stats_record(vs: list[float]) -> None:
        st = Stats()
        rec = st.record
        for v, name in zip(vs, names, strict=True):
            rec("request", name, v)

    def stats_request(vs: list[float]) -> None:
        st = Stats()
        req = st.request
        for v, url in zip(vs, urls, strict=True):
            req(url, v)

    variants = [("list.append (baseline)", baseline), ("Histogram.record", hist_only),
                ("hdrhistogram.record_value", hdr), ("Stats.record", stats_record),
                ("Stats.request (templated url)", stats_request)]
    best = {label: float("inf") for label, _ in variants}
    for _ in range(rounds):  # interleaved rounds, best of each: robust to a noisy neighbour
        for label, fn in variants:
            best[label] = min(best[label], per_call_ns(fn, values))
    base = best["list.append (baseline)"]
    print(f"N={n} x {rounds} rounds  python {sys.version.split()[0]}")
    for label, _ in variants:
        print(f"{label:32} {best[label]:8.1f} ns/call {best[label] / base:6.1f}x")


if __name__ == "__main__":
    main()
