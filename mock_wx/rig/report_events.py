"""One trace event as a line of report.html: a request with its status, timing and bodies, a setData diff
(page or component, each key path and its value), a dialog and what was answered, a finding, a JS error with
its stack. Long values are cut on the line and kept whole (up to a limit) behind a click."""

from __future__ import annotations

import html
import json
from typing import Any

from ..trace import Event
from .report_steps import event_group, step_name

__all__ = ["event_html", "offset_text"]

#: Characters of a value shown on its line; the rest is behind <details>, up to VALUE_LIMIT (the JSON export has
#: it all): a demo-sized run sets ~8 MB of data, which would make the report too heavy to open.
INLINE = 160
VALUE_LIMIT = 600
MAX_KEYS = 20  # keys of one setData listed


def escape(text: str) -> str:
    """Text for element content: quotes stay as they are (JSON is full of them; &quot; would triple its size)."""
    return html.escape(text, quote=False)


def offset_text(seconds: float) -> str:
    """`+1.250s`, `+2h 00m 03s` — virtual time grows by hours when a journey moves the clock."""
    if seconds < 60:
        return f"+{seconds:.3f}s"
    s = int(seconds)
    h, rest = divmod(s, 3600)
    m, sec = divmod(rest, 60)
    return f"+{h}h {m:02d}m {sec:02d}s" if h else f"+{m}m {sec:02d}s"


def _json(v: Any, indent: int | None = None) -> str:
    return json.dumps(v, ensure_ascii=False, default=str, indent=indent)


def _value(v: Any) -> str:
    """A value on one line, cut at INLINE characters; the whole of it (pretty) one click away."""
    text = v if isinstance(v, str) else _json(v)
    if len(text) <= INLINE:
        return f"<code>{escape(text)}</code>"
    full = text
    if len(full) > VALUE_LIMIT:
        full = full[:VALUE_LIMIT] + f" … ({len(full) - VALUE_LIMIT} more characters in the JSON export)"
    return (f"<details class='v'><summary><code>{escape(text[:INLINE])}…</code></summary>"
            f"<pre>{escape(full)}</pre></details>")


def _body(label: str, text: str | None) -> str:
    if not text:
        return ""
    try:
        pretty = _json(json.loads(text), 1)
    except ValueError:
        pretty = text
    return (f"<details class='body {label}'><summary>{label} <code>{escape(text[:INLINE])}"
            f"{'…' if len(text) > INLINE else ''}</code></summary><pre>{escape(pretty)}</pre></details>")


def _size(n: Any) -> str:
    try:
        b = int(n)
    except (TypeError, ValueError):
        return ""
    return f"{b} B" if b < 1024 else f"{b / 1024:.1f} KB"


def _request(e: Event, t0: float) -> tuple[str, str]:
    d = e.data
    status = d.get("status") or ""
    cls = "ok" if d.get("ok") else "bad"
    when = ""
    if "sent" in d:
        when = (f"<span class='meta'>sent {offset_text(float(d['sent']) - t0)}, answered "
                f"{offset_text(e.t - t0)} virtual</span>")
    head = (f"<span class='st {cls}'>{escape(str(status or d.get('error') or '—'))}</span> "
            f"<b>{escape(str(d.get('method', '')))}</b> <span class='url'>{escape(str(d.get('url', '')))}</span> "
            f"<span class='meta'>{d.get('ms', '')} ms · {_size(d.get('size'))}</span>")
    error = f"<div class='err'>{escape(str(d['error']))}</div>" if d.get("error") else ""
    return head, when + error + _body("request", d.get("body")) + _body("response", d.get("response"))


