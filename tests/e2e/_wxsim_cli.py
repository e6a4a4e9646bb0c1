"""Run the `wxsim` command in a subprocess, as a user would, and load what it wrote."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
MISTAKES_APP = REPO / "tests" / "fixtures" / "apps" / "seed_mistakes"
FIXTURE_JOURNEYS = REPO / "tests" / "fixtures" / "journeys"
#: Bound on one `wxsim` run (the demo's ~60 journeys take ~10 s on 2 cores).
CLI_TIMEOUT = 240


@dataclass
class CliRun:
    """One `wxsim` invocation: exit code, output, and the report/JSON it wrote."""

    argv: list[str]
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    report: Path
    results: list[dict[str, Any]]


def run_wxsim(args: list[str], out_dir: Path) -> CliRun:
    """Run `wxsim <args> --report out_dir/report.html --json out_dir/results.json` in a subprocess."""
    out_dir.mkdir(parents=True, exist_ok=True)
    report, results = out_dir / "report.html", out_dir / "results.json"
    argv = [sys.executable, "-m", "mock_wx.rig.cli", *args, "--report", str(report), "--json", str(results)]
    env = {**os.environ, "COLUMNS": "160", "NO_COLOR": "1"}
    t0 = time.perf_counter()
    proc = subprocess.run(argv, cwd=out_dir, env=env, capture_output=True, text=True, timeout=CLI_TIMEOUT,
                          check=False)
    seconds = time.perf_counter() - t0
    loaded = json.loads(results.read_text(encoding="utf-8")) if results.exists() else []
    return CliRun(argv, proc.returncode, proc.stdout, proc.stderr, seconds, report, loaded)
