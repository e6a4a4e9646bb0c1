"""Helpers for reading a conformance fixture app's state from its realm."""

from __future__ import annotations

import json
from typing import Any

from mock_wx import VirtualUser


def js(user: VirtualUser, expr: str) -> Any:
    """Evaluate an expression in the user's realm and return it as plain Python (via JSON)."""
    return json.loads(user.realm.engine.eval(f"JSON.stringify({expr})"))


def app_log(user: VirtualUser, *, clear: bool = True, ready: bool = True) -> list[str]:
    """The lifecycle log the fixture app keeps in `getApp().globalData.log`; optionally without onReady."""
    entries = js(user, "getApp().globalData.log")
    if clear:
        user.realm.engine.eval("getApp().globalData.log.length = 0")
    return [e for e in entries if ready or not e.endswith(".onReady")]


def routes(user: VirtualUser) -> list[str]:
    return [p.route for p in user.page_stack]
