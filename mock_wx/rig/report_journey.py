"""One journey of report.html: its steps in a table with a swimlane per user, each step's events under it
(a click opens them), the screen after the step, and where the journey failed: every user's screen beside
the traceback and the JS stack, in the step that broke."""

from __future__ import annotations

import base64
from html import escape
from typing import Any

from .report_events import event_html, offset_text
from .report_steps import Step, event_group, group_steps

__all__ = ["MAX_EVENTS_PER_STEP", "failing_step", "journey_html", "status_of"]

#: Events listed under one step; the rest are counted (all of them are in the JSON export).
MAX_EVENTS_PER_STEP = 150


def status_of(r: Any) -> str:
    return "skipped" if r.skipped else ("passed" if r.ok else "failed")


def _img(png: bytes, alt: str, cls: str, width: int) -> str:
    # data-src: the report's script sets src when the image scrolls into view (a 100-journey report opens fast).
    return (f'<img class="{cls}" width="{width}" alt="{escape(alt)}" '
            f'data-src="data:image/png;base64,{base64.b64encode(png).decode()}">')


def failing_step(steps: list[Step]) -> int:
    """The step a failed journey broke in: the one with the last JS error, else the last step."""
    for n in range(len(steps) - 1, -1, -1):
        if any(e.kind == "js-error" for _, e in steps[n].events):
            return n
    return len(steps) - 1


def _failure_html(r: Any, steps: list[Step], n: int) -> str:
    shots = [s for s in getattr(r, "screens", None) or [] if s.get("when") == "failure"]
    figs = "".join(
        f'<figure class="screen" data-user="{escape(s["user"])}">'
        + _img(s["png"], f"{s['user']}'s screen at failure", "shot", 188)
        + f'<figcaption>{escape(s["user"])} — {escape(s.get("page") or "")} (failure)</figcaption></figure>'
        for s in shots)
    detail = r.detail or r.error or ""
    # The JS errors of the step, unless the traceback already ends with the same stack (a JSError raised).
    stacks = "".join(
        f"<pre class='stack js'><b>{escape(e.user)}: {escape(str(e.data.get('message')))}</b>\n"
        f"{escape(str(e.data.get('stack') or '').rstrip())}</pre>"
        for _, e in (steps[n].events if steps else [])
        if e.kind == "js-error" and str(e.data.get("stack") or "").strip() not in detail)
    return (f'<div class="failure"><div class="screens">{figs}</div><div class="why">'
            f"<pre class='error'>{escape(detail)}</pre>{stacks}</div></div>")


def _badges(step: Step) -> str:
    counts: dict[str, int] = {}
    for _, e in step.events:
        counts[e.kind] = counts.get(e.kind, 0) + 1
    parts = []
    for kind, label, cls in (("request", "⇅", "net"), ("setData", "Δ", "data"), ("finding", "⚑", "finding"),
                             ("js-error", "✖", "error")):
        if counts.get(kind):
            parts.append(f'<span class="b {cls}" title="{counts[kind]} {kind}">{label}{counts[kind]}</span>')
    dialogs = sum(v for k, v in counts.items() if k in ("modal", "toast", "actionSheet", "payment", "authorize",
                                                          "userProfile", "loading", "addressPicker", "subscribe"))
    if dialogs:
        parts.append(f'<span class="b dialog" title="{dialogs} dialogs">◻{dialogs}</span>')
    return f'<span class="badges">{"".join(parts)}</span>' if parts else ""


