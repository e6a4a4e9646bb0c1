"""Run journeys as a population of virtual users on one asyncio loop, in real time.

Closed model: a target number of users (constant, or ramped by `stages`), added at `spawn_rate`
per second, each looping journey → think time. Open model: arrivals per second (constant or
ramped), each arrival running one journey on an idle or fresh user; a journey's latency is taken
from its *intended* start, so a stalled generator shows up as latency instead of as silently
missing requests (no coordinated omission). Every user is its own task: a slow one never holds
up the others, and one whose journey raises is recorded, closed and replaced.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import math
import random
import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from .stats import Stats, current_stats, error_message

__all__ = ["JourneyFn", "Tick", "UserFactory", "UserLike", "parse_duration", "run_population"]

JourneyFn = Callable[[Any], Awaitable[None]]
_TICK = 0.02  # how often the controller re-checks targets (s)
_CLOSE_TIMEOUT = 5.0


class UserLike(Protocol):
    """What a virtual user must offer the scheduler: `close()`, sync or async."""

    def close(self) -> Any: ...


UserFactory = Callable[[int], Awaitable[Any]]


@dataclass(frozen=True)
class Tick:
    """Passed to `on_tick` about once per `tick_interval`; return True from on_tick to stop the run."""

    elapsed: float
    users: int
    stats: Stats


def parse_duration(value: float | str) -> float:
    """Seconds from `30`, `"30s"`, `"500ms"`, `"2m"`, `"1h"` or `"1m30s"`."""
    if isinstance(value, int | float):
        return float(value)
    text = value.strip()
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h)?", text)
    if not text or not parts or re.sub(r"(\d+(?:\.\d+)?)\s*(ms|s|m|h)?", "", text).strip():
        raise ValueError(f"bad duration {value!r}: use e.g. 30s, 500ms, 2m, 1h")
    scale = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "": 1.0}
    return sum(float(n) * scale[u] for n, u in parts)


def _journey_table(journeys: Mapping[str, JourneyFn] | Sequence[tuple[float, JourneyFn]]
                   ) -> tuple[list[str], list[JourneyFn], list[float], list[float]]:
    if isinstance(journeys, Mapping):
        items = [(1.0, name, fn) for name, fn in journeys.items()]
    else:
        items = [(float(w), getattr(fn, "__name__", repr(fn)), fn) for w, fn in journeys]
    if not items or any(w < 0 for w, _, _ in items) or sum(w for w, _, _ in items) <= 0:
        raise ValueError("journeys: need at least one journey with a positive weight")
    cum, total = [], 0.0
    for w, _, _ in items:
        total += w
        cum.append(total)
    return [n for _, n, _ in items], [f for _, _, f in items], [w for w, _, _ in items], cum


def _level(stages: list[tuple[float, float]], start: float, t: float) -> float:
    """Piecewise-linear target at time t: each stage ramps from the previous level to its own."""
    prev, at = start, 0.0
    for d, target in stages:
        if t < at + d:
            return prev + (target - prev) * ((t - at) / d if d > 0 else 1.0)
        prev, at = target, at + d
    return prev


def _arrival_times(stages: list[tuple[float, float]], start: float) -> Iterator[float]:
    """Intended arrival times: the k-th arrival is where the integral of the rate reaches k."""
    k, base, at, prev = 0, 0.0, 0.0, start
    for d, r1 in stages:
        r0, a = prev, (r1 - prev) / (2 * d) if d > 0 else 0.0
        total = base + r0 * d + a * d * d
        while k < total:
            need = k - base
            if a == 0:
                x = need / r0 if r0 > 0 else 0.0
            else:
                x = (-r0 + math.sqrt(max(r0 * r0 + 4 * a * need, 0.0))) / (2 * a)
            yield at + min(max(x, 0.0), d)
            k += 1
        base, at, prev = total, at + d, r1
    if prev > 0:  # after the last stage the rate stays constant
        while True:
            yield at + (k - base) / prev
            k += 1


async def _close(user: Any) -> None:
    with contextlib.suppress(Exception, asyncio.TimeoutError):
        res = user.close()  # VirtualUser.close() is sync; other users may close asynchronously
        if inspect.isawaitable(res):
            await asyncio.wait_for(res, _CLOSE_TIMEOUT)


class _Run:
    def __init__(self, journeys: Any, user_factory: UserFactory, stats: Stats, seed: int | None,
                 think_time: float | tuple[float, float] | None) -> None:
        self.names, self.fns, self.weights, self.cum = _journey_table(journeys)
        self.factory = user_factory
        self.stats = stats
        self.seed = seed
        self.think_time = think_time
        self.loop = asyncio.get_running_loop()
        self.next_index = 0
        self.busy: set[asyncio.Task[None]] = set()
        self.stopping = False

    def rng(self, idx: int) -> random.Random:
        return random.Random(f"{self.seed}:{idx}") if self.seed is not None else random.Random()

    def choose(self, rng: random.Random) -> tuple[str, JourneyFn]:
        i = rng.choices(range(len(self.fns)), cum_weights=self.cum)[0] if len(self.fns) > 1 else 0
        return self.names[i], self.fns[i]

    def think(self, rng: random.Random) -> float:
        t = self.think_time
        if not t:
            return 0.0
        return rng.uniform(t[0], t[1]) if isinstance(t, tuple) else float(t)

    def index(self) -> int:
        self.next_index += 1
        return self.next_index - 1

    async def new_user(self, idx: int, journey: str = "user_factory") -> Any:
        """A user from the factory, or None after recording the failure."""
        t0 = self.loop.time()
        try:
            return await self.factory(idx)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            ms = (self.loop.time() - t0) * 1000.0
            self.stats.record("journey", journey, ms, ok=False, error=f"user factory: {error_message(exc)}")
            return None

    async def closed_user(self, idx: int) -> None:
        current_stats.set(self.stats)
        rng, user, fresh, factory_fails = self.rng(idx), None, idx, 0
        me = asyncio.current_task()
        assert me is not None
        try:
            while not self.stopping:
                if user is None:
                    user = await self.new_user(fresh)
                    fresh = self.index()  # any later user of this task is a new identity
                    if user is None:
                        factory_fails += 1
                        await asyncio.sleep(min(1.0, 0.05 * 2 ** min(factory_fails, 5)))
                        continue
                    factory_fails = 0
                name, fn = self.choose(rng)
                self.busy.add(me)
                t0 = self.loop.time()
                try:
                    await fn(user)
                except Exception as exc:
                    ms = (self.loop.time() - t0) * 1000.0
                    self.stats.record("journey", name, ms, ok=False, error=error_message(exc))
                    await _close(user)
                    user = None  # replaced by a fresh user on the next turn
                else:
                    self.stats.record("journey", name, (self.loop.time() - t0) * 1000.0)
                finally:
                    self.busy.discard(me)
                if self.stopping:
                    break
                await asyncio.sleep(self.think(rng))  # sleep(0) still yields to the others
        finally:
            if user is not None:
                await _close(user)

    async def arrival(self, name: str, fn: JourneyFn, intended: float, idle: list[Any]) -> None:
        current_stats.set(self.stats)
        user = idle.pop() if idle else await self.new_user(self.index(), name)
        if user is None:
            return
        try:
            await fn(user)
        except asyncio.CancelledError:
            await _close(user)
            raise
        except Exception as exc:
            ms = (self.loop.time() - intended) * 1000.0
            self.stats.record("journey", name, ms, ok=False, error=error_message(exc))
            await _close(user)
        else:
            self.stats.record("journey", name, (self.loop.time() - intended) * 1000.0)
            idle.append(user)


async def _stop(tasks: Sequence[asyncio.Task[None]], busy: set[asyncio.Task[None]], grace: float) -> None:
    """Let busy tasks finish their journey for up to `grace` s, cancel the rest, await all."""
    if grace > 0:
        for t in tasks:
            if t not in busy:
                t.cancel()
        pending = [t for t in tasks if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=grace)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def run_population(
    journeys: Mapping[str, JourneyFn] | Sequence[tuple[float, JourneyFn]],
    user_factory: UserFactory,
    *,
    model: str = "closed",
    users: int | None = None,
    spawn_rate: float | None = None,
    duration: float | str | None = None,
    stages: Sequence[tuple[float | str, float]] | None = None,
    think_time: float | tuple[float, float] | None = None,
    arrival_rate: float | None = None,
    seed: int | None = None,
    stats: Stats | None = None,
    on_tick: Callable[[Tick], Any] | None = None,
    tick_interval: float = 1.0,
    stop_timeout: float = 0.0,
) -> Stats:
    """Run a population until `duration` (default: the stages' total) and return its Stats.

    Closed: `users` at `spawn_rate`/s (all at once if None), or `stages` of (duration, users).
    Open: `arrival_rate`/s, or `stages` of (duration, rate), ramping from `arrival_rate` or 0;
    `users` then caps concurrent journeys (arrivals beyond it are recorded as dropped).
    `stop_timeout` lets journeys in flight at the end finish for that long before cancelling.
    """
    if model not in ("closed", "open"):
        raise ValueError(f"model must be 'closed' or 'open', not {model!r}")
    stats = stats if stats is not None else Stats()
    steps = [(parse_duration(d), float(v)) for d, v in stages] if stages else None
    if steps is not None and any(d < 0 or v < 0 for d, v in steps):
        raise ValueError("stages: durations and targets must be >= 0")
    total = parse_duration(duration) if duration is not None else (sum(d for d, _ in steps) if steps else None)
    if model == "closed" and steps is None and users is None:
        raise ValueError("closed model needs users= or stages=")
    if model == "open" and steps is None and not arrival_rate:
        raise ValueError("open model needs arrival_rate= or stages=")
    run = _Run(journeys, user_factory, stats, seed, think_time)
    stats.start()
    stats.meta.update({
        "model": model, "users": users, "spawn_rate": spawn_rate, "arrival_rate": arrival_rate,
        "duration": total, "stages": steps, "think_time": think_time, "seed": seed,
        "journeys": dict(zip(run.names, run.weights, strict=True)),
    })
    end = math.inf if total is None else total
    tasks: dict[int, asyncio.Task[None]] = {}
    peak, aborted, arrivals, dropped = 0, False, 0, 0
    idle: list[Any] = []  # open model: users between journeys
    retired: set[asyncio.Task[None]] = set()  # closed model: users stopped by a ramp-down
    t0 = run.loop.time()
    next_tick = tick_interval
    try:
        if model == "closed":
            tokens, last = 1.0, 0.0  # the first user starts at once
            while (now := run.loop.time() - t0) < end:
                target = round(_level(steps, 0.0, now)) if steps else int(users or 0)
                alive = len(tasks)
                if alive < target:
                    tokens += (spawn_rate or 0) * (now - last)
                    n = target - alive if not spawn_rate else min(int(tokens), target - alive)
                    tokens -= n if spawn_rate else 0
                    for _ in range(n):
                        i = run.index()
                        _track(tasks, i, run.loop.create_task(run.closed_user(i)))
                else:
                    tokens = min(tokens, 1.0)
                    for i in list(tasks)[target:]:  # ramp down: the newest users leave first
                        t = tasks.pop(i)
                        t.cancel()
                        retired.add(t)  # still closing its user; awaited before we return
                        t.add_done_callback(retired.discard)
                last = now
                stats.set_users(len(tasks))
                peak = max(peak, len(tasks))
                if on_tick and now >= next_tick:
                    next_tick += tick_interval
                    if await _call(on_tick, Tick(now, len(tasks), stats)):
                        aborted = True
                        break
                await asyncio.sleep(max(0.0, min(_TICK, end - now)))
        else:
            plan = _arrival_times(steps or [(0.0, float(arrival_rate or 0))], float(arrival_rate or 0))
            pick = run.rng(-1)  # arrivals come in a fixed order, so one seeded stream of choices
            nxt = next(plan, math.inf)
            while True:
                now = run.loop.time() - t0
                while nxt <= min(now, end) and nxt < end:
                    i = arrivals
                    arrivals += 1
                    name, fn = run.choose(pick)
                    if users is not None and len(tasks) >= users:
                        dropped += 1
                        stats.record("journey", name, (now - nxt) * 1000.0, ok=False,
                                     error="dropped: users limit reached")
                    else:
                        _track(tasks, i, run.loop.create_task(run.arrival(name, fn, t0 + nxt, idle)))
                    nxt = next(plan, math.inf)
                stats.set_users(len(tasks))
                peak = max(peak, len(tasks))
                if now >= end:
                    break
                if on_tick and now >= next_tick:
                    next_tick += tick_interval
                    if await _call(on_tick, Tick(now, len(tasks), stats)):
                        aborted = True
                        break
                await asyncio.sleep(max(0.0, min(_TICK, nxt - now, end - now)))
        run.stopping = True
        in_flight = list(tasks.values())  # an open-model arrival is in its journey from the start
        await _stop(in_flight, run.busy if model == "closed" else set(in_flight), stop_timeout)
    finally:
        run.stopping = True
        leftover = [*tasks.values(), *retired]
        for t in leftover:
            t.cancel()
        await asyncio.gather(*leftover, return_exceptions=True)
        await asyncio.gather(*(_close(u) for u in idle))
        stats.users = 0
        stats.stop()
        stats.meta.update({"peak_users": peak, "aborted": aborted, "elapsed": run.loop.time() - t0})
        if model == "open":
            stats.meta.update({"arrivals": arrivals, "dropped": dropped})
    return stats


def _track(tasks: dict[int, asyncio.Task[None]], i: int, task: asyncio.Task[None]) -> None:
    tasks[i] = task
    task.add_done_callback(lambda _t: tasks.pop(i, None))


async def _call(fn: Callable[[Tick], Any], tick: Tick) -> bool:
    res = fn(tick)
    if inspect.isawaitable(res):
        res = await res
    return res is True
