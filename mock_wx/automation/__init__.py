"""The WeChat DevTools automation protocol over WebSocket (`wxsim serve`), so existing Minium and
miniprogram-automator suites drive wxsim's virtual users unchanged."""

from __future__ import annotations

from .protocol import METHODS, ProtocolError
from .server import AutomationServer

__all__ = ["METHODS", "AutomationServer", "ProtocolError"]
