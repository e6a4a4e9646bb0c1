"""The population scheduler with fake users and journeys: closed/open models, stages, failures."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest

from mock_wx.load import Stats, Tick, abort_on_fail, parse_duration, run_population, step
from mock_wx.load.scheduler import _arrival_times


class FakeUser:
    def __init__(self, idx: int, broken: bool = False) -> None:
        self.idx = idx
        self.broken = broken
        self.closed = False
        self.log: list[str] = []

    async def close(self) -> None:
        self.closed = True


class Factory:
    def __init__(self, broken: set[int] = frozenset()) -> None:  # type: ignore[assignment]
        self.made: list[FakeUser] = []
        self.broken = broken

    async def __call__(self, idx: int) -> FakeUser:
        u = FakeUser(idx, idx in self.broken)
        self.made.append(u)
        return u


def ticks_into(log: list[Tick]):
    def on_tick(t: Tick) -> None:
        log.append(t)
    return on_tick


async def quick(user: FakeUser) -> None:
    await asyncio.sleep(0.005)


async def test_closed_model_spawn_rate_and_user_count() -> None:
    fac, log = Factory(), []
    st = await run_population({"quick": quick}, fac, users=10, spawn_rate=40, duration=0.6,
                              on_tick=ticks_into(log), tick_interval=0.02)
    counts = [(t.elapsed, t.users) for t in log]
    assert all(b >= a for (_, a), (_, b) in itertools.pairwise(counts))  # never drops while ramping up
    early = [u for e, u in counts if e < 0.1]
    assert early and max(early) <= 6  # 40/s: ~1 + 4 users in the first 0.1 s, not all 10
    # 40/s is a ceiling whatever the machine's speed: a slow loop spawns later, never sooner.
    assert all(u <= 2 + 40 * e for e, u in counts), counts
    assert any(u == 10 for _, u in counts)  # and the ramp completes within the run
    assert st.meta["peak_users"] == 10 and len(fac.made) == 10
    assert all(u.closed for u in fac.made)  # duration stops cleanly and closes everyone
    j = st.get("journey", "quick")
    assert j is not None and j.count >= 10 and j.failures == 0  # journeys repeat (how often depends on the machine)


async def test_closed_model_all_at_once_without_spawn_rate() -> None:
    fac, log = Factory(), []
    await run_population({"quick": quick}, fac, users=25, duration=0.15, on_tick=ticks_into(log), tick_interval=0.01)
    assert log and log[0].users == 25


async def test_stages_ramp_up_hold_down() -> None:
    fac, log = Factory(), []
    st = await run_population({"quick": quick}, fac, stages=[(0.3, 12), ("300ms", 12), (0.3, 0)],
                              on_tick=ticks_into(log), tick_interval=0.02)
    assert st.meta["duration"] == pytest.approx(0.9)
    by_phase = {
        "up": [t.users for t in log if t.elapsed < 0.25],
        "hold": [t.users for t in log if 0.35 < t.elapsed < 0.55],
        "down": [t.users for t in log if t.elapsed > 0.8],
    }
    assert max(by_phase["up"]) < 12 and by_phase["up"] == sorted(by_phase["up"])
    assert set(by_phase["hold"]) == {12}
    assert max(by_phase["down"]) <= 4 and by_phase["down"] == sorted(by_phase["down"], reverse=True)
    assert all(u.closed for u in fac.made)  # users stopped by the ramp-down are closed too


async def test_broken_user_is_recorded_closed_and_replaced() -> None:
    fac = Factory(broken={0})

    async def journey(user: FakeUser) -> None:
        await asyncio.sleep(0.002)
        if user.broken:
            raise RuntimeError("page crashed\nstack...")

    st = await run_population({"browse": journey}, fac, users=3, duration=0.3, seed=1)
    e = st.get("journey", "browse")
    assert e is not None and e.failures == 1 and e.errors == {"RuntimeError: page crashed": 1}
    assert e.count - e.failures > 30
    assert fac.made[0].closed and len(fac.made) == 4  # three users + one replacement
    assert fac.made[3].idx not in (0, 1, 2)  # the replacement is a fresh user


async def test_failing_factory_is_retried_not_fatal() -> None:
    calls = 0

    async def flaky(idx: int) -> FakeUser:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("backend down")
        return FakeUser(idx)

    st = await run_population({"quick": quick}, flaky, users=1, duration=0.4)
    f = st.get("journey", "user_factory")
    assert f is not None and f.errors == {"user factory: ConnectionError: backend down": 1}
    assert st.get("journey", "quick").count > 5  # type: ignore[union-attr]


async def test_slow_user_does_not_block_others() -> None:
    async def journey(user: FakeUser) -> None:
        await asyncio.sleep(10 if user.idx == 0 else 0.005)

    st = await run_population({"j": journey}, Factory(), users=4, duration=0.3)
    assert st.get("journey", "j").count > 50  # type: ignore[union-attr]


async def test_weights_are_honoured_and_seeded() -> None:
    async def a(user: FakeUser) -> None:
        user.log.append("a")
        await asyncio.sleep(0)

    async def b(user: FakeUser) -> None:
        user.log.append("b")
        await asyncio.sleep(0)

    runs = []
    for _ in range(2):
        fac = Factory()
        st = await run_population([(3, a), (1, b)], fac, users=2, duration=0.15, seed=42)
        runs.append((fac, st))
    (f1, s1), (f2, _) = runs
    na, nb = s1.get("journey", "a").count, s1.get("journey", "b").count  # type: ignore[union-attr]
    assert na + nb > 400 and 0.68 < na / (na + nb) < 0.82
    for u1, u2 in zip(f1.made, f2.made, strict=True):
        n = min(len(u1.log), len(u2.log))
        assert n > 100 and u1.log[:n] == u2.log[:n]  # same seed, same choices per user
    assert s1.meta["journeys"] == {"a": 3.0, "b": 1.0}


async def test_think_time_fixed_and_range() -> None:
    st = await run_population({"q": quick}, Factory(), users=2, duration=0.3, think_time=0.1)
    assert 2 <= st.get("journey", "q").count <= 8  # type: ignore[union-attr]
    st = await run_population({"q": quick}, Factory(), users=2, duration=0.3, think_time=(0.05, 0.1), seed=3)
    assert 3 <= st.get("journey", "q").count <= 14  # type: ignore[union-attr]


async def test_steps_inside_journeys_report_to_the_run() -> None:
    async def journey(user: FakeUser) -> None:
        async with step("open detail"):
            await asyncio.sleep(0.003)
        async with step("pay"):
            if user.idx == 0:
                raise ValueError("declined")

    st = await run_population({"buy": journey}, Factory(), users=2, duration=0.2)
    assert st.get("step", "open detail").count >= 10  # type: ignore[union-attr]
    pay = st.get("step", "pay")
    assert pay is not None and pay.failures >= 1 and "ValueError: declined" in pay.errors


async def test_on_tick_can_abort() -> None:
    started = time.monotonic()
    st = await run_population({"q": quick}, Factory(), users=2, duration=5, tick_interval=0.05,
                              on_tick=lambda t: t.elapsed > 0.1)
    assert st.meta["aborted"] and time.monotonic() - started < 2


def test_arrival_plan_is_exact() -> None:
    constant = _arrival_times([(0.0, 10.0)], 10.0)
    assert [round(next(constant), 9) for _ in range(4)] == [0.0, 0.1, 0.2, 0.3]
    ramp = list(_arrival_times([(1.0, 20.0), (1.0, 0.0)], 0.0))
    assert len(ramp) == 20  # area under 0→20→0 over 2 s
    assert ramp == sorted(ramp) and ramp[-1] < 2.0
    assert ramp[1] == pytest.approx((1 / 10) ** 0.5)  # N(t) = 10 t² reaches 1 at t = √0.1


async def test_open_model_measures_from_intended_start() -> None:
    """Each journey blocks the loop for 10 ms while arrivals are due every 5 ms: the generator falls
    behind, and latency from the intended start keeps growing (no coordinated omission)."""

    async def blocking(user: FakeUser) -> None:
        async with step("work"):
            time.sleep(0.01)  # noqa: ASYNC251 - deliberately stalls the generator

    st = await run_population({"blocking": blocking}, Factory(), model="open", arrival_rate=200,
                              duration=0.3, stop_timeout=5)
    assert st.meta["arrivals"] == 60  # every intended arrival happened, late or not
    j, work = st.get("journey", "blocking"), st.get("step", "work")
    assert j is not None and work is not None and j.count == 60 and work.count == 60
    # Each stall sleeps >= 10 ms, so 60 of them need >= 600 ms against 300 ms of arrivals: the last arrival
    # waits >= ~300 ms on any machine (a slower one only adds backlog).
    assert j.max > 250 and j.percentile(0.99) > 4 * work.percentile(0.5)
    assert j.percentile(0.5) > work.percentile(0.5)


async def test_open_model_reuses_idle_users_and_caps_concurrency() -> None:
    fac = Factory()

    async def slowish(user: FakeUser) -> None:
        await asyncio.sleep(0.05)

    st = await run_population({"s": slowish}, fac, model="open", arrival_rate=100, duration=0.3, users=3)
    assert st.meta["arrivals"] == 30 and st.meta["peak_users"] <= 3 and len(fac.made) <= 3
    j = st.get("journey", "s")
    assert j is not None and st.meta["dropped"] > 10
    assert j.errors.get("dropped: users limit reached") == st.meta["dropped"]
    assert all(u.closed for u in fac.made)


async def test_open_model_weights_are_seeded() -> None:
    async def a(user: FakeUser) -> None:
        await asyncio.sleep(0)

    async def b(user: FakeUser) -> None:
        await asyncio.sleep(0)

    counts = []
    for _ in range(2):
        st = await run_population([(1, a), (4, b)], Factory(), model="open", arrival_rate=1000, duration=0.2,
                                  seed=5, stop_timeout=2)
        counts.append((st.get("journey", "a").count, st.get("journey", "b").count))  # type: ignore[union-attr]
    assert counts[0] == counts[1] and sum(counts[0]) == 200  # same seed, same arrivals, same choices
    assert 0.1 < counts[0][0] / 200 < 0.3


async def test_open_model_stages() -> None:
    st = await run_population({"q": quick}, Factory(), model="open", stages=[(0.2, 100), (0.2, 0)], seed=1)
    assert st.meta["arrivals"] == 20


@pytest.mark.parametrize(("kwargs", "message"), [
    ({}, "users= or stages="),
    ({"model": "open"}, "arrival_rate="),
    ({"model": "poisson", "users": 1}, "model must be"),
])
async def test_bad_arguments(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        await run_population({"q": quick}, Factory(), duration=0.1, **kwargs)


def test_parse_duration() -> None:
    assert parse_duration("30s") == 30 and parse_duration("500ms") == 0.5
    assert parse_duration("1m30s") == 90 and parse_duration(2) == 2.0 and parse_duration("1h") == 3600
    with pytest.raises(ValueError):
        parse_duration("soon")


async def test_stats_passed_in_is_filled() -> None:
    st = Stats()
    out = await run_population({"q": quick}, Factory(), users=1, duration=0.05, stats=st)
    assert out is st and st.meta["model"] == "closed" and st.stopped_at is not None


async def test_abort_on_fail_stops_the_run_and_says_why() -> None:
    async def failing(user: FakeUser) -> None:
        await asyncio.sleep(0.002)
        raise RuntimeError("HTTP 500")

    seen: list[Tick] = []
    started = time.monotonic()
    st = await run_population({"f": failing}, Factory(), users=2, duration=5, tick_interval=0.05,
                              on_tick=abort_on_fail(["errors<10%", "p95<10s"], after=0.1, then=seen.append))
    assert st.meta["aborted"] and time.monotonic() - started < 2 and seen
    assert st.meta["aborted_by"][0].startswith("FAIL errors<10%")
