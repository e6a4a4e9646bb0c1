"""WXSS → CSS for screenshots: `rpx` at the device width, `@import`, built-in tags, component isolation.

The screenshot page renders every WXML tag as an HTML custom element `wx-<tag>` (WeChat's own web view
does the same: `<wx-view>`), so a type selector `view` becomes `wx-view` and `page` the page root.
Component styles are isolated the way the platform does it: the component's classes are renamed with a
per-component prefix both in its stylesheet and in its rendered nodes (`.title` → `.c-comp-card--title`),
so page styles do not reach in and the component's do not leak out; `:host` selects the host element.

`rpx` is resolved last, per device width (750 rpx = the screen width), with the platform's rounding:
floor, and a non-zero length that floors to 0 becomes 1 px (0.5 px on an iPhone with DPR ≥ 2).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AppLoadError

__all__ = ["StyleSheets", "WxssError", "class_prefix", "compile_wxss", "rpx_to_px", "rpx_value"]


class WxssError(AppLoadError):
    """A stylesheet that cannot be read: an @import of a missing file, an import cycle, an unclosed block."""


_RPX = re.compile(r"(-?(?:\d+\.?\d*|\.\d+))rpx\b")
_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_IMPORT = re.compile(r"""^@import\s+(?:url\(\s*)?["']?([^"')\s;]+)["']?\s*\)?\s*$""")
#: At-rules whose block holds rules (their selectors are rewritten); other blocks are copied as they are.
_NESTING = ("@media", "@supports")
_SEL_TOKEN = re.compile(
    r"""(?P<attr>\[[^\]]*\])"""
    r"""|(?P<pseudo>::?[\w-]+)(?P<args>\()?"""
    r"""|(?P<cls>\.-?[A-Za-z_][\w-]*)"""
    r"""|(?P<id>\#[\w-]+)"""
    r"""|(?P<type>[A-Za-z_][\w-]*)"""
    r"""|(?P<other>.)""",
    re.S,
)


def rpx_value(rpx: float, screen_width: float, *, ios_hairline: bool = True) -> float:
    """One rpx length in px as the platform rounds it (floor; tiny non-zero lengths stay visible)."""
    if rpx < 0:
        return -rpx_value(-rpx, screen_width, ios_hairline=ios_hairline)
    px = float(int(rpx * screen_width / 750 + 1e-4))
    if px == 0 and rpx != 0:
        return 0.5 if ios_hairline else 1.0
    return px


def rpx_to_px(css: str, screen_width: float, *, ios_hairline: bool = True) -> str:
    """Every `NNrpx` in `css` as px at this screen width."""

    def one(m: re.Match[str]) -> str:
        v = rpx_value(float(m.group(1)), screen_width, ios_hairline=ios_hairline)
        return f"{v:g}px"

    return _RPX.sub(one, css)


def class_prefix(component_path: str) -> str:
    """The prefix a component's classes get in the screenshot page (stable per component path)."""
    return "c-" + re.sub(r"[^A-Za-z0-9_-]", "-", component_path) + "--"


# ---------------------------------------------------------------------------- selectors
def _close_paren(text: str, start: int) -> int:
    depth = 1
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text)


def rewrite_selector(sel: str, prefix: str | None, *, rename: bool = True) -> str:
    """Type selectors → `wx-<tag>`; in a component's sheet (`prefix`) `:host` → its host element, and its
    classes renamed unless `rename` is off (styleIsolation `shared`)."""
    out: list[str] = []
    pos = 0
    while pos < len(sel):
        m = _SEL_TOKEN.match(sel, pos)
        assert m is not None  # `other` matches any character
        pos = m.end()
        if m.group("attr") or m.group("id") or m.group("other"):
            out.append(m.group(0))
        elif m.group("cls"):
            out.append("." + prefix + m.group("cls")[1:] if prefix and rename else m.group("cls"))
        elif m.group("type"):
            out.append("wx-" + m.group("type"))
        else:
            name = m.group("pseudo")
            inner = ""
            if m.group("args"):
                end = _close_paren(sel, pos)
                inner = sel[pos:end]
                pos = end + 1
            if name == ":host":
                host = f'[wx-host="{prefix or ""}"]'
                # :host(.x) — the host's own classes belong to its parent's scope: copied as written.
                out.append(host + inner)
            elif name in (":not", ":is", ":where", ":has"):
                out.append(f"{name}({rewrite_selector(inner, prefix, rename=rename)})")
            elif m.group("args"):
                out.append(f"{name}({inner})")
            else:
                out.append(name)
    return "".join(out)


