"""The seed article's platform mistakes, made by a fixture app of our own (tests/fixtures/apps/seed_mistakes).

`lenient` lets each mistake work and records exactly one finding for it; `strict` fails the way a phone
does (wx-fidelity.md §0, §1, §3, §6).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from mock_wx import Simulator
from mock_wx.errors import JSError
from mock_wx.rig.user import VirtualUser
from mock_wx.runtime import AppBundle

APP = AppBundle.load(Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "seed_mistakes")


async def _sim(fidelity: str) -> Simulator:
    sim = Simulator(APP, fidelity=fidelity)
    await sim.start()
    await sim.backend.seed(7, products=3, users=0, posts=0, streams=0)
    return sim


@pytest_asyncio.fixture
async def lenient() -> AsyncIterator[Simulator]:
    sim = await _sim("lenient")
    try:
        yield sim
    finally:
        await sim.close()


@pytest_asyncio.fixture
async def strict() -> AsyncIterator[Simulator]:
    sim = await _sim("strict")
    try:
        yield sim
    finally:
        await sim.close()


def _kinds(sim: Simulator) -> list[tuple[str, str | None]]:
    return [(f.kind, f.page) for f in sim.trace.findings]


def _eval(user: VirtualUser, code: str) -> Any:
    """The value of a JS expression in the user's realm."""
    return json.loads(user.realm.call("evaluate", code))["value"]


def _app_errors(user: VirtualUser) -> list[str]:
    """What reached App.onError (the fixture app keeps each message's first line)."""
    return list(_eval(user, "getApp().globalData.errors"))


async def _product_names(sim: Simulator) -> list[str]:
    body = await sim.backend.get("/api/products", params={"limit": 3})
    return [p["name"] for p in body["products"]]


# ---------------------------------------------------------------- awaiting wx.request (§0, §1)
async def test_await_request_lenient_one_finding_and_loads(lenient: Simulator) -> None:
    page = await lenient.user().launch("/pages/await_request/await_request")
    await page.tap("loadProducts")
    assert page.data["status"] == "loaded"
    assert page.data["names"] == await _product_names(lenient) != []
    assert _kinds(lenient) == [("await-task", "pages/await_request/await_request")]


async def test_await_request_strict_res_data_is_undefined(strict: Simulator) -> None:
    page = await strict.user().launch("/pages/await_request/await_request")
    await page.tap("loadProducts")
    # `res` is the RequestTask: `res.data` is undefined, so `.products` throws into the page's catch.
    assert page.data["status"] == "error"
    assert page.data["names"] == []
    assert "products" in page.data["error"] and "undefined" in page.data["error"]
    assert strict.trace.findings == []


# ---------------------------------------------------------------- wx.shareAppMessage / wx.shareTimeline (§3)
async def test_share_apis_lenient_one_finding_each_and_flows_complete(lenient: Simulator) -> None:
    page = await lenient.user().launch("/pages/share/share")
    await page.tap("shareProduct")
    await page.tap("shareToMoments")
    assert page.data["shared"] == ["chat", "moments"]
    assert page.data["error"] == ""
    findings = lenient.trace.findings
    assert [(f.kind, f.page) for f in findings] == [("no-such-api", "pages/share/share")] * 2
    assert "wx.shareAppMessage" in findings[0].message
    assert "wx.shareTimeline" in findings[1].message
    assert lenient.trace.of_kind("share") == []  # recorded and ignored: no card was made


async def test_share_apis_strict_are_not_functions(strict: Simulator) -> None:
    user = strict.user()
    page = await user.launch("/pages/share/share")
    await page.tap("shareProduct")
    assert page.data["shared"] == []
    assert "not a function" in page.data["error"]
    await page.tap("shareToMoments")
    assert page.data["shared"] == []
    assert _eval(user, "typeof wx.shareAppMessage + ',' + typeof wx.shareTimeline") == "undefined,undefined"
    # Nothing was shared: no share card was built.
    assert strict.trace.of_kind("share-card") == [] and strict.trace.of_kind("share") == []
    assert strict.trace.findings == []


# ---------------------------------------------------------------- relative request URLs (§1)
async def test_relative_url_lenient_one_finding_and_loads(lenient: Simulator) -> None:
    page = await lenient.user().launch("/pages/relative_url/relative_url")
    await page.tap("loadProducts")
    assert page.data["status"] == "loaded"
    assert page.data["total"] == 3
    assert _kinds(lenient) == [("relative-url", "pages/relative_url/relative_url")]


async def test_relative_url_strict_fails_invalid_url(strict: Simulator) -> None:
    page = await strict.user().launch("/pages/relative_url/relative_url")
    await page.tap("loadProducts")
    assert page.data["status"] == "failed"
    assert page.data["errMsg"] == "request:fail invalid url"
    assert page.data["total"] == 0
    assert strict.trace.findings == []


# ---------------------------------------------------------------- this.setData in a static helper (§6)
async def test_static_setdata_lenient_one_finding_and_page_updates(lenient: Simulator) -> None:
    user = lenient.user()
    page = await user.launch("/pages/static_helper/static_helper")
    await page.tap("levelUp")
    assert page.data["level"] == 2
    assert page.data["celebration"] == {"level": 2, "shown": True}
    assert _kinds(lenient) == [("static-setdata", "pages/static_helper/static_helper")]
    assert _app_errors(user) == []


async def test_static_setdata_strict_is_not_a_function(strict: Simulator) -> None:
    user = strict.user()
    page = await user.launch("/pages/static_helper/static_helper")
    # The TypeError is thrown in showModal's success callback: the platform reports it to App.onError.
    with pytest.raises(JSError, match="not a function") as info:
        await page.tap("levelUp")
    # QuickJS's bare "not a function" is completed from the source line, which the error quotes.
    assert info.value.callee == "this.setData"
    assert "(this.setData is not a function, utils/celebration.js:" in str(info.value)
    assert "| this.setData({ celebration" in info.value.source
    assert page.data["level"] == 2
    assert page.data["celebration"] is None
    errors = _app_errors(user)
    assert len(errors) == 1 and "TypeError" in errors[0] and "not a function" in errors[0]
    # An uncaught error in app code is a finding too (issue 12.6), naming where it was thrown.
    assert [(f.kind, "utils/celebration.js:16" in f.message) for f in strict.trace.findings] == [("js-error", True)]


# ---------------------------------------------------------------- all four, one user, one session
async def test_lenient_all_flows_one_finding_per_mistake(lenient: Simulator) -> None:
    user = lenient.user()
    for url, handlers in (
        ("/pages/await_request/await_request", ["loadProducts"]),
        ("/pages/share/share", ["shareProduct", "shareToMoments"]),
        ("/pages/relative_url/relative_url", ["loadProducts"]),
        ("/pages/static_helper/static_helper", ["levelUp"]),
    ):
        page = await user.launch(url)
        for h in handlers:
            await page.tap(h)
    assert sorted(f.kind for f in lenient.trace.findings) == [
        "await-task", "no-such-api", "no-such-api", "relative-url", "static-setdata"]
