"""Sharing as it really works (wx-fidelity.md §3): the page's onShareAppMessage makes the card, the
receiving user's WeChat opens it with a scene, launch options and (in groups) a share ticket.

`VirtualUser.share()` and `VirtualUser.open()` are thin wrappers over `share()` and `open_card()` here.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ..api.share import menu_state
from ..errors import JSError, WxError

if TYPE_CHECKING:
    from ..api import WxContext
    from .page import Page
    from .user import VirtualUser

__all__ = ["CHAT_TYPES", "PROMISE_WINDOW", "SCENES", "ShareCard", "apply_scene_mode", "open_card", "share"]

SCENES = {"single": 1007, "group": 1008, "ticket": 1044, "timeline": 1154}
CHAT_TYPES = {"single": 1, "group": 3}  # chatType 1 = WeChat contact chat, 3 = WeChat group chat (§3)
PROMISE_WINDOW = 3.0  # onShareAppMessage's `promise` is used only if it resolves within 3 s (§3)
_ids = itertools.count(1)


@dataclass
class ShareCard:
    """A forwarded card as the chat shows it; `other.open(card)` follows it."""

    title: str
    path: str                               # "/pages/x/y?a=1" for chat cards; the page route for timeline
    imageUrl: str
    from_user: str
    from_page: str
    kind: Literal["chat", "timeline"] = "chat"
    query: dict[str, str] = field(default_factory=dict)
    from_: str = "menu"                     # menu | button
    id: int = field(default_factory=lambda: next(_ids))
    with_share_ticket: bool = False        # from the page's last showShareMenu/updateShareMenu (§3)
    used_promise: bool = False

    @property
    def route(self) -> str:
        return self.path.split("?", 1)[0].lstrip("/")


def _query_string(query: dict[str, Any]) -> str:
    return "&".join(f"{k}={v}" for k, v in query.items())


def _parse_query(qs: str) -> dict[str, str]:
    from ..runtime.router import parse_query

    return parse_query(qs)


_JS_SHARE = """(function (id, hook, arg) {
  var page = getCurrentPages().filter(function (p) { return p.__wxWebviewId__ === id; })[0];
  var box = globalThis.__wxsimShare = { done: false, value: null, sync: null, error: null, hasPromise: false };
  if (!page || typeof page[hook] !== 'function') { box.error = 'no ' + hook; return; }
  var r;
  try { r = page[hook](arg); } catch (e) { box.error = (e && e.name || 'Error') + ': ' + (e && e.message || e); return; }
  if (r && typeof r.then === 'function') box.asyncHandler = true;
  var sync = {};
  if (r && typeof r === 'object') Object.keys(r).forEach(function (k) { if (k !== 'promise') sync[k] = r[k]; });
  box.sync = sync;
  if (r && r.promise && typeof r.promise.then === 'function') {
    box.hasPromise = true;
    r.promise.then(function (v) { box.done = true; box.value = v && typeof v === 'object' ? v : {}; },
                   function () { box.done = true; box.value = null; });
  }
})(%d, %s, %s)"""


def _eval_json(user: VirtualUser, expr: str) -> Any:
    return json.loads(user.realm.engine.eval(f"JSON.stringify({expr})"))


async def _invoke_share_hook(user: VirtualUser, page_id: int, hook: str, arg: Any) -> dict[str, Any] | None:
    """Run the page's share hook; honour a returned `promise` for 3 s of simulation time (§3)."""
    realm = user.realm
    realm.engine.eval(_JS_SHARE % (page_id, json.dumps(hook), json.dumps(arg)))
    realm.pump()
    await user.idle()
    box = _eval_json(user, "globalThis.__wxsimShare")
    if box["error"]:
        raise JSError(f"{hook}: {box['error']}")
    if box.get("asyncHandler"):
        # An `async onShareAppMessage()` returns a Promise, which WeChat ignores: the defaults are shared (§3).
        user.ctx.finding("async-share-handler", f"{hook} returned a Promise; WeChat ignores it and shares the "
                         "defaults (return {title, path, promise} instead)")
    fields: dict[str, Any] = dict(box["sync"] or {})
    if box["hasPromise"]:
        clock = user.ctx.clock
        deadline = clock.time() + PROMISE_WINDOW
        while not box["done"]:
            # Let the page's own timers run, but not past the 3-second window.
            due = clock.next_due()
            if clock.realtime:
                import asyncio

                if clock.time() >= deadline:
                    break
                await asyncio.sleep(0.01)
            elif due is not None and due <= deadline:
                await clock.set(max(due, clock.time()))
            else:
                await clock.set(deadline)
                box = _eval_json(user, "globalThis.__wxsimShare")
                break
            await user.idle()
            box = _eval_json(user, "globalThis.__wxsimShare")
        if box["done"] and box["value"] is not None:
            fields.update(box["value"])
            fields["__promise"] = True
    return fields


