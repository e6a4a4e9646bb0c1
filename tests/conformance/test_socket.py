"""wx.connectSocket / SocketTask and the legacy socket API against a real WebSocket server (wx-fidelity.md §5)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest_asyncio
from net_servers import API_DOMAIN, NetServer, bundle, until

from mock_wx import Simulator
from mock_wx.rig.page import Page

WSS = f"wss://{API_DOMAIN}/ws"


@pytest_asyncio.fixture
async def ws_server() -> AsyncIterator[NetServer]:
    server = NetServer()
    await server.start()
    yield server
    await server.close()


@asynccontextmanager
async def sock_app(server: NetServer, fidelity: str = "strict") -> AsyncIterator[tuple[Simulator, Page]]:
    sim = Simulator(bundle("sock"), fidelity=fidelity, embedded_backend=False, api_domain=API_DOMAIN)
    async with sim:
        sim.services.route(API_DOMAIN, server.url)
        page = await sim.user().launch("/pages/index/index")
        yield sim, page


def events(page: Page, ev: str | None = None) -> list[dict[str, Any]]:
    return [e for e in page.data["events"] if ev is None or e["ev"] == ev]


async def test_connect_returns_task_and_opens(ws_server: NetServer) -> None:
    """§5: connectSocket returns a SocketTask (never a Promise); success reports creation; onOpen follows."""
    async with sock_app(ws_server) as (_, page):
        out = await page.call("open", WSS)
        assert out == {"isPromise": False, "hasSend": True}
        assert page.data["created"] == [{"errMsg": "connectSocket:ok"}]
        assert events(page, "open") == [{"n": 0, "ev": "open", "hasHeader": True}]


async def test_send_and_server_push(ws_server: NetServer) -> None:
    """§5: send({data}) reaches the server; frames pushed later reach onMessage with no test action running."""
    async with sock_app(ws_server) as (_, page):
        await page.call("open", WSS)
        res = await page.call("send", 0, "hello")
        assert res == {"errMsg": "sendSocketMessage:ok"}
        await until(lambda: ws_server.ws_received == ["hello"])
        await ws_server.push("pushed")
        await until(lambda: events(page, "message"))
        assert events(page, "message") == [{"n": 0, "ev": "message", "data": "pushed"}]


async def test_binary_frames_are_arraybuffers(ws_server: NetServer) -> None:
    """§5: send accepts an ArrayBuffer; binary frames arrive as ArrayBuffer in onMessage."""
    async with sock_app(ws_server) as (_, page):
        await page.call("open", WSS)
        await page.call("sendBytes", 0, [1, 2, 3])
        await until(lambda: ws_server.ws_received == [b"\x01\x02\x03"])
        await ws_server.sockets[0].send_bytes(b"\x09\x08")
        await until(lambda: events(page, "message"))
        assert events(page, "message")[0]["data"] == {"bytes": [9, 8]}


async def test_send_before_open_and_after_close(ws_server: NetServer) -> None:
    """§5: sending before open or after close fails with `sendSocketMessage:fail WebSocket is not connected`."""
    async with sock_app(ws_server) as (_, page):
        early = await page.call("openAndSend", WSS)
        assert early == {"errMsg": "sendSocketMessage:fail WebSocket is not connected"}
        await page.call("close", 0, 1000, "done")
        late = await page.call("send", 0, "x")
        assert late == {"errMsg": "sendSocketMessage:fail WebSocket is not connected"}


async def test_close_code_and_reason(ws_server: NetServer) -> None:
    """§5: close({code, reason}) gives closeSocket:ok; onClose reports {code, reason}."""
    async with sock_app(ws_server) as (_, page):
        await page.call("open", WSS)
        res = await page.call("close", 0, 4000, "leaving room")
        assert res == {"errMsg": "closeSocket:ok"}
        await until(lambda: events(page, "close"))
        assert events(page, "close") == [{"n": 0, "ev": "close", "code": 4000, "reason": "leaving room"}]
        await until(lambda: ws_server.ws_closed)
        assert ws_server.ws_closed[0][0] == 4000


async def test_close_reason_limited_to_123_bytes(ws_server: NetServer) -> None:
    """§5: `reason` is at most 123 UTF-8 bytes (41 CJK characters are 123 bytes, 42 are too many)."""
    async with sock_app(ws_server) as (_, page):
        await page.call("open", WSS)
        bad = await page.call("close", 0, 1000, "中" * 42)
        assert bad["errMsg"].startswith("closeSocket:fail")
        ok = await page.call("close", 0, 1000, "中" * 41)
        assert ok == {"errMsg": "closeSocket:ok"}


async def test_server_close_reaches_on_close(ws_server: NetServer) -> None:
    """§5: a close from the server reaches onClose with its code and reason."""
    async with sock_app(ws_server) as (_, page):
        await page.call("open", WSS)
        await page.call("send", 0, "close-me")
        await until(lambda: events(page, "close"))
        assert events(page, "close") == [{"n": 0, "ev": "close", "code": 4001, "reason": "server says bye"}]


async def test_limit_of_five(ws_server: NetServer) -> None:
    """§5: 5 simultaneous sockets; the 6th fails with `createSocketTask:fail wcwss taskID=N exceed max concurrent count`."""
    async with sock_app(ws_server) as (_, page):
        for _ in range(6):
            await page.call("open", WSS)
        created = page.data["created"]
        assert created[:5] == [{"errMsg": "connectSocket:ok"}] * 5
        assert created[5]["errMsg"] == "createSocketTask:fail wcwss taskID=6 exceed max concurrent count"
        await page.call("close", 0, 1000, "")
        await until(lambda: events(page, "close"))
        await page.call("open", WSS)
        assert page.data["created"][6] == {"errMsg": "connectSocket:ok"}


async def test_handshake_failure_goes_to_on_error(ws_server: NetServer) -> None:
    """§5: a failed connection is reported to onError (then onClose), not to connectSocket's fail."""
    async with sock_app(ws_server) as (_, page):
        await page.call("open", f"wss://{API_DOMAIN}/ws-reject")
        assert page.data["created"] == [{"errMsg": "connectSocket:ok"}]
        [err] = events(page, "error")
        assert "403" in err["errMsg"]
        assert events(page, "close")[0]["code"] == 1006