def _step_html(jid: int, n: int, step: Step, lanes: list[str], t0: float, w0: float, screens: dict[int, bytes],
               failure: str) -> str:
    groups = " ".join(sorted(step.groups()))
    users = " ".join(dict.fromkeys([step.user, *step.users]))
    cls = "step" + (" failed open" if failure else "")
    head = (f'<td class="n">{n + 1}</td><td class="vt">{offset_text(step.t - t0)}</td>'
            f'<td class="wall" title="wall time since the journey started (and how long the step took)">'
            f'+{(step.wall - w0) * 1000:.1f} ms<small>{(step.wall_end() - step.wall) * 1000:.1f} ms</small></td>')
    name = f'<span class="name">{escape(step.name)}</span>{_badges(step)}'
    shot = screens.get(step.index)
    if shot is not None:
        name += _img(shot, f"after: {step.name}", "after", 94)
    if step.user in lanes:
        cells = "".join(f'<td class="lane act" data-lane="{escape(u)}">{name}</td>' if u == step.user
                        else f'<td class="lane" data-lane="{escape(u)}"><span class="by">{escape(step.name)}</span></td>'
                        for u in lanes)
    else:  # the clock, or what happened before anyone's first step: across every lane
        cells = f'<td class="lane all" colspan="{len(lanes)}">{name}</td>'
    by_lane: dict[str, list[str]] = {u: [] for u in lanes}
    lane_groups: dict[str, set[str]] = {u: set() for u in lanes}
    shown = step.events[:MAX_EVENTS_PER_STEP]
    for _, e in shown:
        lane = e.user if e.user in by_lane else (lanes[0] if lanes else "")
        by_lane.setdefault(lane, []).append(event_html(e, t0, w0))
        lane_groups.setdefault(lane, set()).add(event_group(e.kind))
    cut = len(step.events) - len(shown)
    # data-groups per lane: the user filter with a kind filter keeps a step by that user's events alone.
    evs = "".join(f'<td class="lane" data-lane="{escape(u)}" data-groups="{" ".join(sorted(lane_groups[u]))}">'
                  f'<ol class="events">{"".join(items)}</ol></td>' for u, items in by_lane.items() if u in lanes)
    more = f'<tr class="cut"><td colspan="{3 + len(lanes)}">{cut} more events in the JSON export</td></tr>' if cut else ""
    fail_row = f'<tr class="failure-row"><td colspan="{3 + len(lanes)}">{failure}</td></tr>' if failure else ""
    return (f'<tbody class="{cls}" id="j{jid}s{n + 1}" data-user="{escape(step.user)}" data-users="{escape(users)}" '
            f'data-kind="{escape(step.kind)}" data-groups="{groups}">'
            f'<tr class="head">{head}{cells}</tr><tr class="evs"><td colspan="3"></td>{evs}</tr>{more}{fail_row}'
            f'</tbody>')


def journey_html(jid: int, r: Any) -> tuple[str, list[str]]:
    """The journey's <section>, and the step anchor ("j3s5") of each of its findings in order."""
    status = status_of(r)
    trace = r.trace
    events = trace.events if trace is not None else []
    steps = group_steps(events)
    lanes = list(dict.fromkeys(u for s in steps for u in [s.user, *s.users] if u))
    t0 = events[0].t if events else 0.0
    w0 = events[0].wall if events else 0.0
    screens = {s["event"]: s["png"] for s in getattr(r, "screens", None) or [] if "event" in s}
    broke = failing_step(steps) if status == "failed" else -1
    body = "".join(
        _step_html(jid, n, s, lanes, t0, w0, screens, _failure_html(r, steps, n) if n == broke else "")
        for n, s in enumerate(steps))
    if status == "failed" and not steps:  # failed before anything happened: still show why
        body = f'<tbody class="step failed open"><tr class="failure-row"><td>{_failure_html(r, [], -1)}</td></tr></tbody>'
    head = "".join(f'<th class="lane" data-lane="{escape(u)}">{escape(u)}</th>' for u in lanes)
    anchors = [f"j{jid}s{n + 1}" for n, s in enumerate(steps) for _, e in s.events if e.kind == "finding"]
    meta = (f'{len(lanes)} user{"s" if len(lanes) != 1 else ""} · {len(steps)} steps · {len(events)} events · '
            f'{r.seconds:.3f} s' + (f" · {r.findings} findings" if r.findings else ""))
    error = f'<div class="summary-error">{escape(r.error)}</div>' if r.error and status == "failed" else ""
    skipped = f'<div class="summary-error">skipped: {escape(r.skipped)}</div>' if r.skipped else ""
    html = (f'<section class="journey {status}" id="j{jid}" data-status="{status}" '
            f'data-name="{escape(r.journey.id)}" data-users="{escape(" ".join(lanes))}">'
            f'<details{" open" if status == "failed" else ""}><summary><h3>{escape(r.journey.id)} — {status}</h3>'
            f'<span class="meta">{meta}</span>{error}{skipped}</summary>'
            + (f'<table class="steps"><thead><tr><th>#</th><th>virtual</th><th>wall</th>{head}</tr></thead>'
               f'{body}</table>' if body else "<p class='meta'>(no trace)</p>")
            + "</details></section>")
    return html, anchors
