"""A page's rendered tree as lxml elements: CSS (cssselect) and XPath queries, text, WXML serialisation.

The realm sends the composed tree (component trees inside their hosts, slots filled) as nested lists;
this module turns it into an lxml tree under a `<page>` root, as Minium's XPath sees it (`/page/view[2]`),
and answers queries scoped the way Minium and miniprogram-automator scope them: a page query does not
reach into custom components' own trees; `host >>> .inner` and `element.get_element(...)` do
(docs/view-fidelity.md §6).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cssselect import GenericTranslator, SelectorError
from lxml import etree

from ..errors import WxError

__all__ = ["NODE_ID_ATTR", "NodeInfo", "SelectorSyntaxError", "ViewTree"]

#: The attribute carrying each element's node id in the lxml tree (not part of the serialised WXML).
NODE_ID_ATTR = "wxsim-id"
_ID = NODE_ID_ATTR
_OWNER = "wxsim-owner"
_COMP = "wxsim-comp"
_PRIVATE = (_ID, _OWNER, _COMP)
_XML_NAME = re.compile(r"^[A-Za-z_][\w.\-]*$")


class SelectorSyntaxError(WxError):
    """A selector or XPath that cannot be read."""


@dataclass
class NodeInfo:
    """What the realm said about one rendered node."""

    nid: int
    tag: str
    attrs: dict[str, Any]
    owner: int
    component: int | None  # the component instance this node hosts, if any
    component_path: str | None
    events: list[str]


@lru_cache(maxsize=512)
def _css_xpath(css: str) -> str:
    try:
        return str(GenericTranslator().css_to_xpath(css, prefix="descendant::"))
    except SelectorError as exc:
        raise SelectorSyntaxError(f"bad selector {css!r}: {exc}") from None


def _attr_text(v: Any) -> str:
    if isinstance(v, str):
        return v
    if v is True:
        return "true"
    if v is False:
        return "false"
    if v is None:
        return ""
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


class ViewTree:
    """One snapshot of a page's rendered tree."""

    def __init__(self, snapshot: list[Any], page_owner: int) -> None:
        self.page_owner = page_owner
        self.root = etree.Element("page")
        self.info: dict[int, NodeInfo] = {}
        self._el: dict[int, Any] = {}
        self._build(self.root, snapshot)

    def _build(self, parent: Any, items: list[Any]) -> None:
        last = None
        for item in items:
            if isinstance(item, str):
                if last is None:
                    parent.text = (parent.text or "") + item
                else:
                    last.tail = (last.tail or "") + item
                continue
            tag, attrs, children, meta = item
            el = etree.SubElement(parent, tag if _XML_NAME.match(tag) else "unknown")
            for k, v in attrs.items():
                if _XML_NAME.match(k):
                    el.set(k, _attr_text(v))
            nid = int(meta["i"])
            el.set(_ID, str(nid))
            el.set(_OWNER, str(meta["o"]))
            if "c" in meta:
                el.set(_COMP, str(meta["c"]))
            self.info[nid] = NodeInfo(nid, tag, attrs, int(meta["o"]), meta.get("c"), meta.get("p"), meta.get("e", []))
            self._el[nid] = el
            self._build(el, children)
            if tag == "rich-text" and "nodes" in attrs:
                _rich_text(el, attrs["nodes"])
            last = el

    # ------------------------------------------------------------------ queries
    def element(self, nid: int) -> Any | None:
        return self._el.get(nid)

    def query(self, selector: str, scope: int | None = None) -> list[int]:
        """Node ids matching a CSS selector (with `>>>` into components), in document order.
        `scope`: a node id to search under (its component's tree if it hosts one), else the page."""
        parts = [p.strip() for p in selector.split(">>>")]
        if any(not p for p in parts):
            raise SelectorSyntaxError(f"bad selector {selector!r}: nothing around '>>>'")
        found = self._match(parts[0], scope)
        for part in parts[1:]:
            inner: list[int] = []
            for nid in found:
                if self.info[nid].component is None:
                    continue
                inner.extend(n for n in self._match(part, nid) if n not in inner)
            found = inner
        return found

    def _match(self, css: str, scope: int | None) -> list[int]:
        xpath = _css_xpath(css)
        base = self.root if scope is None else self._el[scope]
        owner = self._scope_owner(scope)
        out = []
        for el in base.xpath(xpath):
            if el.get(_OWNER) is not None and int(el.get(_OWNER)) == owner:
                out.append(int(el.get(_ID)))
        return out

    def _scope_owner(self, scope: int | None) -> int:
        if scope is None:
            return self.page_owner
        info = self.info[scope]
        return info.component if info.component is not None else info.owner

    def xpath(self, expr: str, scope: int | None = None) -> list[int]:
        base = self.root if scope is None else self._el[scope]
        try:
            found = base.xpath(expr)
        except etree.XPathError as exc:
            raise SelectorSyntaxError(f"bad XPath {expr!r}: {exc}") from None
        if not isinstance(found, list):
            raise SelectorSyntaxError(f"XPath {expr!r} selects a value, not elements")
        return [int(el.get(_ID)) for el in found if isinstance(el, etree._Element) and el.get(_ID) is not None]

    # ------------------------------------------------------------------ reading
    def text(self, nid: int) -> str:
        """The element's text as a person reads it: its descendants' text, block elements apart, white space
        collapsed (`<view>¥140</view><view>发起拼团</view>` reads "¥140 发起拼团"; `<text>` runs inline)."""
        return " ".join(_read(self._el[nid]).split())

    def visible(self, nid: int) -> bool:
        el = self._el[nid]
        while el is not None and el.tag != "page":
            nid_ = int(el.get(_ID))
            attrs = self.info[nid_].attrs
            hidden = attrs.get("hidden")
            if hidden not in (None, False, "", "false"):
                return False
            style = attrs.get("style")
            if isinstance(style, str) and re.search(r"display\s*:\s*none", style):
                return False
            el = el.getparent()
        return True

    def wxml(self, nid: int | None = None, *, outer: bool = True) -> str:
        """Serialised rendered WXML (without wxsim's bookkeeping attributes)."""
        el = self.root if nid is None else self._el[nid]
        copy = etree.fromstring(etree.tostring(el))
        for e in copy.iter():
            for k in _PRIVATE:
                if k in e.attrib:
                    del e.attrib[k]
        if nid is not None:
            copy.tail = None
        if outer:
            return etree.tostring(copy, encoding="unicode")
        inner = (copy.text or "") + "".join(etree.tostring(c, encoding="unicode") for c in copy)
        return inner

    def describe(self, nid: int) -> str:
        """`button.btn-primary '发起拼团'` — how failures name an element."""
        info = self.info[nid]
        cls = info.attrs.get("class")
        label = info.tag
        if info.attrs.get("id"):
            label += f"#{info.attrs['id']}"
        if isinstance(cls, str) and cls.strip():
            label += "." + ".".join(cls.split())
        text = self.text(nid)
        if text:
            label += f" {text[:40]!r}"
        return label


