"""`Wxsim.*`: what DevTools cannot do, over the same socket (docs/testing-api.md lists them).

- `Wxsim.getUsers` → `{users: [{name, port}]}`
- `Wxsim.advanceClock {seconds}` → `{now}` (only with `wxsim serve --virtual-clock`)
- `Wxsim.getClock` → `{now, realtime}` (epoch milliseconds)
- `Wxsim.share {to, chat?, from?, group?}`: this user forwards the current page's card to `to` (a port
  or user name), who opens it from a `single` or `group` chat → `{card: {title, path}, page: {pageId, path, query}}`
- `Wxsim.answerDialog {kind?, answer}`: answer the next payment sheet / modal / action sheet /
  permission prompt (`kind` payment | modal | action_sheet | authorize; none: the next native dialog)
- `Wxsim.getDialogs` → `{dialogs: [...]}`: the modals, toasts and sheets this user has seen
"""

from __future__ import annotations

from typing import Any

from .protocol import ProtocolError, method
from .session import UserSession

_DIALOG_KINDS = ("payment", "modal", "action_sheet", "authorize")


@method("Wxsim.getUsers")
async def wxsim_get_users(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"users": [{"name": o.user.name, "port": o.port} for o in s.server.sessions], "you": s.user.name}


@method("Wxsim.getClock")
async def wxsim_get_clock(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    clock = s.user.sim.clock
    return {"now": clock.now_ms(), "realtime": clock.realtime}


@method("Wxsim.advanceClock")
async def wxsim_advance_clock(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    clock = s.user.sim.clock
    if clock.realtime:
        raise ProtocolError("Wxsim.advanceClock: this wxsim serve runs on the real-time clock; "
                            "start it with --virtual-clock to move time from the test")
    try:
        seconds = float(params.get("seconds", 0))
    except (TypeError, ValueError):
        raise ProtocolError(f"Wxsim.advanceClock needs params.seconds, a number, got {params.get('seconds')!r}") from None
    if not seconds >= 0:
        raise ProtocolError(f"Wxsim.advanceClock: seconds must be >= 0, got {seconds}")
    await clock.advance(seconds)
    await s.user.sim.idle()
    return {"now": clock.now_ms()}


@method("Wxsim.share")
async def wxsim_share(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    target = params.get("to")
    if target is None:
        raise ProtocolError("Wxsim.share needs params.to, the other user's port or name")
    other = s.other(target)
    if other is s:
        raise ProtocolError("Wxsim.share: a user cannot open their own card; name another user's port")
    chat = params.get("chat", "single")
    if chat not in ("single", "group"):
        raise ProtocolError(f"Wxsim.share: chat is 'single' or 'group', got {chat!r}")
    from_ = params.get("from", "menu")
    card = await s.user.share(from_)
    if card is None:
        raise ProtocolError(f"Wxsim.share: {s.user.current_page.route} shares nothing (no onShareAppMessage)")
    async with other.lock:
        await other.ensure_running()
        page = await other.user.open(card, chat, group=params.get("group"))
        await other.check_route()
    return {"card": {"title": card.title, "path": card.path, "imageUrl": card.imageUrl},
            "page": {"pageId": page.id, "path": page.route, "query": dict(page.query)}}


@method("Wxsim.answerDialog")
async def wxsim_answer_dialog(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    if "answer" not in params:
        raise ProtocolError("Wxsim.answerDialog needs params.answer (confirm, cancel, fail, an index, ...)")
    kind = params.get("kind")
    if kind is None:
        s.user.dialogs.next(params["answer"])
    elif kind in _DIALOG_KINDS:
        s.user.dialogs.next(kind, params["answer"])
    else:
        raise ProtocolError(f"Wxsim.answerDialog: kind is one of {', '.join(_DIALOG_KINDS)}, got {kind!r}")
    return {}


@method("Wxsim.getDialogs")
async def wxsim_get_dialogs(s: UserSession, params: dict[str, Any]) -> dict[str, Any]:
    return {"dialogs": list(s.user.dialogs.shown)}
