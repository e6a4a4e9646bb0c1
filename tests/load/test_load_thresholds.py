"""Thresholds: parsing (good and bad) and evaluation against Stats."""

from __future__ import annotations

import pytest

from mock_wx.load import Stats, evaluate, parse_threshold


@pytest.mark.parametrize(("text", "metric", "op", "value", "kind", "name"), [
    ("p95<300ms", "p95", "<", 300.0, None, None),
    ("p99<=1s", "p99", "<=", 1000.0, None, None),
    ("p99.9 < 2.5s", "p99.9", "<", 2500.0, None, None),
    ("errors<1%", "errors", "<", 0.01, None, None),
    ("errors<=0.05", "errors", "<=", 0.05, None, None),
    ("rps>100", "rps", ">", 100.0, None, None),
    ("rps>=50/s", "rps", ">=", 50.0, None, None),
    ("avg<200ms", "avg", "<", 200.0, None, None),
    ("max<250", "max", "<", 250.0, None, None),
    ("count>10", "count", ">", 10.0, None, None),
    ("request:/api/orders p95<500ms", "p95", "<", 500.0, "request", "/api/orders"),
    ("/api/orders/{id} p50<20ms", "p50", "<", 20.0, "request", "/api/orders/{id}"),
    ("journey:join a group p95<2s", "p95", "<", 2000.0, "journey", "join a group"),
    ("step:open detail errors<0.5%", "errors", "<", 0.005, "step", "open detail"),
    ("socket p99<100ms", "p99", "<", 100.0, "socket", None),
])
def test_parse_good(text: str, metric: str, op: str, value: float, kind: str | None, name: str | None) -> None:
    t = parse_threshold(text)
    assert (t.metric, t.op, t.kind, t.name) == (metric, op, kind, name)
    assert t.value == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "", "p95", "p95<", "p95 = 300ms", "p95<300 ms extra", "p95<300%", "errors<1ms", "rps>100ms",
    "count>5%", "p0<1ms", "p101<1ms", "latency<3ms", "bogus:/x p95<1ms", "p95<<3ms",
])
def test_parse_bad_gives_one_line_value_error(text: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_threshold(text)
    msg = str(info.value)
    assert "\n" not in msg and "threshold" in msg


def _stats() -> Stats:
    now = [0.0]
    st = Stats(lambda: now[0])
    st.start()
    for i in range(1, 101):  # /api/orders: 1..100 ms, 2 failures
        st.record("request", "/api/orders", float(i), ok=i not in (50, 60), error=None)
    for _ in range(100):
        st.record("request", "/api/products", 5.0)
    st.record("journey", "buy", 1500.0)
    now[0] = 10.0  # 10 s run
    st.stop()
    return st


def test_evaluate_pass_fail_and_actuals() -> None:
    st = _stats()
    res = {r.threshold.text: r for r in evaluate([
        "p95<300ms", "errors<1%", "errors<2%", "rps>100", "rps>10", "avg<200ms",
        "request:/api/orders p95<90ms", "request:/api/orders p99<=1s", "journey:buy p50<1s",
        "request:/nope p95<1s", "journey p95<=2s",
    ], st)}
    assert res["p95<300ms"].ok
    assert not res["errors<1%"].ok and res["errors<1%"].actual == pytest.approx(0.01)  # 2 of 200; < is strict
    assert res["errors<2%"].ok
    assert not res["rps>100"].ok and res["rps>100"].actual == pytest.approx(20.0)
    assert res["rps>10"].ok
    assert res["avg<200ms"].ok
    assert not res["request:/api/orders p95<90ms"].ok
    assert res["request:/api/orders p95<90ms"].actual == pytest.approx(95.0, rel=0.011)
    assert res["request:/api/orders p99<=1s"].ok
    assert not res["journey:buy p50<1s"].ok
    assert not res["request:/nope p95<1s"].ok and res["request:/nope p95<1s"].actual is None
    assert "no data" in str(res["request:/nope p95<1s"])
    assert res["journey p95<=2s"].ok
    assert str(res["p95<300ms"]).startswith("PASS")


def test_unscoped_falls_back_to_journeys_without_requests() -> None:
    st = Stats()
    st.record("journey", "browse", 100.0)
    st.record("journey", "browse", 5000.0, ok=False, error="boom")
    [p95, errors] = evaluate(["p95<1s", "errors<10%"], st)
    assert not p95.ok and p95.actual == pytest.approx(5000.0, rel=0.011)
    assert not errors.ok and errors.actual == 0.5
