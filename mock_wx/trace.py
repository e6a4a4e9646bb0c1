"""What happened, per user, on the virtual clock: actions, wx calls, requests, frames, setData,
dialogs, navigation, share cards, payments, console lines and fidelity *findings*."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Event", "Finding", "Trace"]


@dataclass(slots=True)
class Event:
    """One recorded thing; `t` is virtual epoch seconds, `wall` the process's monotonic clock (seconds) when it
    was recorded, `user` the virtual user's name. Virtual time stands still within a step, so `wall` is what
    tells how long the app's own work took between two events."""

    t: float
    user: str
    kind: str
    data: dict[str, Any]
    wall: float = 0.0


@dataclass(slots=True)
class Finding:
    """A platform pitfall the app hit (awaiting a task, a missing API, oversize setData, ...)."""

    kind: str
    message: str
    user: str
    t: float
    page: str | None = None


@dataclass
class Trace:
    """The simulation's record. Cheap to append to; `enabled=False` keeps only findings (load runs)."""

    enabled: bool = True
    events: list[Event] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    max_events: int = 200_000
    #: Called with every event as it happens, stored or not (`wxsim serve` streams console lines and JS
    #: errors to automation clients this way, with `enabled=False` so a long session does not grow).
    listeners: list[Callable[[Event], None]] = field(default_factory=list)

    def add(self, t: float, user: str, kind: str, data: dict[str, Any]) -> None:
        stored = self.enabled and len(self.events) < self.max_events
        if not stored and not self.listeners:
            return
        event = Event(t, user, kind, data, time.perf_counter())
        if stored:
            self.events.append(event)
        for listener in list(self.listeners):
            listener(event)

    def finding(self, t: float, user: str, kind: str, message: str, page: str | None = None) -> Finding:
        f = Finding(kind, message, user, t, page)
        self.findings.append(f)
        self.add(t, user, "finding", {"kind": kind, "message": message, "page": page})
        return f

    def for_user(self, user: str) -> list[Event]:
        return [e for e in self.events if e.user == user]

    def of_kind(self, kind: str, user: str | None = None) -> list[Event]:
        return [e for e in self.events if e.kind == kind and (user is None or e.user == user)]

    def tail(self, user: str, n: int = 30) -> str:
        """The last `n` events of a user, one line each (shown when a test fails)."""
        lines = []
        for e in self.for_user(user)[-n:]:
            lines.append(f"{e.t:.3f} {e.kind:<10} {json.dumps(e.data, ensure_ascii=False, default=str)[:200]}")
        return "\n".join(lines)

    def to_json(self) -> dict[str, Any]:  # listeners are not part of the record
        return {
            "events": [asdict(e) for e in self.events],
            "findings": [asdict(f) for f in self.findings],
        }

    def clear(self) -> None:
        self.events.clear()
        self.findings.clear()
