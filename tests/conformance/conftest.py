"""Fixtures for the runtime conformance suite: small fixture apps under tests/fixtures/apps/, one per area.

Each test drives an app through the rig (`user.launch`, `page.tap`, `clock.advance`) and checks one
behaviour of wx-fidelity.md; its docstring cites the section.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from mock_wx import Simulator
from mock_wx.runtime import AppBundle

APPS = Path(__file__).resolve().parent.parent / "fixtures" / "apps"
_BUNDLES: dict[str, AppBundle] = {}


def bundle(name: str) -> AppBundle:
    """A fixture app, parsed once per process."""
    if name not in _BUNDLES:
        _BUNDLES[name] = AppBundle.load(APPS / name)
    return _BUNDLES[name]


@pytest_asyncio.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[Simulator]:
    """A simulation of the fixture app named by `@pytest.mark.app("name")` (default `conformance`)."""
    marker = request.node.get_closest_marker("app")
    name = marker.args[0] if marker else "conformance"
    kwargs: dict[str, Any] = dict(marker.kwargs) if marker else {}
    s = Simulator(bundle(name), embedded_backend=False, **kwargs)
    request.node._wxsim = s
    async with s:
        yield s


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "app(name, **simulator_kwargs): the fixture app a conformance test runs")
