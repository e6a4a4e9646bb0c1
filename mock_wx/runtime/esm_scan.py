"""Where `import`/`export` statements start in a JS file, including several on one line.

Minified npm output (TDesign's `miniprogram_dist`, for one) puts a whole module on one line:
`import{a}from"x";import b from"y";...;export default C;`. The ES-module rewrite in loader.py works on
statements that start a piece of text, so this finds every statement start outside strings, template
literals, comments and regular expressions, and the rewrite splits lines there.

The tokens come from js_tokens.tokenize, the async rewrite's tokenizer, so both rewrites tell strings,
templates, comments and regexes from code the same way. That tokenizer refuses text it cannot read
(an unterminated literal, unbalanced brackets); this rewrite must stay tolerant of anything, so for such
text it falls back to its own character scan (`_scan`), which skips the same constructs more loosely.
"""

from __future__ import annotations

import re

from .js_tokens import JSSyntaxUnclear, tokenize

__all__ = ["statement_starts"]

_KEYWORD = re.compile(r"(import|export)(?=[\s{*\"'])")
_KEYWORD_ANYWHERE = re.compile(r"\b(?:import|export)(?=[\s{*\"'])")
# After these a `/` begins a regular expression, not a division.
_REGEX_BEFORE = set("(,=:[!&|?{};+-*%<>~^") | {""}
_WORD_REGEX_BEFORE = {"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void", "throw"}


def statement_starts(source: str) -> list[int]:
    """Offsets of `import`/`export` keywords that begin a statement (at the start of the file, a line,
    or after `;` or `}`), skipping strings, templates, comments and regex literals."""
    if not _KEYWORD_ANYWHERE.search(source):
        return []  # CommonJS (`exports.x`, `require`): no keyword that could start a statement; skip tokenizing
    try:
        tokens = tokenize(source)
    except JSSyntaxUnclear:
        return _scan(source)
    out: list[int] = []
    prev = None
    for t in tokens:
        # `import(` (dynamic) and `import.meta` are expressions: the keyword must be followed by space,
        # `{`, `*` or a quote, as _KEYWORD says.
        if (t.kind == "name" and t.text in ("import", "export") and _KEYWORD.match(source, t.start)
                and (prev is None or t.nl_before or (prev.kind == "p" and prev.text in (";", "}")))):
            out.append(t.start)
        prev = t
    return out


def _scan(source: str) -> list[int]:
    """statement_starts for text the tokenizer refuses: a character scan that never fails."""
    out: list[int] = []
    i, n = 0, len(source)
    prev = ""          # the last significant character (or word) seen, to tell a regex from a division
    at_start = True    # only white space since the file start, a newline, `;` or `}`
    templates: list[int] = []  # brace depth at each open `${` of a template literal
    depth = 0
    while i < n:
        c = source[i]
        if c in " \t\r":
            i += 1
            continue
        if c == "\n":
            at_start = True
            i += 1
            continue
        if c == "/" and source.startswith("//", i):
            j = source.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == "/" and source.startswith("/*", i):
            j = source.find("*/", i + 2)
            i = n if j < 0 else j + 2
            continue
        if at_start and (m := _KEYWORD.match(source, i)):
            out.append(i)
            at_start = False
            prev = m.group(1)
            i = m.end()
            continue
        at_start = False
        if c in "\"'":
            i = _skip_string(source, i, c)
            prev = "s"
        elif c == "`":
            i = _skip_template(source, i + 1, templates, depth)
            prev = "s"
        elif c == "/" and (prev in _REGEX_BEFORE or prev in _WORD_REGEX_BEFORE):
            i = _skip_regex(source, i)
            prev = "r"
        elif c.isalnum() or c in "_$":
            j = i
            while j < n and (source[j].isalnum() or source[j] in "_$"):
                j += 1
            prev = source[i:j]
            i = j
        else:
            if c == "{":
                depth += 1
            elif c == "}":
                if templates and templates[-1] == depth:
                    templates.pop()
                    i = _skip_template(source, i + 1, templates, depth)
                    prev = "s"
                    continue
                depth -= 1
            prev = c
            if c in ";}":
                at_start = True
            i += 1
    return out


def _skip_string(s: str, i: int, quote: str) -> int:
    i += 1
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == quote or s[i] == "\n":
            return i + 1
        i += 1
    return i


def _skip_template(s: str, i: int, templates: list[int], depth: int) -> int:
    """From inside a template literal to just past its end, or past a `${` (then the scan goes on in code)."""
    while i < len(s):
        if s[i] == "\\":
            i += 2
            continue
        if s[i] == "`":
            return i + 1
        if s.startswith("${", i):
            templates.append(depth)
            return i + 2
        i += 1
    return i


def _skip_regex(s: str, i: int) -> int:
    i += 1
    in_class = False
    while i < len(s) and s[i] != "\n":
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        elif c == "/" and not in_class:
            i += 1
            while i < len(s) and (s[i].isalpha()):
                i += 1
            return i
        i += 1
    return i
