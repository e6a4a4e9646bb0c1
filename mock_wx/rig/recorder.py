"""What `wxsim open` writes as a person plays: a journey file `wxsim run` replays.

Elements are named the way a person would name them (a tag and a word they read: `button` containing
"立即参团"), and every name is checked against the page as it is now, so replaying the file taps the very
element that was clicked; an element with no such name falls back to its tag and classes, then its index.
"""

from __future__ import annotations

import json
import keyword
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..view.tree import NODE_ID_ATTR, ViewTree

#: The attribute ViewTree keeps each node's id in (view/tree.py).
_NODE_ID = NODE_ID_ATTR

if TYPE_CHECKING:
    from .element import Element
    from .page import Page

__all__ = ["JourneyRecorder", "Locator", "actionable", "check_user_names", "locate"]

#: Built-in components a tap means something to, even without a handler of the page's own.
_INTERACTIVE = frozenset({"button", "navigator", "checkbox", "radio", "switch", "input", "textarea", "picker",
                          "label", "slider", "checkbox-group", "radio-group"})
_GESTURES = frozenset({"tap", "longpress", "longtap", "touchstart", "touchend"})
_NAME = re.compile(r"^[a-z_][a-z0-9_]*$")


def check_user_names(names: list[str]) -> list[str]:
    """The users of a recording become the journey's parameters: lower-case Python names, no repeats."""
    if not names:
        raise ValueError("--users needs at least one name, e.g. --users alice,bob")
    for n in names:
        if not _NAME.match(n) or keyword.iskeyword(n) or n == "sim":
            raise ValueError(f"--users: {n!r} is not a usable name (lower-case letters, digits and _; not 'sim')")
    if len(set(names)) != len(names):
        raise ValueError(f"--users names a user twice: {','.join(names)}")
    return names


def _py(text: str) -> str:
    """A Python string literal (JSON's double-quoted form is one), keeping Chinese readable."""
    return json.dumps(text, ensure_ascii=False)


def _parent(tree: ViewTree, nid: int) -> int | None:
    el = tree.element(nid)
    parent = el.getparent() if el is not None else None
    if parent is None or parent.get(_NODE_ID) is None:
        return None
    return int(parent.get(_NODE_ID))


def actionable(tree: ViewTree, nid: int, *, long: bool = False) -> int:
    """The element a click at `nid` means: the nearest one (itself or above) with a gesture handler or a
    built-in behaviour — a click on the text inside a button taps the button, as a finger does."""
    wanted = {"longpress", "longtap"} if long else _GESTURES
    at: int | None = nid
    while at is not None:
        info = tree.info[at]
        if set(info.events) & wanted or (not long and info.tag in _INTERACTIVE):
            return at
        at = _parent(tree, at)
    return nid


def _chain(tree: ViewTree, nid: int) -> str:
    """The selector path to `nid` through the components it sits in: `member-list >>> button`."""
    info = tree.info[nid]
    if info.owner == tree.page_owner:
        return info.tag
    host = next((n.nid for n in tree.info.values() if n.component == info.owner), None)
    if host is None:
        return info.tag
    return f"{_chain(tree, host)} >>> {info.tag}"


def _words(text: str) -> list[str]:
    """The words of an element's text, those a person would search for first (no prices or counts)."""
    words = list(dict.fromkeys(text.split()))
    return sorted(words, key=lambda w: (any(c.isdigit() for c in w), words.index(w)))


@dataclass(frozen=True)
class Locator:
    """How a journey finds one element: `get_element(selector, **filters)` or `get_elements(selector)[index]`."""

    selector: str
    filters: tuple[tuple[str, str], ...] = ()
    index: int | None = None

    @property
    def code(self) -> str:
        if self.index is not None:
            return f"get_elements({_py(self.selector)})[{self.index}]"
        args = "".join(f", {k}={_py(v)}" for k, v in self.filters)
        return f"get_element({_py(self.selector)}{args})"

    def find(self, page: Page) -> Element:
        if self.index is not None:
            return page.get_elements(self.selector)[self.index]
        return page.get_element(self.selector, **dict(self.filters))


def locate(page: Page, nid: int, *, by_text: bool = True) -> Locator:
    """How to find `nid` on the page now, as a person would: `button` containing "立即参团". `by_text=False`
    for a container whose text is its items' (a scroll-view): its id, tag or classes."""
    tree = page._view_tree()
    info = tree.info[nid]
    base = _chain(tree, nid)
    text = tree.text(nid) if by_text else ""
    candidates = [Locator(base, (("text_contains", w),)) for w in _words(text)[:8]]
    if text and len(text) <= 40:
        candidates.append(Locator(base, (("inner_text", text),)))
    if isinstance(info.attrs.get("id"), str) and info.attrs["id"] and " >>> " not in base:
        candidates.append(Locator(f"#{info.attrs['id']}"))
    cls = info.attrs.get("class")
    classes = [c for c in cls.split() if re.match(r"^[A-Za-z_][\w-]*$", c)] if isinstance(cls, str) else []
    candidates.append(Locator(base))  # the only <input> on the page is just "input"
    if classes:
        candidates.append(Locator(base + "." + ".".join(classes)))
    for loc in candidates:
        els = page.get_elements(loc.selector, **dict(loc.filters))
        if els and els[0].nid == nid:
            return loc
    selector = base + ("." + ".".join(classes) if classes else "")
    return Locator(selector, index=[e.nid for e in page.get_elements(selector)].index(nid))


class JourneyRecorder:
    """The journey so far, rewritten to `path` after every action (a stopped session loses nothing).

    `fidelity` is the mode the session runs in; the journey declares it (`@journey(fidelity=(...,))`) and
    `wxsim run` replays it in that mode.
    """

    def __init__(self, path: str | Path, users: list[str], fidelity: str = "strict") -> None:
        self.path = Path(path)
        self.users = list(users)
        self.fidelity = fidelity
        self.lines: list[str] = []
        self._cards = 0

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)
        self.write()

    def replace(self, lines: list[str], fidelity: str) -> None:
        """The journey after the session was rebuilt (an answer changed afterwards, another fidelity)."""
        self.lines = list(lines)
        self.fidelity = fidelity
        self.write()

    def new_card(self) -> str:
        self._cards += 1
        return f"card{self._cards}"

    def source(self) -> str:
        body = "\n".join(f"    {line}" for line in self.lines) or "    pass"
        return (
            '"""Recorded with `wxsim open`; replay it with `wxsim run ' + self.path.name + '`."""\n\n'
            "from mock_wx.rig.journeys import journey\n\n\n"
            f'@journey(area="recorded", fidelity=("{self.fidelity}",))\n'
            f"async def recorded(sim, {', '.join(self.users)}):\n{body}\n"
        )

    def replay_source(self, lines: list[str], mark_at: int) -> str:
        """The same steps as an internal function the session rebuilds itself with: it calls `_mark()`
        before line `mark_at` (where the action being redone starts) and returns its variables (the cards)."""
        steps = [*lines[:mark_at], "_mark()", *lines[mark_at:], "return locals()"]
        body = "\n".join(f"    {line}" for line in steps)
        return f"async def _replay(sim, {', '.join(self.users)}, _mark):\n{body}\n"

    def write(self) -> None:
        self.path.write_text(self.source(), encoding="utf-8")

    def describe(self) -> dict[str, Any]:
        return {"path": str(self.path.resolve()), "source": self.source()}
