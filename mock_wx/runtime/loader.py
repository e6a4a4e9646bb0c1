"""Read a mini program folder once (app.json, every .js file) and prepare each file for the realms.

Each file is wrapped the way the real AppService wraps it — `define(path, function(require, module,
exports, window, document) {...})` — without adding lines, and placed at its own line offset so that the
engine's line numbers map back to `file:line` (docs/engine.md). `wx`, `App`, `Page`, `Component`,
`Behavior`, `getApp` and `getCurrentPages` are globals, not wrapper parameters, as on the platform: a file
may declare its own `const App = getApp()` or shadow `Page`. JSON files become modules whose exports are
their data, so `require('./config.json')` works. Async functions hand their promises to the prelude's
rejection tracking (async_rewrite.py); a file whose rewrite would not compile is kept as written.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AppLoadError, JSError
from .async_rewrite import rewrite_async
from .engine import QuickJSEngine, SourceMap
from .esm_scan import statement_starts

__all__ = ["AppBundle", "transform_esm"]

#: Engine lines reserved for the prelude (1..2000) and for what layers above the runtime evaluate in a realm
#: (the view runtime, from VIEW_LINES on); app files start after them, so a stack line maps to one file.
VIEW_LINES = 2000
PRELUDE_LINES = 5000
# The AppService's wrapper hides the browser globals a web library would look for; the mini program
# globals (wx, App, Page, getApp, ...) stay globals, so a file's own declaration of one shadows it.
WRAP_PARAMS = "require, module, exports, window, document"

_IMPORT_DEFAULT_NAMED = re.compile(r"^(\s*)import\s+([\w$]+)\s*,\s*\{([^}]*)\}\s*from\s*(['\"][^'\"]+['\"])\s*;?")
_IMPORT_DEFAULT = re.compile(r"^(\s*)import\s+([\w$]+)\s+from\s*(['\"][^'\"]+['\"])\s*;?")
_IMPORT_NS = re.compile(r"^(\s*)import\s+\*\s+as\s+([\w$]+)\s+from\s*(['\"][^'\"]+['\"])\s*;?")
_IMPORT_NAMED = re.compile(r"^(\s*)import\s*\{([^}]*)\}\s*from\s*(['\"][^'\"]+['\"])\s*;?")
_IMPORT_BARE = re.compile(r"^(\s*)import\s*(['\"][^'\"]+['\"])\s*;?")
_EXPORT_DEFAULT_DECL = re.compile(r"^(\s*)export\s+default\s+(?:(?:async\s+)?function\*?\s*([\w$]+)|class\s+([\w$]+))")
_EXPORT_DEFAULT = re.compile(r"^(\s*)export\s+default\b\s*")
_EXPORT_DECL = re.compile(r"^(\s*)export\s+(async\s+function\*?|function\*?|class|const|let|var)\s+([\w$]+)")
_EXPORT_STAR_AS = re.compile(r"^(\s*)export\s*\*\s*as\s+([\w$]+)\s+from\s*(['\"][^'\"]+['\"])\s*;?")
_EXPORT_STAR = re.compile(r"^(\s*)export\s*\*\s*from\s*(['\"][^'\"]+['\"])\s*;?")
_EXPORT_LIST = re.compile(r"^(\s*)export\s*\{([^}]*)\}\s*(from\s*(['\"][^'\"]+['\"]))?\s*;?")


def _named(spec: str) -> str:
    parts = []
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        if " as " in item:
            src, dst = (s.strip() for s in item.split(" as "))
            parts.append(f"{src}: {dst}")
        else:
            parts.append(item)
    return ", ".join(parts)


_BRACE_OPEN = re.compile(r"^\s*(import\s+([\w$]+\s*,\s*)?\{|export\s*\{)[^}]*$")


def _join_braces(lines: list[str]) -> list[str]:
    """Put a brace list spread over lines (`import {\n  a,\n  b\n} from 'x'`) on its first line, leaving the
    lines it took empty, so the line-by-line rewrite sees one statement and every later line stays put."""
    out = list(lines)
    i = 0
    while i < len(out):
        if _BRACE_OPEN.match(out[i]):
            j = i
            while j + 1 < len(out) and "}" not in out[j]:
                j += 1
            if "}" in out[j] and j > i:
                out[i] = " ".join(part.strip() if k else part.rstrip() for k, part in enumerate(out[i:j + 1]))
                for k in range(i + 1, j + 1):
                    out[k] = ""
            i = j
        i += 1
    return out


def transform_esm(source: str) -> str:
    """Turn the ES module syntax WeChat's compiler accepts into CommonJS, keeping every line in place."""
    if "import" not in source and "export" not in source:
        return source
    lines = _join_braces(source.split("\n"))
    starts = statement_starts("\n".join(lines))
    out: list[str] = []
    tail: list[str] = []
    uses_esm = False
    k, offset = 0, 0
    for line in lines:
        # Every statement on this line (minified modules have them all on one), rewritten back to front.
        cuts = []
        while k < len(starts) and starts[k] <= offset + len(line):
            cuts.append(starts[k] - offset)
            k += 1
        offset += len(line) + 1
        for cut in reversed(cuts):
            text, more, esm = _rewrite_statement(line[cut:])
            line = line[:cut] + text
            tail[:0] = more
            uses_esm = uses_esm or esm
        out.append(line)
    if uses_esm:
        # An ES module is strict code (DevTools' compile to CommonJS says so too): `this` in a plain call is
        # undefined, an undeclared assignment throws. The directive opens the wrapper's body, on line 1.
        out[0] = '"use strict"; Object.defineProperty(exports, "__esModule", {value: true}); ' + out[0]
    if tail:
        # On a line of its own after the file: the last line may end in a `// comment` or lack its semicolon.
        out.append(";" + " ".join(tail))
    return "\n".join(out)


