"""The page stack and the lifecycle order of every route (wx-fidelity.md §6–7)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..api import Fail
from ..errors import NavigationError

if TYPE_CHECKING:
    from .realm import Realm

__all__ = ["MAX_STACK", "PageRecord", "Router", "parse_url"]

MAX_STACK = 10


@dataclass(slots=True)
class PageRecord:
    id: int
    route: str
    query: dict[str, str]


def parse_query(qs: str) -> dict[str, str]:
    """Query values arrive as strings, not URL-decoded; a valueless key is "undefined" (§7)."""
    out: dict[str, str] = {}
    for part in qs.split("&"):
        if not part:
            continue
        key, sep, value = part.partition("=")
        out[key] = value if sep else "undefined"
    return out


def parse_url(url: str, current: str | None) -> tuple[str, dict[str, str], str]:
    """`(route, query, raw_path)`: a leading `/` is absolute, otherwise relative to the current page's folder."""
    path, _, qs = str(url).partition("?")
    if path.startswith("/"):
        parts = path[1:].split("/")
    else:
        base = current.split("/")[:-1] if current else []
        parts = base + path.split("/")
    out: list[str] = []
    for seg in parts:
        if seg == "..":
            if out:
                out.pop()
        elif seg not in (".", ""):
            out.append(seg)
    route = "/".join(out)
    if route.endswith(".html"):
        route = route[:-5]
    raw = route + (f"?{qs}" if qs else "")
    return route, parse_query(qs), raw


