"""`wxsim open`'s server without a browser: actions posted over real HTTP (127.0.0.1, ephemeral port) to the
sample app with the embedded backend, the journey they record, and that journey replayed by the runner."""

from __future__ import annotations

import json
import socket
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
        ({"kind": "scroll", "user": "alice", "nid": 10**9, "top": 5}, "that scroll-view is gone"),
        ({"kind": "scroll", "user": "alice", "top": "down"}, "a scroll gives top, left"),
        ({"kind": "scroll", "user": "alice", "top": -3}, "a scroll gives top, left"),
        ({"kind": "dialog", "user": "alice", "answer": "confirm"}, "no dialog on alice's screen"),
        ({"kind": "fidelity", "fidelity": "loose"}, "fidelity is strict or lenient"),
    ]:
        out = await _act(url, **body)
        assert not out["ok"] and message in out["message"], (body, out)
        assert "\n" not in out["message"]
    assert _body(app) == before
    async with aiohttp.ClientSession() as s, s.get(url + "api/state") as resp:
        state = await resp.json()
    assert state["message"] and [u["name"] for u in state["users"]] == ["alice", "bob"]
    # The trace beside the phones: virtual offsets stand still between clock moves, wall offsets do not.
    walls = [e["w"] for e in state["trace"]]
    assert state["trace"] and all(e["t"] == 0 for e in state["trace"]) and walls == sorted(walls) and walls[-1] > 0


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
    (["open", "--users", ","], "--users needs at least one name"),
    (["open", "--app", "/no/such/app"], "mini program folder not found: /no/such/app"),
])
def test_open_usage_errors_are_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_record_into_a_folder_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["open", "--record", str(tmp_path)]) == 2
    assert "is a folder" in capsys.readouterr().err


# ---------------------------------------------------------------------- scrolling, dialogs, fidelity
SESSION_APP = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "open_session"


@pytest.fixture
async def session(tmp_path: Path) -> AsyncIterator[tuple[OpenApp, str]]:
    """The open_session fixture app (strict), alice alone, no shop seeded."""
    app = OpenApp(Simulator(SESSION_APP, fail_on_js_errors=True), ["alice"], tmp_path / "journey.py", seed_shop=False)
    url = await app.start(0)
    try:
        yield app, url
    finally:
        await app.close()


def _lines(app: OpenApp) -> list[str]:
    return [line.strip() for line in app.recorder.source().split("):\n", 1)[1].splitlines() if line.strip()]


def _scroll(nid: int | None, top: float, height: float, client: float = 500) -> dict[str, Any]:
    return {"kind": "scroll", "user": "alice", "nid": nid, "top": top, "left": 0, "height": height, "width": 375,
            "client_height": client, "client_width": 375}


async def _replayed(app: OpenApp, fidelity: str = "strict") -> dict[str, Any]:
    """The recorded journey run as `wxsim run` runs it (its own simulation, in `fidelity`): alice's page data
    at the end."""
    [j] = discover([app.recorder.path])
    async with Simulator(SESSION_APP, fidelity=fidelity, fail_on_js_errors=True) as replay:
        await j.fn(replay, *(replay.user(name) for name in j.users))
        return replay.user("alice").current_page.data


async def test_page_scrolls_fire_on_page_scroll_and_reach_bottom_once_per_entry(
        session: tuple[OpenApp, str]) -> None:
    """wx-fidelity.md §6: onReachBottom once per entry into onReachBottomDistance (80 in this app.json)."""
    app, url = session
    assert (await _act(url, **_scroll(None, 100, 1500)))["ok"]
    page = app.sim.user("alice").current_page
    assert page.data["scrolls"] == [100] and page.data["bottoms"] == 0  # 100 + 500 < 1500 - 80
    await _act(url, **_scroll(None, 930, 1500))  # 1430 >= 1420: entered the zone
    assert page.data["bottoms"] == 1 and len(page.data["items"]) == 40
    await _act(url, **_scroll(None, 950, 1500))  # still in the zone: no second onReachBottom
    assert page.data["bottoms"] == 1
    # The page grew (more rows): the old position is far from the new bottom, reaching it is a new entry.
    await _act(url, **_scroll(None, 2200, 2700))
    assert page.data["bottoms"] == 2 and page.data["scrolls"] == [100, 930, 950, 2200]
    assert _lines(app)[1:] == [
        "await alice.current_page.scroll(100)",
        "await alice.current_page.scroll(930)", "await alice.current_page.reach_bottom()",
        "await alice.current_page.scroll(950)",
        "await alice.current_page.scroll(2200)", "await alice.current_page.reach_bottom()",
    ]
    assert (await _replayed(app))["bottoms"] == 2


