"""`wxsim` usage mistakes a newcomer makes: each is one line on stderr with exit code 2, before anything runs
(no argparse usage block, no traceback, no report lost at the end of a run; for `wxsim load`, no run of
nobody that passes, no threshold that cannot fail)."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import pytest

from mock_wx.rig.cli import main

ROOT = Path(__file__).resolve().parents[2]
LIVE = str(ROOT / "scenarios" / "live_viewers.py")


def _one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.mark.parametrize("argv, words", [
    (["run", "scenarios", "--users", "abc"], "argument --users: expected a whole number of users >= 1, got 'abc'"),
    (["run", "scenarios", "--users", "0"], "argument --users: expected a whole number of users >= 1, got '0'"),
    (["run", "scenarios", "--fidelity", "lax"], "argument --fidelity: invalid choice: 'lax'"),
    (["run"], "the following arguments are required: paths"),
    (["lod"], "invalid choice: 'lod'"),
    (["backend", "--port", "99999"], "argument --port: expected a port number from 1 to 65535"),
    (["platform", "--port", "http"], "argument --port: expected a port number from 1 to 65535"),
])
def test_argument_mistakes_are_one_line(argv: list[str], words: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = _one_line_error(capsys)
    assert err.startswith("wxsim") and words in err and "--help" in err


def test_a_report_into_a_missing_folder_fails_before_the_run(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "no" / "such" / "report.html"
    assert main(["run", str(ROOT / "scenarios"), "--report", str(missing)]) == 2
    assert _one_line_error(capsys) == (f"wxsim: error: --report {missing}: the folder {missing.parent} "
                                       "does not exist")
    assert capsys.readouterr().out == ""                      # no journey ran


def test_json_into_a_folder_and_db_in_a_missing_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", "--json", str(tmp_path)]) == 2
    assert _one_line_error(capsys) == f"wxsim: error: --json {tmp_path} is a folder: give a file name"
    db = tmp_path / "nope" / "shop.sqlite"
    assert main(["backend", "--db", str(db), "--port", "0"]) == 2
    assert _one_line_error(capsys) == f"wxsim: error: --db {db}: the folder {db.parent} does not exist"


def test_a_url_without_http_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "scenarios", "--backend", "127.0.0.1:8080", "--platform", "http://127.0.0.1:8790"]) == 2
    assert _one_line_error(capsys) == ("wxsim: error: --backend must be a URL starting with http:// or https://, "
                                       "got '127.0.0.1:8080'")


def test_a_backend_whose_platform_is_down_does_not_start(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    rc = main(["backend", "--port", "0", "--db", str(tmp_path / "shop.sqlite"), "--platform", "http://127.0.0.1:9"])
    assert rc == 2
    assert _one_line_error(capsys).startswith(
        "wxsim: error: WeChat platform http://127.0.0.1:9/sandbox/merchant is unreachable")


@pytest.mark.parametrize("command", ["backend", "platform"])
def test_a_taken_port_is_one_line(command: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        res = subprocess.run([sys.executable, "-m", "mock_wx.rig.cli", command, "--port", str(port)],
                             capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert res.returncode == 2
    assert res.stderr == (f"wxsim: error: port {port} on 127.0.0.1 is already in use (a wxsim backend or platform "
                          "still running?): stop it or pick another --port\n")


# wxsim load
@pytest.mark.parametrize("argv, message", [
    (["--users", "0"], "wxsim load: error: argument --users: expected a whole number of users >= 1, got '0' "
                       "(see `wxsim load --help`)"),
    (["--users", "20k"], "wxsim load: error: argument --users: expected a whole number of users >= 1, "
                         "got '20k' (see `wxsim load --help`)"),
    (["--spawn-rate", "-1"], "wxsim load: error: argument --spawn-rate: expected a number per second >= 0, "
                             "got '-1' (see `wxsim load --help`)"),
    (["--model", "open", "--arrival-rate", "-3"], "wxsim load: error: argument --arrival-rate: expected a number "
                                                  "per second >= 0, got '-3' (see `wxsim load --help`)"),
])
def test_bad_numbers_are_one_line(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["load", LIVE, "--duration", "1s", *argv])
    assert exit_.value.code == 2
    assert capsys.readouterr().err == message + "\n"


@pytest.mark.parametrize("argv, message", [
    (["--duration", "0s"], "bad duration '0s': the run needs some time, e.g. 30s, 2m"),
    (["--threshold", "errors<1"], "bad threshold 'errors<1': a bare errors value is a ratio (1 = 100%); "
                                  "write e.g. 'errors<1%' or 'errors<0.01'"),
    (["--arrival-rate", "5"], "--arrival-rate is for --model open; the closed model (default) starts --users "
                              "users at --spawn-rate"),
    (["--backend", "127.0.0.1:8080", "--platform", "http://127.0.0.1:8790"],
     "--backend must be a URL starting with http:// or https://, got '127.0.0.1:8080'"),
])
def test_mistakes_that_used_to_run_are_refused(argv: list[str], message: str,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["load", LIVE, "--duration", "1s", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"wxsim: error: {message}\n" and captured.out == ""


def test_reports_into_a_missing_folder_fail_before_the_run(tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "missing" / "load.json"
    assert main(["load", LIVE, "--duration", "1s", "--json", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"wxsim: error: --json {out}: the folder {out.parent} does not exist\n"
    assert captured.out == ""


def test_a_ratio_and_a_percentage_still_parse(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    scenario = tmp_path / "tiny.py"
    scenario.write_text("from mock_wx.rig.journeys import journey\n\n\n@journey(area='load')\n"
                        "async def idle(sim, user):\n    pass\n")
    assert main(["load", str(scenario), "--users", "2", "--duration", "1s", "--think-time", "0",
                 "--threshold", "errors<0.01", "--threshold", "errors<1%", "--spawn-rate", "0"]) == 0
    assert "PASS errors<0.01" in capsys.readouterr().out
