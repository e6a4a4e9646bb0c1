"""Test-mode admin API (`/__admin/`): reset, seed, clock, faults, request journal, live, shipping.

Mounted only when `BackendConfig.test_mode` is true, so production-like runs answer 404 here.
"""

from __future__ import annotations

import asyncio
import fnmatch
import inspect
import json
import random
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from ._http import ApiError, Ctx, Router, json_response
from .openapi import B, I, N, S, obj

__all__ = ["DroppedConnection", "Fault", "FaultTable", "fault_middleware", "journal_middleware", "router"]

router = Router("admin")


@dataclass
class Fault:
    """One injected failure; `count` (if set) is how many more requests it hits."""

    path: str
    method: str | None = None
    status: int | None = None
    delayMs: int = 0
    drop: bool = False
    malformed: bool = False
    probability: float = 1.0
    count: int | None = None
    hits: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method.upper() != method:
            return False
        return path == self.path or fnmatch.fnmatchcase(path, self.path)


class FaultTable:
    """The active faults; the first matching one that fires applies."""

    def __init__(self, seed: int = 0) -> None:
        self.faults: list[Fault] = []
        self.rng = random.Random(seed)

    def pick(self, method: str, path: str) -> Fault | None:
        for fault in self.faults:
            if fault.count is not None and fault.count <= 0:
                continue
            if fault.matches(method, path) and self.rng.random() < fault.probability:
                if fault.count is not None:
                    fault.count -= 1
                fault.hits += 1
                return fault
        return None


class DroppedConnection(asyncio.CancelledError):
    """Raised after an injected drop; aiohttp then abandons the request without logging an error."""


@web.middleware
async def fault_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    from .app import BACKEND

    backend = request.app[BACKEND]
    if not backend.faults.faults or request.path.startswith("/__admin"):
        return await handler(request)
    fault = backend.faults.pick(request.method, request.path)
    if fault is None:
        return await handler(request)
    if fault.delayMs:
        await asyncio.sleep(fault.delayMs / 1000)
    if fault.drop:
        # Cut the connection in the middle of an answer: a disconnect before any byte would be retried
        # silently by HTTP clients such as aiohttp (idempotent requests), hiding the fault.
        response = web.StreamResponse(status=200, headers={"Content-Type": "application/json",
                                                           "Content-Length": "4096"})
        await response.prepare(request)
        await response.write(b'{"')
        if request.transport is not None:
            request.transport.abort()
        raise DroppedConnection("fault injection: connection dropped")
    if fault.status:
        return json_response({"error": "injected_fault", "message": f"fault injected on {request.path}"},
                             fault.status)
    response = await handler(request)
    if fault.malformed:
        return web.Response(text='{"malformed": tru', status=response.status, content_type="application/json")
    return response


def _body_of(raw: Any) -> Any:
    if not raw or not isinstance(raw, bytes | bytearray | str):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode(errors="replace")[:2000] if isinstance(raw, bytes) else raw[:2000]


@web.middleware
async def journal_middleware(request: web.Request, handler: Any) -> web.StreamResponse:
    from .app import BACKEND, USER_ID

    backend = request.app[BACKEND]
    if not backend.config.test_mode or request.path.startswith("/__admin"):
        return await handler(request)
    at = backend.now()
    raw = await request.read() if request.body_exists else b""
    entry = {"method": request.method, "path": request.path, "query": dict(request.query), "requestBody": raw,
             "at": at}
    try:
        response = await handler(request)
    except DroppedConnection:
        backend.journal.append({**entry, "status": 499, "responseBody": None, "userId": request.get(USER_ID)})
        raise
    if isinstance(response, web.Response):
        # Bodies stay raw bytes until someone reads the journal: parsing every response costs ~20 %.
        backend.journal.append({**entry, "status": response.status, "responseBody": response.body,
                                "userId": request.get(USER_ID)})
    return response


# -- routes -------------------------------------------------------------------------------------

@router.post("/__admin/reset", summary="Empty every table", auth=False)
async def reset(ctx: Ctx) -> dict[str, Any]:
    ctx.db.reset()
    ctx.backend.live.reset()
    ctx.backend.journal.clear()
    ctx.backend.faults.faults.clear()
    ctx.backend.merchant_openids = set(ctx.backend.config.merchant_openids)
    return {"ok": True}


@router.post("/__admin/merchants", summary="Make a user one of the merchant's staff (shop-wide reports)",
             auth=False, body=obj([], userId={"type": "string"}, openid={"type": "string"}))
async def add_merchant(ctx: Ctx) -> dict[str, Any]:
    openid = ctx.body.get("openid")
    if not openid and ctx.body.get("userId"):
        row = ctx.db.one("SELECT openid FROM users WHERE id=?", ctx.body["userId"])
        if row is None:
            raise ApiError(404, "not_found", "no such user")
        openid = row["openid"]
    if not openid:
        raise ApiError(400, "invalid_request", "give userId or openid")
    ctx.backend.merchant_openids.add(str(openid))
    return {"ok": True, "openid": openid}


@router.post("/__admin/seed", summary="Fill the shop with Faker data", auth=False,
             body=obj(seed=I, products=I, users=I, posts=I, streams=I))