#: Elements whose text runs on with their neighbours' (everything else starts on its own line).
_INLINE = frozenset({"text", "span", "label", "icon", "image", "b", "i", "em", "strong", "a", "small", "sub", "sup", "u"})


def _read(el: Any) -> str:
    parts = [el.text or ""]
    for child in el:
        sep = "" if child.tag in _INLINE else "\n"
        parts.append(sep + _read(child) + sep)
        parts.append(child.tail or "")
    return "".join(parts)


_RICH_TAGS = re.compile(r"^[a-z][a-z0-9]*$")


def _rich_text(el: Any, nodes: Any) -> None:
    """`<rich-text nodes>`: an HTML string or the platform's node array, rendered as children so its text
    reads and matches like any other (view-fidelity §4.9). These children are not elements tests act on."""
    if isinstance(nodes, str):
        from lxml import html

        try:
            parts = html.fragments_fromstring(nodes)
        except (etree.ParserError, ValueError):
            el.text = (el.text or "") + nodes
            return
        for part in parts:
            if isinstance(part, str):
                if len(el):
                    el[-1].tail = (el[-1].tail or "") + part
                else:
                    el.text = (el.text or "") + part
            else:
                el.append(etree.fromstring(etree.tostring(part)))
        return
    if not isinstance(nodes, list):
        return
    for node in nodes:
        if not isinstance(node, dict):
            continue
        if node.get("type") == "text":
            text = str(node.get("text", ""))
            if len(el):
                el[-1].tail = (el[-1].tail or "") + text
            else:
                el.text = (el.text or "") + text
            continue
        name = str(node.get("name", "div")).lower()
        child = etree.SubElement(el, name if _RICH_TAGS.match(name) else "div")
        for k, v in (node.get("attrs") or {}).items():
            if _XML_NAME.match(str(k)):
                child.set(str(k), _attr_text(v))
        _rich_text(child, node.get("children") or [])
