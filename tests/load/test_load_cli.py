"""`wxsim load`: tiny bounded runs against the embedded backend; exit codes, reports, one-line errors,
and the user factory (seeded identities, broken users replaced)."""

from __future__ import annotations

import asyncio
import json
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mock_wx.load import Stats, run_population
from mock_wx.load.cli import parse_think_time
from mock_wx.load.session import LoadSession, message_type
from mock_wx.rig.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIVE = str(ROOT / "scenarios" / "live_viewers.py")

pytestmark = pytest.mark.filterwarnings("ignore::ResourceWarning")


def _scenario(tmp_path: Path, body: str) -> str:
    p = tmp_path / "tiny_load.py"
    p.write_text(textwrap.dedent(body))
    return str(p)


HOME = """
    from mock_wx.load import step
    from mock_wx.rig.journeys import journey

    async def setup(sim):
        await sim.backend.seed(42)

    @journey(area="load")
    async def browse(sim, user):
        async with step("home"):
            page = await user.launch("/pages/index/index")
        assert page.data["products"]
        user.close()
"""


def test_passing_thresholds_exit_0_and_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path, HOME)
    out_json, out_html = tmp_path / "r.json", tmp_path / "r.html"
    rc = main(["load", scenario, "--users", "5", "--spawn-rate", "50", "--duration", "2s", "--think-time", "0.1s",
               "--threshold", "p95<5s", "--threshold", "errors<1%", "--threshold", "journey:browse count>=5",
               "--json", str(out_json), "--html", str(out_html), "--seed", "3"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "PASS p95<5s" in out and "/api/products" in out
    report = json.loads(out_json.read_text())
    assert report["ok"] is True
    names = {(r["kind"], r["name"]) for r in report["summary"]}
    assert ("request", "/api/products") in names and ("request", "/api/auth/login") in names
    assert ("step", "home") in names and ("journey", "browse") in names
    assert report["meta"]["users"] == 5 and report["meta"]["peak_users"] == 5
    assert "<svg" in out_html.read_text()


def test_csv_has_locusts_columns(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--csv PREFIX` writes PREFIX_stats.csv (a row per type/name and an aggregate, Locust's column names)
    and PREFIX_stats_history.csv (per second: users, rates, p50/p95), agreeing with the JSON report."""
    import csv

    scenario = _scenario(tmp_path, HOME)
    rc = main(["load", scenario, "--users", "2", "--spawn-rate", "0", "--duration", "2s", "--think-time", "0.1s",
               "--csv", str(tmp_path / "run"), "--json", str(tmp_path / "r.json")])
    assert rc == 0, capsys.readouterr().out
    with (tmp_path / "run_stats.csv").open() as f:
        rows = {(r["Type"], r["Name"]): r for r in csv.DictReader(f)}
    summary = {(r["kind"], r["name"]): r for r in json.loads((tmp_path / "r.json").read_text())["summary"]}
    assert set(rows) == set(summary) and ("request", "/api/products") in rows
    products = rows[("request", "/api/products")]
    assert int(products["Request Count"]) == summary[("request", "/api/products")]["count"] > 0
    assert int(products["Failure Count"]) == 0 and float(products["95%"]) > 0
    with (tmp_path / "run_stats_history.csv").open() as f:
        history = list(csv.DictReader(f))
    assert history and {h["Type"] for h in history} >= {"request", "journey"}
    assert max(int(h["User Count"]) for h in history) == 2


def test_stages_ramp_up_hold_and_ramp_down(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--stage DURATION:TARGET` from the command line: users ramp 0 -> 4, hold, ramp to 0; the run lasts
    the stages' total; the users series shows the shape."""
    scenario = _scenario(tmp_path, HOME)
    out_json = tmp_path / "r.json"
    rc = main(["load", scenario, "--stage", "1s:4", "--stage", "1s:4", "--stage", "1s:0", "--think-time", "0.1s",
               "--json", str(out_json)])
    assert rc == 0, capsys.readouterr().out
    report = json.loads(out_json.read_text())
    meta = report["meta"]
    assert meta["stages"] == [[1.0, 4.0], [1.0, 4.0], [1.0, 0.0]] and meta["duration"] == 3.0
    assert meta["peak_users"] == 4
    users = [pt["users"] for pt in report["series"]["journey"]]
    assert max(users) == 4 and users[-1] < 4, users  # up, then down again


def test_open_model_stages_ramp_the_arrival_rate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Open model: the stages' targets are journeys started per second (here up to 10/s, then 0)."""
    scenario = _scenario(tmp_path, HOME)
    out_json = tmp_path / "r.json"
    rc = main(["load", scenario, "--model", "open", "--stage", "1s:10", "--stage", "1s:0", "--json", str(out_json)])
    assert rc == 0, capsys.readouterr().out
    report = json.loads(out_json.read_text())
    assert report["meta"]["stages"] == [[1.0, 10.0], [1.0, 0.0]] and report["meta"]["duration"] == 2.0
    journeys = {r["name"]: r for r in report["summary"] if r["kind"] == "journey"}
    assert 3 <= journeys["browse"]["count"] <= 15, journeys  # ~10 arrivals: 5 ramping up, 5 ramping down


@pytest.mark.parametrize(("argv", "words"), [
    (["--stage", "30s"], "write DURATION:TARGET"),
    (["--stage", "30s:many"], "the target after ':' is a number"),
    (["--stage", "soon:10"], "bad duration"),
    (["--stage", "1s:5", "--users", "5"], "drop --users and --spawn-rate"),
    (["--model", "open"], "needs --arrival-rate (journeys started per second) or --stage"),
])
def test_stage_mistakes_are_one_line(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["load", LIVE, *argv])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and words in err and len(err.splitlines()) == 1, err


async def test_a_user_relaunching_too_fast_meets_wechats_login_quota() -> None:
    """One user relaunching the app 105 times within a minute logs in 105 times: WeChat's code2Session answers
    45011 after the 100th (§9), the sample backend 429, and the load stats name the failure by its code.

    Counted on the virtual clock (it does not move between the launches), so the machine's speed cannot matter.
    """
    from mock_wx import Simulator

    session = LoadSession()
    async with Simulator() as sim:
        await sim.backend.seed(42)
        session.sim = sim
        stats = Stats()
        session.record_into(stats)
        user = sim.user()
        for _ in range(105):
            await user.launch("/pages/index/index")
        login = stats.get("request", "/api/auth/login")
        assert login is not None
        assert (login.count, login.failures) == (105, 5)
        assert list(login.errors) == ["HTTP 429 login_rate_limited"]
        session.sim = None


def test_failing_threshold_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path, HOME)
    rc = main(["load", scenario, "--users", "3", "--spawn-rate", "30", "--duration", "1s", "--think-time", "0",
               "--threshold", "p50<0.001ms"])
    out = capsys.readouterr().out
    assert rc == 1
    assert "FAIL p50<0.001ms" in out


def test_abort_on_fail_stops_early(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path, HOME)
    t0 = time.monotonic()
    rc = main(["load", scenario, "--users", "3", "--spawn-rate", "30", "--duration", "30s", "--think-time", "0",
               "--threshold", "max<0.001ms", "--abort-on-fail"])
    assert rc == 1
    assert time.monotonic() - t0 < 15
    assert "aborted: FAIL max<0.001ms" in capsys.readouterr().out


def test_live_viewers_socket_messages_by_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "live.json"
    rc = main(["load", LIVE, "--users", "4", "--spawn-rate", "40", "--duration", "2s", "--think-time", "0",
               "--threshold", "socket:viewer_count count>0", "--threshold", "errors<1%", "--json", str(out_json)])
    assert rc == 0, capsys.readouterr().out
    rows = {(r["kind"], r["name"]): r for r in json.loads(out_json.read_text())["summary"]}
    assert rows[("socket", "viewer_count")]["count"] > 0
    assert ("step", "open room") in rows and ("request", "/api/live-stream/{id}") in rows


@pytest.mark.parametrize("argv, words", [
    (["load", "no/such/file.py"], "no such scenario"),
    (["load", LIVE, "--threshold", "p95 < fast"], "bad threshold"),
    (["load", LIVE, "--duration", "soon"], "bad duration"),
    (["load", LIVE, "--backend", "http://127.0.0.1:9"], "unreachable"),
    (["load", LIVE, "--model", "open"], "--arrival-rate"),
])
def test_usage_errors_are_one_line_exit_2(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--duration", "1s"] if "--duration" not in argv else argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("wxsim: error:") and words in err and "\n" not in err


def test_no_one_user_journeys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = _scenario(tmp_path, """
        from mock_wx.rig.journeys import journey

        @journey()
        async def pair(sim, alice, bob):
            pass
    """)
    assert main(["load", scenario, "--duration", "1s"]) == 2
    assert "no journey takes exactly one user" in capsys.readouterr().err


def test_think_time_and_message_types() -> None:
    assert parse_think_time("1s") == 1.0
    assert parse_think_time("0.5s-2s") == (0.5, 2.0)
    assert parse_think_time("0") is None
    with pytest.raises(ValueError):
        parse_think_time("2s-1s")
    assert message_type('{"type":"comment","comment":{}}') == "comment"
    assert message_type('{"count": 3, "type": "x"}') == "x"
    assert message_type("[1]") == "json" and message_type("hello") == "text" and message_type(b"\x00") == "binary"


async def test_factory_identities_and_broken_users_are_replaced() -> None:
    session = LoadSession(seed=5)
    await session.start()
    try:
        a, b, a2 = await session.make_user(0), await session.make_user(1), await session.make_user(0)
        assert a.ctx.state["identity"] == a2.ctx.state["identity"] != b.ctx.state["identity"]
        assert a.ctx.system["model"] == a2.ctx.system["model"]
        made: list[int] = []

        async def factory(idx: int):  # type: ignore[no-untyped-def]
            made.append(idx)
            return await session.make_user(idx)

        async def flaky(user) -> None:  # type: ignore[no-untyped-def]
            page = await user.launch("/pages/index/index")
            if user.index % 2 == 0:
                raise RuntimeError("this user breaks")
            assert page.data["products"]

        stats = Stats()
        session.record_into(stats)
        await run_population({"flaky": flaky}, factory, users=2, spawn_rate=None, duration=1.0, think_time=0.05,
                             stats=stats, seed=1)
        journeys = stats.get("journey", "flaky")
        assert journeys is not None and journeys.failures > 0 and journeys.count > journeys.failures
        assert len(made) > 2, "broken users were replaced by fresh ones"
        assert stats.get("request", "/api/products") is not None
    finally:
        await session.close()


@pytest.mark.parametrize("name", ["live_viewer", "shopper_browses"])
async def test_load_journeys_also_run_alone(name: str) -> None:
    """`wxsim demo` and the journey suite pick these up too: in a fresh simulation they seed the shop first."""
    from mock_wx.rig.journeys import discover, run_journey
    from mock_wx.rig.simulator import Simulator

    j = next(j for j in discover([LIVE]) if j.name == name)
    result = await run_journey(j, lambda: Simulator())
    assert result.ok, result.error


async def test_a_slow_user_never_holds_up_the_others() -> None:
    """One user's product request never answers; the others keep completing journeys meanwhile.

    Counted, not timed: the run stops once the other two have done 5 journeys each (a long cap stands
    guard), however fast or slow the machine is.
    """
    session = LoadSession(seed=1)
    await session.start()
    done: dict[int, int] = {}
    try:
        async def factory(idx: int):  # type: ignore[no-untyped-def]
            user = await session.make_user(idx)
            if idx == 0:
                async def stall(options):  # type: ignore[no-untyped-def]
                    await asyncio.Event().wait()  # never answers

                user.mock_request("/api/products*", fn=stall)
            return user

        async def browse(user) -> None:  # type: ignore[no-untyped-def]
            await user.launch("/pages/index/index")
            done[user.index] = done.get(user.index, 0) + 1

        st = await run_population({"browse": browse}, factory, users=3, spawn_rate=None, duration=120,
                                  think_time=0.01, tick_interval=0.02,
                                  on_tick=lambda t: done.get(1, 0) >= 5 and done.get(2, 0) >= 5)
        assert st.meta["aborted"], "stopped by the count, not by the cap"
        assert done.get(0, 0) == 0
        assert done.get(1, 0) >= 5 and done.get(2, 0) >= 5, done
    finally:
        await session.close()


def test_against_an_external_backend_and_its_platform(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`wxsim backend --test-mode` in another process: load users log in through the platform it prints."""
    import re
    import socket
    import subprocess
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "mock_wx.rig.cli", "backend", "--db", ":memory:", "--port", str(port),
                             "--test-mode"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        platform = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline())
        assert platform, "wxsim backend prints its platform sandbox first"
        backend = f"http://127.0.0.1:{port}"
        for _ in range(100):
            if f"127.0.0.1:{port}" in proc.stdout.readline():
                break
        req = urllib.request.Request(backend + "/__admin/seed", data=b"{}", headers={"content-type": "application/json"})
        urllib.request.urlopen(req, timeout=10).read()

        assert main(["load", LIVE, "--backend", backend, "--duration", "1s"]) == 2
        assert "--backend needs --platform" in capsys.readouterr().err
        out_json = tmp_path / "ext.json"
        rc = main(["load", LIVE, "--backend", backend, "--platform", platform.group(0), "--users", "2",
                   "--spawn-rate", "20", "--duration", "2s", "--think-time", "0", "--threshold", "errors<1%",
                   "--threshold", "request:/api/auth/login count>0", "--json", str(out_json)])
        assert rc == 0, capsys.readouterr().out
        # issue 15.2: rows by the backend's route templates (its /openapi.json), never one row per id
        spec = json.loads(urllib.request.urlopen(backend + "/openapi.json", timeout=10).read())
        names = {r["name"] for r in json.loads(out_json.read_text())["summary"]
                 if r["kind"] == "request" and r["name"] != "Aggregated"}
        assert names and names <= set(spec["paths"]), names
        assert any("{" in n for n in names), names
    finally:
        proc.terminate()
        proc.wait(timeout=10)
