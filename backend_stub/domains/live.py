"""Live rooms: stream status and products over HTTP, comments and events over a WebSocket."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from typing import Any

from aiohttp import WSMsgType, web

from .._http import ApiError, Ctx, Router, dumps
from ..openapi import arr, obj, ref
from .products import product_json

__all__ = ["WEBSOCKET_OPERATION", "WEBSOCKET_PATH", "WEBSOCKET_SCHEMAS", "LiveHub", "router"]

router = Router("live")

WEBSOCKET_PATH = "/api/live-stream/{id}/ws"

_S, _I = {"type": "string"}, {"type": "integer"}


def _msg(kind: str, description: str, required: tuple[str, ...] = (), **props: Any) -> dict[str, Any]:
    return {"type": "object", "description": description, "required": ["type", *required],
            "properties": {"type": {"type": "string", "enum": [kind]}, **props}}


#: Frames of the live-room socket: JSON text, one object each, told apart by `type`.
WEBSOCKET_SCHEMAS: dict[str, dict[str, Any]] = {
    "LiveClientMessage": {"oneOf": [
        _msg("comment", "Post a comment (1-200 characters; 5 per 10 s per user; moderated)", ("comment",),
             comment={"type": "object", "required": ["content"],
                      "properties": {"content": {"type": "string", "minLength": 1, "maxLength": 200}}}),
        _msg("ping", "Keep-alive; answered with pong"),
    ]},
    "LiveServerMessage": {"oneOf": [
        _msg("comment", "A comment, to everyone in the room (userId/username from the sender's session)",
             ("comment",), comment={"type": "object", "required": ["id", "userId", "username", "content", "timestamp"],
                                    "properties": {"id": _S, "userId": _S, "username": _S, "content": _S,
                                                   "timestamp": {"type": "integer", "description": "epoch ms"}}}),
        _msg("viewer_count", "Distinct users in the room: to a joiner at once, to the room at most every 0.5 s",
             ("count",), count=_I),
        _msg("product_highlight", "The anchor highlights a product", ("productId",), productId=_S),
        _msg("stream_start", "The stream went live"),
        _msg("stream_end", "The stream ended (also sent at once, then closed, on joining an ended stream)"),
        _msg("pong", "Answer to ping"),
        _msg("error", "A client message was refused", ("error", "message"),
             error={"type": "string", "enum": ["rate_limited", "moderated", "not_live", "invalid_comment",
                                               "bad_message", "unknown_type"]}, message=_S),
    ]},
}

_ERROR = {"application/json": {"schema": ref("Error")}}

#: The socket route in the OpenAPI document (OpenAPI 3.0 has no WebSocket object: a GET answered 101,
#: with the frames under `x-websocket`).
WEBSOCKET_OPERATION: dict[str, Any] = {
    "summary": "Live room WebSocket: comments, viewer counts, highlights, start and end",
    "description": (
        "An HTTP/1.1 GET with `Upgrade: websocket` (RFC 6455), answered `101 Switching Protocols`. The session "
        "token goes in the query (`?token=`), as `wx.connectSocket` clients send it. Every frame either way is "
        "a JSON text frame, one object with a `type`: the client sends `LiveClientMessage`, the server "
        "`LiveServerMessage` (see `x-websocket`). Refused before the upgrade: 401 without a valid token, 404 for "
        "an unknown stream, 400 for a plain GET without the upgrade headers. The server closes with 1012 "
        "when it restarts; a joiner of an ended stream gets `stream_end` and the socket is closed."),
    "tags": ["live"],
    "operationId": "get_live_stream_id_ws",
    "parameters": [
        {"name": "id", "in": "path", "required": True, "schema": {"type": "string"}},
        {"name": "token", "in": "query", "required": True, "schema": {"type": "string"},
         "description": "the session token from /api/auth/login"},
        {"name": "Upgrade", "in": "header", "required": True, "schema": {"type": "string", "enum": ["websocket"]}},
        {"name": "Connection", "in": "header", "required": True, "schema": {"type": "string", "enum": ["Upgrade"]}},
        {"name": "Sec-WebSocket-Key", "in": "header", "required": True, "schema": {"type": "string"}},
        {"name": "Sec-WebSocket-Version", "in": "header", "required": True,
         "schema": {"type": "string", "enum": ["13"]}},
    ],
    "responses": {
        "101": {"description": "Switching Protocols: the WebSocket is open",
                "headers": {"Upgrade": {"schema": {"type": "string", "enum": ["websocket"]}},
                            "Sec-WebSocket-Accept": {"schema": {"type": "string"}}}},
        "400": {"description": "not a WebSocket upgrade", "content": _ERROR},
        "401": {"description": "no or unknown token", "content": _ERROR},
        "404": {"description": "no such stream", "content": _ERROR},
    },
    "x-websocket": {
        "frames": "text, one JSON object each",
        "clientMessages": ref("LiveClientMessage"),
        "serverMessages": ref("LiveServerMessage"),
        "closeCodes": {"1000": "normal close", "1012": "server restart (reconnect)"},
    },
}


class LiveHub:
    """Sockets per room; viewer counts, per-user comment rate limit and moderation."""

    def __init__(self, backend: Any) -> None:
        self.backend = backend
        self.rooms: dict[str, dict[web.WebSocketResponse, str]] = defaultdict(dict)
        self._recent: dict[tuple[str, str], deque[float]] = defaultdict(deque)
        self._count_sent: dict[str, float] = {}
        self._count_pending: dict[str, tuple[float, asyncio.Handle]] = {}

    def reset(self) -> None:
        """Forget per-user comment history and throttles (test-mode `/__admin/reset`)."""
        self._recent.clear()
        self._count_sent.clear()
        for _, handle in self._count_pending.values():
            handle.cancel()
        self._count_pending.clear()

    def viewers(self, stream_id: str) -> int:
        return len(set(self.rooms.get(stream_id, {}).values()))

    def total_viewers(self) -> int:
        return sum(self.viewers(s) for s in self.rooms)

    async def broadcast(self, stream_id: str, message: dict[str, Any]) -> int:
        text, sent = dumps(message), 0
        for ws in list(self.rooms.get(stream_id, {})):
            if ws.closed:
                continue
            try:
                await ws.send_str(text)
                sent += 1
            except (ConnectionResetError, RuntimeError):
                self.rooms[stream_id].pop(ws, None)
        return sent

    def viewers_changed(self, stream_id: str) -> None:
        """Broadcast the viewer count, at most once per `live_viewer_count_interval` of stub time."""
        # Every join telling every viewer is quadratic: 2,000 viewers joining would mean 4 million
        # frames. Like real live rooms, send the latest count at a bounded rate instead.
        if stream_id in self._count_pending:
            return
        loop, interval = asyncio.get_running_loop(), self.backend.config.live_viewer_count_interval
        due = self._count_sent.get(stream_id, float("-inf")) + interval
        if self.backend.now() >= due:
            handle: asyncio.Handle = loop.call_soon(self._send_count, stream_id)
        else:
            # Sent when the stub's clock reaches `due` (flush_due, from sweep) or, on a clock that
            # does not move by itself, after the same interval of real time.
            handle = loop.call_later(interval, self._send_count, stream_id)
        self._count_pending[stream_id] = (due, handle)

    def flush_due(self, now: float) -> None:
        """Send pending viewer counts whose time has come (the backend's sweep calls this)."""
        for stream_id, (due, handle) in list(self._count_pending.items()):
            if now >= due:
                handle.cancel()
                self._send_count(stream_id)

    def _send_count(self, stream_id: str) -> None:
        self._count_pending.pop(stream_id, None)
        self._count_sent[stream_id] = self.backend.now()
        self.backend.spawn(self.broadcast(stream_id, {"type": "viewer_count", "count": self.viewers(stream_id)}))

    def stream(self, stream_id: str) -> dict[str, Any]:
        row = self.backend.db.one("SELECT * FROM streams WHERE id=?", stream_id)
        if row is None:
            raise ApiError(404, "stream_not_found", f"no live stream {stream_id}")
        return row

    def stream_json(self, row: dict[str, Any]) -> dict[str, Any]:
        return {"id": row["id"], "title": row["title"], "anchorName": row["anchor_name"], "status": row["status"],
                "viewerCount": self.viewers(row["id"]), "coverImage": row["cover_image"]}

    async def set_status(self, stream_id: str, status: str) -> dict[str, Any]:
        self.stream(stream_id)
        col = "started_at" if status == "live" else "ended_at"
        with self.backend.db.tx() as db:
            db.run(f"UPDATE streams SET status=?, {col}=? WHERE id=?", status, self.backend.now(), stream_id)
        sent = await self.broadcast(stream_id, {"type": "stream_start" if status == "live" else "stream_end"})
        return {"stream": self.stream_json(self.stream(stream_id)), "delivered": sent}

    async def highlight(self, stream_id: str, product_id: str) -> dict[str, Any]:
        self.stream(stream_id)
        sent = await self.broadcast(stream_id, {"type": "product_highlight", "productId": product_id})
        return {"delivered": sent}

    def _check_comment(self, stream: dict[str, Any], user_id: str, content: str) -> tuple[str, str] | None:
        cfg, now = self.backend.config, self.backend.now()
        if stream["status"] != "live":
            return "not_live", "comments open when the stream is live"
        if not content or len(content) > 200:
            return "invalid_comment", "a comment has 1 to 200 characters"
        lowered = content.lower()
        if any(word.lower() in lowered for word in cfg.moderation_words):
            return "moderated", "comment blocked by moderation"
        recent = self._recent[(stream["id"], user_id)]
        while recent and recent[0] <= now - cfg.live_comment_window_seconds:
            recent.popleft()
        if len(recent) >= cfg.live_comment_limit:
            return "rate_limited", f"at most {cfg.live_comment_limit} comments per {cfg.live_comment_window_seconds:g}s"
        recent.append(now)
        return None

    async def _comment(self, ws: web.WebSocketResponse, stream_id: str, user: dict[str, Any], data: Any) -> None:
        comment = data.get("comment") if isinstance(data, dict) else None
        content = str(comment.get("content", "")).strip() if isinstance(comment, dict) else ""
        problem = self._check_comment(self.stream(stream_id), user["id"], content)
        if problem:
            await ws.send_str(dumps({"type": "error", "error": problem[0], "message": problem[1]}))
            return
        now = self.backend.now()
        with self.backend.db.tx() as db:
            cid = db.run("INSERT INTO live_comments (stream_id, user_id, content, at) VALUES (?,?,?,?)",
                         stream_id, user["id"], content, now).lastrowid
        # userId/username come from the session, whatever the client put in the message.
        await self.broadcast(stream_id, {"type": "comment", "comment": {
            "id": f"lc{cid}", "userId": user["id"], "username": user["nickname"], "content": content,
            "timestamp": int(now * 1000)}})

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        from ..app import authenticate

        user = authenticate(self.backend, request, query_token=True)
        if user is None:
            raise ApiError(401, "unauthorized", "pass ?token=<session token>")
        stream_id = request.match_info["id"]
        stream = self.stream(stream_id)
        ws = web.WebSocketResponse(heartbeat=None)
        await ws.prepare(request)
        if stream["status"] == "ended":
            await ws.send_str(dumps({"type": "stream_end"}))
            await ws.close()
            return ws
        self.rooms[stream_id][ws] = user["id"]
        await ws.send_str(dumps({"type": "viewer_count", "count": self.viewers(stream_id)}))
        self.viewers_changed(stream_id)
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                try:
                    data = json.loads(msg.data)
                except ValueError:
                    await ws.send_str(dumps({"type": "error", "error": "bad_message", "message": "not JSON"}))
                    continue
                kind = data.get("type") if isinstance(data, dict) else None
                if kind == "comment":
                    await self._comment(ws, stream_id, user, data)
                elif kind == "ping":
                    await ws.send_str(dumps({"type": "pong"}))
                else:
                    await ws.send_str(dumps({"type": "error", "error": "unknown_type", "message": str(kind)}))
        finally:
            self.rooms[stream_id].pop(ws, None)
            if not self.rooms[stream_id]:
                del self.rooms[stream_id]
            else:
                self.viewers_changed(stream_id)
        return ws

    async def disconnect(self, stream_id: str, code: int = 1012, reason: str = "service restart") -> dict[str, Any]:
        """Close every socket of a room, as a server restart would (test mode: dropped-connection paths)."""
        self.stream(stream_id)
        sockets = list(self.rooms.get(stream_id, {}))
        for ws in sockets:
            await ws.close(code=code, message=reason.encode())
        return {"disconnected": len(sockets)}

    async def close(self) -> None:
        for _, handle in self._count_pending.values():
            handle.cancel()
        self._count_pending.clear()
        for room in list(self.rooms.values()):
            for ws in list(room):
                await ws.close()
        self.rooms.clear()


@router.get("/api/live-stream", summary="Live streams",
            response=obj(["streams"], streams=arr(ref("Stream"))))
async def list_streams(ctx: Ctx) -> dict[str, Any]:
    hub: LiveHub = ctx.backend.live
    rows = ctx.db.all("SELECT * FROM streams ORDER BY CASE status WHEN 'live' THEN 0 WHEN 'preview' THEN 1 ELSE 2 END,"
                      " created_at")
    return {"streams": [hub.stream_json(r) for r in rows]}


@router.get("/api/live-stream/{id}", summary="A stream and its products",
            response=obj(["stream", "products"], stream=ref("Stream"), products=arr(ref("Product"))))
async def get_stream(ctx: Ctx) -> dict[str, Any]:
    hub: LiveHub = ctx.backend.live
    stream = hub.stream(ctx.params["id"])
    products = ctx.db.all("SELECT p.* FROM stream_products sp JOIN products p ON p.id = sp.product_id "
                          "WHERE sp.stream_id=? ORDER BY sp.position", stream["id"])
    return {"stream": hub.stream_json(stream), "products": [product_json(p) for p in products]}
