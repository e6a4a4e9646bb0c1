"""A page that never settles says why: a budget of bridge calls, timer firings and renders per settle.

A page whose login helper retries forever on an unexpected answer, a setData callback that sets data
again, a `setTimeout(f, 0)` that re-arms itself: each keeps the realm busy while virtual time stands
still, and `launch()`/`tap()`/`idle()` would never return. The realm counts that work from the moment
the test last acted (a driver call) or virtual time last moved; past `SETTLE_BUDGET` it stops answering,
and the rig raises `SettleLoopError` naming the loop: the repeating calls with the file:line that made
them (docs/testing-api.md, "Settling").
"""

from __future__ import annotations

from collections import deque

from ..errors import SettleLoopError

__all__ = ["SETTLE_BUDGET", "SettleBudget"]

#: Bridge calls + timer firings + render flushes one realm may make without virtual time moving, per test action.
SETTLE_BUDGET = 5_000
# How many of the last calls the error message may look through for a repeating cycle (with their file:line).
_WINDOW = 64


class SettleBudget:
    """Counts one realm's work since the last test action or clock move; names the loop when it runs out."""

    __slots__ = ("budget", "count", "error", "halted", "recent", "stamp")

    def __init__(self, budget: int = SETTLE_BUDGET) -> None:
        self.budget = budget
        self.count = 0
        self.stamp = -1.0
        self.recent: deque[list[str]] = deque(maxlen=_WINDOW)   # [what, where]
        self.halted = False
        self.error: SettleLoopError | None = None

    def reset(self) -> None:
        """The test acted: a new settle starts."""
        self.count = 0

    def spend(self, now_ms: float) -> bool:
        """Count one unit of work done at virtual time `now_ms`. True for the last calls before the budget
        runs out: the caller then `note`s what it was (and `located` where), which names the loop."""
        if now_ms != self.stamp:
            self.stamp = now_ms
            self.count = 0
        self.count += 1
        return self.count > self.budget - _WINDOW

    def note(self, what: str) -> None:
        self.recent.append([what, ""])
        if self.count >= self.budget and not self.halted:
            self.halted = True
            self.error = SettleLoopError("")

    def located(self, where: str | None) -> None:
        """The file:line of the call just noted."""
        if self.recent and where:
            self.recent[-1][1] = where

    def take_error(self) -> SettleLoopError | None:
        """The error to raise once (its message built now, when the last call's file:line is known)."""
        err, self.error = self.error, None
        return SettleLoopError(self._message()) if err is not None else None

    def _message(self) -> str:
        steps = [f"{what} ({where})" if where else what for what, where in self.recent]
        cycle = _cycle(steps)
        loop = " → ".join([*cycle, cycle[0]]) if cycle else " → ".join(steps[-6:])
        return (f"the page did not settle: {loop} … {self.count:,} calls without virtual time moving "
                f"(budget {self.budget:,} bridge calls, timers and renders per settle; docs/testing-api.md)")


def _cycle(steps: list[str]) -> list[str]:
    """The shortest sequence the tail of `steps` repeats (at least twice), or []."""
    n = len(steps)
    for period in range(1, n // 2 + 1):
        if steps[n - period:] == steps[n - 2 * period:n - period]:
            return steps[n - period:]
    return []
