"""WXML source → a small tree of `Element` and `Text` nodes, each with its line and column.

The grammar is the one DevTools accepts (docs/view-fidelity.md §1): HTML-like tags, quoted or bare
attributes, self-closing tags, void tags left unclosed (`<input>`, `<image>`, `<import>`), comments,
character entities, `{{ }}` that may contain `<` and `>`, and `<wxs>` whose body is raw script.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from ..errors import AppLoadError

__all__ = ["Attr", "Element", "Node", "Text", "WxmlSyntaxError", "parse"]

#: Tags DevTools closes by themselves when no `/>` or end tag is written (docs/view-fidelity.md §1.2).
VOID_TAGS = frozenset({"input", "image", "img", "import", "icon", "br", "hr", "meta", "link", "col"})
#: Tags whose body is raw text, not markup.
RAW_TAGS = frozenset({"wxs"})

_NAME = re.compile(r"[A-Za-z_][\w\-:.@]*")
_ATTR_NAME = re.compile(r"[^\s\"'<>/=]+")


class WxmlSyntaxError(AppLoadError):
    """A WXML file does not parse; the message names `file:line:col`."""

    def __init__(self, file: str, line: int, col: int, message: str) -> None:
        super().__init__(f"{file}:{line}:{col}: {message}")
        self.file, self.line, self.col, self.reason = file, line, col, message


@dataclass
class Attr:
    name: str
    value: str | None  # None: a bare attribute (`<input disabled>`), which reads as true
    line: int
    col: int


@dataclass
class Text:
    value: str
    line: int
    col: int


@dataclass
class Element:
    tag: str
    attrs: list[Attr]
    line: int
    col: int
    children: list[Node] = field(default_factory=list)

    def attr(self, name: str) -> Attr | None:
        for a in self.attrs:
            if a.name == name:
                return a
        return None


Node = Element | Text


class _Parser:
    def __init__(self, source: str, file: str) -> None:
        self.src = source.replace("\r\n", "\n").lstrip("\ufeff")
        self.file = file
        self.pos = 0
        # Offsets of line starts, for pos → (line, col).
        self._lines = [0] + [m.end() for m in re.finditer("\n", self.src)]

    def where(self, pos: int) -> tuple[int, int]:
        lo, hi = 0, len(self._lines) - 1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._lines[mid] <= pos:
                lo = mid
            else:
                hi = mid - 1
        return lo + 1, pos - self._lines[lo] + 1

    def error(self, pos: int, message: str) -> WxmlSyntaxError:
        line, col = self.where(pos)
        return WxmlSyntaxError(self.file, line, col, message)

    def parse(self) -> list[Node]:
        root = Element("#root", [], 1, 1)
        stack = [root]
        src = self.src
        n = len(src)
        while self.pos < n:
            lt = self._next_tag_start(self.pos)
            if lt > self.pos:
                self._text(stack[-1], self.pos, lt)
            if lt >= n:
                break
            self.pos = lt
            if src.startswith("<!--", lt):
                end = src.find("-->", lt + 4)
                if end < 0:
                    raise self.error(lt, "unterminated comment <!--")
                self.pos = end + 3
            elif src.startswith("</", lt):
                self._close(stack, lt)
            else:
                self._open(stack, lt)
        if len(stack) > 1:
            el = stack[-1]
            raise WxmlSyntaxError(self.file, el.line, el.col, f"<{el.tag}> is never closed")
        return root.children

    def _next_tag_start(self, pos: int) -> int:
        """The next `<` that starts markup, skipping `{{ ... }}` (which may hold `<` and `>`)."""
        src = self.src
        while True:
            lt = src.find("<", pos)
            br = src.find("{{", pos)
            if lt < 0:
                return len(src)
            if 0 <= br < lt:
                end = src.find("}}", br + 2)
                if end < 0:
                    return lt  # an unclosed {{ is reported by the expression compiler, with its place
                pos = end + 2
                continue
            nxt = src[lt + 1: lt + 2]
            if nxt and (nxt.isalpha() or nxt in "/!_"):
                return lt
            pos = lt + 1  # a lone `<` in text (`a < b`) is text, as DevTools reads it

    def _text(self, parent: Element, start: int, end: int) -> None:
        raw = self.src[start:end]
        if not raw:
            return
        line, col = self.where(start)
        parent.children.append(Text(html.unescape(raw) if "&" in raw else raw, line, col))

    def _open(self, stack: list[Element], lt: int) -> None:
        src = self.src
        m = _NAME.match(src, lt + 1)
        if not m:
            raise self.error(lt, "expected a tag name after '<'")
        tag = m.group(0)
        line, col = self.where(lt)
        el = Element(tag, [], line, col)
        pos = m.end()
        self_closing = False
        while True:
            pos = self._skip_ws(pos)
            if pos >= len(src):
                raise self.error(lt, f"<{tag}> is not terminated with '>'")
            ch = src[pos]
            if ch == ">":
                pos += 1
                break
            if src.startswith("/>", pos):
                self_closing = True
                pos += 2
                break
            am = _ATTR_NAME.match(src, pos)
            if not am:
                raise self.error(pos, f"unexpected {ch!r} in <{tag}>")
            aline, acol = self.where(pos)
            name = am.group(0)
            pos = self._skip_ws(am.end())
            value: str | None = None
            if pos < len(src) and src[pos] == "=":
                pos = self._skip_ws(pos + 1)
                if pos < len(src) and src[pos] in "\"'":
                    q = src[pos]
                    end = self._quoted_end(pos + 1, q)
                    if end < 0:
                        raise self.error(pos, f"attribute {name} of <{tag}> has no closing {q}")
                    value = src[pos + 1:end]
                    pos = end + 1
                else:
                    vm = re.compile(r"(\{\{.*?\}\}|[^\s>])+").match(src, pos)
                    if not vm or src.startswith("/>", pos):
                        raise self.error(pos, f"attribute {name} of <{tag}> has no value after '='")
                    value = vm.group(0)
                    if value.endswith("/") and src.startswith(">", vm.end()):
                        value = value[:-1]
                        pos = vm.end() - 1
                    else:
                        pos = vm.end()
                if "&" in value:
                    value = html.unescape(value)
            # WeChat's compiler accepts a repeated attribute (published apps have `mode` or `bindconfirm`
            # twice on one tag); like successive attribute sets, the later one wins.
            el.attrs = [a for a in el.attrs if a.name != name]
            el.attrs.append(Attr(name, value, aline, acol))
        self.pos = pos
        stack[-1].children.append(el)
        if self_closing or tag in VOID_TAGS:
            return
        if tag in RAW_TAGS:
            close = src.find(f"</{tag}", pos)
            if close < 0:
                raise WxmlSyntaxError(self.file, line, col, f"<{tag}> is never closed")
            if close > pos:
                tl, tc = self.where(pos)
                el.children.append(Text(src[pos:close], tl, tc))
            end = src.find(">", close)
            self.pos = end + 1 if end >= 0 else len(src)
            return
        stack.append(el)

    def _quoted_end(self, pos: int, q: str) -> int:
        """End of a quoted attribute value; a `{{ }}` inside may hold the other quote (or even this one)."""
        src = self.src
        while pos < len(src):
            if src.startswith("{{", pos):
                end = src.find("}}", pos + 2)
                if end >= 0:
                    pos = end + 2
                    continue
            if src[pos] == q:
                return pos
            pos += 1
        return -1

    def _close(self, stack: list[Element], lt: int) -> None:
        m = _NAME.match(self.src, lt + 2)
        if not m:
            raise self.error(lt, "expected a tag name after '</'")
        tag = m.group(0)
        end = self.src.find(">", m.end())
        if end < 0:
            raise self.error(lt, f"</{tag} is not terminated with '>'")
        self.pos = end + 1
        if tag in VOID_TAGS and stack[-1].tag != tag:
            return  # `<input ...></input>`: the void tag closed itself already
        if len(stack) == 1 or stack[-1].tag != tag:
            open_tag = stack[-1].tag if len(stack) > 1 else None
            hint = f" (expected </{open_tag}>)" if open_tag else " (no element is open)"
            raise self.error(lt, f"unexpected </{tag}>{hint}")
        stack.pop()

    def _skip_ws(self, pos: int) -> int:
        src = self.src
        while pos < len(src) and src[pos] in " \t\n\r":
            pos += 1
        return pos


def parse(source: str, file: str = "<wxml>") -> list[Node]:
    """Parse WXML `source`; raises WxmlSyntaxError naming `file:line:col`."""
    return _Parser(source, file).parse()
