"""The view attached to one user's realm: evaluates the view runtime (js/NN_*.js) after the prelude,
serves compiled templates to it, and answers the rig's questions (the rendered tree, events)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from ..runtime.loader import PRELUDE_LINES, VIEW_LINES
from ..runtime.realm import Realm
from .bundle import ViewBundle

__all__ = ["RealmView", "attach"]

#: Engine line where the view runtime starts: after the prelude, before the app's files (loader.py).
_VIEW_LINE = VIEW_LINES


def _load_runtime() -> tuple[str, list[tuple[int, str]]]:
    folder = resources.files(__package__).joinpath("js")
    parts = sorted((f for f in folder.iterdir() if f.name.endswith(".js")), key=lambda f: f.name)
    texts, starts, line = [], [], _VIEW_LINE
    for f in parts:
        text = f.read_text(encoding="utf-8")
        starts.append((line, f"wxsim/view/{f.name}"))
        texts.append(text)
        line += text.count("\n")
    assert line < PRELUDE_LINES, "the view runtime grew past its reserved engine lines (runtime/loader.py)"
    return "\n" * (_VIEW_LINE - 1) + "".join(texts), starts


_RUNTIME, _RUNTIME_PARTS = _load_runtime()


class RealmView:
    """One user's view layer: the bridge between `__wxView` in the realm and the rig's element API.

    The view runtime is evaluated in the realm when first needed: at the first page whose tree feeds
    something at once (custom components, page-meta, image events: `ViewBundle` marks those eager) or
    when the rig first reads a page. A user who only ever opens plain pages and is never looked at (a
    load run) pays nothing for it."""

    #: Incremental rendering (reusing what did not change since the last render). Tests turn it off for
    #: a user to compare its trees with full renders; read when the view attaches.
    incremental = True

    def __init__(self, realm: Realm, bundle: ViewBundle) -> None:
        self.incremental = type(self).incremental
        self.realm = realm
        self.bundle = bundle
        self.booted = False
        e = realm.engine
        e.expose("__view_source", self._source)
        e.expose("__view_meta", bundle.meta)
        e.expose("__view_exists", bundle.exists)
        e.expose("__view_boot", self.boot)
        e.expose("__view_eager", bundle.eager)
        e.eval("__wx.setViewHost(__view_boot, __view_eager); delete globalThis.__view_boot; "
               "delete globalThis.__view_eager;")
        self._fns: dict[str, Any] = {}
        self._snap_key: tuple[int, int] | None = None
        self._snap: Any = None

    def boot(self) -> None:
        """Evaluate the view runtime in the realm (once); pages already open are handed to it."""
        if self.booted:
            return
        self.booted = True
        e = self.realm.engine
        for start, part in _RUNTIME_PARTS:
            e.source_map.add(start, part)
        e.eval(_RUNTIME)
        if not self.incremental:
            e.eval("__wxView.incremental(false)")

    def _source(self, path: str) -> bool:
        js = self.bundle.source(path)
        if js is None:
            return False
        self.realm.engine.eval(js)
        return True

    def call(self, fn: str, *args: Any) -> Any:
        if not self.booted:
            self.boot()
        f = self._fns.get(fn)
        if f is None:
            f = self._fns[fn] = self.realm.engine.function("__wxView." + fn)
        self.realm._jobs_maybe = True
        return self.realm.engine.call(f, *args)

    def render_stale(self) -> bool:
        """Render the pages whose data changed since they were last rendered (booting the view if it has not
        yet); True when something rendered (and may have started work: image events, component code)."""
        return bool(self.call("renderStale"))

    def snapshot(self, page_id: int) -> list[Any]:
        """The page's rendered tree: [tag, attrs, children, meta] lists and text strings (cached per render)."""
        version = int(self.call("version"))
        key = (page_id, version)
        if self._snap_key != key:
            self._snap = json.loads(self.call("snapshot", page_id))
            self._snap_key = (page_id, int(self.call("version")))
        return self._snap  # type: ignore[no-any-return]

    def dispatch(self, page_id: int, nid: int, kind: str, detail: Any, **opts: Any) -> dict[str, Any]:
        out = self.call("dispatch", page_id, nid, kind, json.dumps(detail, ensure_ascii=False),
                        json.dumps(opts))
        return json.loads(out)  # type: ignore[no-any-return]

    def set_value(self, page_id: int, nid: int, kind: str, value: Any, detail: Any) -> dict[str, Any]:
        out = self.call("setValue", page_id, nid, kind, json.dumps(value, ensure_ascii=False),
                        json.dumps(detail, ensure_ascii=False))
        return json.loads(out)  # type: ignore[no-any-return]


def attach(realm: Realm, bundle: ViewBundle) -> RealmView:
    """Attach a view to `realm` (before the app's code runs)."""
    view = RealmView(realm, bundle)
    realm.view = view
    return view