async def seed_data(ctx: Ctx) -> dict[str, Any]:
    from .seed import seed

    b = ctx.body
    return seed(ctx.backend, seed=b.get("seed", 42), products=b.get("products", 20), users=b.get("users", 10),
                posts=b.get("posts", 30), streams=b.get("streams", 3))


@router.get("/__admin/clock", summary="The stub's now", auth=False)
async def get_clock(ctx: Ctx) -> dict[str, Any]:
    return {"now": ctx.now}


async def _clock_call(ctx: Ctx, name: str, value: float) -> None:
    clock = ctx.backend.config.clock
    # A bound `VirtualClock.time` is a common clock: drive its owner.
    fn = getattr(clock, name, None) or getattr(getattr(clock, "__self__", None), name, None)
    if fn is None:
        raise ApiError(409, "clock_external", f"the configured clock has no {name}()")
    result = fn(value)
    if inspect.isawaitable(result):
        await result


@router.post("/__admin/clock", summary="Set the stub's now", auth=False, body=obj(["now"], now=N))
async def set_clock(ctx: Ctx) -> dict[str, Any]:
    await _clock_call(ctx, "set", float(ctx.body["now"]))
    return {"now": ctx.now, "sweep": await ctx.backend.sweep()}


@router.post("/__admin/clock/advance", summary="Move the stub's now forward", auth=False,
             body=obj(["seconds"], seconds={"type": "number", "minimum": 0}))
async def advance_clock(ctx: Ctx) -> dict[str, Any]:
    await _clock_call(ctx, "advance", float(ctx.body["seconds"]))
    return {"now": ctx.now, "sweep": await ctx.backend.sweep()}


@router.post("/__admin/sweep", summary="Apply due time-based rules", auth=False)
async def sweep(ctx: Ctx) -> dict[str, Any]:
    return await ctx.backend.sweep()


_FAULT = obj(["path"], path=S, method=S, status={"type": "integer", "minimum": 100, "maximum": 599},
             delayMs={"type": "integer", "minimum": 0, "maximum": 60000}, drop=B, malformed=B,
             probability={"type": "number", "minimum": 0, "maximum": 1}, count={"type": "integer", "minimum": 1})


def _faults(ctx: Ctx) -> dict[str, Any]:
    return {"faults": [asdict(f) for f in ctx.backend.faults.faults]}


@router.post("/__admin/faults", summary="Inject a fault", auth=False, body=_FAULT)
async def add_fault(ctx: Ctx) -> dict[str, Any]:
    fields = {k: v for k, v in ctx.body.items() if k in Fault.__dataclass_fields__ and k != "hits"}
    ctx.backend.faults.faults.append(Fault(**fields))
    return _faults(ctx)


@router.get("/__admin/faults", summary="List faults", auth=False)
async def list_faults(ctx: Ctx) -> dict[str, Any]:
    return _faults(ctx)


@router.route("DELETE", "/__admin/faults", summary="Clear faults", auth=False)
async def clear_faults(ctx: Ctx) -> dict[str, Any]:
    ctx.backend.faults.faults.clear()
    return _faults(ctx)


@router.get("/__admin/journal", summary="Recorded requests", auth=False,
            query={"path": S, "method": S, "userId": S, "status": I, "limit": {"type": "integer", "minimum": 1}})
async def journal(ctx: Ctx) -> dict[str, Any]:
    q = ctx.query
    entries = [e for e in ctx.backend.journal
               if (not q.get("path") or e["path"] == q["path"] or fnmatch.fnmatchcase(e["path"], q["path"]))
               and (not q.get("method") or e["method"] == str(q["method"]).upper())
               and (not q.get("userId") or e["userId"] == q["userId"])
               and (not q.get("status") or e["status"] == q["status"])]
    if q.get("limit"):
        entries = entries[-int(q["limit"]):]
    return {"entries": [{**e, "requestBody": _body_of(e["requestBody"]), "responseBody": _body_of(e["responseBody"])}
                        for e in entries]}


@router.route("DELETE", "/__admin/journal", summary="Forget recorded requests", auth=False)
async def clear_journal(ctx: Ctx) -> dict[str, Any]:
    ctx.backend.journal.clear()
    return {"entries": []}


@router.post("/__admin/live/{id}/start", summary="Go live", auth=False)
async def live_start(ctx: Ctx) -> dict[str, Any]:
    return await ctx.backend.live.set_status(ctx.params["id"], "live")


@router.post("/__admin/live/{id}/end", summary="End the stream", auth=False)
async def live_end(ctx: Ctx) -> dict[str, Any]:
    return await ctx.backend.live.set_status(ctx.params["id"], "ended")


@router.post("/__admin/live/{id}/disconnect", summary="Drop every socket of the room (code 1012)", auth=False)
async def live_disconnect(ctx: Ctx) -> dict[str, Any]:
    return await ctx.backend.live.disconnect(ctx.params["id"])


@router.post("/__admin/live/{id}/highlight", summary="Highlight a product", auth=False,
             body=obj(["productId"], productId=S))
async def live_highlight(ctx: Ctx) -> dict[str, Any]:
    return await ctx.backend.live.highlight(ctx.params["id"], ctx.body["productId"])


@router.post("/__admin/orders/{id}/ship", summary="Ship a paid order", auth=False)
async def ship(ctx: Ctx) -> dict[str, Any]:
    from .domains.orders import ship_order

    return ship_order(ctx.backend, ctx.params["id"])
