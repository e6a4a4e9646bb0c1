"""`wxsim open`'s server without a browser: actions posted over real HTTP (127.0.0.1, ephemeral port) to the
sample app with the embedded backend, the journey they record, and that journey replayed by the runner."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from mock_wx.rig.cli import main
from mock_wx.rig.journeys import discover, run_journey
from mock_wx.rig.open_app import OpenApp
from mock_wx.rig.simulator import Simulator

FEED = "/pages/social-feed/social-feed"


@pytest.fixture
async def served(tmp_path: Path) -> AsyncIterator[tuple[OpenApp, str]]:
    app = OpenApp(Simulator(fail_on_js_errors=True), ["alice", "bob"], tmp_path / "journey.py")
    url = await app.start(0)
    try:
        yield app, url
    finally:
        await app.close()


async def _act(url: str, **body: Any) -> dict[str, Any]:
    async with aiohttp.ClientSession() as s, s.post(url + "api/action", json=body) as resp:
        assert resp.status == 200
        return dict(await resp.json())


def _nid(app: OpenApp, user: str, tag: str, text: str) -> int:
    """The node a person would click: the innermost `tag` whose text contains `text` on the user's page
    (the first of those, in document order)."""
    page = app.sim.user(user).current_page
    tree = page._view_tree()
    found = [n.nid for n in tree.info.values() if n.tag == tag and text in tree.text(n.nid)]
    return min(found, key=lambda nid: len(tree.text(nid)))


def _body(app: OpenApp) -> list[str]:
    source = app.recorder.path.read_text(encoding="utf-8")
    return [line.strip() for line in source.split("async def recorded(sim, alice, bob):")[1].splitlines()
            if line.strip()]


async def test_typing_answers_clock_and_back_are_recorded_and_replay(served: tuple[OpenApp, str]) -> None:
    app, url = served
    assert (await _act(url, kind="launch", user="alice", path="pages/social-feed/social-feed"))["ok"]
    assert app.sim.user("alice").current_page.route == "pages/social-feed/social-feed"
    # A click on the 评论 words of the first post taps its action (the element with the handler).
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "view", "评论"))
    page = app.sim.user("alice").current_page
    assert page.route == "pages/social-feed/comments"
    # Clicking an input asks for text instead of tapping; the text then goes in through `input`.
    asked = await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "input", ""))
    assert asked["input"]["user"] == "alice" and asked["input"]["element"].startswith("input")
    assert (await _act(url, kind="input", user="alice", nid=asked["input"]["nid"], text="质量很好"))["ok"]
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "发送"))
    assert page.get_element(".comment .text").text == "质量很好"
    await _act(url, kind="answer", user="bob", dialog="payment", answer="cancel")
    await _act(url, kind="answer", user="bob", dialog="modal", answer="cancel")
    t0 = app.sim.clock.time()
    await _act(url, kind="clock", seconds=90)
    assert app.sim.clock.time() == pytest.approx(t0 + 90)
    await _act(url, kind="back", user="alice")
    assert app.sim.user("alice").current_page.route == "pages/social-feed/social-feed"
    await _act(url, kind="tab", user="alice", nid=app.sim.bundle.tab_pages.index("pages/order/list"))
    assert app.sim.user("alice").current_page.route == "pages/order/list"

    body = _body(app)
    assert body[:4] == ["await sim.backend.seed(42)", "await alice.launch()", "await bob.launch()",
                        'await alice.launch("/pages/social-feed/social-feed")']
    assert body[4].startswith("await alice.current_page.get_element(") and body[4].endswith(".tap()")
    assert body[5:] == [
        'await alice.current_page.get_element("input").input("质量很好")',
        'await alice.current_page.get_element("button", text_contains="发送").tap()',
        'bob.payments.next("cancel")',
        'bob.dialogs.next("modal", "cancel")',
        "await sim.clock.advance(seconds=90)",
        "await sim.idle()",
        "await alice.back()",
        'await alice.tap_tab("/pages/order/list")',
    ]

    [j] = discover([app.recorder.path])
    assert (j.id, j.users) == ("recorded/recorded", ["alice", "bob"])
    replay = Simulator(fail_on_js_errors=True)
    result = await run_journey(j, lambda: replay, keep_trace=True)
    assert result.ok, result.detail
    # The replayed comment reached the backend, as the live one did.
    inputs = [e.data for e in result.trace.of_kind("action", "alice") if e.data.get("action") == "input"]
    assert [e["value"] for e in inputs] == ["质量很好"]


async def test_refused_actions_show_a_message_and_are_not_recorded(served: tuple[OpenApp, str]) -> None:
    app, url = served
    before = _body(app)
    for body, message in [
        ({"kind": "tap", "user": "carol", "nid": 1}, "no user 'carol'"),
        ({"kind": "answer", "user": "alice", "dialog": "payment", "answer": "maybe"}, "cannot answer"),
        ({"kind": "share", "user": "alice", "to": "alice"}, "share to someone else"),
        ({"kind": "share", "user": "alice", "to": "bob", "chat": "timeline"}, "chat is single or group"),
        ({"kind": "clock", "seconds": -5}, "positive number of seconds"),
        ({"kind": "dance", "user": "alice"}, "unknown action 'dance'"),
        ({"kind": "tab", "user": "alice", "nid": 99}, "no tab bar item 99"),
        ({"kind": "tap", "user": "alice", "nid": 10**9}, "no such element on the page"),
        ({"kind": "input", "user": "alice", "nid": 10**9, "text": "x"}, "that input is gone"),
    ]:
        out = await _act(url, **body)
        assert not out["ok"] and message in out["message"], (body, out)
        assert "\n" not in out["message"]
    assert _body(app) == before
    async with aiohttp.ClientSession() as s, s.get(url + "api/state") as resp:
        state = await resp.json()
    assert state["message"] and [u["name"] for u in state["users"]] == ["alice", "bob"]


async def test_each_phone_is_its_screen_html_with_node_ids(served: tuple[OpenApp, str]) -> None:
    _, url = served
    async with aiohttp.ClientSession() as s:
        async with s.get(url + "phone/alice") as resp:
            doc = await resp.text()
        async with s.get(url + "phone/mallory") as missing:
            assert missing.status == 404
    assert "<wx-product-card" in doc and 'data-nid="' in doc and "parent.wxsimAct" in doc
    assert 'id="wxsim-tabbar"' in doc  # its items are clicked by index


@pytest.mark.parametrize("argv, message", [
    (["open", "--users", "Alice"], "'Alice' is not a usable name"),
    (["open", "--users", "alice,alice"], "names a user twice"),
    (["open", "--users", "sim"], "'sim' is not a usable name"),
    (["open", "--platform", "http://127.0.0.1:9"], "--platform goes with --backend"),
    (["open", "--backend", "ftp://x"], "--backend must be a URL"),
])
def test_open_usage_errors_are_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_record_into_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["open", "--record", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err