def _rewrite_statement(line: str) -> tuple[str, list[str], bool]:
    """One import/export statement at the start of `line` as CommonJS: (text, exports for the file's end,
    whether it is ES module syntax)."""
    tail: list[str] = []
    uses_esm = False
    m = _IMPORT_DEFAULT_NAMED.match(line)
    if m:
        ind, default, named, src = m.groups()
        line = (f"{ind}const {default} = __wx_interop(require({src})).default, "
                f"{{{_named(named)}}} = require({src});" + line[m.end():])
        uses_esm = True
    elif (m := _IMPORT_NS.match(line)):
        line = f"{m.group(1)}const {m.group(2)} = require({m.group(3)});" + line[m.end():]
        uses_esm = True
    elif (m := _IMPORT_DEFAULT.match(line)):
        line = f"{m.group(1)}const {m.group(2)} = __wx_interop(require({m.group(3)})).default;" + line[m.end():]
        uses_esm = True
    elif (m := _IMPORT_NAMED.match(line)):
        line = f"{m.group(1)}const {{{_named(m.group(2))}}} = require({m.group(3)});" + line[m.end():]
        uses_esm = True
    elif (m := _IMPORT_BARE.match(line)):
        line = f"{m.group(1)}require({m.group(2)});" + line[m.end():]
    elif (m := _EXPORT_STAR_AS.match(line)):
        line = f"{m.group(1)}exports.{m.group(2)} = require({m.group(3)});" + line[m.end():]
        uses_esm = True
    elif (m := _EXPORT_STAR.match(line)):
        # Every named export of the other module, as live bindings; `default` and names this module
        # exports itself are not re-exported (ES spec, 16.2.3.7 GetExportedNames).
        line = (f"{m.group(1)}(function (m) {{ Object.keys(m).forEach(function (k) {{ if (k !== 'default' && "
                f"k !== '__esModule' && !(k in exports)) Object.defineProperty(exports, k, {{ enumerable: true, "
                f"configurable: true, get: function () {{ return m[k]; }} }}); }}); }})(require({m.group(2)}));"
                + line[m.end():])
        uses_esm = True
    elif (m := _EXPORT_DEFAULT_DECL.match(line)):
        # `export default function name() {}` declares `name` in the module too: keep the declaration.
        name = m.group(2) or m.group(3)
        line = m.group(1) + line[line.index("default") + len("default"):].lstrip()
        tail.append(f"exports.default = {name};")
        uses_esm = True
    elif (m := _EXPORT_DEFAULT.match(line)):
        line = f"{m.group(1)}exports.default = " + line[m.end():]
        uses_esm = True
    elif (m := _EXPORT_DECL.match(line)):
        line = m.group(1) + line[m.start(2):]
        tail.append(f"exports.{m.group(3)} = {m.group(3)};")
        uses_esm = True
    elif (m := _EXPORT_LIST.match(line)):
        names = [n.strip() for n in m.group(2).split(",") if n.strip()]
        stmts = []
        for n in names:
            src, _, dst = n.partition(" as ")
            src, dst = src.strip(), (dst.strip() or src.strip())
            if m.group(4):
                stmts.append(f"exports.{dst} = require({m.group(4)}).{src};")
            else:
                tail.append(f"exports.{dst} = {src};")
        line = m.group(1) + " ".join(stmts) + line[m.end():]
        uses_esm = True
    return line, tail, uses_esm


def _wrap(name: str, body: str) -> str:
    return f"__wx_define({json.dumps(name)}, function ({WRAP_PARAMS}) {{{body}\n}});"


