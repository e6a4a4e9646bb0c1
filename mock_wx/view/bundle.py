"""Every WXML and WXS file of an app, compiled once, and the component configuration of each page.

`ViewBundle.load(app)` parses and compiles all templates when the app loads (so a syntax error names
`file:line:col` before anything runs, as DevTools' compile step does), resolves every `usingComponents`
entry (relative, absolute, `miniprogram_npm/` packages), and keeps the generated JS for the realms,
which evaluate a file only when a page or component first renders it.
"""

from __future__ import annotations

import json
import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import AppLoadError
from ..runtime.loader import AppBundle
from .compiler import EAGER_IMAGE, CompiledFile, compile_wxml, compile_wxs

__all__ = ["ViewBundle"]


@dataclass
class ViewBundle:
    """The compiled view of one app, shared by every user of a simulation."""

    app: AppBundle
    sources: dict[str, str] = field(default_factory=dict)      # .wxml path or .wxs id -> JS to evaluate
    metas: dict[str, str] = field(default_factory=dict)        # page route / component path -> meta JSON
    components: set[str] = field(default_factory=set)          # every component path some page can reach
    compiled: dict[str, CompiledFile] = field(default_factory=dict, repr=False)
    eager_paths: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, app: AppBundle) -> ViewBundle:
        """The app's compiled view, compiled on first use and shared by every simulation of `app`."""
        vb = app.derived.get("view")
        if vb is None:
            vb = app.derived["view"] = cls.load(app)
        return vb  # type: ignore[no-any-return]

    @classmethod
    def load(cls, app: AppBundle) -> ViewBundle:
        vb = cls(app)
        root = app.root
        for p in sorted(root.rglob("*.wxml")):
            if "node_modules" in p.parts:
                continue
            rel = p.relative_to(root).as_posix()
            compiled = compile_wxml(rel, _read(p))
            vb.sources[rel] = compiled.js
            vb.compiled[rel] = compiled
        for p in sorted(root.rglob("*.wxs")):
            if "node_modules" in p.parts:
                continue
            rel = p.relative_to(root).as_posix()
            vb.sources[rel] = compile_wxs(rel, _read(p))
        vb._check_compiles()
        global_using = vb._using(app.config, "app.json", "")
        tab_bar = app.config.get("tabBar") or {}
        custom_bar = None
        if tab_bar.get("custom"):
            # No custom-tab-bar/index: the tab pages show no bar and getTabBar() answers null (UNCONFIRMED what
            # the client shows; DevTools reports the missing component).
            custom_bar = vb._resolve("/custom-tab-bar/index", "") or ""
            if custom_bar:
                vb._meta(custom_bar, global_using, vb._config(custom_bar), f"{custom_bar}.json")
        for route in app.pages:
            vb._meta(route, global_using, app.page_configs.get(route, {}), f"{route}.json",
                     tab_bar=custom_bar if route in app.tab_pages else None)
        return vb

    def _check_compiles(self) -> None:
        """Each generated file is valid JS (an expression the parser accepted may still not be)."""
        from ..runtime.engine import QuickJSEngine

        engine = QuickJSEngine(time_limit=5.0)
        engine.eval("globalThis.__wxView = {def: function () {}, defWxs: function () {}};")
        for path, js in self.sources.items():
            try:
                engine.eval(js)
            except Exception as exc:
                message = str(exc).splitlines()[0]
                raise AppLoadError(f"{path}: the compiled template is not valid JavaScript: {message} "
                                   "(an expression in it is not one the platform accepts)") from None

    def _meta(self, path: str, global_using: dict[str, str], config: dict[str, Any], where: str,
              tab_bar: str | None = None) -> None:
        if path in self.metas:
            return
        using = dict(global_using)
        using.update(self._using(config, where, path))
        meta: dict[str, Any] = {"using": using, "component": bool(config.get("component")),
                                "eager": self._eager(path, using) or tab_bar is not None}
        if tab_bar:
            meta["tabBar"] = tab_bar
            self.components.add(tab_bar)
        elif tab_bar is not None:
            meta["tabBarMissing"] = True
        if meta["eager"]:
            self.eager_paths.add(path)
        self.metas[path] = json.dumps(meta)
        for comp in using.values():
            if comp in self.metas:
                continue
            self.components.add(comp)
            self._meta(comp, global_using, self._config(comp), f"{comp}.json")

    def _tags(self, wxml: str, seen: set[str] | None = None) -> set[str]:
        """Every tag a template can render: its own, its imports' templates' and its includes'."""
        seen = seen if seen is not None else set()
        if wxml in seen or wxml not in self.compiled:
            return set()
        seen.add(wxml)
        c = self.compiled[wxml]
        tags = set(c.tags)
        for other in (*c.imports, *c.includes):
            tags |= self._tags(other, seen)
        return tags

    def _eager(self, path: str, using: dict[str, str]) -> bool:
        """Must this page or component render at every setData? Only when something depends on its tree
        before anyone looks at it: a custom component (its properties, observers and lifetimes follow the
        render), page-meta (the navigation bar), an image's load event. Otherwise it renders when read
        (a query, an event, a screenshot): what a setData costs then is the logic layer's alone."""
        tags = self._tags(f"{path}.wxml")
        # A <slot> places the host's children (components among them, perhaps related to this one) in
        # this tree: the composed tree needs it rendered.
        return bool(tags & set(using)) or bool(tags & {"page-meta", "slot", EAGER_IMAGE})

    def _config(self, comp: str) -> dict[str, Any]:
        cfg_path = self.app.root / f"{comp}.json"
        if not cfg_path.is_file():
            return {}
        try:
            return dict(json.loads(_read(cfg_path)))
        except json.JSONDecodeError as exc:
            raise AppLoadError(f"{comp}.json:{exc.lineno}: invalid JSON ({exc.msg})") from None

    def _using(self, config: dict[str, Any], where: str, owner: str) -> dict[str, str]:
        out: dict[str, str] = {}
        for tag, target in (config.get("usingComponents") or {}).items():
            if not isinstance(target, str) or not target:
                raise AppLoadError(f"{where}: usingComponents[{tag!r}] must be a path")
            if target.startswith("plugin://"):
                continue  # plugins are not available headlessly (requirePlugin says so)
            resolved = self._resolve(target, owner)
            if resolved is None:
                raise AppLoadError(f'{where}: usingComponents["{tag}"]: Component is not found in path "{target}"')
            out[tag] = resolved
        return out

    def _resolve(self, target: str, owner: str) -> str | None:
        """A usingComponents path → the component's path without extension, or None."""
        root = self.app.root
        cands: list[str] = []
        if target.startswith("/"):
            cands.append(target.lstrip("/"))
        elif target.startswith("."):
            cands.append(posixpath.normpath(posixpath.join(posixpath.dirname(owner), target)))
        else:
            # A bare path is first tried next to the owner, then as an npm package built into
            # miniprogram_npm/ (beside the owner's folders, up to the app root), as DevTools resolves it.
            cands.append(posixpath.normpath(posixpath.join(posixpath.dirname(owner), target)))
            parts = posixpath.dirname(owner).split("/") if owner else []
            while True:
                base = "/".join(parts)
                cands.append(posixpath.join(base, "miniprogram_npm", target) if base else f"miniprogram_npm/{target}")
                if not parts:
                    break
                parts.pop()
            cands.append(target)
        for c in cands:
            if (root / f"{c}.js").is_file() or (root / f"{c}.wxml").is_file():
                return c
            if (root / c / "index.js").is_file():
                return f"{c}/index"
        return None

    def eager(self, route: str) -> bool:
        """Does this page need the view from its first render on (see `_eager`)?"""
        return route in self.eager_paths

    def exists(self, path: str) -> bool:
        """Is `path` a file of the package (an <image src> that can load)?"""
        root = self.app.root.resolve()
        target = (root / path).resolve()
        return target.is_relative_to(root) and target.is_file()

    def source(self, path: str) -> str | None:
        return self.sources.get(path)

    def meta(self, path: str) -> str:
        m = self.metas.get(path)
        if m is None:
            # A page registered late (subpackage loaded lazily) or a Component() page: no extra components.
            return json.dumps({"using": {}, "component": False})
        return m


def _read(p: Path) -> str:
    return p.read_text(encoding="utf-8").replace("\r\n", "\n").lstrip("\ufeff")
