"""Existing suites, unmodified clients: Minium (PyPI) with its own runner and miniprogram-automator (npm)
against `wxsim serve` on the sample app, two users on two ports, real-time clock.

scripts/test installs both clients (minium through the dev extra, miniprogram-automator into
.ci/automator); a missing client fails here with what to run, it is never skipped.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = Path(__file__).resolve().parent / "clients"
AUTOMATOR_DIR = Path(os.environ.get("WXSIM_AUTOMATOR_DIR", ROOT / ".ci" / "automator"))
_ENDPOINT = re.compile(r"^\s+(\w+): ws://127\.0\.0\.1:(\d+)$")


@pytest.fixture
def served() -> Iterator[list[int]]:
    """`wxsim serve --port 0 --users 2` as its own process; yields the two users' ports."""
    proc = subprocess.Popen([sys.executable, "-m", "mock_wx.rig.cli", "serve", "--port", "0", "--users", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    ports: list[int] = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            m = _ENDPOINT.match(line.rstrip("\n"))
            if m:
                ports.append(int(m.group(2)))
            if len(ports) == 2:
                break
        assert len(ports) == 2, f"wxsim serve did not print two endpoints (exit {proc.poll()})"
        yield ports
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_an_automator_suite_passes_unchanged(served: list[int]) -> None:
    node = shutil.which("node")
    if node is None or not (AUTOMATOR_DIR / "node_modules" / "miniprogram-automator").is_dir():
        pytest.fail(f"miniprogram-automator is not installed in {AUTOMATOR_DIR}: run scripts/test "
                    f"(npm install --prefix {AUTOMATOR_DIR} miniprogram-automator)")
    env = {**os.environ, "NODE_PATH": str(AUTOMATOR_DIR / "node_modules")}
    run = subprocess.run([node, str(CLIENTS / "automator_group_buy.js"), *(f"ws://127.0.0.1:{p}" for p in served)],
                         capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "automator suite passed" in run.stdout


def test_a_minium_suite_passes_with_minitest(served: list[int], tmp_path: Path) -> None:
    minitest = shutil.which("minitest", path=str(Path(sys.executable).parent)) or shutil.which("minitest")
    if minitest is None:
        pytest.fail("minium is not installed: run scripts/test (pip install -e '.[dev]' installs it)")
    outputs = tmp_path / "outputs"
    config = tmp_path / "config.json"
    # No project_path: Minium connects to the "DevTools" already listening on test_port.
    config.write_text(json.dumps({
        "test_port": served[0], "friend_port": served[1], "platform": "ide", "outputs": str(outputs),
        "debug_mode": "warn", "auto_capture": False, "report_usage": False, "enable_app_log": True,
        "request_timeout": 20,
    }))
    run = subprocess.run([minitest, "-c", str(config), "-p", str(CLIENTS / "minium_suite"), "-m", "shop_cases"],
                         capture_output=True, text=True, timeout=240, cwd=tmp_path)
    summary_file = outputs / "summary.json"
    assert summary_file.is_file(), run.stdout[-3000:] + run.stderr[-3000:]
    summary = json.loads(summary_file.read_text())
    results = [json.loads(p.read_text()) for p in outputs.glob("*/*/*/result.json")]
    failures = {r["case_name"]: (r["errors"] or r["failures"])[-1500:] for r in results if not r["success"]}
    assert failures == {}, failures
    assert summary["test_num"] == 3 and not summary["errors"] and not summary["failures"], summary
    assert sorted(r["case_name"] for r in results) == [
        "test_1_mock_wx_methods", "test_2_comment_on_a_post", "test_3_group_purchase_with_a_friend"]