class Router:
    """Owns the stack of page instances of one realm and fires their hooks in the platform's order."""

    def __init__(self, realm: Realm) -> None:
        self.realm = realm
        self.stack: list[PageRecord] = []
        self.tab_alive: dict[str, PageRecord] = {}
        self._routes: dict[int, str] = {}
        self.launch_options: dict[str, Any] | None = None
        self.enter_options: dict[str, Any] | None = None
        self.app_launched = False
        self.in_background = False

    # -------------------------------------------------------------- queries
    def current(self) -> PageRecord | None:
        return self.stack[-1] if self.stack else None

    def current_route(self) -> str | None:
        return self.stack[-1].route if self.stack else None

    def is_alive(self, page_id: int) -> bool:
        return any(p.id == page_id for p in self.stack) or any(p.id == page_id for p in self.tab_alive.values())

    def route_of(self, page_id: int) -> str | None:
        return self._routes.get(page_id)

    def route_of_dead(self, page_id: int) -> str:
        return self._routes.get(page_id, f"page {page_id}")

    @property
    def tab_pages(self) -> list[str]:
        return self.realm.bundle.tab_pages

    # -------------------------------------------------------------- app start
    def launch(self, url: str, options: dict[str, Any]) -> PageRecord | None:
        """Cold start: App.onLaunch → App.onShow → Page.onLoad → onShow → onReady (§6).

        None when the entry page is missing and App.onPageNotFound ran: its redirect (wx.redirectTo or
        reLaunch) completes on the loop, so the caller settles the realm and then reads the stack.
        """
        route, query, raw = parse_url(url, None)
        opts = {"path": route, "query": query, "scene": 1001, "referrerInfo": {}, "apiCategory": "default",
                "forwardMaterials": [], **options}
        self.launch_options = self.enter_options = opts
        realm = self.realm
        state = realm.ctx.state
        state["launch_options"] = state["enter_options"] = opts
        # A shareTicket is valid for the app lifetime that received it (§3): a cold start keeps only its own,
        # and the group a previous lifetime was entered from is forgotten unless this start is a group open.
        tickets = state.get("share_tickets") or {}
        own = opts.get("shareTicket")
        state["share_tickets"] = {own: tickets[own]} if own in tickets else {}
        if opts.get("scene") not in (1008, 1044):
            state.pop("group_enter", None)
        realm.call("requireModule", "app.js")
        realm.call("launchApp", json.dumps(opts))
        self.app_launched = True
        realm.pump()
        if route not in realm.bundle.pages:
            if realm.call("hasAppHook", "onPageNotFound"):
                realm.call("appHook", "onPageNotFound", json.dumps({"path": route, "query": query, "isEntryPage": True}))
                realm.pump()
                return self.stack[-1] if self.stack else None
            raise NavigationError(f'page "{raw}" is not found')
        return self._open(route, query)

    def show_app(self, options: dict[str, Any]) -> None:
        """Hot start: App.onShow with the new enter options, then the current page's onShow."""
        self.enter_options = options
        self.realm.ctx.state["enter_options"] = options
        self.in_background = False
        self.realm.call("appHook", "onShow", json.dumps(options))
        self.realm.emit_global("onAppShow", options)  # wx.onAppShow listeners, with the same options
        if self.stack:
            self._hook(self.stack[-1], "onShow")

    def hide_app(self) -> None:
        """To the background: the page's onHide, then App.onHide (relative order UNCONFIRMED, §6)."""
        if self.stack:
            self._hook(self.stack[-1], "onHide")
        self.realm.call("appHook", "onHide")
        self.realm.emit_global("onAppHide", {})
        self.in_background = True
        for hook in list(self.realm.ctx.hooks.get("__app_hide", [])):
            hook()  # e.g. network: in-flight requests are interrupted after 5 s in the background (§1)

    # -------------------------------------------------------------- routing
    async def navigate(self, kind: str, args: dict[str, Any]) -> dict[str, Any]:
        """The routing wx APIs; raises Fail with the platform's errMsg reason."""
        if kind == "navigateBack":
            return self.back(int(args.get("delta", 1) or 1))
        url = args.get("url")
        if not isinstance(url, str) or not url:
            raise Fail("parameter error: parameter.url should be String instead of Undefined;")
        route, query, raw = parse_url(url, self.current_route())
        if route not in self.realm.bundle.pages:
            raise Fail(f'page "{raw}" is not found')
        is_tab = route in self.tab_pages
        if kind == "navigateTo":
            if is_tab:
                raise Fail("can not navigateTo a tabbar page")
            if len(self.stack) >= MAX_STACK:
                raise Fail("webview count limit exceed")
            if self.stack:
                self._hook(self.stack[-1], "onHide")
            self._open(route, query, channel=int(args.get("__channel") or 0))
        elif kind == "redirectTo":
            if is_tab:
                raise Fail("can not redirectTo a tabbar page")
            if self.stack:
                self._unload(self.stack.pop())
            self._open(route, query)
        elif kind == "reLaunch":
            while self.stack:
                self._unload(self.stack.pop())
            for rec in list(self.tab_alive.values()):
                self._unload(rec)
            self.tab_alive.clear()
            self._open(route, query)
        elif kind == "switchTab":
            if not is_tab:
                raise Fail("can not switch to no-tabBar page")
            self.switch_tab(route)
        else:
            raise Fail(f"unknown route {kind}")
        return {}

    def switch_tab(self, route: str) -> None:
        """Keep only tab pages: pop non-tab pages (onUnload), hide the old tab, show or load the new one."""
        if self.realm.ctx.state.get("single_page_mode"):
            # Timeline single-page mode (1154) renders no tab bar and disables routing (§3).
            raise NavigationError("the tab bar is not rendered in single-page mode (scene 1154)")
        cur = self.current()
        if cur and cur.route == route:
            return
        if cur and cur.route in self.tab_pages:
            self._hook(cur, "onHide")
        # Pages above the tab page are unloaded, top first; the tab page under them was hidden when they
        # were opened, so it gets no second onHide (§6 switchTab table: C → A, D → B).
        while self.stack and self.stack[-1].route not in self.tab_pages:
            self._unload(self.stack.pop())
        self.stack.clear()
        rec = self.tab_alive.get(route)
        if rec is None:
            self._open(route, {})
        else:
            self.stack.append(rec)
            self._sync_stack()
            self._hook(rec, "onShow")

    def back(self, delta: int) -> dict[str, Any]:
        if len(self.stack) <= 1:
            raise Fail("cannot navigate back at first page.")
        delta = max(1, min(delta, len(self.stack) - 1))
        for _ in range(delta):
            self._unload(self.stack.pop())
        self._sync_stack()
        self._hook(self.stack[-1], "onShow")
        return {}

    # -------------------------------------------------------------- internals
    def _open(self, route: str, query: dict[str, str], channel: int = 0) -> PageRecord:
        realm = self.realm
        realm.call("loadPage", route)
        page_id = int(realm.call("createPage", route, json.dumps(query), channel))
        rec = PageRecord(page_id, route, query)
        self._routes[page_id] = route
        self.stack.append(rec)
        if route in self.tab_pages:
            self.tab_alive[route] = rec
        self._sync_stack()
        realm.ctx.record("navigate", route=route, query=query, depth=len(self.stack))
        self._hook(rec, "onLoad", query)
        self._hook(rec, "onShow")
        realm.pump()  # the first render happens here; onReady follows it
        self._hook(rec, "onReady")
        return rec

    def _unload(self, rec: PageRecord) -> None:
        self._hook(rec, "onUnload")
        self.realm.call("unloadPage", rec.id)
        if self.tab_alive.get(rec.route) is rec:
            del self.tab_alive[rec.route]

    def _hook(self, rec: PageRecord, name: str, arg: Any = None) -> Any:
        argj = json.dumps(arg) if arg is not None else None
        res = self.realm.call("pageHook", rec.id, name, argj) if argj is not None else self.realm.call(
            "pageHook", rec.id, name
        )
        return res.get("value") if isinstance(res, dict) else None

    def _sync_stack(self) -> None:
        self.realm.call("setStack", json.dumps([p.id for p in self.stack]))