async def test_scroll_view_scrolls_fire_scroll_and_scrolltolower_at_its_lower_threshold(
        session: tuple[OpenApp, str]) -> None:
    app, url = session
    page = app.sim.user("alice").current_page
    nid = page.get_element("scroll-view").nid
    await _act(url, **_scroll(nid, 60, 400, client=200))  # 260 < 400 - 50
    assert page.data["sideScrolls"] == [60] and page.data["sideBottoms"] == 0
    await _act(url, **_scroll(nid, 160, 400, client=200))  # 360 >= 350: scrolltolower
    assert page.data["sideScrolls"] == [60, 160] and page.data["sideBottoms"] == 1
    assert len(page.data["side"]) == 16
    assert _lines(app)[1:] == [
        'await alice.current_page.get_element("scroll-view").scroll_to(60)',
        'await alice.current_page.get_element("scroll-view").scroll_to(160, to_lower=True)',
    ]
    # The phone puts the scroll-view and the page back where the person left them after a redraw.
    async with aiohttp.ClientSession() as s, s.get(url + "phone/alice") as resp:
        doc = await resp.text()
    assert f'"{nid}": [160.0, 0.0]' in doc
    assert (await _replayed(app))["sideBottoms"] == 1


async def test_a_scroll_nothing_listens_to_changes_nothing(served: tuple[OpenApp, str]) -> None:
    """The sample home page has onReachBottom but no onPageScroll: a scroll far from the bottom is not a step."""
    app, url = served
    before, version = _body(app), app.version
    out = await _act(url, **{**_scroll(None, 50, 3000), "user": "alice"})
    assert out["ok"] and app.version == version and _body(app) == before


async def test_a_dialog_drawn_on_the_phone_answered_otherwise_replays_the_session(
        session: tuple[OpenApp, str]) -> None:
    app, url = session
    tap = 'await alice.current_page.get_element("button", text_contains="删除").tap()'
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "删除"))
    assert app.sim.user("alice").current_page.data["removed"] == "yes"  # the standing answer: confirm
    async with aiohttp.ClientSession() as s:
        async with s.get(url + "api/state") as resp:
            assert (await resp.json())["users"][0]["dialog"] == "modal"
        async with s.get(url + "phone/alice") as resp:
            doc = await resp.text()
    assert 'class="wxsim-dialog"' in doc and "确定删除吗？" in doc and "answered “confirm” when shown" in doc
    assert '".wxsim-dialog .ft > div", 0, "cancel"' in doc  # the left button answers cancel

    old_sim = app.sim
    assert (await _act(url, kind="dialog", user="alice", answer="cancel"))["ok"]
    assert app.sim is not old_sim, "another answer replays the session"
    assert app.sim.user("alice").current_page.data["removed"] == "no"
    assert _lines(app) == ["await alice.launch()", 'alice.dialogs.next("modal", "cancel")', tap]
    async with aiohttp.ClientSession() as s, s.get(url + "api/state") as resp:
        assert (await resp.json())["users"][0]["dialog"] is None

    # The answer it already got: said in the journey, no replay.
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "删除"))
    same_sim = app.sim
    assert (await _act(url, kind="dialog", user="alice", answer="confirm"))["ok"]
    assert app.sim is same_sim and app.sim.user("alice").current_page.data["removed"] == "yes"
    assert _lines(app)[3:] == ['alice.dialogs.next("modal", "confirm")', tap]
    out = await _act(url, kind="dialog", user="alice", answer="confirm")
    assert not out["ok"] and "no dialog on alice's screen" in out["message"]
    assert (await _replayed(app))["removed"] == "yes"


async def test_switching_fidelity_replays_the_session_in_the_other_mode(session: tuple[OpenApp, str]) -> None:
    app, url = session
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "删除"))
    await _act(url, kind="dialog", user="alice", answer="confirm")
    assert (await _act(url, kind="fidelity", fidelity="lenient"))["ok"]
    assert app.fidelity == app.sim.fidelity == "lenient"
    assert app.sim.user("alice").current_page.data["removed"] == "yes"
    assert '@journey(area="recorded", fidelity=("lenient",))' in app.recorder.path.read_text(encoding="utf-8")
    # Lenient lets a tap on a handler the page lacks through (a finding); strict would refuse that step, so
    # switching back is refused and the session stays lenient.
    assert (await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "拼写错误")))["ok"]
    out = await _act(url, kind="fidelity", fidelity="strict")
    assert not out["ok"] and "replayed in strict mode fails: StrictModeError" in out["message"]
    assert app.fidelity == "lenient" and "\n" not in out["message"]
    async with aiohttp.ClientSession() as s, s.get(url + "api/state") as resp:
        assert (await resp.json())["fidelity"] == "lenient"
    [j] = discover([app.recorder.path])
    assert j.fidelity == ("lenient",)
    assert (await _replayed(app, "lenient"))["removed"] == "yes"


