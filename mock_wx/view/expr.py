"""`{{ }}` expressions: split attribute and text values into parts, and turn each expression into JS.

WXML expressions are JavaScript expressions over the page's data (docs/view-fidelity.md §2): they are
evaluated by the JS engine, not re-implemented here. What changes is only where names are looked up:
a free name `a` reads `s.a` (the render scope: `wx:for` items over the data) or `W.a` (a `<wxs>`
module of the file), and member access is null-safe (`a.b.c` with `a` missing renders empty rather than
throwing, as the platform's compiled templates do). Object literals keep their keys; `{a}` shorthand
becomes `{a: s.a}`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["READS_WXS", "ExprError", "Part", "split", "to_js"]

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
    |(?P<num>(?:0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?))
    |(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
    |(?P<name>[A-Za-z_$][\w$]*)
    |(?P<punct>\.\.\.|\?\.|===|!==|\*\*|==|!=|<=|>=|&&|\|\||\?\?|[-+*/%!<>?:.,()\[\]{}~&|^])
    """,
    re.VERBOSE,
)

# Names that are part of the language, not data.
_KEYWORDS = frozenset({"true", "false", "null", "undefined", "typeof", "void", "in", "instanceof", "new", "this"})


class ExprError(ValueError):
    """An expression that cannot be read; `offset` is where in the expression."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Part:
    """A literal string (`expr` False) or the source of one `{{ }}` expression, at `offset` in the value."""

    text: str
    expr: bool
    offset: int


def split(value: str) -> list[Part]:
    """`"a {{b}} c"` → [literal "a ", expr "b", literal " c"]. Raises ExprError on an unclosed `{{`."""
    parts: list[Part] = []
    pos = 0
    while True:
        start = value.find("{{", pos)
        if start < 0:
            if pos < len(value):
                parts.append(Part(value[pos:], False, pos))
            return parts
        end = _close(value, start + 2)
        if end < 0:
            raise ExprError("unclosed {{ (no matching }})", start)
        if start > pos:
            parts.append(Part(value[pos:start], False, pos))
        parts.append(Part(value[start + 2:end], True, start + 2))
        pos = end + 2


def _close(value: str, pos: int) -> int:
    """Index of the `}}` closing an expression that starts at `pos`, skipping strings and `}}` of
    object literals nested inside (`{{ {a: {b: 1}} }}`)."""
    depth = 0
    n = len(value)
    i = pos
    while i < n:
        ch = value[i]
        if ch in "\"'":
            j = i + 1
            while j < n and value[j] != ch:
                j += 2 if value[j] == "\\" else 1
            i = j + 1
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0 and value.startswith("}}", i):
                return i
            if depth > 0:
                depth -= 1
            elif value.startswith("}}", i):
                return i
        i += 1
    return -1


def tokens(src: str) -> list[tuple[str, str, int]]:
    out: list[tuple[str, str, int]] = []
    pos = 0
    while pos < len(src):
        m = _TOKEN.match(src, pos)
        if not m:
            raise ExprError(f"unexpected character {src[pos]!r}", pos)
        kind = m.lastgroup or ""
        if kind != "ws":
            out.append((kind, m.group(0), pos))
        pos = m.end()
    return out


#: What `to_js` adds to `reads` when an expression calls into a `<wxs>` module: its result may depend on more
#: than its arguments (module state, getDate()), so the view re-evaluates it at every render.
READS_WXS = "<wxs>"


def to_js(src: str, wxs: frozenset[str] = frozenset(), *, object_body: bool = False,
          local: dict[str, str] | None = None, reads: set[str] | None = None) -> str:
    """The JS for one expression. `local` maps the names an enclosing `wx:for` binds (item, index) to the JS
    variables holding them; `wxs` names the file's `<wxs>` modules (read from `W`); every other free name
    reads the scope `s`. `object_body`: the source is an object literal's body without braces
    (`data="{{a: 1, ...b}}"` of `<template is>`). `reads`, when given, receives the root data names the
    expression reads through the scope (and READS_WXS if it reads a wxs module): the view re-renders a
    subtree only when one of them changed."""
    local = local or {}
    toks = tokens(src)
    if object_body:
        toks = [("punct", "{", -1), *toks, ("punct", "}", len(src))]
    out: list[str] = []
    brackets: list[str] = []
    prev: tuple[str, str] | None = None  # (kind, text) of the previous significant token
    for i, (kind, text, off) in enumerate(toks):
        nxt = toks[i + 1][1] if i + 1 < len(toks) else ""
        at_key = bool(brackets) and brackets[-1] == "{" and prev is not None and prev[1] in ("{", ",")
        if kind == "punct":
            if text in "([{":
                if text == "[" and prev is not None and _is_operand_end(prev):
                    out.append("?.[")
                    brackets.append("[")
                else:
                    out.append(text)
                    brackets.append(text)
            elif text in ")]}":
                if not brackets:
                    raise ExprError(f"unbalanced {text!r}", off)
                opener = brackets.pop()
                if {"(": ")", "[": "]", "{": "}"}[opener] != text:
                    raise ExprError(f"{opener!r} closed by {text!r}", off)
                out.append(text)
            elif text == ".":
                out.append("?.")
            else:
                out.append(f" {text} " if text in ("in", "instanceof") else text)
        elif kind == "name":
            if prev is not None and prev[1] in (".", "?."):
                out.append(text)  # a property name
            elif at_key and nxt == ":":
                out.append(text)  # an object literal's key
            elif at_key and nxt in (",", "}"):
                out.append(f"{text}: {_lookup(text, wxs, local, reads)}")  # shorthand {a}
            elif text in _KEYWORDS:
                out.append(f" {text} ")
            else:
                out.append(_lookup(text, wxs, local, reads))
        else:
            out.append(text)
        prev = (kind, text)
    if brackets:
        raise ExprError(f"unclosed {brackets[-1]!r}", len(src))
    # Tokens apart, so that `a - -b` never becomes `a--b`.
    return " ".join(out).strip()


def _lookup(name: str, wxs: frozenset[str], local: dict[str, str], reads: set[str] | None) -> str:
    if name in local:
        return local[name]
    if name in wxs:
        if reads is not None:
            reads.add(READS_WXS)
        return f"W.{name}"
    if reads is not None:
        reads.add(name)
    return f"s.{name}"


def _is_operand_end(tok: tuple[str, str]) -> bool:
    kind, text = tok
    return (kind in ("name", "str", "num") and text not in _KEYWORDS - {"this"}) or text in (")", "]")
