"""`wxsim demo` and `wxsim run` as a user runs them: a subprocess, bounded time, a summary and a report."""

from __future__ import annotations

from _wxsim_cli import CliRun


def _failures(run: CliRun) -> str:
    failed = [f"{r['journey']}: {r['error']}" for r in run.results if not r["ok"]]
    return "\n".join(failed) or run.stderr[-2000:]


def test_demo_exits_0_prints_the_summary_and_writes_the_report(demo_run: CliRun) -> None:
    assert demo_run.returncode == 0, f"wxsim demo exited {demo_run.returncode}:\n{_failures(demo_run)}"
    out = demo_run.stdout
    assert "wxsim journeys" in out
    assert "total" in out
    n = len(demo_run.results)
    assert n >= 40, f"the bundled suite should hold >= 40 journeys, found {n}"
    assert f"{n} passed, 0 failed" in out
    assert f"report: {demo_run.report.resolve()}" in out
    html = demo_run.report.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>") and "</html>" in html


def test_run_prints_a_summary_with_findings_per_area(mistakes_run: CliRun) -> None:
    assert mistakes_run.returncode == 0, _failures(mistakes_run)
    out = mistakes_run.stdout
    assert "wxsim journeys" in out
    # 4 journeys in area "mistakes", all passed, 5 findings (the share journey makes two mistakes).
    row = next(line for line in out.splitlines() if "mistakes" in line)
    cells = [c.strip() for c in row.replace("|", "│").split("│") if c.strip()]
    assert cells[:5] == ["mistakes", "4", "4", "0", "5"], row
    assert "4 passed, 0 failed" in out
    assert mistakes_run.report.exists()
