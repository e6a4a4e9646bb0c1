"""Options of this repository's own test suite (the wxsim pytest plugin adds the --wxsim-* ones)."""

from __future__ import annotations

import pytest


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-goldens", action="store_true", default=False,
                     help="rewrite tests/goldens/*.png from this run's screenshots instead of comparing")
