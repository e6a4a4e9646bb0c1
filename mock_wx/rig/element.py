"""Elements of a rendered page, as a person (and Minium) finds and acts on them.

`page.get_element("button", inner_text="立即参团")` finds what the page's WXML rendered; `await el.tap()`
delivers the platform's touch sequence to it (capture and bubble phases, the bound handlers of the page
and of components, built-in behaviour: form submit, navigator, switch, checkbox, open-type buttons), and
returns when the page is idle. Acting on an element that is gone, hidden or disabled fails the test with
what the page does show (docs/testing-api.md, "Elements").
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import ElementError, ElementNotFound, StrictModeError
from ..view.tree import ViewTree
from .screens import page_screenshot

if TYPE_CHECKING:
    from .page import Page

__all__ = ["Element", "ElementError", "ElementNotFound"]


#: Built-ins a person can change the value of, and the event each fires (docs/view-fidelity.md §4.3).
_DISABLEABLE = {"button", "input", "textarea", "switch", "checkbox", "radio", "slider", "picker", "navigator"}


def _short_label(info: Any) -> str:
    """`view#top.search.bar`: the tag with the id and classes the element rendered with."""
    label = str(info.tag)
    if info.attrs.get("id"):
        label += f"#{info.attrs['id']}"
    cls = info.attrs.get("class")
    if isinstance(cls, str) and cls.strip():
        label += "." + ".".join(cls.split())
    return label


class Element:
    """One rendered element of one page (Minium's `BaseElement`). Its node id survives re-renders."""

    def __init__(self, page: Page, nid: int, selector: str = "") -> None:
        self.page = page
        self.nid = nid
        self.selector = selector
        info = self._tree().info.get(nid)
        self.tag = info.tag if info else ""
        # How to name it once a re-render has removed it: tag#id.class as found (its text would cost a walk of
        # the subtree for every element made), or the node id when it was never on the page.
        self._found_as = _short_label(info) if info else f"node {nid}"

    def __repr__(self) -> str:
        tree = self._tree()
        if self.nid in tree.info:
            return f"<Element {tree.describe(self.nid)} on {self.page.route}>"
        return f"<Element {self._found_as} (gone) on {self.page.route}>"

    # ------------------------------------------------------------------ state
    def _tree(self) -> ViewTree:
        return self.page._view_tree()

    def _info(self):  # type: ignore[no-untyped-def]
        tree = self._tree()
        info = tree.info.get(self.nid)
        if info is None:
            found = f" ({self._found_as})" if self.selector else ""
            raise ElementError(f"{self._label()}{found} is no longer on {self.page.route} (a re-render removed it)")
        return info

    def _label(self) -> str:
        return f"`{self.selector}`" if self.selector else f"<{self._found_as}>"

    @property
    def exists(self) -> bool:
        return self.nid in self._tree().info

    @property
    def text(self) -> str:
        """The text a person reads in it (descendants' text, white space collapsed)."""
        self._info()
        return self._tree().text(self.nid)

    inner_text = text

    @property
    def inner_wxml(self) -> str:
        self._info()
        return self._tree().wxml(self.nid, outer=False)

    @property
    def outer_wxml(self) -> str:
        self._info()
        return self._tree().wxml(self.nid)

    async def screenshot(self, path: str | Path | None = None) -> bytes:
        """PNG of this element's box as the user's screen draws it (written to `path` if given)."""
        self._info()
        return await page_screenshot(self.page, path, nid=self.nid)

    def attribute(self, name: str) -> Any:
        """The rendered attribute value (`class`, `src`, `data-id`, ...), as the template computed it."""
        return self._info().attrs.get(name)

    @property
    def dataset(self) -> dict[str, Any]:
        """`data-*` attributes with the platform's key rules (`data-order-id` → `orderId`)."""
        out = {}
        for k, v in self._info().attrs.items():
            if k.startswith("data-"):
                key = k[5:].lower()
                parts = key.split("-")
                out[parts[0] + "".join(p[:1].upper() + p[1:] for p in parts[1:])] = v
        return out

    @property
    def value(self) -> Any:
        """A form element's current value (what was typed, the switch's state, the picker's value)."""
        info = self._info()
        if info.tag in ("switch", "checkbox", "radio"):
            return info.attrs.get("checked", False)
        if info.component is not None:
            return self.data.get("value")
        return info.attrs.get("value")

    @property
    def visible(self) -> bool:
        """Rendered and not hidden (`hidden`, `display: none`) by itself or an ancestor."""
        return self.exists and self._tree().visible(self.nid)

    @property
    def disabled(self) -> bool:
        return _truthy(self._info().attrs.get("disabled"))

    # ------------------------------------------------------------------ queries inside
    def get_element(self, selector: str, *, inner_text: str | None = None, text_contains: str | None = None,
                    value: Any = None, xpath: str | None = None) -> Element:
        """The first match inside this element (inside its component's tree when it is a custom component)."""
        return self.page._find(selector, inner_text, text_contains, value, xpath, scope=self.nid)[0]

    def get_elements(self, selector: str, *, inner_text: str | None = None, text_contains: str | None = None,
                     value: Any = None, xpath: str | None = None) -> list[Element]:
        return self.page._find(selector, inner_text, text_contains, value, xpath, scope=self.nid, many=True)

    # ------------------------------------------------------------------ components
    def _component(self) -> int:
        info = self._info()
        if info.component is None:
            raise ElementError(f"{self._label()} is a <{info.tag}>, not a custom component")
        return int(info.component)

    @property
    def data(self) -> dict[str, Any]:
        """A custom component's `this.data` (properties included)."""
        view = self.page._view()
        return dict(json.loads(view.call("componentData", self._component())))

    async def set_data(self, data: dict[str, Any]) -> None:
        self.page._view().call("componentSetData", self._component(), json.dumps(data, ensure_ascii=False))
        await self.page.user.idle()
        self.page._raise_errors()

    async def call_method(self, name: str, *args: Any) -> Any:
        view = self.page._view()
        out = view.call("componentCall", self._component(), name, json.dumps(list(args), ensure_ascii=False))
        await self.page.user.idle()
        self.page._raise_errors()
        return None if out is None else json.loads(out)

    # ------------------------------------------------------------------ actions
    def _actionable(self, action: str, *, tags: tuple[str, ...] | None = None) -> None:
        info = self._info()
        if tags is not None and info.tag not in tags and info.component is None:
            raise ElementError(f"cannot {action} {self._label()}: it is a <{info.tag}>, not {' or '.join(f'<{t}>' for t in tags)}")
        tree = self._tree()
        if not tree.visible(self.nid):
            raise ElementError(f"cannot {action} {self._label()} ({tree.describe(self.nid)}): it is hidden on {self.page.route}")
        if info.tag in _DISABLEABLE and self.disabled:
            raise ElementError(f"cannot {action} {self._label()} ({tree.describe(self.nid)}): it is disabled")

    async def tap(self) -> Any:
        """Tap it: touchstart, touchend, tap (with built-in behaviour). Returns the ShareCard for a share button."""
        self._actionable("tap")
        return await self.page._gesture(self, "tap")

    click = tap

    async def long_press(self) -> None:
        self._actionable("long-press")
        await self.page._gesture(self, "longpress")

    async def touch(self, kind: str, x: float = 0, y: float = 0) -> None:
        """One raw touch event: `touchstart`, `touchmove`, `touchend` or `touchcancel`."""
        if kind not in ("touchstart", "touchmove", "touchend", "touchcancel"):
            raise ElementError(f"{kind!r} is not a touch event")
        self._actionable(kind)
        await self.page._dispatch(self, kind, {}, touches=[_touch(x, y)])

    async def trigger(self, event: str, detail: Any = None) -> None:
        """Fire `event` on it with `detail` (a component event, as `bind:<event>` receives it)."""
        self._info()
        await self.page._dispatch(self, event, detail if detail is not None else {}, bubbles=False)

    async def input(self, text: str, *, confirm: bool = False) -> None:
        """Type into an input/textarea: `input` with `{value, cursor, keyCode}` (a returned value replaces the
        text; `maxlength` applies), then `confirm` when asked."""
        self._actionable("type into", tags=("input", "textarea"))
        info = self._info()
        maxlength = info.attrs.get("maxlength", 140)
        try:
            limit = int(maxlength)
        except (TypeError, ValueError):
            limit = 140
        if limit >= 0:
            text = text[:limit]
        await self.page._set_value(self, "input", text, {"value": text, "cursor": len(text), "keyCode": 0})
        if confirm:
            await self.page._dispatch(self, "confirm", {"value": self.value}, bubbles=False)

    async def blur(self) -> None:
        self._info()
        await self.page._dispatch(self, "blur", {"value": self.value, "cursor": len(str(self.value or ""))}, bubbles=False)

    async def switch(self) -> None:
        """Flip a switch (or a checkbox): `change` with `{value}`."""
        self._actionable("switch", tags=("switch", "checkbox"))
        if self.tag == "checkbox":
            await self.tap()
            return
        checked = not bool(self.value)
        await self.page._set_value(self, "change", checked, {"value": checked})

    async def pick(self, value: Any) -> None:
        """Choose in a picker (the value its mode uses: index, [indexes], "12:30", "2026-12-03", [region])
        or a picker-view ([indexes]): `change` with `{value}`."""
        self._actionable("pick in", tags=("picker", "picker-view"))
        await self.page._set_value(self, "change", value, {"value": value})

    async def slide_to(self, value: float) -> None:
        self._actionable("slide", tags=("slider",))
        await self.page._set_value(self, "changing", value, {"value": value})
        await self.page._set_value(self, "change", value, {"value": value})

    async def swipe_to(self, index: int) -> None:
        """Swipe a swiper to item `index`: `change` with `{current, currentItemId, source: "touch"}`."""
        self._actionable("swipe", tags=("swiper",))
        items = [c for c in self.get_elements("swiper-item")]
        if not 0 <= index < len(items):
            raise ElementError(f"swiper {self._label()} has {len(items)} items; there is no index {index}")
        item_id = items[index].attribute("item-id") or ""
        await self.page._set_value(self, "change", index, {"current": index, "currentItemId": item_id, "source": "touch"})

    async def scroll_to(self, top: float = 0, *, left: float = 0, to_lower: bool = False) -> None:
        """Scroll a scroll-view: `scroll` with the offsets; `scrolltoupper` at the top (the left edge of a
        `scroll-x` view); `to_lower=True` also fires `scrolltolower` (wxsim does no layout, so reaching the end
        is said, not measured)."""
        self._actionable("scroll", tags=("scroll-view",))
        prev_top, prev_left = float(self.attribute("scroll-top") or 0), float(self.attribute("scroll-left") or 0)
        await self.page._set_value(self, "scroll", top, {
            "scrollLeft": left, "scrollTop": top, "scrollHeight": 0, "scrollWidth": 0,
            "deltaX": prev_left - left, "deltaY": prev_top - top})
        # A scroll-x view's ends are its left and right edges (the detail's direction says which).
        across = _truthy(self.attribute("scroll-x")) and not _truthy(self.attribute("scroll-y"))
        if (left if across else top) <= 0:
            await self.page._dispatch(self, "scrolltoupper", {"direction": "left" if across else "top"}, bubbles=False)
        if to_lower:
            await self.page._dispatch(self, "scrolltolower", {"direction": "right" if across else "bottom"},
                                      bubbles=False)

    async def submit(self) -> None:
        """Submit a form (as its `form-type="submit"` button would): `submit` with the named fields' values."""
        self._actionable("submit", tags=("form",))
        button = [b for b in self.get_elements("button") if b.attribute("form-type") == "submit"]
        if button:
            await button[0].tap()
            return
        raise ElementError(f"form {self._label()} has no <button form-type=\"submit\"> to submit it with")


    # Last in the class body: the name `property` would shadow the decorator for everything after it.
    def property(self, name: str) -> Any:
        """A component property: a custom component's `properties` field, else the built-in's attribute/state."""
        info = self._info()
        if info.component is not None:
            return self.data.get(name)
        return info.attrs.get(name)


def _truthy(value: Any) -> bool:
    """A boolean attribute of a built-in (`disabled`, `scroll-x`) as wxsim reads it: set, and not false, "" or
    "false"."""
    return value not in (None, False, "", "false")


def _touch(x: float, y: float) -> dict[str, Any]:
    return {"identifier": 0, "pageX": x, "pageY": y, "clientX": x, "clientY": y, "force": 1}


def strict_missing(missing: list[str]) -> StrictModeError:
    return StrictModeError("; ".join(missing) + " (the platform only warns; the tap did nothing)")