@dataclass
class AppBundle:
    """A mini program folder, parsed once and shared by every virtual user of a simulation."""

    root: Path
    config: dict[str, Any]
    pages: list[str]
    tab_pages: list[str]
    files: dict[str, str] = field(default_factory=dict)          # path -> wrapped source
    offsets: dict[str, int] = field(default_factory=dict)        # path -> first line in the engine
    page_configs: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: What layers above the runtime derive from the app once and share (the compiled view, ...).
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    #: ext.json's `ext` (third-party platform apps read it with wx.getExtConfigSync); {} without one.
    ext_config: dict[str, Any] = field(default_factory=dict)
    #: path -> the wrapped source without the async rewrite, for files it changed, until the syntax check
    #: has chosen (the rewrite never adds lines, so offsets hold for either).
    _unrewritten: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def load(cls, root: str | Path) -> AppBundle:
        """Read `root`; raises AppLoadError naming the problem (missing folder, bad app.json, ...)."""
        path = Path(root)
        if not path.is_dir():
            raise AppLoadError(f"mini program folder not found: {path}")
        app_json = path / "app.json"
        if not app_json.is_file():
            raise AppLoadError(f"{path} has no app.json: not a mini program folder")
        try:
            config = json.loads(app_json.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise AppLoadError(f"app.json:{exc.lineno}: invalid JSON ({exc.msg})") from None
        pages = list(config.get("pages") or [])
        if not pages:
            raise AppLoadError("app.json: `pages` must list at least one page")
        for sub in config.get("subpackages") or config.get("subPackages") or []:
            root_dir = str(sub.get("root", "")).strip("/")
            pages += [f"{root_dir}/{p}" for p in sub.get("pages", [])]
        tab_pages = [item["pagePath"] for item in (config.get("tabBar") or {}).get("list", [])]
        bundle = cls(root=path, config=config, pages=pages, tab_pages=tab_pages)
        if not (path / "app.js").is_file():
            raise AppLoadError(f"{path} has no app.js")
        for page in pages:
            if not (path / f"{page}.js").is_file():
                raise AppLoadError(f"app.json lists page {page!r} but {page}.js does not exist")
            page_json = path / f"{page}.json"
            if page_json.is_file():
                try:
                    bundle.page_configs[page] = json.loads(page_json.read_text(encoding="utf-8"))
                except json.JSONDecodeError as exc:
                    raise AppLoadError(f"{page}.json:{exc.lineno}: invalid JSON ({exc.msg})") from None
        ext_json = path / "ext.json"
        if ext_json.is_file():
            try:
                ext = json.loads(ext_json.read_text(encoding="utf-8")).get("ext")
            except (json.JSONDecodeError, AttributeError) as exc:
                raise AppLoadError(f"ext.json: invalid ({exc})") from None
            bundle.ext_config = ext if isinstance(ext, dict) else {}
        bundle._read_sources()
        bundle._check_syntax()
        return bundle

    def _read_sources(self) -> None:
        # Fixed per-file line offsets, app.js and utilities first: cheap prefixes for what every user loads.
        names = sorted(
            (p.relative_to(self.root).as_posix() for ext in ("*.js", "*.json") for p in self.root.rglob(ext)
             if "node_modules" not in p.parts),
            key=lambda n: (n != "app.js", n.endswith(".json"), n.startswith("pages/"), n),
        )
        line = PRELUDE_LINES  # the prelude occupies the lines before this
        for name in names:
            try:
                text = (self.root / name).read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff")
            except (OSError, UnicodeDecodeError):
                if name.endswith(".json"):
                    continue  # not requirable data: require() says the module is not defined
                raise AppLoadError(f"{name}: cannot be read as UTF-8") from None
            if name.endswith(".json"):
                try:
                    json.loads(text)
                except json.JSONDecodeError:
                    continue  # a tool's config with comments, say: the app cannot require it either
                body = f"module.exports = {text}"
            else:
                body = transform_esm(text)
                rewritten = rewrite_async(body)
                if rewritten != body and rewritten.count("\n") == body.count("\n"):
                    self._unrewritten[name] = _wrap(name, body)
                    body = rewritten
            self.offsets[name] = line
            self.files[name] = _wrap(name, body)
            line += body.count("\n") + 2

    def _check_syntax(self) -> None:
        """Compile every file once, like WeChat's build step, so a syntax error names its file and line at load.

        Pages load lazily in each realm (on first navigation), so without this a broken page would only
        fail when a user first opens it, and deep inside the module loader.
        """
        engine = QuickJSEngine(time_limit=5.0)
        engine.eval("globalThis.__wx_define = function () {};")
        for name, wrapped in self.files.items():
            if name.endswith(".json"):
                continue  # parsed as JSON when read
            engine.source_map = SourceMap()
            engine.source_map.add(1, name)
            plain = self._unrewritten.pop(name, None)
            try:
                engine.eval(wrapped)
                continue
            except JSError as exc:
                error = exc
            if plain is not None:
                # The async rewrite misread this file: run it as written (its async rejections go unseen).
                try:
                    engine.eval(plain)
                    self.files[name] = plain
                    continue
                except JSError as exc:
                    error = exc
            raise AppLoadError(f"{error.location or name}: {error.js_message}") from None
        self._unrewritten.clear()

    def source_for(self, name: str) -> str | None:
        """The wrapped source of `name`, prefixed so that its first line lands on its offset."""
        wrapped = self.files.get(name)
        if wrapped is None:
            return None
        return "\n" * (self.offsets[name] - 1) + wrapped

    def window(self, route: str) -> dict[str, Any]:
        """Effective window config of a page: app.json `window` overridden by the page's json."""
        merged = dict(self.config.get("window") or {})
        merged.update({k: v for k, v in self.page_configs.get(route, {}).items() if k != "usingComponents"})
        return merged

    @property
    def app_name(self) -> str:
        return str((self.config.get("window") or {}).get("navigationBarTitleText") or self.root.name)