async def share(user: VirtualUser, from_: str = "menu", *, target_dataset: dict[str, Any] | None = None,
                target_id: str = "", timeline: bool = False) -> ShareCard | None:
    """The user forwards the current page from the menu or a share button; None if nothing would be shared."""
    if from_ not in ("menu", "button"):
        raise ValueError("from_ is 'menu' or 'button'")
    realm = user.realm
    rec = realm.router.current()
    if rec is None:
        raise WxError(f"{user.name} has no page open")
    has_app_msg = bool(realm.call("hasMethod", rec.id, "onShareAppMessage"))
    menu = menu_state(user.ctx, rec.id)
    route_path = "/" + rec.route + (f"?{_query_string(rec.query)}" if rec.query else "")
    app_name = user.sim.bundle.app_name
    if timeline:
        # Needs onShareTimeline and onShareAppMessage, and the timeline item not hidden (§3).
        if not (has_app_msg and realm.call("hasMethod", rec.id, "onShareTimeline")) or "shareTimeline" in menu["hidden"]:
            user.ctx.record("share", card_kind="timeline", shown=False, page=rec.route)
            return None
        fields = await _invoke_share_hook(user, rec.id, "onShareTimeline", None) or {}
        query = fields.get("query")
        q = _parse_query(str(query).lstrip("?")) if isinstance(query, str) else dict(rec.query)
        card = ShareCard(title=str(fields.get("title") or app_name), path="/" + rec.route,
                         imageUrl=str(fields.get("imageUrl") or ""), from_user=user.name, from_page=rec.route,
                         kind="timeline", query=q, from_="menu")
    else:
        hidden = "shareAppMessage" in menu["hidden"]
        if from_ == "menu" and (hidden or not (has_app_msg or "shareAppMessage" in menu["shown"])):
            # The menu's "转发" item appears only with the handler (or showShareMenu) (§3).
            user.ctx.record("share", card_kind="chat", shown=False, page=rec.route, from_=from_)
            return None
        if from_ == "button" and not has_app_msg:
            user.ctx.record("share", card_kind="chat", shown=False, page=rec.route, from_=from_)
            return None  # a share button without the handler does nothing (§3)
        arg: dict[str, Any] = {"from": from_}
        if from_ == "button":
            arg["target"] = {"id": target_id, "dataset": dict(target_dataset or {}), "offsetLeft": 0, "offsetTop": 0}
        fields = (await _invoke_share_hook(user, rec.id, "onShareAppMessage", arg) or {}) if has_app_msg else {}
        path = fields.get("path")
        path = str(path) if isinstance(path, str) and path else route_path
        card = ShareCard(title=str(fields.get("title") or app_name), path=path,
                         imageUrl=str(fields.get("imageUrl") or ""), from_user=user.name, from_page=rec.route,
                         kind="chat", query=_parse_query(path.partition("?")[2]), from_=from_,
                         with_share_ticket=bool(menu["withShareTicket"]), used_promise=bool(fields.get("__promise")))
    user.ctx.record("share", card_kind=card.kind, title=card.title, path=card.path, imageUrl=card.imageUrl,
                    from_=card.from_, query=card.query, page=rec.route, card=card.id)
    return card


