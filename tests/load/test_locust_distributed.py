"""Locust master + two workers on 127.0.0.1, headless, running the live-room journeys through the adapter.

The master's aggregated CSV must hold the virtual users' requests, socket messages and journeys, and
the per-worker counts the adapter reports to the master must show both workers did work.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

# Not importorskip: importing locust here would gevent-patch the test process.
pytestmark = pytest.mark.skipif(importlib.util.find_spec("locust") is None, reason="needs the locust extra")

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = ROOT / "docs" / "locustfile.py"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _locust(*args: str, log: Path, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), *args],
                            cwd=log.parent, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def test_master_and_two_workers_aggregate_wxsim_users(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "WXSIM_LOCUST_WORKERS_JSON": str(tmp_path / "workers.json")}
    master = _locust("--headless", "--master", "--master-bind-host", "127.0.0.1", "--master-bind-port", str(port),
                     "--expect-workers", "2", "--expect-workers-max-wait", "20", "-u", "4", "-r", "4", "-t", "8s",
                     "--csv", str(tmp_path / "run"), "--only-summary", log=tmp_path / "master.log", env=env)
    workers = [_locust("--worker", "--master-host", "127.0.0.1", "--master-port", str(port),
                       log=tmp_path / f"worker{i}.log", env=env) for i in (1, 2)]
    procs = [master, *workers]
    try:
        master.wait(timeout=60)
        for w in workers:
            w.wait(timeout=10)
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    logs = "\n".join(f"--- {f.name}\n{f.read_text(errors='replace')[-3000:]}" for f in sorted(tmp_path.glob("*.log")))
    assert master.returncode == 0, logs

    with (tmp_path / "run_stats.csv").open() as f:
        rows = {(r["Type"], r["Name"]): r for r in csv.DictReader(f)}
    # issue 15.2: named by the backend's route template (its /openapi.json), in events.request and the CSV
    get_room = rows.get(("GET", "/api/live-stream/{id}")) or rows.get(("GET", "/api/products"))
    assert get_room is not None and int(get_room["Request Count"]) > 0, sorted(rows)
    assert not [name for _, name in rows if name.startswith("/api/live-stream/s")], sorted(rows)
    assert any(t == "journey" and int(r["Request Count"]) > 0 for (t, _), r in rows.items()), sorted(rows)
    assert any(t == "socket" for t, _ in rows), "socket messages reach Locust's stats"
    assert int(rows[("", "Aggregated")]["Failure Count"]) == 0, logs

    per_worker = json.loads((tmp_path / "workers.json").read_text())
    assert len(per_worker) == 2, per_worker
    # Both workers ran users (their requests reached the master); on a loaded 2-core machine a worker's
    # users may still be inside their first journey when the run ends, so journeys are counted overall.
    assert all(v["requests"] > 0 for v in per_worker.values()), per_worker
    assert sum(v["journeys"] for v in per_worker.values()) > 0, per_worker


def test_a_run_whose_users_cannot_start_fails(tmp_path: Path) -> None:
    """When no virtual user can start (here: the backend is unreachable), Locust must not idle out the run
    and exit 0: the adapter logs why once, records a failed `wxsim start` and ends the run with exit code 2."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    proc = _locust("--headless", "-u", "2", "-r", "2", "-t", "30s", "--host", f"http://127.0.0.1:{_free_port()}",
                   "--only-summary", log=tmp_path / "one.log", env=env)
    try:
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    log = (tmp_path / "one.log").read_text(errors="replace")
    assert proc.returncode == 2, log[-3000:]
    assert "wxsim: backend http://127.0.0.1:" in log and "unreachable" in log
    # The summary's failures table (what a master aggregates from its workers) names it.
    assert re.search(r"\d+\s+wxsim start: WxsimFailure\(.backend http://127\.0\.0\.1:\d+ is unreachable", log), log[-3000:]


def test_a_step_cut_off_by_stopping_its_user_is_not_a_failure() -> None:
    """Locust stops users when a run ends, sometimes inside a step: the step then fails with "has not
    launched" (its realm is gone), which is the stop, not the app. It is dropped; real failures are not.
    (In a subprocess: importing Locust patches the process with gevent.)"""
    code = """
import collections
from types import SimpleNamespace
from mock_wx.load.locust_adapter import _JourneyRecorder, _Recorder
queue = collections.deque()
user = SimpleNamespace(_wxsim_stopping=False)
rec = _JourneyRecorder(_Recorder(queue), user)
rec.record("step", "pay", 5.0, ok=False, error="WxError: boom")
user._wxsim_stopping = True
rec.record("step", "pay", 5.0, ok=False, error="WxError: alice has not launched the mini program")
rec.record("step", "pay", 5.0)
print([(k, n, e is None) for k, n, _ms, _size, e in queue])
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[('step', 'pay', False), ('step', 'pay', True)]"
