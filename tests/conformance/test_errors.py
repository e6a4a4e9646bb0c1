"""§6 App.onError/onUnhandledRejection and issue item 9: JS errors surface in Python with file:line."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fixture_apps import js

from mock_wx import AppLoadError, JSError, Simulator, VirtualUser
from mock_wx.runtime import AppBundle

SYNTAX_ERROR_APP = Path(__file__).resolve().parent.parent / "fixtures" / "apps" / "syntax_error"


async def test_handler_exception_is_jserror_with_file_line(user: VirtualUser) -> None:
    """Issue 2 item 9: a JS exception in a page handler raises JSError naming pages/x/x.js:LINE."""
    page = await user.launch("/pages/probe/probe")
    with pytest.raises(JSError) as info:
        await page.tap("boom")
    err = info.value
    assert err.js_message == "TypeError: cannot read property 'field' of null"
    assert err.location is not None and err.location.startswith("pages/probe/probe.js:")
    assert "at boom (pages/probe/probe.js:" in err.js_stack
    assert "<input>" not in str(err)
    # The line it points at is quoted, with a caret under the engine's column (the property access).
    quote, caret = err.source.split("\n")
    assert quote.endswith("| return obj.field")
    assert quote[len(caret) - 1] == "." and caret.strip() == "^"
    assert err.callee is None


def test_source_excerpt_names_the_callee_and_skips_the_loader_wrapper() -> None:
    """Issue 2 item 9: "not a function" gets its callee from the source line, first lines included (where the
    loader's wrapper shares the line), and a call on a call's result is marked as partial."""
    from mock_wx.runtime.engine import SourceMap

    sm = SourceMap({"utils/a.js": '__wx_define("utils/a.js", function (require, module) {wx.shareAppMessage({})\n'
                                  "  load().then(x)\n  getApp() [ 'go' ](1)\n});"})
    sm.add(1000, "utils/a.js")
    wrapper = len('__wx_define("utils/a.js", function (require, module) {')
    callee, quote = sm.excerpt("TypeError: not a function", f"at f (<input>:1000:{wrapper + 19})")
    assert callee == "wx.shareAppMessage"
    assert quote.split("\n")[0] == "  1 | wx.shareAppMessage({})"
    assert sm.excerpt("TypeError: not a function", "at f (<input>:1001:14)")[0] == "…then"
    assert sm.excerpt("TypeError: not a function", "at f (<input>:1002:20)")[0] == "…['go']"
    assert sm.excerpt("TypeError: x is undefined", "at f (<input>:1001:14)")[0] is None
    assert sm.excerpt("TypeError: not a function", "at f (wxsim/prelude.js:3:1)") == (None, "")


async def test_handler_exception_calls_app_onerror(user: VirtualUser) -> None:
    """§6: App.onError(msg: string) is called with the error message and its mapped stack."""
    page = await user.launch("/pages/probe/probe")
    with pytest.raises(JSError):
        await page.tap("boom")
    errors = js(user, "getApp().globalData.errors")
    assert len(errors) == 1
    assert errors[0].startswith("TypeError: cannot read property 'field' of null")
    assert "pages/probe/probe.js:" in errors[0]


async def test_page_keeps_working_after_an_exception(user: VirtualUser) -> None:
    """Issue 2 item 9: an exception in one handler does not break the page: the next tap works."""
    page = await user.launch("/pages/probe/probe")
    with pytest.raises(JSError):
        await page.tap("boom")
    assert (await page.call("setPaths"))["user"] == {"name": "Ann"}


async def test_syntax_error_names_file_and_line() -> None:
    """Issue 2 item 9: a syntax error in an app file fails loading with an error naming the file and line."""
    with pytest.raises(AppLoadError, match=r"^pages/broken/broken\.js:7: SyntaxError"):
        AppBundle.load(SYNTAX_ERROR_APP)


async def test_require_plugin_clear_error(user: VirtualUser) -> None:
    """§10/item 1: requirePlugin throws a clear error (plugins are not emulated)."""
    page = await user.launch("/pages/probe/probe")
    message = await page.call("plugin")
    assert message.startswith('requirePlugin("live-player-plugin"): plugins are not available in wxsim')


@pytest.mark.app("conformance", time_limit=0.2)
async def test_runaway_loop_is_interrupted(user: VirtualUser) -> None:
    """Issue 2 item 2: a runaway `while (true) {}` is interrupted by the time limit with a clear error."""
    page = await user.launch("/pages/probe/probe")
    started = time.monotonic()
    with pytest.raises(JSError) as info:
        await page.tap("spin")
    assert time.monotonic() - started < 2
    assert info.value.js_message.startswith("InternalError: interrupted (the script ran past the 0.2 s time limit")
    assert info.value.location is not None and info.value.location.startswith("pages/probe/probe.js:")
    assert (await page.call("storageRoundTrip"))["n"] == 42  # the realm is still usable


async def test_async_handler_rejection_goes_to_onunhandledrejection(user: VirtualUser) -> None:
    """§6: an async handler that throws is an unhandled rejection: App.onUnhandledRejection({reason, promise})."""
    page = await user.launch("/pages/probe/probe")
    with pytest.raises(JSError, match="async handler failed"):
        await page.tap("rejectAfterAwait")
    assert js(user, "getApp().globalData.rejections") == [{"reason": "async handler failed", "hasPromise": True}]


async def test_unhandled_bridge_and_plain_rejections_reported(user: VirtualUser) -> None:
    """§6: a wx promise nobody handles, and a plain Promise.reject, reach App.onUnhandledRejection."""
    page = await user.launch("/pages/probe/probe")
    assert await page.call("leakRejection") == "started"
    reasons = sorted(r["reason"] for r in js(user, "getApp().globalData.rejections"))
    assert reasons == ["getStorage:fail data not found", "plain reject"]


async def test_handled_rejections_not_reported(user: VirtualUser) -> None:
    """§6: .catch, a then-rejection handler and try/await handle a rejection: nothing is reported."""
    page = await user.launch("/pages/probe/probe")
    assert await page.call("handledRejection") == "handled"
    assert await page.call("awaitedRejection") == "caught getStorage:fail data not found"
    assert js(user, "getApp().globalData.rejections") == []


async def test_rejections_through_every_path_reported_once(user: VirtualUser) -> None:
    """§6: a rejection reaches onUnhandledRejection whichever way the promise was rejected (executor throw,
    a throwing then-handler, adopting a rejected promise, Promise.all), once each; handled ones and a throw
    after resolve are not reported; a non-function resolver throws a TypeError at once."""
    await user.launch("/pages/probe/probe")
    await user.evaluate("""
      new Promise(function () { throw new Error('executor') });
      Promise.resolve(1).then(function () { throw new Error('handler') });
      new Promise(function (resolve) { resolve(Promise.reject(new Error('adopted'))) });
      Promise.all([1, Promise.reject(new Error('all'))]);
      Promise.resolve(1).then(function () { return Promise.reject(new Error('returned')) });
      new Promise(function (resolve) { resolve(1); throw new Error('after resolve') });
      new Promise(function (resolve) { resolve(Promise.reject(new Error('adopted, handled'))) }).catch(function () {});
      Promise.reject(new Error('caught later')).then(null, function () {});
      var typeError = '';
      try { new Promise(42) } catch (e) { typeError = e.name };
      getApp().globalData.typeError = typeError;
    """)
    reasons = sorted(r["reason"] for r in js(user, "getApp().globalData.rejections"))
    assert reasons == ["adopted", "all", "executor", "handler", "returned"]
    assert js(user, "getApp().globalData.typeError") == "TypeError"


async def test_promise_instanceof_still_works(user: VirtualUser) -> None:
    """§6 (onUnhandledRejection support): rejection tracking keeps `instanceof Promise` true for async functions' promises and wx promises."""
    await user.launch("/pages/probe/probe")
    assert js(user, "[(async function () {})() instanceof Promise, wx.getStorageInfo() instanceof Promise,"
                    " Promise.resolve(1) instanceof Promise, {} instanceof Promise]") == [True, True, True, False]


async def test_es2020_syntax(user: VirtualUser) -> None:
    """Issue 2 item 2: ES2020+ syntax runs: classes with private static fields, optional chaining, ??, spread, BigInt."""
    page = await user.launch("/pages/probe/probe")
    assert await page.call("es2020") == {"opt": "dflt", "spread": 1, "made": 1, "big": "18446744073709551616"}


async def test_errors_do_not_leak_between_users(sim: Simulator) -> None:
    """Issue 2 item 2: realms are isolated: one user's error and globals do not affect another's."""
    alice, bob = sim.users(2)
    pa = await alice.launch("/pages/probe/probe")
    await bob.launch("/pages/probe/probe")
    alice.realm.engine.eval("globalThis.leak = 1; getApp().globalData.shared = 'alice'")
    with pytest.raises(JSError):
        await pa.tap("boom")
    assert js(bob, "[typeof leak, getApp().globalData.shared || null, getApp().globalData.errors.length]") == [
        "undefined", None, 0]


@pytest.mark.app("conformance", time_limit=0.2)
async def test_runaway_timer_is_interrupted(sim: Simulator) -> None:
    """Issue 2 item 2: a runaway loop in a timer callback is interrupted too; clock.advance raises JSError at its file:line."""
    user = sim.user()
    page = await user.launch("/pages/timers/timers")
    await page.call("spinLater")
    with pytest.raises(JSError, match="interrupted") as info:
        await sim.clock.advance(seconds=1)
    assert info.value.location is not None and info.value.location.startswith("pages/timers/timers.js:")
    assert (await page.call("now"))["now"] > 0  # the realm is still usable


async def test_forgotten_async_method_rejection_reported(user: VirtualUser) -> None:
    """§6: an async page method called without await (`this.load()` in onLoad) that rejects reaches onUnhandledRejection."""
    page = await user.launch("/pages/probe/probe")
    assert await page.call("fireAndForget") == "started"
    assert js(user, "getApp().globalData.rejections") == [{"reason": "forgotten", "hasPromise": True}]


async def test_awaited_async_method_rejection_not_reported(user: VirtualUser) -> None:
    """§6: awaiting, .catch or .then(_, onRejected) on an async method's promise handles its rejection."""
    page = await user.launch("/pages/probe/probe")
    assert await page.call("awaitOwnMethod") == "handled"
    assert js(user, "getApp().globalData.rejections") == []


@pytest.mark.app("conformance", time_limit=0.2)
async def test_interrupt_leaves_no_stale_page_owner(sim: Simulator) -> None:
    """Issue 2 item 2: after an interrupted handler, a timer set from outside page code is owned by no page,
    so unloading the interrupted page does not produce a false timer-after-unload finding."""
    user = sim.user()
    await user.launch("/pages/tab_a/tab_a")
    await user.current_page.tap("go", dataset={"api": "navigateTo", "url": "/pages/probe/probe"})
    with pytest.raises(JSError, match="interrupted"):
        await user.current_page.tap("spin")
    await user.back()
    user.realm.call("emitGlobal", "onNothing", "{}")  # a top-level entry from Python
    user.realm.engine.eval("setTimeout(function () {}, 10)")
    await sim.clock.advance(seconds=1)
    assert sim.trace.findings == []
