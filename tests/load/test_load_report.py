"""JSON and HTML reports, live progress lines and the summary table."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from rich.console import Console

from mock_wx.load import (
    Progress,
    Stats,
    Tick,
    evaluate,
    print_summary,
    render_html,
    summary_rows,
    to_json,
    write_html,
    write_json,
)


def _stats() -> Stats:
    now = [1_700_000_000.0]
    st = Stats(lambda: now[0])
    st.start()
    st.meta.update({"model": "closed", "users": 3, "seed": 7})
    for sec in range(5):
        now[0] = 1_700_000_000.0 + sec + 0.5
        st.set_users(sec + 1)
        for i in range(20):
            st.request(f"/api/group-buy/{i}/join", 10.0 + sec * 5 + i, ok=i != 3, error=None if i != 3 else "HTTP 500")
        st.record("journey", "join <group>", 200.0 + sec)
        st.record("step", "open detail", 30.0)
    now[0] += 1
    st.stop()
    return st


def test_json_report_has_stats_series_thresholds_and_meta(tmp_path: Path) -> None:
    st = _stats()
    results = evaluate(["p95<300ms", "errors<1%"], st)
    path = write_json(tmp_path / "run.json", st, results, meta={"scenario": "group_buy.py"})
    doc = json.loads(path.read_text())
    assert doc["meta"]["model"] == "closed" and doc["meta"]["scenario"] == "group_buy.py"
    assert doc["meta"]["started_at"].startswith("2023-11-14")
    assert doc["ok"] is False
    assert [t["ok"] for t in doc["thresholds"]] == [True, False]
    assert doc["thresholds"][1]["actual"] == 0.05
    rows = {(r["kind"], r["name"]): r for r in doc["summary"]}
    req = rows[("request", "/api/group-buy/{id}/join")]
    assert req["count"] == 100 and req["failures"] == 5 and req["errors"] == {"HTTP 500": 5}
    assert req["rps"] == 100 / st.elapsed
    assert len(doc["series"]["request"]) == 5 and doc["series"]["request"][4]["users"] == 5
    assert Stats.from_dict(doc["stats"]).get("request", "/api/group-buy/{id}/join").count == 100  # type: ignore[union-attr]
    json.dumps(doc, allow_nan=False)  # strict JSON: no NaN


def test_html_report_is_self_contained_with_charts_table_and_thresholds(tmp_path: Path) -> None:
    st = _stats()
    results = evaluate(["p95<300ms", "errors<1%"], st)
    html = write_html(tmp_path / "run.html", st, results, title="group buy <load>").read_text()
    assert html.startswith("<!doctype html>") and "<style>" in html
    assert not re.search(r"<script[^>]+src=|<link[^>]+href=|https?://(?!www\.w3\.org/2000/svg)", html)
    assert html.count("<svg") == 3 and "<polyline" in html
    for label in ("latency", "per second", "virtual users", "p95", "rps"):
        assert label in html
    assert "/api/group-buy/{id}/join" in html and "join &lt;group&gt;" in html and "group buy &lt;load&gt;" in html
    assert "FAIL" in html and "errors&lt;1%" in html and "5.00%" in html
    assert "HTTP 500" in html


def test_empty_run_renders() -> None:
    st = Stats()
    assert "No data recorded" in render_html(st)
    doc = to_json(st)
    assert doc["summary"] == [] and doc["ok"] is True


def test_progress_prints_plain_lines_when_not_a_tty() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=False, width=120)
    st = _stats()
    with Progress(console=console, interval=2.0) as progress:
        progress(Tick(1.0, 5, st))
        progress(Tick(1.5, 5, st))  # throttled: under 2 s since the last line
        line = progress.update(st, 5, 4.0)
    out = buf.getvalue().splitlines()
    assert len(out) == 2 and out[1] == line
    assert re.search(r"users\s+5\s+requests/s\s+[\d.]+\s+failures 5 \(5\.00%\)\s+p95 \d+", out[0])
    assert "\x1b[" not in buf.getvalue()


def test_summary_table_and_rows() -> None:
    st = _stats()
    rows = summary_rows(st)
    assert [(r["kind"], r["name"]) for r in rows] == [
        ("request", "/api/group-buy/{id}/join"), ("step", "open detail"), ("journey", "join <group>")]
    buf = io.StringIO()
    print_summary(st, Console(file=buf, force_terminal=False, width=140), evaluate(["p95<1ms"], st))
    text = buf.getvalue()
    for col in ("count", "fails", "rps", "p50", "p95", "p99", "max"):
        assert col in text
    assert "/api/group-buy/{id}/join" in text and "HTTP 500" in text and "FAIL p95<1ms" in text


def test_progress_live_on_a_terminal_does_not_break() -> None:
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, width=100)
    st = _stats()
    with Progress(console=console) as progress:
        progress(Tick(1.0, 5, st))
    assert "users" in buf.getvalue() and progress.lines == 1
