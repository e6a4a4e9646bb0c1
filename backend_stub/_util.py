"""Small shared helpers: ids, time formatting, row → JSON shapes used by several domains."""

from __future__ import annotations

import hashlib
import json
import secrets
from datetime import UTC, datetime
from typing import Any

__all__ = ["day_of", "iso", "loads", "new_id", "stable_code"]


def new_id(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(6)}"


def stable_code(text: str, length: int = 8) -> str:
    """A short uppercase code derived from `text` (referral codes are stable per user)."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    digest = hashlib.sha256(text.encode()).digest()
    return "".join(alphabet[b % len(alphabet)] for b in digest[:length])


def iso(epoch: float | None) -> str | None:
    """Epoch seconds → `2026-01-05T01:00:00Z` (the contract's time format)."""
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_of(epoch: float) -> str:
    """The calendar day in Beijing time, which is when the app's users' daily caps reset."""
    return datetime.fromtimestamp(epoch + 8 * 3600, UTC).strftime("%Y-%m-%d")


def loads(text: str | None, default: Any = None) -> Any:
    if not text:
        return default
    try:
        return json.loads(text)
    except ValueError:
        return default
