"""`sim.backend`: the test's own line to the backend (JSON in, JSON out), plus the test-mode admin API."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING, Any

import aiohttp

from ..errors import WxError

if TYPE_CHECKING:
    from .user import VirtualUser

__all__ = ["BackendClient", "BackendError"]


class BackendError(WxError):
    """The backend answered with an error status; `status` and `body` say which."""

    def __init__(self, method: str, path: str, status: int, body: Any) -> None:
        super().__init__(f"{method} {path} -> {status}: {json.dumps(body, ensure_ascii=False)[:300]}")
        self.status = status
        self.body = body


class BackendClient:
    """Calls the backend the simulation talks to; `as_user=` acts with that user's session token."""

    def __init__(self, services: Any) -> None:
        self._services = services

    @property
    def url(self) -> str:
        url = self._services.backend_url
        if not url:
            raise WxError("this simulation has no backend (start it, or pass backend_url=)")
        return str(url).rstrip("/")

    async def request(self, method: str, path: str, *, json_body: Any = None, params: dict[str, Any] | None = None,
                      as_user: VirtualUser | None = None, expect_ok: bool = True) -> Any:
        headers = {}
        admin_token = os.environ.get("WXSIM_ADMIN_TOKEN")
        if admin_token and path.startswith("/__admin"):  # a backend started with --admin-token
            headers["X-Admin-Token"] = admin_token
        if as_user is not None:
            token = as_user.storage.get("token")
            if token:
                headers["Authorization"] = f"Bearer {json.loads(token)}"
        session = self._services.http
        own = session is None
        if own:
            session = aiohttp.ClientSession()
        try:
            async with session.request(method, self.url + path, json=json_body, params=params, headers=headers) as resp:
                text = await resp.text()
                body: Any = json.loads(text) if text else None
                if expect_ok and resp.status >= 400:
                    raise BackendError(method, path, resp.status, body)
                return body
        finally:
            if own:
                await session.close()

    async def get(self, path: str, **kw: Any) -> Any:
        return await self.request("GET", path, **kw)

    async def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return await self.request("POST", path, json_body=body if body is not None else {}, **kw)

    async def delete(self, path: str, **kw: Any) -> Any:
        return await self.request("DELETE", path, **kw)

    # -- test-mode admin -------------------------------------------------------------------------------
    async def reset(self) -> Any:
        return await self.post("/__admin/reset")

    async def seed(self, seed: int = 42, **counts: int) -> Any:
        return await self.post("/__admin/seed", {"seed": seed, **counts})

    async def fault(self, path: str, **spec: Any) -> Any:
        """Inject a fault on a route: status=, delayMs=, drop=, malformed=, probability=, count=."""
        return await self.post("/__admin/faults", {"path": path, **spec})

    async def clear_faults(self) -> Any:
        return await self.delete("/__admin/faults")

    async def journal(self, path: str | None = None, method: str | None = None, limit: int = 500) -> list[Any]:
        params: dict[str, Any] = {"limit": limit}
        if path:
            params["path"] = path
        if method:
            params["method"] = method
        body = await self.get("/__admin/journal", params=params)
        return list(body.get("entries", [])) if isinstance(body, dict) else []
