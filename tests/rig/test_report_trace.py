"""What report.html shows per step comes from the trace, recorded where it happens: a request's virtual send
time and bodies, which component set data, the journey moving the clock, wall time per event."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import lxml.html
import pytest

from mock_wx import JSError, Simulator
from mock_wx.rig.report import render_html

APP = Path(__file__).parents[1] / "fixtures" / "apps" / "report"


def _result(sim: Simulator, ok: bool = True) -> Any:
    return SimpleNamespace(journey=SimpleNamespace(id="report/join"), ok=ok, skipped=None, seconds=0.1,
                           findings=len(sim.trace.findings), error=None if ok else "boom", detail=None,
                           trace=sim.trace, screens=[])


async def _joined(sim: Simulator) -> None:
    await sim.backend.seed()
    alice = sim.user("alice")
    await alice.launch("/pages/shop/shop")
    await sim.clock.advance(hours=24)
    with pytest.raises(JSError, match="total"):  # the page's success callback breaks on the refused order
        await alice.current_page.get_element("#join").tap()


async def test_requests_carry_their_bodies_and_virtual_send_time() -> None:
    async with Simulator(APP) as sim:
        await _joined(sim)
    get, post = sim.trace.of_kind("request")
    assert (get.data["method"], get.data["status"], get.data["sent"]) == ("GET", 200, get.t)
    assert "body" not in get.data and json.loads(get.data["response"])["products"][0]["id"] == "p001"
    assert (post.data["method"], post.data["status"], post.data["ok"]) == ("POST", 401, False)
    assert json.loads(post.data["body"]) == {"productId": "p001", "groupId": "g1"}
    assert json.loads(post.data["response"])["error"] == "unauthorized"
    assert post.data["sent"] == post.t == get.t + 86400


async def test_a_components_set_data_names_the_component() -> None:
    async with Simulator(APP) as sim:
        await sim.backend.seed()
        await sim.user("alice").launch("/pages/shop/shop")
    owners = [(e.data.get("component"), e.data["data"]) for e in sim.trace.of_kind("setData")]
    assert owners[0] == ("components/badge/badge", {"label": "新人价"})
    assert all(c is None for c, _ in owners[1:])  # the page's own


async def test_moving_the_clock_is_one_event_per_move_not_per_timer() -> None:
    async with Simulator(APP) as sim:
        await sim.user("alice").launch("/pages/shop/shop")
        await sim.clock.advance(seconds=90)
        await sim.clock.set(sim.clock.time() + 30)
        await sim.clock.advance(0)
    assert [(e.user, e.data) for e in sim.trace.of_kind("clock")] == [("", {"seconds": 90.0}), ("", {"seconds": 30.0})]


async def test_untraced_simulations_copy_no_bodies() -> None:
    seen: list[Any] = []
    async with Simulator(APP, trace=False) as sim:
        sim.trace.listeners.append(seen.append)
        await sim.backend.seed()
        await sim.user("alice").launch("/pages/shop/shop")
    request = next(e for e in seen if e.kind == "request")
    assert "response" not in request.data and "sent" not in request.data


async def test_each_step_shows_virtual_and_wall_time_and_its_events() -> None:
    async with Simulator(APP) as sim:
        await _joined(sim)
    doc = lxml.html.fromstring(render_html([_result(sim, ok=False)]))
    steps = doc.cssselect("tbody.step")
    names = [s.cssselect("tr.head .name")[0].text_content() for s in steps]
    assert names == ["alice opens /pages/shop/shop", "clock +24 h", "alice taps 立即参团"]
    assert [s.cssselect("td.vt")[0].text_content() for s in steps] == ["+0.000s", "+0.000s", "+24h 00m 00s"]
    walls = [float(s.cssselect("td.wall")[0].text.strip("+ ms")) for s in steps]
    assert walls[0] == 0.0 and walls == sorted(walls) and walls[-1] > 0
    tap = steps[-1]
    assert "failed" in tap.get("class") and tap.get("id") == "j0s3"
    assert tap.get("data-groups").split() == ["dialog", "error", "finding", "other", "request", "setData"]
    request = tap.cssselect("li.ev[data-kind=request]")[0]
    assert request.cssselect(".st")[0].text_content() == "401"
    assert "https://api.wxsim-shop.example.com/api/orders" in request.text_content()
    assert json.loads(request.cssselect("details.request pre")[0].text_content()) == {"productId": "p001",
                                                                                     "groupId": "g1"}
    assert '"unauthorized"' in request.cssselect("details.response pre")[0].text_content()
    diffs = [[(r.cssselect("th")[0].text_content(), r.cssselect("td")[0].text_content()) for r in d.cssselect("tr")]
             for d in tap.cssselect("li.ev[data-kind=setData] table.diff")]
    assert diffs[0] == [("joined", "true"), ("order.status", "401")]
    assert tap.cssselect("li.ev[data-kind=modal]")[0].text_content().startswith("modal “确认参团 — 参团后不可退出” → confirm")
    assert "TypeError" in tap.cssselect("li.ev[data-kind=js-error]")[0].text_content()
    assert "pages/shop/shop.js:34" in tap.cssselect("tr.failure-row pre.stack")[0].text_content()
    # The findings table links each finding to its step.
    links = [a.get("href") for a in doc.cssselect("#findings td:last-child a")]
    assert links == ["#j0s1", "#j0s3"]
