"""The simulation's clock: JS timers, `Date`, the platform and the backend all read it.

In the default *virtual* mode time stands still until a test moves it with `advance()`, which
fires every due callback in time order and lets the simulation settle after each one, so a
24-hour group expiry takes milliseconds. In *realtime* mode (load runs) virtual time follows the
event loop's monotonic clock from a fixed epoch start.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
from collections.abc import Awaitable, Callable
from typing import Any

__all__ = ["DEFAULT_EPOCH", "Timer", "VirtualClock"]

#: 2026-01-05T01:00:00Z, a Monday morning in Beijing: a fixed start makes runs reproducible.
DEFAULT_EPOCH = 1767574800.0

Callback = Callable[..., Any]
SettleHook = Callable[[], Awaitable[None]]


class Timer:
    """A scheduled callback; `cancel()` it to stop it from firing."""

    __slots__ = ("_handle", "args", "callback", "cancelled", "seq", "when")

    def __init__(self, when: float, seq: int, callback: Callback, args: tuple[Any, ...]) -> None:
        self.when = when
        self.seq = seq
        self.callback = callback
        self.args = args
        self.cancelled = False
        self._handle: asyncio.TimerHandle | None = None

    def cancel(self) -> None:
        self.cancelled = True
        if self._handle is not None:
            self._handle.cancel()

    def __lt__(self, other: Timer) -> bool:
        return (self.when, self.seq) < (other.when, other.seq)


class VirtualClock:
    """Epoch seconds that move only when told to (virtual) or with the loop (realtime)."""

    def __init__(self, start: float = DEFAULT_EPOCH, *, realtime: bool = False) -> None:
        self._now = float(start)
        self.realtime = realtime
        self._heap: list[Timer] = []
        self._seq = itertools.count()
        self._settle_hooks: list[SettleHook] = []
        self._listeners: list[Callable[[float], Any]] = []
        #: Called with (now, seconds) when a test or journey moves time on (advance/set, not a timer inside
        #: one): the trace records "clock +24 h" as a step of the journey.
        self.jump_listeners: list[Callable[[float, float], None]] = []
        self._loop_origin: float | None = None
        self._advancing = False
        self._background: set[asyncio.Future[Any]] = set()

    # -- reading ---------------------------------------------------------------------------
    def time(self) -> float:
        """Current time in epoch seconds."""
        if self.realtime:
            loop = asyncio.get_running_loop()
            if self._loop_origin is None:
                self._loop_origin = loop.time()
            return self._now + (loop.time() - self._loop_origin)
        return self._now

    def now_ms(self) -> int:
        """Current time in epoch milliseconds, as JS `Date.now()` sees it."""
        return int(self.time() * 1000)

    # -- scheduling --------------------------------------------------------------------------
    def call_at(self, when: float, callback: Callback, *args: Any) -> Timer:
        """Run `callback(*args)` at epoch time `when`; coroutine callbacks are awaited."""
        timer = Timer(float(when), next(self._seq), callback, args)
        if self.realtime:
            loop = asyncio.get_running_loop()
            delay = max(0.0, when - self.time())
            timer._handle = loop.call_later(delay, self._fire_realtime, timer)
        else:
            heapq.heappush(self._heap, timer)
        return timer

    def call_later(self, delay: float, callback: Callback, *args: Any) -> Timer:
        """Run `callback(*args)` `delay` seconds from now."""
        return self.call_at(self.time() + max(0.0, delay), callback, *args)

    def next_due(self) -> float | None:
        """When the next pending timer fires, or None."""
        self._drop_cancelled()
        return self._heap[0].when if self._heap else None

    def pending(self) -> int:
        """How many timers are waiting."""
        self._drop_cancelled()
        return sum(1 for t in self._heap if not t.cancelled)

    # -- moving --------------------------------------------------------------------------------
    def add_settle_hook(self, hook: SettleHook) -> None:
        """Await `hook()` after each fired timer so consequences finish before later timers."""
        self._settle_hooks.append(hook)

    def remove_settle_hook(self, hook: SettleHook) -> None:
        if hook in self._settle_hooks:
            self._settle_hooks.remove(hook)

    def add_listener(self, listener: Callable[[float], Any]) -> None:
        """Call `listener(now)` whenever virtual time jumps (the backend sweeps expiries here)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[float], Any]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    async def advance(
        self, seconds: float = 0, *, minutes: float = 0, hours: float = 0, days: float = 0, ms: float = 0
    ) -> float:
        """Move virtual time forward, firing due timers in order; returns the new time."""
        delta = seconds + minutes * 60 + hours * 3600 + days * 86400 + ms / 1000
        if delta < 0:
            raise ValueError(f"clock.advance needs a positive duration, got {delta} s")
        if self.realtime:
            raise RuntimeError("clock.advance is for virtual clocks; a realtime clock follows the loop")
        self._jumping(delta)
        return await self._run_until(self._now + delta)

    async def set(self, when: float) -> float:
        """Jump to epoch time `when` (forward only), firing due timers."""
        if when < self._now:
            raise ValueError("virtual time cannot go backwards")
        self._jumping(when - self._now)
        return await self._run_until(when)

    def _jumping(self, delta: float) -> None:
        if delta > 0 and not self._advancing and not self.realtime:
            for listener in list(self.jump_listeners):
                listener(self._now, delta)

    async def run_due(self) -> None:
        """Fire timers that are due now (delay 0) without moving time."""
        await self._run_until(self._now)

    async def _run_until(self, target: float) -> float:
        if self._advancing:
            # A timer callback asked to advance: only move the target forward, the running loop fires.
            self._now = max(self._now, target)
            return self._now
        self._advancing = True
        try:
            await self._settle()
            while True:
                self._drop_cancelled()
                if not self._heap or self._heap[0].when > target:
                    break
                timer = heapq.heappop(self._heap)
                if timer.when > self._now:
                    self._now = timer.when
                    await self._notify()
                await self._invoke(timer)
                await self._settle()
            if target > self._now:
                self._now = target
                await self._notify()
                await self._settle()
        finally:
            self._advancing = False
        return self._now

    async def _invoke(self, timer: Timer) -> None:
        result = timer.callback(*timer.args)
        if inspect.isawaitable(result):
            await result

    async def _notify(self) -> None:
        for listener in list(self._listeners):
            result = listener(self._now)
            if inspect.isawaitable(result):
                await result

    async def _settle(self) -> None:
        for hook in list(self._settle_hooks):
            await hook()

    def _fire_realtime(self, timer: Timer) -> None:
        if timer.cancelled:
            return
        result = timer.callback(*timer.args)
        if inspect.isawaitable(result):
            task = asyncio.ensure_future(result)
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    def _drop_cancelled(self) -> None:
        while self._heap and self._heap[0].cancelled:
            heapq.heappop(self._heap)
