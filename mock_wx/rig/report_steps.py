"""A journey's steps as a person would say them ("alice taps 立即参团", "bob opens alice's card in a group
chat"), one swimlane per user, for report.html. Steps come from the trace's user-initiated events."""

from __future__ import annotations

import base64
import html
import re
from typing import Any

__all__ = ["step_name", "steps_html"]

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


def step_name(user: str, kind: str, data: dict[str, Any]) -> str | None:
    """What `user` did, in words; None for events that are not a person's step (requests, setData, ...)."""
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
    if kind == "payment" and data.get("outcome"):
        outcome = data["outcome"]
        if outcome == "confirm":
            return f"{user} pays {_yuan(data.get('amount'))}"
        return f"{user} {'cancels' if outcome == 'cancel' else 'fails'} the payment"
    if kind == "modal":
        return f"{user} answers “{data.get('title') or data.get('content', '')}”: {data.get('answer')}"
    return None


def steps_html(trace: Any, screens: dict[int, bytes] | None = None) -> str:
    """A table: a row per step, a column (swimlane) per user; virtual time since the journey's first event.
    `screens`: the screen after a step, by the step's trace index (`--screenshots on`), loaded lazily."""
    screens = screens or {}
    if trace is None or not trace.events:
        return ""
    t0 = trace.events[0].t
    users: list[str] = []
    rows: list[tuple[float, str, str, str]] = []
    for i, e in enumerate(trace.events):
        name = step_name(e.user, e.kind, e.data)
        if name is None:
            continue
        if e.user not in users:
            users.append(e.user)
        shot = screens.get(i)
        img = (f'<img class="after" width="94" alt="after: {html.escape(name)}" '
               f'data-src="data:image/png;base64,{base64.b64encode(shot).decode()}">' if shot else "")
        rows.append((e.t - t0, e.user, e.kind, html.escape(name) + img))
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(u)}</th>" for u in users)
    body = []
    for t, user, kind, name in rows:
        cells = "".join(f'<td class="lane">{name}</td>' if u == user else "<td></td>" for u in users)
        body.append(f'<tr class="step" data-user="{html.escape(user)}" data-kind="{html.escape(kind)}">'
                    f'<td class="vt">+{_duration(t)}</td>{cells}</tr>')
    return (f'<table class="steps"><thead><tr><th>virtual time</th>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table>')


def _duration(seconds: float) -> str:
    """`+1.250s`, `+2h 00m 03s` — virtual time grows by hours when a journey moves the clock."""
    if seconds < 60:
        return f"{seconds:.3f}s"
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"{h}h {m:02d}m {sec:02d}s" if h else f"{m}m {sec:02d}s"
