"""The DevTools automation protocol's envelope and method table.

A request is `{id, method, params}`; the answer `{id, result}` or `{id, error: {message}}`; an event
`{method, params}` with no id. Handlers register here by method name (`@method("App.getCurrentPage")`)
and raise `ProtocolError` (or any `WxError`) with the message the client should see.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from ..errors import WxError

if TYPE_CHECKING:
    from .session import UserSession

__all__ = ["METHODS", "Handler", "ProtocolError", "answer", "event", "failure", "method"]

Handler = Callable[["UserSession", dict[str, Any]], Awaitable[Any]]

#: Every method wxsim answers, by protocol name ("App.callWxMethod", "Wxsim.advanceClock", ...).
METHODS: dict[str, Handler] = {}


class ProtocolError(WxError):
    """A command the client sent cannot be carried out; the message goes back in `{error: {message}}`."""


def method(name: str) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine as the handler of protocol method `name`."""

    def register(fn: Handler) -> Handler:
        if name in METHODS:
            raise RuntimeError(f"protocol method {name} registered twice")
        METHODS[name] = fn
        return fn

    return register


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, default=str)


def answer(msg_id: Any, result: Any) -> str:
    # Minium reads `response.result.<field>` even for commands without an answer: always an object.
    return _dumps({"id": msg_id, "result": result if result is not None else {}})


def failure(msg_id: Any, message: str) -> str:
    return _dumps({"id": msg_id, "error": {"message": message}})


def event(name: str, params: dict[str, Any]) -> str:
    return _dumps({"method": name, "params": params})
