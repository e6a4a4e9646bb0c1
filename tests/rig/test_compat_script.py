"""scripts/compat's two setups (docs/compat.md): the manifest's "as a tester sets it up" entries each say why,
and a tester setup answers what it names (endpoints, cloud functions, wx APIs, storage) while everything else
keeps the catch-all envelope. The corpus apps are not in the repository; this runs on a fixture of our own."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

from mock_wx.runtime import AppBundle

ROOT = Path(__file__).resolve().parents[2]


def _compat() -> Any:
    loader = importlib.machinery.SourceFileLoader("compat_script", str(ROOT / "scripts/compat"))
    spec = importlib.util.spec_from_loader("compat_script", loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["compat_script"] = module  # its dataclasses look their module up while being made
    loader.exec_module(module)
    return module


def test_every_tester_entry_of_the_manifest_says_why() -> None:
    manifest = json.loads((ROOT / "scripts/compat_manifest.json").read_text(encoding="utf-8"))
    entries = 0
    for app in manifest["apps"]:
        tester = app.get("tester", {})
        assert set(tester) <= {"storage", "queries", "answers", "cloud_functions", "cloud_database", "wx"}, app["name"]
        for section, items in tester.items():
            for item in items if isinstance(items, list) else items.values():
                entries += 1
                assert isinstance(item.get("why"), str) and len(item["why"]) > 20, (app["name"], section, item)
    assert entries >= 20


async def test_a_tester_setup_answers_what_it_names_and_the_catch_all_the_rest() -> None:
    compat = _compat()
    spec = compat.AppSpec("cloud", ROOT / "tests/fixtures/apps/cloud", tester={
        "storage": {"token": {"value": "t1", "why": "x"}},
        "answers": [{"url": "*/api/goods/*", "body": {"code": 0, "data": {"id": 7}}, "why": "x"}],
        "cloud_functions": {"hello": {"result": {"text": "hi"}, "why": "x"}},
        "wx": {"getImageInfo": {"result": {"width": 4, "height": 3}, "why": "x"}},
        "queries": {"pages/index/index": {"query": "id=1", "why": "x"}},
    })
    setup = compat.Setup.of(spec, "tester")
    sim = compat._sim(AppBundle.load(spec.root), "strict", {"code": 700, "msg": "no data"}, setup)
    async with sim:
        user = compat._user(sim, "u", setup)
        page = await user.launch(compat._url("pages/index/index", setup))
        assert page.query == {"id": "1"} and page.data["greeting"] == "hi"
        assert await user.evaluate("wx.getStorageSync('token')") == "t1"
        got = await user.evaluate("""function () {
            function get(url) { return new Promise(function (ok) { wx.request({ url: url, success: function (r) { ok(r.data); } }); }); }
            return Promise.all([get('https://shop.example/api/goods/7?x=1'), get('https://shop.example/api/cart')]);
        }""")
        assert got == [{"code": 0, "data": {"id": 7}}, {"code": 700, "msg": "no data"}]
        assert (await user.call_wx("getImageInfo", {"src": "https://x/a.png"}))["width"] == 4
        other = await user.evaluate("wx.cloud.callFunction({ name: 'other' }).catch(function (e) { return e.errMsg; })")
        assert other == ("cloud.callFunction:fail Error: errCode: -501000  | errMsg: FunctionName parameter could not "
                         "be found. (other)")
    fresh = compat.Setup.of(spec, "fresh")
    assert (fresh.storage, fresh.answers, fresh.cloud_functions, compat._url("pages/index/index", fresh)) == (
        {}, [], {}, "/pages/index/index")
