"""Stats: histogram accuracy, merging, cross-process serialisation, route templates, steps."""

from __future__ import annotations

import json
import math
import os
import random
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mock_wx.load import Histogram, Stats, route_template, step
from mock_wx.load.histogram import ALPHA

ROOT = Path(__file__).resolve().parents[2]


def exact_quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(1, math.ceil(q * len(ordered))) - 1]


def fixed_clock(t: float = 1_000_000.0):
    return lambda: t


@pytest.mark.parametrize("dist", ["lognormal", "uniform", "bimodal"])
def test_percentiles_within_one_percent_of_exact(dist: str) -> None:
    rng = random.Random(1234)
    if dist == "lognormal":
        values = [rng.lognormvariate(3, 1.2) for _ in range(20_000)]
    elif dist == "uniform":
        values = [rng.uniform(0.05, 5_000) for _ in range(20_000)]
    else:
        values = [rng.gauss(5, 0.5) if rng.random() < 0.9 else rng.gauss(900, 50) for _ in range(20_000)]
    st = Stats()
    for v in values:
        st.record("request", "/x", v)
    e = st.get("request", "/x")
    assert e is not None and e.count == len(values)
    for q in (0.5, 0.9, 0.95, 0.99, 0.999):
        exact = exact_quantile(values, q)
        assert abs(e.percentile(q) - exact) <= ALPHA * exact * 1.0001, q
    assert e.min == min(values) and e.max == max(values)
    assert e.percentile(1.0) == e.max


def test_tiny_and_zero_latencies_do_not_break() -> None:
    st = Stats()
    for v in (0.0, -1.0, 1e-9, 0.5):
        st.record("socket", "tick", v)
    e = st.get("socket", "tick")
    assert e is not None and e.count == 4
    assert e.percentile(0.5) >= e.min and e.percentile(0.99) <= 0.5 * (1 + ALPHA)
    empty = Histogram()
    assert math.isnan(empty.quantile(0.5))


def _fill(st: Stats, seed: int, n: int) -> None:
    rng = random.Random(seed)
    for _ in range(n):
        ok = rng.random() > 0.1
        st.record(rng.choice(["request", "journey"]), rng.choice(["/a", "/b/{id}"]), float(rng.randint(1, 3000)),
                  ok=ok, size=rng.randint(0, 100), error=None if ok else rng.choice(["HTTP 500", "timeout"]))


def _canon(st: Stats) -> dict:
    d = st.to_dict()
    d["entries"] = sorted(d["entries"], key=lambda e: (e["kind"], e["name"]))
    return d


def test_two_merged_equal_one_recording_both() -> None:
    a, b, both = Stats(fixed_clock()), Stats(fixed_clock()), Stats(fixed_clock())
    _fill(a, 1, 3000)
    _fill(b, 2, 2000)
    _fill(both, 1, 3000)
    _fill(both, 2, 2000)
    a.merge(b)
    assert _canon(a) == _canon(both)
    agg = a.total("request")
    assert agg.count == both.total("request").count
    assert agg.percentiles() == both.total("request").percentiles()


