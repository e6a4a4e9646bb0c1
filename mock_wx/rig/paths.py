"""Where the bundled sample app and journeys are: inside the wheel, or at the repository's top level."""

from __future__ import annotations

from pathlib import Path

__all__ = ["bundled_app_path", "bundled_scenarios_path"]

_PKG = Path(__file__).resolve().parent.parent


def _find(name: str) -> Path:
    inside = _PKG / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PKG.parent / name


def bundled_app_path() -> Path:
    """The sample social-commerce mini program."""
    return _find("miniprogram")


def bundled_scenarios_path() -> Path:
    """The bundled journey suite."""
    return _find("scenarios")
