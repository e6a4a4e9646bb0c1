"""The element half of `Page`: find what the page rendered, act on it through the view layer.

Minium's names where it has them (`get_element`, `get_elements`, `element_is_exists` as `element_exists`,
`wxml`); waits move the virtual clock (docs/testing-api.md, "Elements").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import WaitTimeout, WxError
from ..view.tree import ViewTree
from .element import Element, ElementNotFound, _touch, strict_missing
from .screens import page_screenshot
from .waiting import run_until

if TYPE_CHECKING:
    from ..view import RealmView
    from .user import VirtualUser

__all__ = ["ElementsPage"]

_LEADING_TAG = re.compile(r"^\s*([A-Za-z][\w-]*)")


class ElementsPage:
    """Mixed into `Page`."""

    if TYPE_CHECKING:
        user: VirtualUser
        id: int
        route: str

        def _raise_errors(self) -> None: ...

    def _view(self) -> RealmView:
        view = self.user._realm_or_raise().view
        if view is None:
            raise WxError("this simulation runs without the view layer (Simulator(view=False)): no elements to find")
        return view  # type: ignore[no-any-return]

    def _view_tree(self) -> ViewTree:
        view = self._view()
        snap = view.snapshot(self.id)
        cached = getattr(view, "_tree_cache", None)
        if cached is not None and cached[0] is snap:
            return cached[1]  # type: ignore[no-any-return]
        tree = ViewTree(snap, int(view.call("pageOwner", self.id)))
        view._tree_cache = (snap, tree)  # type: ignore[attr-defined]
        self._raise_errors()  # a render that failed (strict: an expression threw) fails the read
        return tree

    @property
    def wxml(self) -> str:
        """The page's rendered tree as WXML text (what Minium's `page.wxml` shows)."""
        return self._view_tree().wxml()

    async def screenshot(self, path: str | Path | None = None, *, dialog: dict[str, Any] | None = None) -> bytes:
        """PNG of what the user sees on this page (navigation bar, tab bar, toast), written to `path` if
        given; `dialog` (an entry of `user.dialogs.shown`) is drawn on top. Needs Playwright + Chromium."""
        return await page_screenshot(self, path, dialog=dialog)  # type: ignore[arg-type]

    # ------------------------------------------------------------------ finding
    def get_element(self, selector: str, *, inner_text: str | None = None, text_contains: str | None = None,
                    value: Any = None, xpath: str | None = None) -> Element:
        """The first element matching a CSS selector (`button.join`, `#buy`, `list-item >>> .title`) or
        `xpath=`, filtered by exact text, contained text or form value; ElementNotFound lists what is there."""
        return self._find(selector, inner_text, text_contains, value, xpath)[0]

    def get_elements(self, selector: str, *, inner_text: str | None = None, text_contains: str | None = None,
                     value: Any = None, xpath: str | None = None) -> list[Element]:
        """Every match, in document order (possibly none)."""
        return self._find(selector, inner_text, text_contains, value, xpath, many=True)

    def element_exists(self, selector: str, *, inner_text: str | None = None, text_contains: str | None = None,
                       value: Any = None, xpath: str | None = None) -> bool:
        return bool(self._find(selector, inner_text, text_contains, value, xpath, many=True))

    async def wait_for_element(self, selector: str, *, inner_text: str | None = None,
                               text_contains: str | None = None, value: Any = None, timeout: float = 10.0,  # noqa: ASYNC109 (virtual seconds)
                               visible: bool = True) -> Element:
        """Move virtual time until a matching (visible) element is rendered; WaitTimeout otherwise."""
        found: list[Element] = []

        def check() -> bool:
            if not self.user.running:
                return False
            els = self._find(selector, inner_text, text_contains, value, None, many=True)
            els = [e for e in els if e.visible] if visible else els
            found[:] = els[:1]
            return bool(els)

        if not await run_until(self.user.sim, check, timeout):
            raise WaitTimeout(f"no element matching {self._wanted(selector, inner_text, text_contains, value)} "
                              f"appeared on {self.route} within {timeout:g} virtual seconds")
        return found[0]

    def _find(self, selector: str, inner_text: str | None, text_contains: str | None, value: Any,
              xpath: str | None, *, scope: int | None = None, many: bool = False) -> list[Element]:
        tree = self._view_tree()
        nids = tree.xpath(xpath, scope) if xpath else tree.query(selector, scope)
        out = []
        for nid in nids:
            if inner_text is not None and tree.text(nid) != " ".join(inner_text.split()):
                continue
            if text_contains is not None and text_contains not in tree.text(nid):
                continue
            if value is not None and _value(tree, nid) != value:
                continue
            out.append(Element(self, nid, xpath or selector))  # type: ignore[arg-type]
        if not out and not many:
            raise ElementNotFound(self._not_found(tree, xpath or selector, inner_text, text_contains, value, scope))
        return out

    def _wanted(self, selector: str, inner_text: str | None, text_contains: str | None, value: Any) -> str:
        want = f"`{selector}`"
        if inner_text is not None:
            want += f" with text {inner_text!r}"
        if text_contains is not None:
            want += f" containing {text_contains!r}"
        if value is not None:
            want += f" with value {value!r}"
        return want

    def _not_found(self, tree: ViewTree, selector: str, inner_text: str | None, text_contains: str | None,
                   value: Any, scope: int | None) -> str:
        where = self.route if scope is None else f"{tree.describe(scope)} on {self.route}"
        msg = f"no element matches {self._wanted(selector, inner_text, text_contains, value)} on {where}"
        m = _LEADING_TAG.match(selector)
        if m and not selector.lstrip().startswith("/"):
            tag = m.group(1)
            same = [n for n in tree.info.values() if n.tag == tag and n.owner == tree.page_owner]
            texts = [repr(tree.text(n.nid)) for n in same if tree.visible(n.nid)]
            return msg + (f"; {tag}s on the page: {', '.join(texts[:12])}" if texts else f"; the page shows no <{tag}>")
        tappable = [n for n in tree.info.values() if "tap" in n.events and tree.visible(n.nid)]
        if tappable:
            return msg + "; tappable elements on the page: " + ", ".join(tree.describe(n.nid) for n in tappable[:12])
        return msg

    # ------------------------------------------------------------------ acting (Element calls these)
    async def _gesture(self, el: Element, kind: str) -> Any:
        user = self.user
        tree = self._view_tree()
        user.ctx.record("action", page=self.route, action=kind, element=tree.describe(el.nid))
        view = self._view()
        touch = _touch(0, 0)
        realm = user._realm_or_raise()
        realm.errors.clear()
        user.ctx.state["user_gesture"] = True  # APIs that need a tap (getUserProfile, requestSubscribeMessage, ...)
        try:
            view.dispatch(self.id, el.nid, "touchstart", {}, touches=[touch])
            if kind == "longpress":
                res = view.dispatch(self.id, el.nid, "longpress", {"x": 0, "y": 0}, touches=[touch])
                view.dispatch(self.id, el.nid, "touchend", {}, touches=[touch])
            else:
                view.dispatch(self.id, el.nid, "touchend", {}, touches=[touch])
                res = view.dispatch(self.id, el.nid, "tap", {"x": 0, "y": 0}, touches=[touch])
        finally:
            user.ctx.state.pop("user_gesture", None)
        await user.idle()
        self._raise_errors()
        self._check_missing(res)
        open_type = res.get("openType")
        if open_type:
            return await self._open_type(open_type)
        return None

    async def _open_type(self, spec: dict[str, Any]) -> Any:
        kind = spec["type"]
        user = self.user
        if kind == "share":
            return await user.share("button", target_dataset=spec.get("dataset") or {}, target_id=spec.get("id") or "")
        event = {"getPhoneNumber": "getphonenumber", "getRealtimePhoneNumber": "getrealtimephonenumber",
                 "getUserInfo": "getuserinfo", "contact": "contact", "openSetting": "opensetting",
                 "chooseAvatar": "chooseavatar", "launchApp": "launchapp"}.get(kind)
        if event is None:
            return None
        detail = _open_type_detail(kind, user)
        view = self._view()
        res = view.dispatch(self.id, int(spec["nid"]), event, detail, bubbles=False, noDefault=True)
        await user.idle()
        self._raise_errors()
        self._check_missing(res)
        return None

    async def _dispatch(self, el: Element, kind: str, detail: Any, *, bubbles: bool | None = None,
                        touches: list[Any] | None = None) -> dict[str, Any]:
        user = self.user
        opts: dict[str, Any] = {"noDefault": True}
        if bubbles is not None:
            opts["bubbles"] = bubbles
        if touches is not None:
            opts["touches"] = touches
        user.ctx.record("action", page=self.route, action=kind, element=self._view_tree().describe(el.nid))
        user._realm_or_raise().errors.clear()
        res = self._view().dispatch(self.id, el.nid, kind, detail, **opts)
        await user.idle()
        self._raise_errors()
        self._check_missing(res)
        return res

    async def _set_value(self, el: Element, kind: str, value: Any, detail: Any) -> dict[str, Any]:
        user = self.user
        user.ctx.record("action", page=self.route, action=kind, element=self._view_tree().describe(el.nid), value=value)
        user._realm_or_raise().errors.clear()
        res = self._view().set_value(self.id, el.nid, kind, value, detail)
        await user.idle()
        self._raise_errors()
        self._check_missing(res)
        return res

    def _check_missing(self, res: dict[str, Any]) -> None:
        missing = res.get("missing") or []
        if missing and self.user.ctx.fidelity == "strict":
            raise strict_missing(missing)


def _value(tree: ViewTree, nid: int) -> Any:
    info = tree.info[nid]
    if info.tag in ("switch", "checkbox", "radio"):
        return info.attrs.get("checked", False)
    return info.attrs.get("value")


def _open_type_detail(kind: str, user: VirtualUser) -> dict[str, Any]:
    """What an open-type button hands the page when the user agrees (a phone's defaults)."""
    if kind in ("getPhoneNumber", "getRealtimePhoneNumber"):
        if user.ctx.dialogs.answer("authorize") == "deny":  # the phone-number sheet: allow / deny
            return {"errMsg": f"{kind}:fail user deny"}
        return {"errMsg": f"{kind}:ok", "code": f"phonecode-{user.ctx.user_key[:8]}"}
    if kind == "getUserInfo":
        return {"errMsg": "getUserInfo:ok", "userInfo": {"nickName": "微信用户", "avatarUrl": "", "gender": 0,
                "country": "", "province": "", "city": "", "language": "zh_CN"}, "rawData": "{}", "signature": ""}
    if kind == "contact":
        return {"errMsg": "enterContact:ok", "path": "", "query": {}}
    if kind == "openSetting":
        return {"errMsg": "openSetting:ok", "authSetting": dict(user.ctx.state.get("auth_setting") or {})}
    return {"errMsg": f"{kind}:ok"}

