"""Small apps written into tmp_path for the view layer's own tests (the conformance suite citing
docs/view-fidelity.md is tests/conformance/view/)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from mock_wx import Simulator

APP_JS = "App({ globalData: { log: [] } })\n"


def write_app(root: Path, files: dict[str, Any], *, app: dict[str, Any] | None = None) -> Path:
    """Write a mini program: `files` maps paths to text (dicts are written as JSON). Pages are the
    `pages/**.js` files unless `app` gives app.json."""
    root.mkdir(parents=True, exist_ok=True)
    pages = sorted(p[:-3] for p in files if p.startswith("pages/") and p.endswith(".js"))
    config = app or {"pages": pages}
    config.setdefault("pages", pages)
    (root / "app.json").write_text(json.dumps(config), encoding="utf-8")
    if "app.js" not in files:
        (root / "app.js").write_text(APP_JS, encoding="utf-8")
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(content) if isinstance(content, dict) else content
        target.write_text(text, encoding="utf-8")
    return root


@pytest_asyncio.fixture
async def make_sim(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    sims: list[Simulator] = []

    def make(files: dict[str, Any], *, app: dict[str, Any] | None = None, **kwargs: Any) -> Simulator:
        root = write_app(tmp_path / f"app{len(sims)}", files, app=app)
        sim = Simulator(root, embedded_backend=False, **kwargs)
        sims.append(sim)
        return sim

    yield make
    for s in sims:
        await s.close()


def log(user: Any) -> list[str]:
    return list(json.loads(user.realm.engine.eval("JSON.stringify(getApp().globalData.log)")))


@pytest.fixture
def read_log() -> Callable[[Any], list[str]]:
    return log