def test_round_trip_through_json_in_other_processes() -> None:
    """Two worker processes record and ship `to_dict()` as JSON; the parent merges them."""
    code = textwrap.dedent("""
        import json, random, sys
        from mock_wx.load import Stats
        seed = int(sys.argv[1])
        st = Stats(lambda: 1_000_000.0)
        rng = random.Random(seed)
        for _ in range(1000):
            st.record("request", "/api/x", float(rng.randint(1, 500)), ok=rng.random() > 0.2, error=None)
        st.set_users(10)
        print(json.dumps(st.to_dict()))
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    docs = [json.loads(subprocess.run([sys.executable, "-c", code, str(s)], capture_output=True, text=True,
                                      env=env, check=True, timeout=30).stdout) for s in (7, 8)]
    merged = Stats.from_dict(docs[0])
    merged.merge(Stats.from_dict(docs[1]))
    local = Stats(fixed_clock())
    for s in (7, 8):
        rng = random.Random(s)
        for _ in range(1000):
            local.record("request", "/api/x", float(rng.randint(1, 500)), ok=rng.random() > 0.2)
    e, want = merged.get("request", "/api/x"), local.get("request", "/api/x")
    assert e is not None and want is not None
    assert (e.count, e.failures, e.min, e.max, e.errors) == (want.count, want.failures, want.min, want.max, want.errors)
    assert e.percentiles() == want.percentiles()
    assert merged.users_series == {1_000_000: 20}  # users add up across processes
    assert Stats.from_dict(json.loads(json.dumps(merged.to_dict()))).to_dict() == merged.to_dict()


def test_series_per_second_with_users() -> None:
    now = [100.2]
    st = Stats(lambda: now[0])
    st.set_users(5)
    for v in (10.0, 20.0, 30.0):
        st.record("request", "/a", v)
    now[0] = 102.7
    st.set_users(8)
    st.record("request", "/a", 50.0, ok=False, error="HTTP 502")
    pts = st.series_points("request")
    assert [(p.t, p.count, p.failures, p.users) for p in pts] == [(100, 3, 0, 5), (101, 0, 0, 5), (102, 1, 1, 8)]
    assert pts[0].p95 == pytest.approx(30.0, rel=0.041)  # series keep coarse (~4 %) buckets
    assert math.isnan(pts[1].p95)


def test_series_quantiles_within_four_percent() -> None:
    rng = random.Random(99)
    values = [rng.lognormvariate(4, 1) for _ in range(5000)]
    st = Stats(lambda: 50.0)
    for v in values:
        st.record("request", "/a", v)
    [pt] = st.series_points("request")
    assert pt.p95 == pytest.approx(exact_quantile(values, 0.95), rel=0.041)
    assert pt.p50 == pytest.approx(exact_quantile(values, 0.5), rel=0.041)


def test_errors_counted_by_message() -> None:
    st = Stats()
    st.record("request", "/a", 1.0, ok=False)
    st.record("request", "/a", 1.0, error="HTTP 500")
    st.record("request", "/a", 1.0, error="HTTP 500")
    e = st.get("request", "/a")
    assert e is not None and e.failures == 3 and e.errors == {"failed": 1, "HTTP 500": 2}
    assert e.error_rate == 1.0
    for i in range(300):
        st.record("request", "/b", 1.0, error=f"HTTP 404 for order {i}")
    b = st.get("request", "/b")
    assert b is not None and len(b.errors) == 101 and b.errors["(other errors)"] == 200


@pytest.mark.parametrize(("url", "name"), [
    ("/api/group-buy/123/join", "/api/group-buy/{id}/join"),
    ("/api/group-buy/123/join?ref=abc&x=1", "/api/group-buy/{id}/join"),
    ("http://127.0.0.1:8080/api/orders/42?x=1", "/api/orders/{id}"),
    ("https://shop.example.com/api/users/550e8400-e29b-41d4-a716-446655440000/profile", "/api/users/{id}/profile"),
    ("/api/items/5f2b9c1e8a7d4e3f2a1b0c9d", "/api/items/{id}"),
    ("/api/live/rooms/7/messages/99", "/api/live/rooms/{id}/messages/{id}"),
    ("/api/products/featured", "/api/products/featured"),
    ("/api/feed/deadbeef", "/api/feed/deadbeef"),  # all letters: a word, not an id
    # issue 15.2: the sample backend's ids (a letter prefix before hex) and other common shapes
    ("/api/group-buy/g17cf67323e7d", "/api/group-buy/{id}"),
    ("/api/orders/o0211378444ef/pay", "/api/orders/{id}/pay"),
    ("/api/products/p004", "/api/products/{id}"),
    ("/api/orders/ord_12345", "/api/orders/{id}"),
    ("/api/share/Xk29aPq7Lm03Zr81", "/api/share/{id}"),
    ("/api/v1/feed", "/api/v1/feed"),
    ("/api/group-buy/mine", "/api/group-buy/mine"),
    ("/", "/"),
])
def test_route_template(url: str, name: str) -> None:
    assert route_template(url) == name


def test_route_template_explicit_name_and_request_helper() -> None:
    assert route_template("/api/x/1", name="create order") == "create order"
    st = Stats()
    st.request("/api/orders/1", 5.0)
    st.request("/api/orders/2?x=1", 7.0)
    st.request("/api/orders/3", 9.0, name="order detail")
    assert st.names("request") == ["/api/orders/{id}", "order detail"]
    assert st.get("request", "/api/orders/{id}").count == 2  # type: ignore[union-attr]


async def test_step_timer_records_success_and_failure() -> None:
    st = Stats()
    async with st.step("open detail"):
        pass
    with pytest.raises(ValueError):
        async with st.step("pay"):
            raise ValueError("declined\nmore")
    with st.step("sync block"):
        pass
    async with step("no stats running"):  # outside a population: silently not recorded
        pass
    assert st.get("step", "open detail").count == 1  # type: ignore[union-attr]
    pay = st.get("step", "pay")
    assert pay is not None and pay.failures == 1 and pay.errors == {"ValueError: declined": 1}
    assert st.names("step") == ["open detail", "pay", "sync block"]


def test_route_names_prefer_the_backends_templates_literal_paths_first() -> None:
    """issue 15.2: the backend's OpenAPI paths name requests; a literal path wins over a `{param}` one."""
    from mock_wx.load import RouteNames

    names = RouteNames()
    n = names.use_openapi({"paths": {"/api/orders/{order_id}": {}, "/api/orders/mine": {},
                                     "/api/group-buy/{gid}/join": {}}})
    assert n == 3
    assert names.name("http://h/api/orders/whatever-shape?x=1") == "/api/orders/{order_id}"
    assert names.name("/api/orders/mine") == "/api/orders/mine"
    assert names.name("/api/group-buy/abc/join") == "/api/group-buy/{gid}/join"
    assert names.name("/api/feed/17") == "/api/feed/{id}"  # not in the document: the id rule


def test_request_name_names_what_a_journey_asks_for() -> None:
    """issue 15.2: `with request_name(...)` names the requests made inside it (Locust's name=)."""
    from mock_wx.load import request_name

    st = Stats()
    with request_name("checkout: prepay"):
        st.request("/api/pay/prepay", 5.0)
    st.request("/api/pay/prepay", 5.0)
    assert st.names("request") == ["/api/pay/prepay", "checkout: prepay"]

