"""A journey's trace as steps a person would name ("alice taps 立即参团", "bob opens alice's card in a group
chat", "clock +24 h"), each with what happened during it (requests, setData, dialogs, findings, errors), for
report.html. Steps start at the trace's user-initiated events; everything until the next step, whichever user
it happened to, belongs to the step (what did alice's screen do while bob joined?)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..trace import Event

__all__ = ["EVENT_GROUPS", "STEP_KINDS", "Step", "event_group", "group_steps", "starts_step", "step_name"]

#: Trace events that start a person's step, recorded by the rig outside the app's JS (so the realm can be read).
#: "clock" is recorded by the simulation when a journey moves virtual time on (user "": nobody's).
STEP_KINDS = frozenset({"launch", "action", "open-card", "share", "clock"})

#: The report's event filters: a group per kind of event a QA engineer looks for.
EVENT_GROUPS: dict[str, frozenset[str]] = {
    "request": frozenset({"request", "request-stalled", "socket-connect", "socket-open", "socket-send",
                          "socket-recv", "socket-close", "socket-error", "socket-stalled"}),
    "setData": frozenset({"setData"}),
    "dialog": frozenset({"modal", "toast", "loading", "actionSheet", "payment", "authorize", "userProfile",
                         "addressPicker", "settings", "subscribe"}),
    "finding": frozenset({"finding"}),
    "error": frozenset({"js-error", "wx-fail", "internal-error", "mock-error"}),
    "navigation": frozenset({"navigate", "launch", "open-card", "share", "action", "clock"}),
    "console": frozenset({"console"}),
}


def event_group(kind: str) -> str:
    """The filter group of an event kind; "other" for wx calls and the rest."""
    for group, kinds in EVENT_GROUPS.items():
        if kind in kinds:
            return group
    return "other"


_VERBS = {"tap": "taps", "longpress": "long-presses", "long_press": "long-presses", "touchstart": "touches",
          "input": "types into", "blur": "leaves", "change": "changes", "submit": "submits", "scroll": "scrolls",
          "confirm": "confirms"}
_QUOTED = re.compile(r"'(.*)'\s*$")


def _label(element: str) -> str:
    """`button#buy '立即参团'` → 立即参团 (what a person sees), else the element's description."""
    m = _QUOTED.search(element)
    return m.group(1) if m else element


def _yuan(fen: Any) -> str:
    try:
        f = int(fen)
    except (TypeError, ValueError):
        return "?"
    return f"¥{f // 100}.{f % 100:02d}"


def clock_text(seconds: float) -> str:
    """`+24 h`, `+1 h 30 min`, `+5 min`, `+2.5 s`: how far a journey moved the clock."""
    if seconds >= 3600:
        h, rest = divmod(round(seconds), 3600)
        m = rest // 60
        return f"+{h} h" + (f" {m} min" if m else "")
    if seconds >= 60:
        m, s = divmod(round(seconds), 60)
        return f"+{m} min" + (f" {s} s" if s else "")
    return f"+{seconds:g} s"


def step_name(user: str, kind: str, data: dict[str, Any]) -> str | None:
    """What `user` did, in words; None for events that are not a person's doing (requests, setData, ...)."""
    if kind == "launch":
        return f"{user} opens {data.get('url', 'the mini program')}"
    if kind == "action":
        if "element" in data:
            verb = _VERBS.get(str(data.get("action")), str(data.get("action", "acts on")))
            value = f" “{data['value']}”" if data.get("value") not in (None, "") else ""
            return f"{user} {verb} {_label(str(data['element']))}{value}"
        return f"{user} runs {data.get('method')}() on {data.get('page')}"
    if kind == "share" and data.get("shown", True) is not False:
        what = data.get("title") or data.get("path") or data.get("page") or "the page"
        return f"{user} shares {what}"
    if kind == "open-card":
        chat = "a group chat" if data.get("chat") == "group" else "a chat"
        whose = f"{data['from_user']}'s card" if data.get("from_user") else "a card"
        return f"{user} opens {whose} in {chat}"
    if kind == "clock":
        return f"clock {clock_text(float(data.get('seconds', 0)))}"
    if kind == "payment" and data.get("outcome"):
        outcome = data["outcome"]
        if outcome == "confirm":
            return f"{user} pays {_yuan(data.get('amount'))}"
        if outcome == "rejected":
            return f"{user}'s payment is rejected: {data.get('detail') or data.get('reason')}"
        return f"{user} {'cancels' if outcome == 'cancel' else 'fails'} the payment"
    if kind == "modal":
        return f"{user} answers “{data.get('title') or data.get('content', '')}”: {data.get('answer')}"
    return None


def starts_step(e: Event, last_kind: str, last_user: str) -> bool:
    """Whether `e` starts a step, after a step started by `last_kind` of `last_user` ("" for none)."""
    if e.kind not in STEP_KINDS or step_name(e.user, e.kind, e.data) is None:
        return False
    # Opening a card launches its page: one step, "bob opens alice's card in a group chat".
    return not (e.kind == "launch" and last_kind == "open-card" and last_user == e.user)


@dataclass
class Step:
    """One step: the event that started it (None: what happened before the first step) and the events
    during it, each with its index in the trace (screenshots are keyed by it)."""

    index: int
    user: str
    kind: str
    name: str
    t: float
    wall: float
    events: list[tuple[int, Event]] = field(default_factory=list)
    seconds: float = 0.0  # a clock step: how far it moved virtual time

    @property
    def users(self) -> list[str]:
        """Whose events happened during the step, in order of first appearance."""
        return list(dict.fromkeys(e.user for _, e in self.events if e.user))

    def groups(self) -> set[str]:
        return {event_group(e.kind) for _, e in self.events}

    def wall_end(self) -> float:
        return max((e.wall for _, e in self.events), default=self.wall)


def group_steps(events: list[Event]) -> list[Step]:
    """Split a journey's events into steps, in trace order. Consecutive clock moves with no person's step
    between them (a `wait_for` advancing in small slices) are one step; so are opening a card and the launch
    of its page."""
    steps: list[Step] = []
    for i, e in enumerate(events):
        last = steps[-1] if steps else None
        if starts_step(e, last.kind if last else "", last.user if last else ""):
            name = step_name(e.user, e.kind, e.data) or e.kind
            seconds = float(e.data.get("seconds", 0)) if e.kind == "clock" else 0.0
            if e.kind == "clock" and last is not None and last.kind == "clock":
                last.seconds += seconds
                last.name = f"clock {clock_text(last.seconds)}"
                continue
            step = Step(i, e.user, e.kind, name, e.t, e.wall, seconds=seconds)
            steps.append(step)
            continue
        if not steps:
            steps.append(Step(-1, "", "start", "before the first step", e.t, e.wall))
        steps[-1].events.append((i, e))
    return steps
