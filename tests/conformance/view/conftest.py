"""Fixtures for the view-layer conformance suite (docs/view-fidelity.md); the helpers are in view_app.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest_asyncio
from view_app import MiniApp


@pytest_asyncio.fixture
async def mini(tmp_path: Path) -> AsyncIterator[MiniApp]:
    """Builds and launches small apps (see MiniApp); closes their simulations at the end."""
    m = MiniApp(tmp_path)
    try:
        yield m
    finally:
        await m.close()
