"""§0 cross-cutting conventions: the promisify rule, callbacks, errMsg, sync APIs throwing."""

from __future__ import annotations

import pytest
from fixture_apps import js

from mock_wx import VirtualUser
from mock_wx.api import REGISTRY, ApiSpec

TASK_APIS = ["request", "uploadFile", "downloadFile", "connectSocket"]


async def test_promise_only_without_callbacks(user: VirtualUser) -> None:
    """§0: an async API returns a Promise iff the options contain none of success/fail/complete."""
    page = await user.launch("/pages/probe/probe")
    seen = await page.call("promiseOrUndefined")
    assert seen == {"promise": "function", "withSuccess": "undefined", "withFail": "undefined",
                    "withComplete": "undefined"}


async def test_success_then_complete(user: VirtualUser) -> None:
    """§0: on success, `success` runs, then `complete`, both with errMsg "<api>:ok"."""
    user.storage["k"] = '"v"'
    page = await user.launch("/pages/probe/probe")
    seen = await page.tap("callbackOrder", detail={"key": "k"})
    assert seen == ["success:getStorage:ok", "complete:getStorage:ok"]


async def test_fail_then_complete(user: VirtualUser) -> None:
    """§0: on failure, `fail` runs, then `complete`, both with errMsg "<api>:fail <reason>"."""
    page = await user.launch("/pages/probe/probe")
    seen = await page.tap("callbackOrder", detail={"key": "absent"})
    assert seen == ["fail:getStorage:fail data not found", "complete:getStorage:fail data not found"]


async def test_promise_resolves_and_rejects_with_errmsg(user: VirtualUser) -> None:
    """§0: promise style resolves with the success result and rejects with the fail result (errMsg)."""
    user.storage["k"] = '{"a":1}'
    page = await user.launch("/pages/probe/probe")
    assert await page.tap("promiseStyle", detail={"key": "k"}) == {
        "resolved": {"data": {"a": 1}, "errMsg": "getStorage:ok"}}
    assert await page.tap("promiseStyle", detail={"key": "nope"}) == {
        "rejected": {"errMsg": "getStorage:fail data not found"}}


async def test_sync_apis_throw(user: VirtualUser) -> None:
    """§0: `*Sync` APIs throw on error instead of returning a fail result."""
    page = await user.launch("/pages/probe/probe")
    out = await page.call("syncThrows")
    assert out["noKey"].startswith("setStorageSync:fail parameter error")
    assert out["tooBig"].startswith("setStorageSync:fail")


async def test_task_apis_never_promisify(user: VirtualUser, monkeypatch: pytest.MonkeyPatch) -> None:
    """§0: request/uploadFile/downloadFile/connectSocket return their Task even without callbacks."""
    for name in TASK_APIS:
        # A controlled handler, so the rule is checked on the bridge whichever network family is built.
        monkeypatch.setitem(REGISTRY, name, ApiSpec(name, "task", lambda ctx, args: {}, name))
    await user.launch("/pages/probe/probe")
    for name in TASK_APIS:
        shape = js(user, f"(function () {{ var t = wx.{name}({{url: 'https://a.example.com/x'}});"
                         " return [typeof t, typeof t.then, typeof (t.abort || t.send)]; })()")
        assert shape == ["object", "undefined", "function"], name


async def test_task_callbacks_still_run(user: VirtualUser, monkeypatch: pytest.MonkeyPatch) -> None:
    """§0: a task API with success/complete reports through them and still returns the Task."""
    monkeypatch.setitem(REGISTRY, "request", ApiSpec("request", "task", lambda ctx, args: {"statusCode": 200}, "request"))
    await user.launch("/pages/probe/probe")
    user.realm.engine.eval("globalThis.seen = []; globalThis.task = wx.request({url: 'https://a.example.com/x',"
                           " success: function (r) { seen.push(r.errMsg + ' ' + r.statusCode) },"
                           " complete: function (r) { seen.push('complete') }})")
    await user.idle()
    assert js(user, "seen") == ["request:ok 200", "complete"]
    assert js(user, "typeof task.abort") == "function"


async def test_broken_mock_answers_with_fail(user: VirtualUser) -> None:
    """§0: every async call completes: a mock (or handler) that raises answers fail "<api>:fail wxsim internal error"."""

    def broken(ctx: object, args: dict[str, object]) -> dict[str, object]:
        raise KeyError("oops")

    user.ctx.mocks["getStorage"] = broken
    page = await user.launch("/pages/probe/probe")
    out = await page.tap("callbackOrder", detail={"key": "k"})
    assert out == ["fail:getStorage:fail wxsim internal error: KeyError('oops')",
                   "complete:getStorage:fail wxsim internal error: KeyError('oops')"]
    assert user.sim.trace.of_kind("internal-error")[0].data["api"] == "getStorage"
