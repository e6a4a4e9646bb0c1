"""Routing glue: one declaration per operation feeds the router, request validation and OpenAPI."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

if TYPE_CHECKING:
    from .backend import Backend

__all__ = ["ApiError", "Ctx", "Operation", "Router", "dumps", "json_response"]


class ApiError(Exception):
    """A 4xx/5xx answer with the contract's `{"error", "message"}` body."""

    def __init__(self, status: int, code: str, message: str, details: list[str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        out: dict[str, Any] = {"error": self.code, "message": self.message}
        if self.details is not None:
            out["details"] = self.details
        return out


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def json_response(value: Any, status: int = 200) -> web.Response:
    return web.Response(text=dumps(value), status=status, content_type="application/json")


@dataclass
class Ctx:
    """What a handler gets: the validated body and query, path params, caller and backend."""

    request: web.Request
    backend: Backend
    body: dict[str, Any]
    query: dict[str, Any]
    params: dict[str, str]
    user: dict[str, Any] | None

    @property
    def db(self) -> Any:
        return self.backend.db

    @property
    def now(self) -> float:
        return self.backend.now()

    @property
    def uid(self) -> str:
        """The caller's user id; 401 when the route allowed an anonymous caller."""
        if self.user is None:
            raise ApiError(401, "unauthorized", "missing or unknown bearer token")
        return str(self.user["id"])


Handler = Callable[[Ctx], Awaitable[Any]]


@dataclass
class Operation:
    """One documented route."""

    method: str
    path: str
    handler: Handler
    summary: str
    tag: str
    body: dict[str, Any] | None = None
    query: dict[str, dict[str, Any]] = field(default_factory=dict)
    response: dict[str, Any] | None = None
    status: int = 200
    auth: bool = True
    errors: tuple[int, ...] = ()


class Router:
    """Collects a domain's operations; `backend.app` mounts them all."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.operations: list[Operation] = []

    def route(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        body: dict[str, Any] | None = None,
        query: dict[str, dict[str, Any]] | None = None,
        response: dict[str, Any] | None = None,
        status: int = 200,
        auth: bool = True,
        errors: tuple[int, ...] = (),
    ) -> Callable[[Handler], Handler]:
        def register(fn: Handler) -> Handler:
            self.operations.append(
                Operation(method, path, fn, summary, self.tag, body, query or {}, response, status, auth, errors)
            )
            return fn

        return register

    def get(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> Callable[[Handler], Handler]:
        return self.route("POST", path, **kw)
