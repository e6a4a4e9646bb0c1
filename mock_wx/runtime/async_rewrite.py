"""Make the promises of the app's `async` functions visible to the prelude's rejection tracking.

QuickJS makes an `async` function's promise with its intrinsic Promise, not the global `Promise` the
prelude replaces with its tracking subclass, and quickjs-py exposes no host rejection tracker: an
un-awaited async helper that throws (a list loader in utils/, say) would reject unseen. So at load time
each async function hands its body to `__wx_async`, which runs it and watches the promise it returns:

    async function f(a) {BODY}     ->  function f(a) {return __wx_async(async () => {BODY});}
    async m(a) {BODY}  (methods)   ->  m(a) {return __wx_async(async () => {BODY});}
    async (a) => BODY / async a => BODY  ->  (a) => __wx_async(async () => BODY)

The body moves into an async arrow function, which keeps the outer function's `this`, `arguments`,
`super` and `new.target`; parameters (defaults included) stay where they were. Only text on existing lines
changes, so stack lines still map to `file:line`. Async generators (`async function*`, `async *m()`) are
left alone. The rewrite works on tokens (js_tokens.py), never inside strings, templates, comments or
regular expressions; whatever it cannot place with confidence it leaves as written, and the loader keeps
the original file when the rewritten one does not compile.
"""

from __future__ import annotations

from .js_tokens import JSSyntaxUnclear, Token, match_brackets, tokenize

__all__ = ["rewrite_async"]

WATCH = "__wx_async"
_OPEN_BODY = f"return {WATCH}(async () => {{"
_CLOSE_BODY = "});"
_OPEN_ARROW = f"{WATCH}(async () => "
_CLOSE_ARROW = ")"

# Words that start a statement or cannot continue an expression on the next line (automatic semicolon
# insertion ends an arrow's expression body there); `in` and `instanceof` continue it.
_CONTINUING_WORDS = frozenset({"in", "instanceof"})
_OPERATOR_WORDS = frozenset({"typeof", "void", "delete", "new", "in", "instanceof", "await", "yield", "of"})
_KEYWORDS = frozenset({"function", "class", "if", "for", "while", "do", "switch", "return", "var", "let",
                       "const", "new", "typeof", "void", "delete", "throw", "try", "await", "yield"})


def rewrite_async(source: str) -> str:
    """`source` with every async function and method made to report its promise to `__wx_async`
    (unchanged when it has none, or when its tokens are unclear)."""
    if "async" not in source:
        return source
    try:
        tokens = tokenize(source)
        match = match_brackets(tokens)
    except JSSyntaxUnclear:
        return source
    edits: list[tuple[int, tuple[int, int, int], str, int]] = []  # (offset, order key, insert, delete to)
    depth = 0
    for k, tok in enumerate(tokens):
        if tok.kind == "p":
            if tok.text in "([{":
                depth += 1
            elif tok.text in ")]}":
                depth -= 1
            continue
        if tok.kind != "name" or tok.text != "async":
            continue
        found = _async_form(tokens, match, k)
        if found is None:
            continue
        form, body = found
        nxt = tokens[k + 1]
        edits.append((tok.start, (2, 0, k), "", nxt.start))  # drop `async ` before what follows it
        if form == "function":
            close = match[body]
            edits.append((tokens[body].end, (0, depth, k), _OPEN_BODY, tokens[body].end))
            edits.append((tokens[close].start, (1, -depth, -k), _CLOSE_BODY, tokens[close].start))
        else:
            last = match[body] if tokens[body].kind == "p" and tokens[body].text == "{" else _expression_end(tokens, body)
            if last is None:
                edits.pop()
                continue
            edits.append((tokens[body].start, (0, depth, k), _OPEN_ARROW, tokens[body].start))
            edits.append((tokens[last].end, (1, -depth, -k), _CLOSE_ARROW, tokens[last].end))
    if not edits:
        return source
    edits.sort(key=lambda e: (e[0], e[1]))
    parts: list[str] = []
    pos = 0
    for offset, _, text, delete_to in edits:
        if offset > pos:
            parts.append(source[pos:offset])
            pos = offset
        parts.append(text)
        pos = max(pos, delete_to)
    parts.append(source[pos:])
    return "".join(parts)


