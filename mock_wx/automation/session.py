"""One virtual user behind one port: its connected clients, events, routes and element ids.

Commands from all of a user's connections run one at a time (a person has one pair of hands, and the
realm is single-threaded); events (bindings, console lines, JS errors) go to every connection.
"""

from __future__ import annotations

import asyncio
import json
import re
from importlib import resources
from typing import TYPE_CHECKING, Any

from ..errors import WxError
from ..trace import Event
from .protocol import ProtocolError, event

if TYPE_CHECKING:
    from ..rig.element import Element
    from ..rig.page import Page
    from ..rig.user import VirtualUser
    from .server import AutomationServer

__all__ = ["UserSession"]

_ELEMENT_ID = re.compile(r"^(\d+)\.(\d+)$")


def _devtools_env(config: dict[str, Any]) -> str:
    src = resources.files(__package__).joinpath("devtools_env.js").read_text(encoding="utf-8")
    return src.replace("__WXSIM_CONFIG__", json.dumps(config, ensure_ascii=False))


class UserSession:
    """The protocol's view of one `VirtualUser`: served on `port`, driven by any client connected there."""

    def __init__(self, server: AutomationServer, user: VirtualUser, port: int) -> None:
        self.server = server
        self.user = user
        self.port = port
        self.outboxes: set[asyncio.Queue[str]] = set()
        self.lock = asyncio.Lock()
        self.log_enabled = False
        self.bindings: set[str] = set()
        self._env_realm: object | None = None
        self._last_top: int | None = None
        self._last_stack: list[int] = []

    # ------------------------------------------------------------------ events
    def emit(self, name: str, params: dict[str, Any]) -> None:
        """Send an event to every client of this user (in order with the answers already queued)."""
        text = event(name, params)
        for box in list(self.outboxes):
            box.put_nowait(text)

    def on_trace(self, e: Event) -> None:
        """Console lines (after App.enableLog) and uncaught JS errors, as DevTools streams them."""
        if e.user != self.user.name:
            return
        if e.kind == "console" and self.log_enabled:
            self.emit("App.logAdded", {"type": e.data.get("level", "log"), "args": [e.data.get("text", "")]})
        elif e.kind == "js-error":
            self.emit("App.exceptionThrown", {"message": str(e.data.get("message", "")),
                                              "stack": str(e.data.get("stack", ""))})

    def binding(self, name: str) -> Any:
        """The Python side of `App.addBinding(name)`: the app calls `name(...)`, the client gets bindingCalled."""

        def called(*args: Any) -> None:
            self.emit("App.bindingCalled", {"name": name, "args": list(args)})

        return called

    # ------------------------------------------------------------------ the app
    async def ensure_running(self) -> None:
        """A command after App.exit cold-starts the app again at its first page (DevTools reopens it)."""
        if not self.user.running:
            await self.user.launch()
            self._last_top = None
        await self._install_env()

    async def _install_env(self) -> None:
        realm = self.user.realm
        if self._env_realm is realm:
            return
        bundle = self.user.sim.bundle
        config = dict(bundle.config)
        config.setdefault("pages", list(bundle.pages))
        config.setdefault("entryPagePath", bundle.pages[0] + ".html")
        config["appid"] = self.user.sim.appid
        # DevTools' account block; Minium names the app under test from it.
        config["accountInfo"] = {"appId": self.user.sim.appid, "nickname": bundle.app_name, "icon": ""}
        await self.user.evaluate(_devtools_env(config))
        self._env_realm = realm
        self._last_stack = [r.id for r in realm.router.stack]
        self._last_top = self._last_stack[-1] if self._last_stack else None

    async def check_route(self) -> None:
        """Tell `wx.onAppRouteDone` listeners when the page on top changed since the last look."""
        if not self.user.running or self._env_realm is not self.user.realm:
            return
        stack = [r.id for r in self.user.realm.router.stack]
        top = stack[-1] if stack else None
        if top is None or top == self._last_top:
            self._last_stack = stack
            return
        before = self._last_stack
        rec = self.user.realm.router.current()
        assert rec is not None
        if len(stack) == len(before) + 1 and stack[:-1] == before:
            open_type = "navigateTo"
        elif len(stack) < len(before) and before[:len(stack)] == stack:
            open_type = "navigateBack"
        elif rec.route in self.user.realm.router.tab_pages and len(stack) == 1:
            open_type = "switchTab"
        elif len(stack) == 1:
            open_type = "reLaunch"
        else:
            open_type = "redirectTo"
        self._last_stack, self._last_top = stack, top
        options = {"path": rec.route, "query": dict(rec.query), "openType": open_type, "webviewId": rec.id}
        await self.user.evaluate(f"__wxsimRouteDone({json.dumps(options, ensure_ascii=False)})")

    # ------------------------------------------------------------------ lookups
    def page(self, params: dict[str, Any]) -> Page:
        """The page a Page.*/Element.* command names by `pageId` (the current page when it names none)."""
        page_id = params.get("pageId")
        if page_id is None:
            return self.user.current_page
        try:
            wanted = int(page_id)
        except (TypeError, ValueError):
            raise ProtocolError(f"invalid pageId {page_id!r}") from None
        for p in self.user.page_stack:
            if p.id == wanted:
                return p
        # Minium turns exactly this message into PageDestroyed.
        raise ProtocolError("page destroyed")

    def element(self, params: dict[str, Any]) -> Element:
        """The element an Element.* command names by `elementId` (and `pageId`)."""
        from ..rig.element import Element

        eid = str(params.get("elementId", ""))
        m = _ELEMENT_ID.match(eid)
        if not m:
            raise ProtocolError(f"element {eid!r} not found: not an element id wxsim handed out")
        page_id, nid = int(m.group(1)), int(m.group(2))
        page = self.page({"pageId": params.get("pageId", page_id)})
        if page.id != page_id:
            raise ProtocolError(f"element {eid!r} not found on page {page.id} ({page.route})")
        el = Element(page, nid)
        if not el.exists:
            raise ProtocolError(f"element {eid!r} not found on {page.route}: a re-render removed it")
        return el

    @staticmethod
    def describe(el: Element) -> dict[str, Any]:
        """An element as the protocol hands it out: `elementId`, `tagName`, and `nodeId` for components."""
        info = el._info()
        out: dict[str, Any] = {"elementId": f"{el.page.id}.{el.nid}", "tagName": info.tag}
        if info.component is not None:
            out["nodeId"] = str(info.component)
        return out

    def other(self, target: Any) -> UserSession:
        """Another user's session named by its port or user name (for Wxsim.share)."""
        for s in self.server.sessions:
            if str(target) in (str(s.port), s.user.name):
                return s
        names = ", ".join(f"{s.user.name} (port {s.port})" for s in self.server.sessions)
        raise ProtocolError(f"no virtual user {target!r} in this wxsim serve: {names}")


def errmsg(exc: BaseException) -> str:
    """The text a client sees for a failed command: the platform's errMsg for wx failures."""
    if isinstance(exc, WxError):
        return str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {exc}"
