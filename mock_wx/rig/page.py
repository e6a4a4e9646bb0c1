"""A page handle for tests: read data, tap handlers, pull down, reach bottom — each returns when idle."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..errors import JSError, WxError
from .page_elements import ElementsPage
from .testing import PageTesting

if TYPE_CHECKING:
    from .user import VirtualUser

__all__ = ["Page"]


class Page(PageTesting, ElementsPage):
    """One page instance of one virtual user (like Minium's `Page`)."""

    def __init__(self, user: VirtualUser, page_id: int, route: str, query: dict[str, str]) -> None:
        self.user = user
        self.id = page_id
        self.route = route
        self.query = query

    def __repr__(self) -> str:
        return f"<Page {self.route} of {self.user.name}>"

    @property
    def path(self) -> str:
        return "/" + self.route

    @property
    def alive(self) -> bool:
        realm = self.user._realm
        return realm is not None and realm.router.is_alive(self.id)

    @property
    def data(self) -> dict[str, Any]:
        """A copy of the page's `this.data`."""
        text = self._realm().call("pageData", self.id)
        if text is None:
            raise WxError(f"{self.route} has been unloaded")
        return dict(json.loads(text))

    async def set_data(self, data: dict[str, Any]) -> None:
        """Set page data from the test, through setData semantics (path keys, render, callbacks)."""
        self._realm().call("pageSetData", self.id, json.dumps(data))
        await self.user.idle()

    def has_method(self, name: str) -> bool:
        return bool(self._realm().call("hasMethod", self.id, name))

    async def call(self, method: str, *args: Any) -> Any:
        """Call any page method with JSON arguments; returns its (awaited) value."""
        return await self._call(method, list(args))

    async def tap(
        self,
        handler: str,
        *,
        dataset: dict[str, Any] | None = None,
        detail: dict[str, Any] | None = None,
        target_id: str = "",
        event_type: str = "tap",
    ) -> Any:
        """Run the page method `handler` with a tap event, bypassing the view: nothing checks that an element
        bound to it is on screen. For unit-level tests; journeys tap elements (`get_element(...).tap()`)."""
        return await self._call(handler, [self._event(event_type, dataset, detail, target_id)],
                                gesture=event_type == "tap")

    async def input(self, handler: str, value: str, *, dataset: dict[str, Any] | None = None) -> Any:
        """Deliver an `input`/`confirm` event (`e.detail.value`) to a handler."""
        detail = {"value": value, "cursor": len(value), "keyCode": 0}
        return await self._call(handler, [self._event("input", dataset, detail, "")])

    async def pull_down(self) -> bool:
        """Pull to refresh: fires onPullDownRefresh only when enablePullDownRefresh is on (§6)."""
        cfg = self.user._realm_or_raise().bundle.window(self.route)
        if not cfg.get("enablePullDownRefresh"):
            self.user.ctx.record("pullDownRefresh", ignored=True, reason="enablePullDownRefresh is false")
            return False
        self.user.ctx.ui["pullDownRefresh"] = True
        await self._hook("onPullDownRefresh")
        return True

    async def reach_bottom(self) -> None:
        """Scroll to within onReachBottomDistance of the bottom: fires onReachBottom once."""
        await self._hook("onReachBottom")

    async def scroll(self, top: float) -> None:
        await self._hook("onPageScroll", {"scrollTop": top})

    async def _hook(self, name: str, arg: Any = None) -> None:
        realm = self._realm()
        realm.errors.clear()
        argj = json.dumps(arg) if arg is not None else None
        if argj is None:
            realm.call("pageHook", self.id, name)
        else:
            realm.call("pageHook", self.id, name, argj)
        await self.user.idle()
        self._raise_errors()

    async def _call(self, method: str, args: list[Any], *, gesture: bool = False) -> Any:
        realm = self._realm()
        realm.errors.clear()
        self.user.ctx.record("action", page=self.route, method=method, args=args)
        if gesture:  # APIs that need a user gesture (getUserProfile, openSetting) accept calls made now
            self.user.ctx.state["user_gesture"] = True
        try:
            out = realm.call("callMethod", self.id, method, json.dumps(args, ensure_ascii=False))
        finally:
            self.user.ctx.state.pop("user_gesture", None)
        await self.user.idle()
        if not out.get("done"):
            # An async handler: its promise settles while the page goes idle. If it still waits (on a timer
            # in the future, say), the action has returned and the value is unknown, as for a real tap.
            text = realm.call("result", out["key"])
            out = json.loads(text) if text else {"done": False}
        self._raise_errors()
        if not out.get("ok", True):
            raise JSError(out.get("error") or "page method failed")
        return out.get("value")

    def _raise_errors(self) -> None:
        realm = self._realm()
        misuse = self.user.ctx.state.pop("test_errors", None)
        if misuse:
            raise misuse[0]  # the test answered a dialog wrongly (e.g. an action sheet item that is not there)
        errors = realm.take_errors()
        if errors:
            raise errors[0]

    def _realm(self):  # type: ignore[no-untyped-def]
        return self.user._realm_or_raise()

    def _event(self, kind: str, dataset: dict[str, Any] | None, detail: dict[str, Any] | None, target_id: str) -> dict[str, Any]:
        ts = self.user.ctx.clock.now_ms() - self.user.launched_at_ms
        target = {"id": target_id, "dataset": dict(dataset or {}), "offsetLeft": 16, "offsetTop": 120}
        touch = {"identifier": 0, "pageX": 120, "pageY": 300, "clientX": 120, "clientY": 300}
        return {
            "type": kind, "timeStamp": ts, "target": target, "currentTarget": dict(target),
            "detail": dict(detail) if detail is not None else {"x": 120, "y": 300},
            "touches": [touch] if kind == "tap" else [], "changedTouches": [touch] if kind == "tap" else [],
            "mark": {}, "mut": False,
        }