def _rewrite_selectors(prelude: str, prefix: str | None, rename: bool) -> str:
    return ", ".join(rewrite_selector(s.strip(), prefix, rename=rename) for s in _split_top(prelude, ",") if s.strip())


def _split_top(text: str, sep: str) -> list[str]:
    parts: list[str] = []
    cur: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


# ---------------------------------------------------------------------------- sheets
def _block_end(text: str, open_at: int, where: str) -> int:
    """Index of the `}` closing the block whose `{` is at `open_at` (strings respected)."""
    depth, i, quote = 0, open_at, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    raise WxssError(f"{where}:{text.count(chr(10), 0, open_at) + 1}: unclosed block")


def compile_wxss(text: str, prefix: str | None = None, *, rename: bool = True, where: str = "<wxss>",
                 load_import: Callable[[str], str] | None = None) -> str:
    """One stylesheet as CSS with its `rpx` left in (see `rpx_to_px`). `prefix`: a component's prefix
    (`class_prefix`; None for app and page styles); `rename=False` keeps its classes global (`shared`).
    `load_import(path)` returns the CSS of an `@import` (compiled); without it an @import is an error."""
    text = _COMMENT.sub("", text)
    out: list[str] = []
    i = 0
    while i < len(text):
        brace = text.find("{", i)
        semi = text.find(";", i)
        if brace < 0 and semi < 0:
            rest = text[i:].strip()
            if rest:
                raise WxssError(f"{where}: unexpected {rest[:40]!r} at the end")
            break
        if semi >= 0 and (brace < 0 or semi < brace):
            statement = text[i:semi].strip()
            i = semi + 1
            m = _IMPORT.match(statement)
            if m:
                if load_import is None:
                    raise WxssError(f"{where}: @import {m.group(1)!r} cannot be resolved here")
                out.append(load_import(m.group(1)))
            elif statement.startswith("@"):
                out.append(statement + ";")  # @charset and friends
            elif statement:
                raise WxssError(f"{where}:{text.count(chr(10), 0, i) + 1}: {statement[:40]!r} is not a rule")
            continue
        prelude = text[i:brace].strip()
        end = _block_end(text, brace, where)
        body = text[brace + 1:end]
        i = end + 1
        if prelude.startswith(_NESTING):
            inner = compile_wxss(body, prefix, rename=rename, where=where, load_import=load_import)
            out.append(f"{prelude}{{{inner}}}")
        elif prelude.startswith("@"):
            out.append(f"{prelude}{{{body}}}")  # @keyframes, @font-face: no selectors to rewrite
        else:
            out.append(f"{_rewrite_selectors(prelude, prefix, rename)}{{{body.strip()}}}")
    return "\n".join(out)


@dataclass
class StyleSheets:
    """The app's WXSS files compiled on demand and cached (per file and prefix; rpx per width)."""

    root: Path
    _compiled: dict[tuple[str, str | None, bool], str] = field(default_factory=dict)
    _sized: dict[tuple[str, str | None, bool, float, bool], str] = field(default_factory=dict)

    def css(self, path: str, screen_width: float, prefix: str | None = None, *, rename: bool = True,
            ios_hairline: bool = True) -> str:
        """`path` (an app-relative .wxss path) as CSS at this width; '' when the file does not exist."""
        key = (path, prefix, rename, screen_width, ios_hairline)
        css = self._sized.get(key)
        if css is None:
            css = self._sized[key] = rpx_to_px(self._compile(path, prefix, rename, ()), screen_width,
                                               ios_hairline=ios_hairline)
        return css

    def _compile(self, path: str, prefix: str | None, rename: bool, importing: tuple[str, ...]) -> str:
        key = (path, prefix, rename)
        cached = self._compiled.get(key)
        if cached is not None:
            return cached
        file = self.root / path
        if not file.is_file():
            if importing:
                raise WxssError(f"{importing[-1]}: @import {path!r}: no such file")
            return ""
        if path in importing:
            raise WxssError(f"{importing[-1]}: @import cycle: {' → '.join((*importing, path))}")

        def load(target: str) -> str:
            if not target.endswith(".wxss"):
                target += ".wxss"
            resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                posixpath.join(posixpath.dirname(path), target))
            return self._compile(resolved, prefix, rename, (*importing, path))

        text = file.read_text(encoding="utf-8").lstrip("\ufeff")
        css = self._compiled[key] = compile_wxss(text, prefix, rename=rename, where=path, load_import=load)
        return css
