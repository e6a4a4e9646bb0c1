"""Issue 12 item 2: every wx API of the official typings is defined; those wxsim does not emulate answer a
documented default (docs/api-coverage.md), record a `not-simulated` finding once per user, and can be mocked."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from mock_wx import VirtualUser
from mock_wx.api.defaults import DEFAULTS, TABLE
from mock_wx.errors import WxApiError

pytestmark = pytest.mark.app("appservice")
ROOT = Path(__file__).resolve().parents[2]


def _findings(user: VirtualUser, kind: str = "not-simulated") -> list[str]:
    return [f.message for f in user.sim.trace.findings if f.kind == kind and f.user == user.name]


def test_table_comes_from_the_typings_and_the_doc_is_current() -> None:
    """The table is the generated one (hundreds of APIs, with the package it came from), and
    docs/api-coverage.md is what scripts/gen_api_coverage.py writes from it today."""
    meta = json.loads((ROOT / "mock_wx/api/wx_api_table.json").read_text(encoding="utf-8"))
    assert meta["source"].startswith("miniprogram-api-typings@")
    names = {e["name"] for e in TABLE}
    assert len(names) > 450 and {"request", "getExtConfigSync", "setKeepScreenOn", "createLivePusherContext"} <= names
    spec = importlib.util.spec_from_file_location("gen_api_coverage", ROOT / "scripts/gen_api_coverage.py")
    assert spec is not None and spec.loader is not None
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert (ROOT / "docs/api-coverage.md").read_text(encoding="utf-8") == gen.render()


async def test_every_api_in_the_table_is_defined(user: VirtualUser) -> None:
    """typeof wx[name] is 'function' for every method of the table ('object' for wx.env/cloud/...), and
    wx.canIUse agrees with what is defined."""
    await user.launch("/pages/index/index")
    methods = [e["name"] for e in TABLE if e["kind"] != "property"]
    props = [e["name"] for e in TABLE if e["kind"] == "property"]
    missing = await user.evaluate(f"{json.dumps(methods)}.filter(function (n) {{ return typeof wx[n] !== 'function' }})")
    assert missing == []
    assert await user.evaluate(f"{json.dumps(props)}.map(function (n) {{ return typeof wx[n] }})") == ["object"] * len(props)
    disagree = await user.evaluate(
        f"{json.dumps([*methods, 'noSuchApi'])}.filter(function (n) {{ return wx.canIUse(n) !== (typeof wx[n] === 'function') }})")
    assert disagree == []
    assert await user.evaluate("[wx.canIUse('noSuchApi'), wx.hasOwnProperty('request'), 'startWifi' in wx]") == [
        False, True, True]


async def test_sample_defaults_behave_as_documented(user: VirtualUser) -> None:
    """getExtConfigSync gives ext.json's `ext`; setKeepScreenOn succeeds; a Bluetooth adapter is not available
    (errCode 10001); a context records its method calls; an event listener is accepted; a plain unknown
    async API fails `not supported`; each records one `not-simulated` finding however often it is called."""
    await user.launch("/pages/index/index")
    assert DEFAULTS["setKeepScreenOn"].ok and not DEFAULTS["openBluetoothAdapter"].ok
    assert await user.evaluate("[wx.getExtConfigSync(), wx.getExtConfigSync()]") == [{"shopId": 42, "theme": "red"}] * 2
    assert await user.call_wx("setKeepScreenOn", {"keepScreenOn": True}) == {"errMsg": "setKeepScreenOn:ok"}
    with pytest.raises(WxApiError, match=r"^openBluetoothAdapter:fail not available$") as bt:
        await user.call_wx("openBluetoothAdapter", {})
    assert bt.value.errCode == 10001
    with pytest.raises(WxApiError, match=r"^scanCode:fail not supported$"):
        await user.call_wx("scanCode", {})
    calls = await user.evaluate("""(function () {
        var pusher = wx.createLivePusherContext();
        pusher.start({ success: function () {} });
        pusher.switchCamera();
        wx.onAccelerometerChange(function () {});
        return pusher.__calls.map(function (c) { return c.method });
    })()""")
    assert calls == ["start", "switchCamera"]
    traced = [e.data for e in user.sim.trace.of_kind("context-call", user.name)]
    assert [(d["api"], d["method"]) for d in traced] == [("createLivePusherContext", "start"),
                                                        ("createLivePusherContext", "switchCamera")]
    assert sorted(m.split(" ")[0] for m in _findings(user)) == sorted(
        ["wx.getExtConfigSync", "wx.setKeepScreenOn", "wx.openBluetoothAdapter", "wx.scanCode",
         "wx.createLivePusherContext", "wx.onAccelerometerChange"])


async def test_defaults_can_be_mocked(user: VirtualUser) -> None:
    """A default is an API like any other: a mock answers instead, with no finding."""
    await user.launch("/pages/index/index")
    user.mock_wx("getExtConfigSync", result={"shopId": 7})
    user.mock_wx("startWifi", result={})
    assert await user.evaluate("wx.getExtConfigSync()") == {"shopId": 7}
    assert await user.call_wx("startWifi", {}) == {"errMsg": "startWifi:ok"}
    user.mock_wx("createMapContext", js="function () { return { getScale: function () { return 16 } } }")
    assert await user.evaluate("wx.createMapContext('map').getScale()") == 16
    assert _findings(user) == []
