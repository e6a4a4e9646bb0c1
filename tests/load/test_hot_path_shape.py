"""The shape of the request hot path, pinned without timing anything (machines here are noisy; the
timings are benchmarks/load_vs_locust.py's job): how many promise jobs and JS<->Python crossings one
pull-to-refresh of the real home page costs, so a change that adds per-promise or per-setData work
shows up as a failing count instead of a slower benchmark nobody reran."""

from __future__ import annotations

import pytest

from mock_wx import Simulator
from mock_wx.runtime.engine import QuickJSEngine
from mock_wx.runtime.realm import Realm


async def _refresh_counts(sim: Simulator, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    counts = {"jobs": 0, "payloads": 0}
    run_jobs, render_data = QuickJSEngine.run_jobs, Realm._render_data

    def counting_run_jobs(self: QuickJSEngine) -> int:
        n = run_jobs(self)
        counts["jobs"] += n
        return n

    def counting_render_data(self: Realm, page_id: int, payload: str, owner: str = "") -> None:
        counts["payloads"] += 1
        render_data(self, page_id, payload, owner)

    monkeypatch.setattr(QuickJSEngine, "run_jobs", counting_run_jobs)
    monkeypatch.setattr(Realm, "_render_data", counting_render_data)  # before the realm exposes it
    await sim.backend.seed(42)
    page = await sim.user("reader").launch("/pages/index/index")
    await page.pull_down()  # warm: modules, first render
    counts.update(jobs=0, payloads=0)
    await page.pull_down()
    assert len(page.data["products"]) == 10
    return counts


async def test_pull_to_refresh_runs_few_promise_jobs_and_no_payload_crossing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rejection tracking adds no job per promise (6 jobs, 9 with an observer per promise), and setData
    payloads stay in JS when the trace is off, as in load runs."""
    async with Simulator(trace=False) as sim:
        counts = await _refresh_counts(sim, monkeypatch)
    assert counts["jobs"] <= 6, counts
    assert counts["payloads"] == 0, counts


async def test_setdata_payloads_reach_the_trace_when_it_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the trace on (the default), each of the refresh's two setData calls is recorded with its data."""
    async with Simulator() as sim:
        counts = await _refresh_counts(sim, monkeypatch)
        recorded = sim.trace.of_kind("setData")
    assert counts["payloads"] == 2, counts
    assert recorded and "products" in recorded[-1].data["data"]