def _set_data(e: Event) -> tuple[str, str]:
    d = e.data
    page = f" on {d['page']}" if d.get("page") else ""  # a component attached before its page's onLoad: no route yet
    owner = f"component {d['component']}{page}" if d.get("component") else str(d.get("page"))
    raw = d.get("data")
    data: dict[str, Any] = raw if isinstance(raw, dict) else {}
    keys = ", ".join(list(data)[:6]) + (" …" if len(data) > 6 else "")
    items = list(data.items())
    rows = "".join(f"<tr><th>{escape(str(k))}</th><td>{_value(v)}</td></tr>" for k, v in items[:MAX_KEYS])
    if len(items) > MAX_KEYS:
        rows += f"<tr><th>…</th><td>{len(items) - MAX_KEYS} more keys in the JSON export</td></tr>"
    return (f"<span class='where'>{escape(owner)}</span> <code>{escape(keys)}</code>",
            f"<table class='diff'>{rows}</table>")


def _dialog(e: Event) -> str:
    d = e.data
    if e.kind == "modal":
        text = " — ".join(str(d[k]) for k in ("title", "content") if d.get(k))
        return f"“{escape(text)}” → <b>{escape(str(d.get('answer')))}</b>"
    if e.kind in ("toast", "loading"):
        icon = f" ({escape(str(d['icon']))})" if d.get("icon") else ""
        return f"“{escape(str(d.get('title', '')))}”{icon}"
    if e.kind == "actionSheet":
        items = d.get("itemList") or []
        answer = d.get("answer")
        picked = items[answer] if isinstance(answer, int) and 0 <= answer < len(items) else answer
        return f"{escape(' / '.join(map(str, items)))} → <b>{escape(str(picked))}</b>"
    if e.kind == "payment":
        return escape(step_name(e.user, e.kind, d) or "payment sheet") + (
            f" <span class='meta'>{escape(str(d.get('out_trade_no')))}</span>" if d.get("out_trade_no") else "")
    if "answer" in d:
        what = d.get("scope") or d.get("desc") or d.get("api") or ""
        return f"{escape(str(what))} → <b>{escape(str(d['answer']))}</b>"
    return _value(d)


def _error(e: Event) -> tuple[str, str]:
    d = e.data
    if e.kind == "js-error":
        where = f" <span class='meta'>{escape(str(d['location']))}</span>" if d.get("location") else ""
        stack = str(d.get("stack") or "").rstrip()
        return (f"<b>{escape(str(d.get('message')))}</b>{where}",
                f"<pre class='stack'>{escape(stack)}</pre>" if stack else "")
    return escape(" ".join(f"{k}={v}" for k, v in d.items())[:400]), ""


def event_html(e: Event, t0: float, w0: float) -> str:
    """An <li> for the event: kind, what it says, virtual and wall time since the journey started;
    `data-group` is what the report's event filter matches."""
    group = event_group(e.kind)
    more = ""
    if e.kind == "request":
        line, more = _request(e, t0)
    elif e.kind == "setData":
        line, more = _set_data(e)
    elif group == "dialog":
        line = _dialog(e)
    elif e.kind == "finding":
        d = e.data
        line = (f"<b>{escape(str(d.get('kind')))}</b> {escape(str(d.get('message')))}"
                + (f" <span class='meta'>{escape(str(d['page']))}</span>" if d.get("page") else ""))
    elif group == "error":
        line, more = _error(e)
    elif e.kind == "console":
        line = f"<span class='meta'>{escape(str(e.data.get('level')))}</span> {_value(e.data.get('text', ''))}"
    elif e.kind == "navigate":
        line = escape(f"{e.data.get('route')} {_json(e.data.get('query') or {})}")
    elif e.kind == "wx":
        line = f"wx.{escape(str(e.data.get('api')))} {_value(e.data.get('args'))}"
    else:
        line = step_name(e.user, e.kind, e.data) or ""
        line = escape(line) if line else _value(e.data)
    kind = html.escape(e.kind)
    return (f'<li class="ev" data-kind="{kind}" data-group="{group}"><div class="line"><span class="k">'
            f'{kind}</span> <span class="what">{line}</span><span class="tm">{offset_text(e.t - t0)} · {(e.wall - w0) * 1000:.1f} ms</span>'
            f'</div>{more}</li>')
