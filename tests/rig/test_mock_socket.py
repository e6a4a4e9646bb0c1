"""`user.mock_socket`: a scripted server answers wx.connectSocket (wx-fidelity.md §5) for a page whose real
socket server is out of reach; the page's SocketTask callbacks run as with a real server."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from mock_wx import Simulator
from mock_wx.rig.socket_mock import SocketClose
from mock_wx.runtime import AppBundle

APP = Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "live_socket"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(AppBundle.load(APP), embedded_backend=False) as s:
        yield s


def chat_server(message: str | bytes) -> list[object] | None:
    """Echo chat lines to the room; `kick` closes with an application code."""
    msg = json.loads(message)
    if msg["op"] == "chat" and msg["text"] == "kick":
        return [SocketClose(4001, "kicked")]
    if msg["op"] == "chat":
        return [{"op": "chat", "text": msg["text"]}]
    return None


async def test_on_open_frames_replies_and_app_close(sim: Simulator) -> None:
    """§5: onOpen, then the frames the server sends on open, then replies to what the page sends; the page's own
    close({code, reason}) reaches onClose with its code and reason. Nothing goes to the network."""
    alice = sim.user()
    server = alice.mock_socket("wss://live.example.com/rooms/*", on_open=[{"op": "viewers", "count": 41}],
                               replies={'{"op":"join","room":"7"}': {"op": "viewers", "count": 42}})
    page = await alice.launch("/pages/room/room?id=7")
    assert page.data["state"] == "open" and page.data["viewers"] == 42
    assert page.data["events"] == ["open", "message:viewers", "message:viewers"]
    assert server.received == ['{"op":"join","room":"7"}'] and server.used == 1
    assert server.last.headers["Referer"].startswith("https://servicewechat.com/")
    await page.call("leave")
    assert page.data["closed"] == {"code": 1000, "reason": "bye"} and server.last.closed == (1000, "bye")


async def test_fn_replies_push_and_server_close_code(sim: Simulator) -> None:
    """§5: a reply function answers each message; the test pushes frames as the server; a server-side close
    code reaches onClose, after which send fails with `sendSocketMessage:fail WebSocket is not connected`."""
    bob = sim.user()
    server = bob.mock_socket("/rooms/*", fn=chat_server)
    page = await bob.launch("/pages/room/room?id=9")
    await page.call("say", "hello")
    assert page.data["messages"] == ["hello"] and page.data["sendResult"] == "sendSocketMessage:ok"
    server.push({"op": "chat", "text": "from the host"}, b"\x01\x02")
    await bob.idle()
    assert page.data["messages"] == ["hello", "from the host"] and page.data["events"][-1] == "message:bytes"
    await page.call("say", "kick")
    assert page.data["state"] == "closed" and page.data["closed"] == {"code": 4001, "reason": "kicked"}
    await page.call("say", "anyone?")
    assert page.data["sendResult"] == "sendSocketMessage:fail WebSocket is not connected"


async def test_close_after_open_and_refused_handshake(sim: Simulator) -> None:
    """§5: `close=(code, reason)` closes right after the on_open frames; `refuse=503` fails the handshake:
    onError with the handshake status, then onClose 1006. Mocks are per user."""
    carol, dave = sim.users(2)
    carol.mock_socket("wss://live.example.com/*", on_open=[{"op": "viewers", "count": 0}], close=(4000, "room ended"))
    dave.mock_socket("wss://live.example.com/*", refuse=503)
    page = await carol.launch("/pages/room/room?id=1")
    assert page.data["events"] == ["open", "message:viewers", "close"]
    assert page.data["closed"] == {"code": 4000, "reason": "room ended"}
    page = await dave.launch("/pages/room/room?id=1")
    assert page.data["events"] == ["error:Error during WebSocket handshake: Unexpected response code: 503", "close"]
    assert page.data["closed"]["code"] == 1006


async def test_once_then_the_network_answers_again(sim: Simulator) -> None:
    """A `once` script answers one connectSocket; the next one goes to the real client, which refuses the
    unconfigured wss domain (`connectSocket:fail url not in domain list`, §5): the page never opens."""
    erin = sim.user()
    server = erin.mock_socket("wss://live.example.com/*", once=True)
    page = await erin.launch("/pages/room/room?id=3")
    assert page.data["state"] == "open" and server.used == 1
    page = await erin.launch("/pages/room/room?id=3")
    assert page.data["state"] == "connecting" and page.data["events"] == [] and server.used == 1