def test_wxsim_run_replays_a_journey_in_the_mode_it_declares(tmp_path: Path) -> None:
    """A journey recorded in lenient mode runs lenient by default and is skipped under --fidelity strict."""
    journey_file = tmp_path / "lenient_journey.py"
    journey_file.write_text(
        "from mock_wx.rig.journeys import journey\n\n\n"
        '@journey(area="recorded", fidelity=("lenient",))\n'
        "async def recorded(sim, alice):\n"
        "    await alice.launch()\n"
        '    await alice.current_page.get_element("button", text_contains="拼写错误").tap()\n', encoding="utf-8")
    for extra, outcome in [([], (True, None)), (["--fidelity", "strict"], (True, "declares fidelity lenient only"))]:
        out = tmp_path / ("strict" if extra else "default")
        out.mkdir()
        argv = ["run", str(journey_file), "--app", str(SESSION_APP), "--screenshots", "off",
                "--report", str(out / "r.html"), "--json", str(out / "r.json"), *extra]
        assert main(argv) == 0
        [r] = json.loads((out / "r.json").read_text(encoding="utf-8"))
        assert (r["ok"], (r["skipped"] or None) and r["skipped"][:30]) == outcome
        if not extra:  # it ran, in lenient: the missing handler is a finding, not a StrictModeError
            assert [f["kind"] for f in r["findings"]] == ["missing-handler"]


def test_open_on_a_taken_port_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["open", "--port", str(port), "--record", str(tmp_path / "j.py"), "--users", "alice"]) == 2
    err = capsys.readouterr().err
    assert f"port {port} on 127.0.0.1 is already in use" in err and err.count("\n") == 1


async def test_a_permission_prompt_is_drawn_and_denied_on_the_phone(session: tuple[OpenApp, str]) -> None:
    app, url = session
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "相册"))
    assert app.sim.user("alice").current_page.data["album"] == "allowed"  # the standing answer: allow
    async with aiohttp.ClientSession() as s, s.get(url + "phone/alice") as resp:
        doc = await resp.text()
    assert 'class="wxsim-auth"' in doc and "保存图片或视频到你的相册" in doc
    assert '".wxsim-auth .deny", 0, "deny"' in doc
    out = await _act(url, kind="dialog", user="alice", answer="later")
    assert not out["ok"] and "cannot answer alice's authorize with 'later'" in out["message"]
    assert (await _act(url, kind="dialog", user="alice", answer="deny"))["ok"]
    assert app.sim.user("alice").current_page.data["album"] == "denied"
    assert _lines(app)[1:] == ['alice.dialogs.next("authorize", "deny")',
                               'await alice.current_page.get_element("button", text_contains="相册").tap()']
    assert (await _replayed(app))["album"] == "denied"


async def test_an_action_sheet_item_clicked_on_the_phone(session: tuple[OpenApp, str]) -> None:
    app, url = session
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "排序"))
    assert app.sim.user("alice").current_page.data["sort"] == "最新"  # the standing answer: the first item
    async with aiohttp.ClientSession() as s, s.get(url + "phone/alice") as resp:
        doc = await resp.text()
    assert '[".wxsim-sheet .it", 1, 1]' in doc and '[".wxsim-sheet .cancel", 0, "cancel"]' in doc
    assert "answered “最新” when shown" in doc
    out = await _act(url, kind="dialog", user="alice", answer=2)
    assert not out["ok"] and "cannot answer alice's actionSheet with 2" in out["message"]
    assert (await _act(url, kind="dialog", user="alice", answer=1))["ok"]
    assert app.sim.user("alice").current_page.data["sort"] == "最热"
    assert _lines(app)[1] == 'alice.dialogs.next("action_sheet", 1)'
    assert (await _replayed(app))["sort"] == "最热"


async def test_a_dialog_answered_by_an_earlier_answer_line_cannot_be_answered_otherwise_afterwards(
        session: tuple[OpenApp, str]) -> None:
    """The "next modal: confirm" button was used before the tap: that recorded line answers the modal in any
    replay, so another answer on the phone is refused (nothing changes) and the same one adds no line."""
    app, url = session
    await _act(url, kind="answer", user="alice", dialog="modal", answer="confirm")
    await _act(url, kind="tap", user="alice", nid=_nid(app, "alice", "button", "删除"))
    before, sim = _lines(app), app.sim
    out = await _act(url, kind="dialog", user="alice", answer="cancel")
    assert not out["ok"] and "it got 'confirm' (an answer recorded earlier came first)" in out["message"]
    assert _lines(app) == before and app.sim is sim and sim.user("alice").current_page.data["removed"] == "yes"
    assert (await _act(url, kind="dialog", user="alice", answer="confirm"))["ok"]
    assert _lines(app) == before
