"""Fixtures for the QA test API tests: the `qa` fixture app (tests/fixtures/apps/qa), no backend."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from mock_wx import Page, Simulator, VirtualUser
from mock_wx.runtime import AppBundle

QA_APP = Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "qa"
_BUNDLE: list[AppBundle] = []


def qa_bundle() -> AppBundle:
    if not _BUNDLE:
        _BUNDLE.append(AppBundle.load(QA_APP))
    return _BUNDLE[0]


@pytest_asyncio.fixture
async def sim() -> AsyncIterator[Simulator]:
    """The qa fixture app on a virtual clock; requests are mocked, so no backend runs."""
    async with Simulator(qa_bundle(), embedded_backend=False) as s:
        yield s


@pytest.fixture
def user(sim: Simulator) -> VirtualUser:
    return sim.user("alice")


@pytest_asyncio.fixture
async def home(user: VirtualUser) -> Page:
    """alice on the home tab."""
    return await user.launch("/pages/home/home")