def apply_scene_mode(ctx: WxContext, scene: int) -> None:
    """Enter or leave timeline single-page mode (1154): no login, no routing, separate storage (§3)."""
    state = ctx.state
    if scene == 1154:
        if not state.get("single_page_mode"):
            state["normal_storage"] = ctx.storage
            ctx.storage = state.setdefault("single_page_storage", {})
        state["single_page_mode"] = True
    else:
        if state.pop("single_page_mode", None) and "normal_storage" in state:
            ctx.storage = state.pop("normal_storage")


def share_ticket(card: ShareCard, group: str) -> tuple[str, str]:
    """`(shareTicket, openGId)` of a card forwarded into a group chat (stable per card and group)."""
    gid = "G" + hashlib.sha256(f"{card.from_user}:{group}".encode()).hexdigest()[:27]
    ticket = hashlib.sha256(f"ticket:{card.id}:{group}".encode()).hexdigest()[:36]
    return ticket, gid


async def open_card(user: VirtualUser, card: ShareCard, chat: str = "single", *, group: str | None = None) -> Page:
    """Tap the card in a chat (or Moments): cold or hot start with scene 1007/1008/1044/1154 (§3).

    Only a group open of a card shared with `withShareTicket` carries a shareTicket, and it then reports
    1044 instead of 1008: WeChat says the ticket scene and the single/group chat scenes are mutually
    exclusive (wx-fidelity.md §3 scenes; open-ability/share.html "获取更多转发信息").
    """
    if card.kind == "timeline":
        scene = SCENES["timeline"]
    elif chat == "group" and card.with_share_ticket:
        scene = SCENES["ticket"]
    elif chat in ("single", "group"):
        scene = SCENES[chat]
    else:
        raise ValueError("chat is 'single' or 'group'")
    route = card.route
    query = dict(card.query)
    opts: dict[str, Any] = {"path": route, "query": query, "scene": scene, "referrerInfo": {},
                            "forwardMaterials": [], "apiCategory": "browseOnly" if scene == 1154 else "default"}
    if scene != 1154:
        opts["chatType"] = CHAT_TYPES[chat]
    ticket = None
    if chat == "group" and card.kind == "chat":
        ticket, gid = share_ticket(card, group or f"{card.from_user}'s group")
        user.ctx.state["group_enter"] = gid  # what wx.getGroupEnterInfo reports, ticket or not (§3)
        if scene == SCENES["ticket"]:
            opts["shareTicket"] = ticket
        else:
            ticket = None
    url = "/" + route + (f"?{_query_string(query)}" if query else "")
    user.ctx.record("open-card", card=card.id, scene=scene, chat=chat, url=url, from_user=card.from_user)
    single_page = bool(user.ctx.state.get("single_page_mode"))
    if not user.running or scene == 1154 or single_page:
        # Cold start (timeline single-page mode is its own instance, with its own storage).
        user.ctx.state["share_tickets"] = {}
        if ticket is not None:
            user.ctx.state["share_tickets"][ticket] = gid
        apply_scene_mode(user.ctx, scene)
        return await user.launch(url, **opts)
    # Hot start: the app comes back with the new enter options, then opens the card's page.
    if ticket is not None:
        user.ctx.state.setdefault("share_tickets", {})[ticket] = gid
    router = user.realm.router
    if not router.in_background:
        router.hide_app()
    router.show_app(opts)
    current = router.current()
    if current is None or current.route != route or current.query != query:
        await router.navigate("reLaunch", {"url": url})
    await user.idle()
    errors = user.realm.take_errors()
    if errors:
        raise errors[0]
    return user.current_page
