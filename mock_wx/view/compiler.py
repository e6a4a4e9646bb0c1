"""A parsed WXML file → the JS source of its render function (what WeChat's `wcc` does for the webview).

Each file compiles once per app to

    __wxView.def("pages/x/x.wxml", function (R) { ...; return {render, templates, imports}; })

evaluated lazily in each user's realm. `render(s, o, c)` pushes the file's nodes for scope `s` into the
array `o`; `c` is the render context of the page or component instance whose template it is. Control
flow (`wx:if`, `wx:for`, `<block>`, `<template is>`, `<include>`) becomes JS control flow; each `{{ }}`
is evaluated inside its own try/catch so that an expression that throws names its file, line and source
(docs/view-fidelity.md §3). Nodes are plain objects made by `R.el` (see view.js).
"""

from __future__ import annotations

import itertools
import json
import posixpath
import re
from dataclasses import dataclass, field

from ..runtime.js_tokens import JSSyntaxUnclear, tokenize
from .expr import READS_WXS, ExprError, split, to_js
from .parser import Attr, Element, Node, Text, WxmlSyntaxError, parse

__all__ = ["CompiledFile", "compile_wxml", "compile_wxs"]

_EVENT = re.compile(r"^(capture-)?(bind|catch|mut-bind)(?::)?(.+)$")
#: Recorded in `CompiledFile.tags` for an <image bindload/binderror>: its event needs the render to happen.
EAGER_IMAGE = "image:load"
#: A subtree whose output depends on more than the data names its expressions read (a template or an include
#: renders another body with names unknown here; a wxs call may depend on module state): never reused.
_DYNAMIC = "<dynamic>"
#: `{{a.b[0].c}}`: a path into the data, group 1 its root name, group 2 the rest.
_DATA_PATH = re.compile(r"^\s*\{\{\s*([A-Za-z_$][\w$]*)((?:\s*\.\s*[A-Za-z_$][\w$]*|\s*\[\s*\d+\s*\])*)\s*\}\}\s*$")
_CONTROL = {"wx:if", "wx:elif", "wx:else", "wx:for", "wx:for-items", "wx:for-item", "wx:for-index", "wx:key"}


@dataclass
class CompiledFile:
    """One WXML file's JS, and what it refers to (so the bundle can compile those too)."""

    path: str
    js: str
    imports: list[str] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


