"""Issue 12 item 6, un-awaited async helpers: QuickJS makes an `async` function's promise with its intrinsic
Promise, which the prelude's tracking subclass never sees, so the loader rewrites async functions to hand
their promises to the prelude (mock_wx/runtime/async_rewrite.py). A rejection nobody handles is then an
`unhandled-rejection` finding with file:line, reaches App.onUnhandledRejection (wx-fidelity.md §6,
`onUnhandledRejection({reason, promise})`), and fails the action with `fail_on_js_errors`; an awaited or
caught one is not reported. Fixture: tests/fixtures/apps/async_helpers (utils/x.js, a minified utils/min.js).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_wx import JSError, Simulator, VirtualUser
from mock_wx.runtime import AppBundle, loader
from mock_wx.runtime.async_rewrite import rewrite_async

pytestmark = pytest.mark.app("async_helpers")
APP = Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "async_helpers"


def _unhandled(user: VirtualUser) -> list[str]:
    return [f.message for f in user.sim.trace.findings if f.kind == "unhandled-rejection"]


async def test_unawaited_async_helper_is_a_finding_with_file_line(user: VirtualUser) -> None:
    page = await user.launch()
    await page.call("fireAndForget")
    found = _unhandled(user)
    assert found == ["Unhandled promise rejection: TypeError: cannot read property 'list' of undefined "
                     "(utils/x.js:4)"]
    assert [f.page for f in user.sim.trace.findings if f.kind == "unhandled-rejection"] == ["pages/index/index"]
    assert await user.evaluate("getApp().globalData.rejections") == ["cannot read property 'list' of undefined"]


@pytest.mark.app("async_helpers", fail_on_js_errors=True)
async def test_fail_on_js_errors_fails_the_action(user: VirtualUser) -> None:
    page = await user.launch()
    with pytest.raises(JSError, match=r"Unhandled promise rejection: TypeError: .*utils/x\.js:4") as err:
        await page.call("fireAndForget")
    assert err.value.location == "utils/x.js:4"


@pytest.mark.app("async_helpers", fail_on_js_errors=True)
@pytest.mark.parametrize("method", ["awaited", "caught", "insideHelper"])
async def test_awaited_or_caught_is_not_reported(user: VirtualUser, method: str) -> None:
    page = await user.launch()
    await page.call(method)
    assert _unhandled(user) == []
    assert await user.evaluate("getApp().globalData.rejections") == []
    assert page.data["result"] == {"awaited": "awaited: cannot read property 'list' of undefined",
                                   "caught": "caught", "insideHelper": None}[method]


async def test_arrow_method_and_class_forms(user: VirtualUser) -> None:
    """`async x => ...`, `async (a, b = 0) => {...}`, a class method using `this`, a static method, an object
    method using `this` and `arguments`: each fire-and-forget rejection is reported once, at its line."""
    page = await user.launch()
    for method in ("arrowForms", "methodForms", "objectMethod"):
        await page.call(method)
    assert _unhandled(user) == [
        "Unhandled promise rejection: TypeError: cannot read property of undefined (utils/x.js:15)",
        "Unhandled promise rejection: TypeError: cannot read property 'items' of null (utils/x.js:19)",
        "Unhandled promise rejection: TypeError: cannot read property 'url' of null (utils/x.js:26)",
        "Unhandled promise rejection: TypeError: ping failed (utils/x.js:28)",
        "Unhandled promise rejection: Error: save failed after 0 arguments (utils/x.js:36)",
    ]
    assert len(await user.evaluate("getApp().globalData.rejections")) == 5


async def test_then_on_a_helper_and_promise_all(user: VirtualUser) -> None:
    """A handler chained with `then` that throws rejects a promise nobody handles: reported at its line. A
    helper's promise given to Promise.all is handled by it; the rejection of the all-promise is reported once."""
    page = await user.launch()
    await page.call("thenThrows")
    await page.call("allUnawaited")
    assert _unhandled(user) == [
        "Unhandled promise rejection: TypeError: cannot read property 'x' of undefined (pages/index/index.js:13)",
        "Unhandled promise rejection: TypeError: cannot read property 'list' of undefined (utils/x.js:4)",
    ]


@pytest.mark.app("async_helpers", fail_on_js_errors=True)
async def test_rewritten_functions_keep_their_meaning(user: VirtualUser) -> None:
    """`this`, `arguments`, default parameters, Promise.all, and `instanceof Promise` as before the rewrite."""
    page = await user.launch()
    assert await page.call("values") == ["https://api.example.com/goods", 7, 3, 1, 1, ["a", 1], True, "function"]
    assert _unhandled(user) == []


async def test_minified_one_liner(user: VirtualUser) -> None:
    page = await user.launch()
    await page.call("minified")
    assert _unhandled(user) == [
        "Unhandled promise rejection: Error: min boom (utils/min.js:1)",
        "Unhandled promise rejection: TypeError: not a function (…x is not a function, utils/min.js:1)",
    ]


async def test_a_file_the_rewrite_would_break_loads_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """A rewrite that does not compile (here: forced) leaves the file as the app wrote it: the app runs,
    and that file's un-awaited rejections go unseen, as before the rewrite existed."""
    def breaking(source: str) -> str:
        out = rewrite_async(source)
        return out.replace("__wx_async(async () =>", "__wx_async(async () => ((") if "async function loadList" in source else out

    monkeypatch.setattr(loader, "rewrite_async", breaking)
    bundle = AppBundle.load(APP)
    assert "async function loadList()" in bundle.files["utils/x.js"]
    assert "__wx_async" not in bundle.files["utils/x.js"]
    assert "__wx_async" in bundle.files["utils/min.js"]
    async with Simulator(bundle, embedded_backend=False) as sim:
        user = sim.user()
        page = await user.launch()
        await page.call("fireAndForget")
        await page.call("minified")
        found = _unhandled(user)
        assert len(found) == 2 and all(m.endswith("utils/min.js:1)") for m in found), found
        assert await page.call("values") == ["https://api.example.com/goods", 7, 3, 1, 1, ["a", 1], True, "function"]


def test_rewrite_keeps_lines_and_leaves_literals_and_generators_alone() -> None:
    src = ("const s = 'async function a() {}', t = `${async () => 1} async b => c`; // async function d() {}\n"
           "/* async () => {} */ const re = /async function e() {/; if (s) /async f => {/.test(t)\n"
           "async function* gen() {} const o = { async *g() {}, async: 1, async() {} }; x.async(y)\n"
           "async function f(a = 1) {\n  return a\n}\n")
    out = rewrite_async(src)
    assert out.count("\n") == src.count("\n")
    lines = out.split("\n")
    assert lines[0] == ("const s = 'async function a() {}', t = `${() => __wx_async(async () => 1)} async b => c`;"
                        " // async function d() {}")
    assert lines[1:3] == src.split("\n")[1:3]
    assert lines[3:6] == ["function f(a = 1) {return __wx_async(async () => {", "  return a", "});}"]


@pytest.mark.parametrize("source", [
    "const f = async x => x +\n  1\nf()",
    "const f = async x => x\n  .then(g)\nf()",
    "const v = c ? async () => 1 : async () => 2, w = 3",
    "x = async ({a, b: [c]} = {}, ...rest) => ({ a, c, rest })",
    "class A { static async s() {} async [k]() {} async 'q'() {} async #p() {} }",
    "async function f(){}async function g(){return async x=>x}",
])
def test_rewrite_compiles(source: str) -> None:
    import quickjs

    out = rewrite_async(source)
    assert out != source and out.count("\n") == source.count("\n")
    quickjs.Context().eval(f"(function () {{{out}\n}})")
