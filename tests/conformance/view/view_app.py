"""Helpers for the view-layer conformance suite (docs/view-fidelity.md).

Most rules need a page or two of WXML and JS and nothing else, so a test writes its own small app into
`tmp_path` through `mini.open({...})` and gets the launched page back; the larger fixture apps live under
tests/fixtures/apps/view_*. Each test's docstring cites the section of docs/view-fidelity.md it checks.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

from mock_wx import Simulator, VirtualUser
from mock_wx.rig.page import Page
from mock_wx.runtime import AppBundle

APPS = Path(__file__).resolve().parents[2] / "fixtures" / "apps"


class MiniApp:
    """Builds a throw-away app from a dict of files and launches one user on it."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._sims: list[Simulator] = []
        self.sim: Simulator | None = None
        self.user: VirtualUser | None = None
        self._n = 0

    def write(self, files: dict[str, str]) -> Path:
        """Write `files` (path → text) into a fresh app folder; app.js/app.json are made up when absent."""
        self._n += 1
        root = self.root / f"app{self._n}"
        pages = [p[: -len(".js")] for p in files if p.startswith("pages/") and p.endswith(".js")]
        defaults = {"app.js": "App({})", "app.json": json.dumps({"pages": pages})}
        for rel, text in {**defaults, **files}.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text).strip() + "\n", encoding="utf-8")
        return root

    async def open(self, files: dict[str, str] | str, *, fidelity: str = "strict", url: str | None = None) -> Page:
        """Launch the app (a dict of files, or the name of a fixture app under tests/fixtures/apps/)."""
        root = APPS / files if isinstance(files, str) else self.write(files)
        sim = Simulator(AppBundle.load(root), embedded_backend=False, fidelity=fidelity)
        await sim.__aenter__()
        self._sims.append(sim)
        self.sim = sim
        self.user = sim.user()
        return await self.user.launch(url)

    def findings(self, kind: str | None = None) -> list[Any]:
        assert self.sim is not None
        return [f for f in self.sim.trace.findings if kind is None or f.kind == kind]

    def js(self, expr: str) -> Any:
        """Evaluate an expression in the user's realm, returned through JSON."""
        assert self.user is not None
        return json.loads(self.user.realm.engine.eval(f"JSON.stringify({expr})"))

    def log(self, clear: bool = True) -> list[Any]:
        """The app's `getApp().log` list (fixture JS pushes what it saw there)."""
        entries = self.js("getApp().log || []")
        if clear:
            assert self.user is not None
            self.user.realm.engine.eval("getApp().log = []")
        return entries  # type: ignore[no-any-return]

    async def close(self) -> None:
        for sim in self._sims:
            await sim.__aexit__(None, None, None)


# App JS that gives every test a place to record what handlers and lifetimes saw.
LOG_APP = "App({ log: [] })"