def _async_form(tokens: list[Token], match: list[int], k: int) -> tuple[str, int] | None:
    """For the `async` at k: ("function", index of the body's `{`) for a function or method, ("arrow", index
    of the body's first token) for an arrow function, or None (a generator, a property or variable named
    `async`, a call of a function named `async`)."""
    if k > 0 and tokens[k - 1].kind == "p" and tokens[k - 1].text in (".", "?."):
        return None
    n = len(tokens)
    if k + 2 >= n or tokens[k + 1].nl_before:
        return None  # `async` then a line break is not the modifier

    def at(i: int, text: str) -> bool:
        return i < n and tokens[i].kind == "p" and tokens[i].text == text

    nxt = tokens[k + 1]
    if nxt.kind == "name" and nxt.text == "function":
        i = k + 2
        if at(i, "*"):
            return None
        if i < n and tokens[i].kind == "name":
            i += 1
        if at(i, "(") and at(match[i] + 1, "{"):
            return "function", match[i] + 1
        return None
    if at(k + 1, "("):
        close = match[k + 1]
        if at(close + 1, "=>") and not tokens[close + 1].nl_before and close + 2 < n:
            return "arrow", close + 2
        return None
    if nxt.kind == "name" and nxt.text not in _KEYWORDS and at(k + 2, "=>") and not tokens[k + 2].nl_before:
        return ("arrow", k + 3) if k + 3 < n else None
    # A method: `async name(...) {`, with a string, number, #private or [computed] name.
    if nxt.kind in ("name", "str", "num"):
        i = k + 2
    elif at(k + 1, "["):
        i = match[k + 1] + 1
    else:
        return None  # `async *gen() {}` and whatever else
    if at(i, "(") and at(match[i] + 1, "{"):
        return "function", match[i] + 1
    return None


def _expression_end(tokens: list[Token], b: int) -> int | None:
    """Index of the last token of the assignment expression that starts at b (an arrow's body)."""
    depth = 0
    ternary = 0
    n = len(tokens)
    for j in range(b, n):
        t = tokens[j]
        if j > b and depth == 0 and t.nl_before and _ends_at_line_break(tokens[j - 1], t):
            return j - 1
        if t.kind == "p":
            if t.text in "([{":
                depth += 1
            elif t.text in ")]}":
                if depth == 0:
                    return j - 1 if j > b else None
                depth -= 1
            elif depth == 0 and t.text in (",", ";"):
                return j - 1 if j > b else None
            elif depth == 0 and t.text == "?":
                ternary += 1
            elif depth == 0 and t.text == ":":
                if ternary == 0:
                    return j - 1 if j > b else None
                ternary -= 1
        elif t.kind == "th":
            depth += 1
        elif t.kind in ("tm", "tt"):
            if depth == 0:
                return j - 1 if j > b else None  # the end of a `${...}` the arrow sits in
            if t.kind == "tt":
                depth -= 1
    return n - 1


def _ends_at_line_break(prev: Token, t: Token) -> bool:
    """Whether a line break between prev and t ends the expression (automatic semicolon insertion)."""
    prev_complete = (prev.kind in ("num", "str", "regex", "tmpl", "tt")
                     or (prev.kind == "name" and prev.text not in _OPERATOR_WORDS)
                     or (prev.kind == "p" and prev.text in (")", "]", "}", "++", "--")))
    if not prev_complete:
        return False
    if t.kind == "p":
        return t.text in ("{", "!", "~", "++", "--")
    if t.kind == "name":
        return t.text not in _CONTINUING_WORDS
    return t.kind in ("num", "str", "regex")
