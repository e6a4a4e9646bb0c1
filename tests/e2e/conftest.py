"""Shared runs of the `wxsim` command for the e2e tests: each runs once per test session, even under
pytest-xdist (the first worker runs it under an flock, the others read its files)."""

from __future__ import annotations

import fcntl
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from _wxsim_cli import FIXTURE_JOURNEYS, MISTAKES_APP, CliRun, run_wxsim


def _shared(request: pytest.FixtureRequest, name: str, make: Callable[[Path], CliRun]) -> CliRun:
    """`make(dir)` once per session: under xdist the workers share the run through a lock file."""
    tmp_path_factory: pytest.TempPathFactory = request.getfixturevalue("tmp_path_factory")
    if not hasattr(request.config, "workerinput"):  # not an xdist worker
        return make(tmp_path_factory.mktemp(name))
    root = tmp_path_factory.getbasetemp().parent / name
    root.mkdir(exist_ok=True)
    meta = root / "run.json"
    with open(root / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # blocks until the worker that runs it has written run.json
        if not meta.exists():
            run = make(root / "out")
            meta.write_text(json.dumps({"argv": run.argv, "returncode": run.returncode, "stdout": run.stdout,
                                        "stderr": run.stderr, "seconds": run.seconds}))
        m = json.loads(meta.read_text())
    out = root / "out"
    results = out / "results.json"
    return CliRun(m["argv"], m["returncode"], m["stdout"], m["stderr"], m["seconds"], out / "report.html",
                  json.loads(results.read_text(encoding="utf-8")) if results.exists() else [])


@pytest.fixture(scope="session")
def demo_run(request: pytest.FixtureRequest) -> CliRun:
    """`wxsim demo`: the bundled journeys against the embedded backend (strict)."""
    return _shared(request, "wxsim-demo", lambda d: run_wxsim(["demo"], d))


@pytest.fixture(scope="session")
def mistakes_run(request: pytest.FixtureRequest) -> CliRun:
    """`wxsim run` of tests/fixtures/journeys over the seed_mistakes app in lenient mode (5 findings)."""
    args = ["run", str(FIXTURE_JOURNEYS), "--app", str(MISTAKES_APP), "--fidelity", "lenient"]
    return _shared(request, "wxsim-mistakes", lambda d: run_wxsim(args, d))