async def test_handshake_timeout_on_the_virtual_clock(ws_server: NetServer) -> None:
    """§5 `timeout`: a handshake the server never completes fails at the deadline on the simulation's clock:
    onError "connect timeout", then onClose 1006; connectSocket itself only reported creation."""
    async with sock_app(ws_server) as (sim, page):
        sim.services.stall_grace = 0.2
        await page.call("open", f"wss://{API_DOMAIN}/ws-hang", {"timeout": 3000})
        assert page.data["created"] == [{"errMsg": "connectSocket:ok"}]
        assert ws_server.in_flight == 1 and events(page) == []
        await sim.clock.advance(seconds=2.9)
        assert events(page) == []
        await sim.clock.advance(seconds=0.2)
        assert events(page, "error") == [{"n": 0, "ev": "error", "errMsg": "connect timeout"}]
        assert [e["code"] for e in events(page, "close")] == [1006]
        assert (await page.call("send", 0, "late"))["errMsg"] == "sendSocketMessage:fail WebSocket is not connected"


async def test_handshake_default_timeout_is_on_the_clock_too(ws_server: NetServer) -> None:
    """§5: without `timeout` a stalled handshake still ends on the simulation's clock (60 s here), never in real time."""
    async with sock_app(ws_server) as (sim, page):
        sim.services.stall_grace = 0.2
        await page.call("open", f"wss://{API_DOMAIN}/ws-hang")
        await sim.clock.advance(seconds=59)
        assert events(page) == []
        await sim.clock.advance(seconds=2)
        assert [e["ev"] for e in events(page)] == ["error", "close"]


async def test_handshake_within_timeout_opens(ws_server: NetServer) -> None:
    """§5: a handshake that completes before its `timeout` opens normally; the deadline does not fire later."""
    async with sock_app(ws_server) as (sim, page):
        await page.call("open", WSS, {"timeout": 1000})
        await sim.clock.advance(seconds=5)
        assert [e["ev"] for e in events(page)] == ["open"]


async def test_domain_rules_for_sockets(ws_server: NetServer) -> None:
    """§1/§5: only wss:// on a configured domain; ws:// fails in strict with `url not in domain list`."""
    async with sock_app(ws_server) as (_, page):
        await page.call("open", f"ws://{API_DOMAIN}/ws")
        assert page.data["created"] == [{"errMsg": "connectSocket:fail url not in domain list", "errno": 600002}]


async def test_legacy_global_api(ws_server: NetServer) -> None:
    """§5: wx.onSocketOpen/Message/Close, sendSocketMessage and closeSocket act on the current socket."""
    async with sock_app(ws_server) as (_, page):
        none = await page.call("legacySend", "x")
        assert none["errMsg"] == "sendSocketMessage:fail WebSocket is not connected"
        await page.call("legacy", WSS)
        assert events(page, "g-open") == [{"ev": "g-open"}]
        assert await page.call("legacySend", "echo") == {"errMsg": "sendSocketMessage:ok"}
        await until(lambda: events(page, "g-message"))
        assert events(page, "g-message") == [{"ev": "g-message", "data": "echo:echo"}]
        assert await page.call("legacyClose") == {"errMsg": "closeSocket:ok"}
        await until(lambda: events(page, "g-close"))
        assert events(page, "g-close") == [{"ev": "g-close", "code": 1000}]


async def test_idle_does_not_wait_for_open_sockets(ws_server: NetServer) -> None:
    """§5: an open socket is not pending work: idle() returns while it stays open."""
    async with sock_app(ws_server) as (sim, page):
        await page.call("open", WSS)
        await sim.idle()
        assert ws_server.sockets and not ws_server.ws_closed


async def test_socket_closed_when_app_is_killed(ws_server: NetServer) -> None:
    """§5: killing the app process closes its sockets."""
    async with sock_app(ws_server) as (sim, page):
        await page.call("open", WSS)
        sim.all_users[0].close()
        await until(lambda: ws_server.ws_closed)


async def test_frames_are_traced(ws_server: NetServer) -> None:
    """§5: sent and received frames appear in the trace as socket-send / socket-recv."""
    async with sock_app(ws_server) as (sim, page):
        await page.call("open", WSS)
        await page.call("send", 0, "echo")
        await until(lambda: sim.trace.of_kind("socket-recv"))
        assert sim.trace.of_kind("socket-send")[0].data["data"] == "echo"
        assert sim.trace.of_kind("socket-recv")[0].data["data"] == "echo:echo"