def _q(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


class _Compiler:
    def __init__(self, path: str, source: str) -> None:
        self.path = path
        self.source = source
        self.exprs: list[tuple[int, int, str]] = []
        self.n = 0
        self.wxs: dict[str, str] = {}          # module name -> wxs id
        self.inline_wxs: list[tuple[str, str, int]] = []  # (id, code, line)
        self.out = CompiledFile(path, "")
        #: Names bound by the enclosing wx:for loops (item, index) → the JS variables holding them. Loop
        #: variables are plain JS locals: no scope object per item.
        self.local: dict[str, str] = {}
        #: Incremental rendering: each element of the file's main render outside any wx:for is a "site" whose
        #: last node an owner keeps; the next render reuses it when none of the root data names its subtree
        #: reads changed (`reads`: the innermost site's names). Template bodies (rendered per use with
        #: their own data) and included files (rendered with the includer's owner) keep nothing.
        self.sites = 0
        self.kept = 0               # sites that do keep their nodes (not every numbered one can: `site`)
        self.memo = False
        self.reads: set[str] | None = None
        self.deps: list[str] = []   # hoisted `var D<k> = [...]` of the sites
        self.consts: dict[str, str] = {}  # JS -> K<n>, hoisted: what elements hold that has no expression

    def fresh(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"

    def error(self, line: int, col: int, message: str) -> WxmlSyntaxError:
        return WxmlSyntaxError(self.path, line, col, message)

    def rel(self, src: str, ext: str) -> str:
        """`src` of import/include/wxs, relative to this file or absolute from the app root."""
        src = src.strip()
        if src.startswith("/"):
            p = src.lstrip("/")
        else:
            p = posixpath.normpath(posixpath.join(posixpath.dirname(self.path), src))
        if not p.endswith(ext):
            p += ext
        return p

    # ------------------------------------------------------------------ expressions
    def expr(self, attr_or_text: Attr | Text, source: str, *, object_body: bool = False) -> str:
        """The JS of one expression, recorded in the file's expression table (for error messages)."""
        line, col = (attr_or_text.line, attr_or_text.col)
        try:
            js = to_js(source, frozenset(self.wxs), object_body=object_body, local=self.local, reads=self.reads)
        except ExprError as exc:
            raise self.error(line, col, f"bad expression {{{{{source.strip()}}}}}: {exc}") from None
        self.exprs.append((line, col, source.strip()))
        return js

    def value(self, a: Attr, code: list[str], *, object_body: bool = False) -> str:
        """JS for an attribute's value: a literal, one expression's raw value, or a joined string."""
        if a.value is None:
            return "true"
        try:
            parts = split(a.value)
        except ExprError as exc:
            raise self.error(a.line, a.col, f"attribute {a.name}: {exc}") from None
        if not any(p.expr for p in parts):
            return _q(a.value)
        exprs = [p for p in parts if p.expr]
        if len(parts) == 1:
            return self.eval(a, exprs[0].text, code, object_body=object_body)
        pieces = []
        for p in parts:
            pieces.append(f"R.s({self.eval(a, p.text, code)})" if p.expr else _q(p.text))
        return " + ".join(pieces)

    def eval(self, where: Attr | Text, source: str, code: list[str], *, object_body: bool = False) -> str:
        js = self.expr(where, source, object_body=object_body)
        idx = len(self.exprs) - 1
        v = self.fresh("v")
        code.append(f"var {v}; try {{ {v} = ({js}); }} catch (e) {{ {v} = R.err(e, X, {idx}, c); }}")
        return v

    # ------------------------------------------------------------------ nodes
    def children(self, nodes: list[Node], out: str, code: list[str]) -> None:
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if isinstance(node, Text):
                self.text(node, out, code)
                i += 1
                continue
            if node.tag == "template" and node.attr("name") is not None:
                i += 1  # a definition (hoisted by `compile`), not output
                continue
            if node.tag in ("import", "wxs"):
                i += 1
                continue
            if node.attr("wx:if") is not None and node.attr("wx:for") is None and node.attr("wx:for-items") is None:
                chain = [node]
                j = i + 1
                while j < len(nodes):
                    nx = nodes[j]
                    if isinstance(nx, Text) and not nx.value.strip():
                        j += 1
                        continue
                    if isinstance(nx, Element) and (nx.attr("wx:elif") is not None or nx.attr("wx:else") is not None):
                        chain.append(nx)
                        j += 1
                        if nx.attr("wx:else") is not None:
                            break
                        continue
                    break
                self.if_chain(chain, out, code)
                i = j
                continue
            if node.attr("wx:elif") is not None or node.attr("wx:else") is not None:
                a = node.attr("wx:elif") or node.attr("wx:else")
                assert a is not None
                raise self.error(a.line, a.col, f"{a.name} without a preceding wx:if")
            self.element(node, out, code)
            i += 1

    def text(self, node: Text, out: str, code: list[str]) -> None:
        if not node.value.strip() and "\n" in node.value:
            return  # formatting between tags
        try:
            parts = split(node.value)
        except ExprError as exc:
            raise self.error(node.line, node.col, str(exc)) from None
        if not any(p.expr for p in parts):
            code.append(f"{out}.push({_q(node.value)});")
            return
        pieces = [f"R.s({self.eval(node, p.text, code)})" if p.expr else _q(p.text) for p in parts]
        code.append(f"{out}.push({' + '.join(pieces)});")

    def text_value(self, texts: list[Text], code: list[str], *, emit: bool = False) -> str | None:
        """The JS string of an element's text-only content, or None when it is formatting only."""
        node = Text("".join(t.value for t in texts), texts[0].line, texts[0].col)
        if not node.value.strip() and "\n" in node.value:
            return None
        if not emit:
            return ""
        try:
            parts = split(node.value)
        except ExprError as exc:
            raise self.error(node.line, node.col, str(exc)) from None
        return " + ".join(f"R.s({self.eval(node, p.text, code)})" if p.expr else _q(p.text) for p in parts) or '""'

    def if_chain(self, chain: list[Element], out: str, code: list[str]) -> None:
        for k, el in enumerate(chain):
            a = el.attr("wx:if") or el.attr("wx:elif")
            if a is not None:
                cond_code: list[str] = []
                v = self.value(a, cond_code)
                if k == 0:
                    code.extend(cond_code)
                    code.append(f"if ({v}) {{")
                else:
                    # The elif's condition is only evaluated when the earlier ones failed.
                    code.append("} else {")
                    code.extend(cond_code)
                    code.append(f"if ({v}) {{")
            else:
                code.append("} else {")
            self.element(el, out, code)
        code.append("}" * (1 + sum(1 for el in chain[1:] if el.attr("wx:elif") is not None)))

    def element(self, el: Element, out: str, code: list[str]) -> None:
        fa = el.attr("wx:for") or el.attr("wx:for-items")
        if fa is not None:
            self.loop(el, fa, out, code)
            return
        self.single(el, out, code, "null")

    def loop(self, el: Element, fa: Attr, out: str, code: list[str]) -> None:
        fi, fx = el.attr("wx:for-item"), el.attr("wx:for-index")
        item = (fi.value if fi is not None else None) or "item"
        index = (fx.value if fx is not None else None) or "index"
        ka = el.attr("wx:key")
        key = ka.value.strip() if ka is not None and ka.value else ""
        if key.startswith("{{") and key.endswith("}}"):
            key = key[2:-2].strip()  # `wx:key="{{id}}"` names the same property (DevTools accepts it)
        lst = self.value(fa, code)
        loc = len(self.exprs)
        self.exprs.append((fa.line, fa.col, fa.value or ""))
        it, ix, kv = self.fresh("it"), self.fresh("ix"), self.fresh("k")
        # A loop over a list of the data (a path: its items are JSON) keeps each item's nodes: an item equal
        # (as JSON, at the same index) to the one they were built from is not rendered again (R.each). A
        # list that is a root name itself (`{{list}}`) also tells which items a path (`list[2].t`) changed.
        path = _DATA_PATH.match(fa.value or "")
        site = self.sites if self.memo and not self.local and path and path.group(1) not in self.wxs else None
        outer = self.reads
        if site is not None:
            self.sites += 1
            self.reads = set()
        header = len(code)
        if key == "*this":
            code.append(f"var {kv} = {it};")
        elif key:
            code.append(f"var {kv} = ({it} !== null && typeof {it} === 'object') ? {it}[{_q(key)}] : undefined;")
        else:
            code.append(f"var {kv} = undefined;")
        saved = dict(self.local)
        self.local[item] = it
        self.local[index] = ix
        try:
            cond = el.attr("wx:if")
            if cond is not None:
                # wx:for is applied before wx:if on the same element: the condition sees `item` (view-fidelity §2).
                v = self.value(cond, code)
                code.append(f"if ({v}) {{")
            self.single(el, out, code, kv)
            if cond is not None:
                code.append("}")
        finally:
            self.local = saved
            body, self.reads = self.reads, outer
        if outer is not None and body is not None:
            outer.update(body)
        memo = ""
        if site is not None and body is not None and not ({_DYNAMIC, READS_WXS} & body):
            assert path is not None
            self.kept += 1
            names = sorted(body)
            self.deps.append(f"var D{site} = {json.dumps(names, ensure_ascii=False)};")
            bare = "true" if not path.group(2).strip() else "false"
            memo = f", M, {site}, {_q(path.group(1))}, {bare}, D{site}, {out}"
        code.insert(header, f"R.each({lst}, X, {loc}, c, {_q(key)}, function ({it}, {ix}) {{")
        code.append(f"}}{memo});")

    def scope_js(self) -> str:
        """The scope to hand a file rendered here (<include>): `s`, plus the enclosing loops' names."""
        if not self.local:
            return "s"
        return "R.scopeWith(s, {" + ", ".join(f"{_q(k)}: {v}" for k, v in self.local.items()) + "})"

    def single(self, el: Element, out: str, code: list[str], key: str) -> None:
        tag = el.tag
        if tag == "block":
            self.children(el.children, out, code)
        elif tag == "template":
            self.template_use(el, out, code)
        elif tag == "include":
            src = el.attr("src")
            if src is None or not src.value:
                raise self.error(el.line, el.col, "<include> needs src")
            target = self.rel(src.value, ".wxml")
            self.out.includes.append(target)
            self.dynamic()
            code.append(f"R.include({_q(target)}, {self.scope_js()}, {out}, c);")
        elif self.memo and not self.local and any(isinstance(n, Element) for n in el.children):
            # (An element of text alone is as cheap to build again as to look up: not a site.)
            self.site(el, out, code)
        else:
            code.append(f"{out}.push({self.node(el, code, key)});")

    def dynamic(self) -> None:
        if self.reads is not None:
            self.reads.add(_DYNAMIC)

    def site(self, el: Element, out: str, code: list[str]) -> None:
        """An element whose node the owner keeps: reused while nothing its subtree reads changed."""
        k = self.sites
        self.sites += 1
        outer, self.reads = self.reads, set()
        inner: list[str] = []
        try:
            node = self.node(el, inner, "null")
            reads = self.reads
        finally:
            self.reads = outer
        if outer is not None:
            outer.update(reads)
        if _DYNAMIC in reads or READS_WXS in reads:
            code.extend(inner)
            code.append(f"{out}.push({node});")
            return
        self.kept += 1
        names = sorted(reads)
        if names:
            self.deps.append(f"var D{k} = {json.dumps(names, ensure_ascii=False)};")
        deps = f"D{k}" if names else "R.E"
        code.append(f"if (!R.reuse(M, c, {k}, {deps}, {self.sites - 1}, {out})) {{ var e{k} = R.nerr;")
        code.extend(inner)
        code.append(f"R.put(M, c, {k}, {node}, e{k}, {out}); }}")

    def node(self, el: Element, code: list[str], key: str) -> str:
        """Appends the code computing the values of `el`'s node to `code`; returns the JS making the node."""
        tag = el.tag
        self.out.tags.add(tag)
        ev, marks = "null", "null"
        evs: list[str] = []
        mk: list[str] = []
        props: list[str] = []
        dyn: set[str] = set()  # which of events, marks, attributes hold an expression
        for a in el.attrs:
            if a.name in _CONTROL:
                continue
            before = len(self.exprs)
            m = _EVENT.match(a.name)
            if m and not a.name.startswith("bindingx"):
                v = self.value(a, code)
                flags = ("c" if m.group(1) else "") + {"bind": "b", "catch": "k", "mut-bind": "m"}[m.group(2)]
                evs.append(f"[{_q(m.group(3))}, {_q(flags)}, {v}]")
                if tag == "image" and m.group(3) in ("load", "error"):
                    self.out.tags.add(EAGER_IMAGE)
                kind = "e"
            elif a.name.startswith("mark:"):
                mk.append(f"{_q(a.name[5:])}: {self.value(a, code)}")
                kind = "m"
            else:
                props.append(f"{_q(a.name)}: {self.value(a, code)}")
                kind = "a"
            if len(self.exprs) != before:
                dyn.add(kind)
        # One object literal for the attributes (values computed above); no children: a shared empty
        # list. Nodes are never changed after a render, so what holds no expression is made once per file
        # (per realm) and shared by every node of that element: allocation is what a render costs in QuickJS.
        if evs:
            ev = self.const("[" + ", ".join(evs) + "]", "e" in dyn)
        if mk:
            marks = self.const("{" + ", ".join(mk) + "}", "m" in dyn)
        attrs = self.const("{" + ", ".join(props) + "}", "a" in dyn) if props else "R.A"
        texts = [c for c in el.children if isinstance(c, Text)]
        if el.children and len(texts) == len(el.children) and self.text_value(texts, code) is not None:
            before = len(self.exprs)
            kids = f"[{self.text_value(texts, code, emit=True)}]"  # text only: one literal
            kids = self.const(kids, len(self.exprs) != before)
        elif el.children:
            kids = self.fresh("c")
            code.append(f"var {kids} = [];")
            self.children(el.children, kids, code)
        else:
            kids = "R.E"
        return f"R.el({_q(tag)}, {attrs}, {ev}, {marks}, {kids}, {key}, c, F, {el.line})"

    def const(self, js: str, dynamic: bool) -> str:
        """`js` itself when it holds an expression, else a name for it made once when the file loads."""
        if dynamic:
            return js
        name = self.consts.get(js)
        if name is None:
            name = self.consts[js] = f"K{len(self.consts)}"
        return name

    def template_use(self, el: Element, out: str, code: list[str]) -> None:
        is_ = el.attr("is")
        if is_ is None:
            raise self.error(el.line, el.col, "<template> needs name (to define) or is (to use)")
        self.dynamic()
        name = self.value(is_, code)
        da = el.attr("data")
        data = self.value(da, code, object_body=True) if da is not None and da.value is not None else "{}"
        code.append(f"R.tpl(F, T, {name}, {data}, {out}, c);")

    # ------------------------------------------------------------------ the file
    def compile(self) -> CompiledFile:
        nodes = parse(self.source, self.path)
        # <wxs> first: its module names are read from `W` by every expression of the file.
        for node in _walk(nodes):
            if node.tag != "wxs":
                continue
            mod = node.attr("module")
            if mod is None or not mod.value:
                raise self.error(node.line, node.col, "<wxs> needs a module name")
            src = node.attr("src")
            if src is not None and src.value:
                wid = self.rel(src.value, ".wxs")
            else:
                wid = f"{self.path}#{mod.value}"
                code = "".join(c.value for c in node.children if isinstance(c, Text))
                self.inline_wxs.append((wid, code, node.line))
            self.wxs[mod.value] = wid
        for node in _walk(nodes):
            if node.tag == "import":
                src = node.attr("src")
                if src is None or not src.value:
                    raise self.error(node.line, node.col, "<import> needs src")
                self.out.imports.append(self.rel(src.value, ".wxml"))
        templates: list[str] = []
        for node in _walk(nodes):
            if node.tag == "template" and node.attr("name") is not None:
                name = node.attr("name").value or ""  # type: ignore[union-attr]
                body: list[str] = []
                self.children(node.children, "o", body)
                templates.append(f"T[{_q(name)}] = function (s, o, c) {{\n" + "\n".join(body) + "\n};")
        main: list[str] = []
        self.memo = True
        self.children(nodes, "o", main)
        self.memo = False
        wmods = ", ".join(f"{_q(n)}: R.wxs({_q(w)})" for n, w in self.wxs.items())
        parts = [
            f"__wxView.def({_q(self.path)}, function (R) {{",
            f"var F = {_q(self.path)};",
            # The expression table (line, column, source) as one string, parsed when a message needs it.
            f"var X = {{f: F, s: {_q(json.dumps(self.exprs, ensure_ascii=False))}, t: null, p: null}};",
            "var T = {};",
            *(compile_wxs(wid, body) for wid, body, _line in self.inline_wxs),
            f"var W = {{{wmods}}};",
            *templates,
            *self.deps,
            *(f"var {name} = {js};" for js, name in self.consts.items()),
            # M: the owner keeps this render's sites (its own template; not when included by another file)
            "return { render: function (s, o, c, M) {",
            *main,
            # sites: 0 when none keeps anything: its owners then allocate nothing for incremental rendering
            f"}}, templates: T, imports: {json.dumps(self.out.imports)}, file: F, sites: {self.sites if self.kept else 0} }};",
            "});",
        ]
        self.out.js = "\n".join(parts)
        return self.out


def _walk(nodes: list[Node]):  # type: ignore[no-untyped-def]
    for n in nodes:
        if isinstance(n, Element):
            yield n
            yield from _walk(n.children)


# Names of the logic layer a WXS module must not see (docs/view-fidelity.md §5): shadowed by parameters.
_WXS_HIDDEN = ("wx", "App", "Page", "Component", "Behavior", "getApp", "getCurrentPages", "setTimeout",
               "setInterval", "clearTimeout", "clearInterval", "requirePlugin", "globalThis", "__wx",
               "__wxView", "__wx_define", "Promise")


def compile_wxs(wid: str, code: str) -> str:
    """A WXS module's definition: CommonJS-style, with its own `require` and `getRegExp`/`getDate`."""
    params = ", ".join(("module", "exports", "require", "getRegExp", "getDate", *_WXS_HIDDEN))
    return f"__wxView.defWxs({_q(wid)}, function ({params}) {{{_wxs_constructors(code)}\n}});"


def _wxs_constructors(code: str) -> str:
    """In WXS `x.constructor` is a string naming the type ("Array", "Object", "Date", ...: the WXS data type
    reference, view-fidelity §5.5), which libraries test (`arr.constructor === 'Array'` in Vant's array.wxs);
    in JavaScript it is a function. Each `.constructor` member read becomes a read of the view runtime's
    `__wxsConstructor` getter, which answers the WXS string. Code the tokenizer cannot read stays as it is."""
    try:
        tokens = tokenize(code)
    except JSSyntaxUnclear:
        return code
    out, last = [], 0
    for prev, tok in itertools.pairwise(tokens):
        if tok.kind == "name" and tok.text == "constructor" and prev.kind == "p" and prev.text in (".", "?."):
            out.append(code[last:tok.start])
            out.append("__wxsConstructor")
            last = tok.end
    return "".join(out) + code[last:] if out else code


def compile_wxml(path: str, source: str) -> CompiledFile:
    """Compile one WXML file; raises WxmlSyntaxError naming `path:line:col`."""
    return _Compiler(path, source).compile()
