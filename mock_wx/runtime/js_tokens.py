"""A small JavaScript tokenizer: enough of the lexical grammar to rewrite code safely, not to parse it.

It tells strings, template literals (with their `${...}` substitutions), comments and regular expression
literals from code, so that a rewrite never looks inside them, and it records whether a line break comes
before each token (automatic semicolon insertion depends on it). A `/` starts a regular expression or is a
division depending on the token before it; after `)` it is a regular expression only when the parenthesis
closed the condition of `if`/`while`/`for`/`with`.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = ["JSSyntaxUnclear", "Token", "match_brackets", "tokenize"]


class JSSyntaxUnclear(Exception):
    """The text is not tokenizable as JavaScript (an unterminated literal, unbalanced brackets)."""


class Token(NamedTuple):
    """One token: kind is `name`, `num`, `str`, `regex`, `p` (punctuator) or a template piece: `tmpl` (a
    whole template), `th` (head, up to `${`), `tm` (middle, `}` to `${`), `tt` (tail, `}` to the backtick)."""

    kind: str
    text: str
    start: int
    end: int
    nl_before: bool


_SPACE = re.compile(r"(?:[ \t\r\f\v\u00a0\u2028\u2029\ufeff]+|//[^\n]*|/\*.*?\*/)", re.S)
_NAME = re.compile(r"#?(?:[^\W\d]|\$|\\u[0-9a-fA-F{])(?:[\w$]|\\u[0-9a-fA-F{}]+)*")
_NUM = re.compile(r"\.?\d(?:[eE][+-]|[\w.])*")
_PUNCT = re.compile(r"=>|\?\.(?!\d)|\?\?=?|\.\.\.|\+\+|--|&&=?|\|\|=?|\*\*=?|[=!]==?|<<=?|>>>?=?|[<>+\-*%&|^/]=?"
                    r"|[{}()\[\];,~?:.@=!]")
# After one of these words a `/` starts a regular expression.
_REGEX_AFTER_WORD = frozenset({"return", "typeof", "case", "do", "else", "in", "of", "new", "delete", "void",
                               "throw", "instanceof", "yield", "await", "extends"})
_CONTROL = frozenset({"if", "while", "for", "with"})


def tokenize(source: str) -> list[Token]:
    """The tokens of `source`; raises JSSyntaxUnclear on an unterminated string, template, comment or regex."""
    out: list[Token] = []
    i, n = 0, len(source)
    nl = False
    regex_ok = True          # would a `/` here start a regular expression?
    brackets: list[bool] = []   # per open ( [ {: whether it is the `(` of if/while/for/with
    templates: list[int] = []               # len(brackets) at each open `${`
    while i < n:
        c = source[i]
        if c == "\n":
            nl = True
            i += 1
            continue
        m = _SPACE.match(source, i)
        if m:
            nl = nl or "\n" in m.group()
            i = m.end()
            continue
        if source.startswith("/*", i):
            raise JSSyntaxUnclear("unterminated comment")
        start = i
        if c in "\"'":
            i = _string_end(source, i, c)
            kind, regex_next = "str", False
        elif c == "`" or (c == "}" and templates and templates[-1] == len(brackets)):
            if c == "}":
                templates.pop()
            i, opened = _template_end(source, i + 1)
            if opened:
                templates.append(len(brackets))
            kind = ("th" if opened else "tmpl") if c == "`" else ("tm" if opened else "tt")
            regex_next = opened
        elif c == "/" and regex_ok:
            i = _regex_end(source, i)
            kind, regex_next = "regex", False
        elif (m := _NAME.match(source, i)):
            i = m.end()
            word = m.group()
            kind, regex_next = "name", word in _REGEX_AFTER_WORD
        elif (m := _NUM.match(source, i)):
            i = m.end()
            kind, regex_next = "num", False
        elif (m := _PUNCT.match(source, i)):
            i = m.end()
            text = m.group()
            kind = "p"
            regex_next = text not in (")", "]", "}", "++", "--")
            if text in "([{":
                prev = out[-1] if out else None
                brackets.append(text == "(" and prev is not None and prev.kind == "name" and prev.text in _CONTROL)
            elif text in ")]}":
                if not brackets:
                    raise JSSyntaxUnclear(f"unbalanced {text!r}")
                regex_next = brackets.pop() or text == "}"
        else:
            raise JSSyntaxUnclear(f"unexpected character {c!r}")
        out.append(Token(kind, source[start:i], start, i, nl))
        nl = False
        regex_ok = regex_next
    if brackets or templates:
        raise JSSyntaxUnclear("unclosed bracket or template")
    return out


def match_brackets(tokens: list[Token]) -> list[int]:
    """For each `(`, `[`, `{` token the index of its closing token (and back); -1 elsewhere."""
    pairs = {")": "(", "]": "[", "}": "{"}
    match = [-1] * len(tokens)
    stack: list[int] = []
    for k, t in enumerate(tokens):
        if t.kind != "p":
            continue
        if t.text in "([{":
            stack.append(k)
        elif t.text in pairs:
            if not stack or tokens[stack[-1]].text != pairs[t.text]:
                raise JSSyntaxUnclear(f"unbalanced {t.text!r} at offset {t.start}")
            o = stack.pop()
            match[o], match[k] = k, o
    if stack:
        raise JSSyntaxUnclear("unclosed bracket")
    return match


def _string_end(s: str, i: int, quote: str) -> int:
    i += 1
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == quote:
            return i + 1
        if c == "\n":
            break
        i += 1
    raise JSSyntaxUnclear("unterminated string")


def _template_end(s: str, i: int) -> tuple[int, bool]:
    """From inside a template literal: (offset past its closing backtick or past `${`, whether `${` it was)."""
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\\":
            i += 2
            continue
        if c == "`":
            return i + 1, False
        if c == "$" and s.startswith("${", i):
            return i + 2, True
        i += 1
    raise JSSyntaxUnclear("unterminated template literal")


def _regex_end(s: str, i: int) -> int:
    i += 1
    n = len(s)
    in_class = False
    while i < n and s[i] != "\n":
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
            while i < n and (s[i].isalnum() or s[i] in "_$"):
                i += 1
            return i
        i += 1
    raise JSSyntaxUnclear("unterminated regular expression")
