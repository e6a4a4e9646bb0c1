"""wx.cloud (issue 12, the compatibility corpus): not simulated, with a documented default (docs/api-coverage.md,
mock_wx/api/cloud.py): init succeeds, every call to the cloud environment fails as for an environment that does
not exist, a Promise iff no success/fail/complete (wx-fidelity.md §0), and each call can be mocked — a cloud
function by its name. Fixture: tests/fixtures/apps/cloud (our own)."""

from __future__ import annotations

from typing import Any

import pytest

from mock_wx import JSError, VirtualUser

pytestmark = pytest.mark.app("cloud")

ENV_NOT_FOUND = "Error: errCode: -501000  | errMsg: Environment not found"


def _not_simulated(user: VirtualUser) -> list[str]:
    return sorted(f.message.split(" ")[0] for f in user.sim.trace.findings
                  if f.kind == "not-simulated" and f.user == user.name)


async def test_calls_fail_as_for_an_environment_that_does_not_exist(user: VirtualUser) -> None:
    """Promise style (no callback): the Promise rejects with `{errMsg, errCode}`; the page's catch runs.
    One `not-simulated` finding per cloud API, however often it is called."""
    page = await user.launch()
    assert page.data["error"] == f"cloud.callFunction:fail {ENV_NOT_FOUND}"
    out = await user.evaluate("""function () {
        var p = wx.cloud.callFunction({ name: 'other' });
        var isPromise = p instanceof Promise;
        return p.then(function () { return 'resolved'; }, function (e) {
          return { isPromise: isPromise, errMsg: e.errMsg, errCode: e.errCode };
        });
    }""")
    assert out == {"isPromise": True, "errMsg": f"cloud.callFunction:fail {ENV_NOT_FOUND}", "errCode": -501000}
    assert _not_simulated(user) == ["wx.cloud", "wx.cloud.callFunction"]


async def test_callbacks_instead_of_a_promise(user: VirtualUser) -> None:
    """With a callback the call returns undefined (callFunction) or its task (uploadFile), and fail then
    complete run."""
    await user.launch()
    out = await user.evaluate("""function () {
        return new Promise(function (resolve) {
          var seen = [];
          var ret = wx.cloud.callFunction({ name: 'hello',
            fail: function (e) { seen.push('fail ' + e.errCode); },
            complete: function (e) { seen.push('complete'); resolve({ ret: ret === undefined, seen: seen, msg: e.errMsg }); } });
          var task = wx.cloud.uploadFile({ cloudPath: 'a.png', filePath: 'wxfile://tmp/a.png', fail: function () {} });
          seen.push(typeof task.abort + ' ' + typeof task.onProgressUpdate);
        });
    }""")
    assert out == {"ret": True, "seen": ["function function", "fail -501000", "complete"],
                   "msg": f"cloud.callFunction:fail {ENV_NOT_FOUND}"}


async def test_database_operations_name_their_reference(user: VirtualUser) -> None:
    """A query's get fails `collection.get:fail ...`, a document's update `document.update:fail ...`."""
    page = await user.launch()
    with pytest.raises(JSError, match=r"collection\.get:fail Error: errCode: -501000"):
        await page.call("loadBanners")
    out = await user.evaluate("""function () {
        var db = wx.cloud.database();
        return db.collection('todos').doc('t1').update({ data: { done: true } })
          .catch(function (e) { return e.errMsg; });
    }""")
    assert out == f"document.update:fail {ENV_NOT_FOUND}"
    assert "wx.cloud.database" in _not_simulated(user)


async def test_before_init_the_cloud_api_is_not_enabled(user: VirtualUser) -> None:
    """Before any wx.cloud.init (here: the client state forgotten after the app's own init) a call fails
    `errCode: -1 | errMsg: Cloud API isn't enabled, please call wx.cloud.init first`."""
    await user.launch()
    user.ctx.state.pop("cloud_init")
    out = await user.evaluate("wx.cloud.getTempFileURL({ fileList: ['cloud://x'] }).catch(function (e) { return [e.errMsg, e.errCode]; })")
    assert out == ["cloud.getTempFileURL:fail Error: errCode: -1 | errMsg: Cloud API isn't enabled, "
                   "please call wx.cloud.init first", -1]


async def test_a_cloud_function_mocked_by_name(user: VirtualUser) -> None:
    """`mock_cloud_function(name, fn)` gets the call's data and returns what the function returns (the
    answer's `result`); a function not mocked still fails; no not-simulated finding for the mocked one."""
    seen: list[Any] = []

    def hello(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(data)
        return {"text": "hi " + data["who"]}

    user.mock_cloud_function("hello", hello)
    page = await user.launch()
    assert page.data["greeting"] == "hi fixture" and page.data["error"] == ""
    assert seen == [{"who": "fixture"}]
    other = await user.evaluate("wx.cloud.callFunction({ name: 'other' }).catch(function (e) { return e.errMsg; })")
    assert other == f"cloud.callFunction:fail {ENV_NOT_FOUND}"
    user.mock_cloud_function("other", result=[1, 2])
    assert await user.evaluate("wx.cloud.callFunction({ name: 'other' })") == {
        "result": [1, 2], "errMsg": "cloud.callFunction:ok"}
    assert "cloud.callFunction" in user.mocked
    user.restore_wx("cloud.callFunction")
    again = await user.evaluate("wx.cloud.callFunction({ name: 'hello' }).catch(function (e) { return e.errCode; })")
    assert again == -501000


async def test_database_mock_sees_the_query(user: VirtualUser) -> None:
    """`mock_wx("cloud.database", fn)` answers every operation; the query arrives as data: where (commands as
    {$cmd, args}), orderBy, limit; the answer's errMsg names the operation (`collection.get:ok`)."""
    queries: list[dict[str, Any]] = []

    def db(q: dict[str, Any]) -> dict[str, Any]:
        queries.append(q)
        return {"data": [{"_id": "b1", "title": "First"}, {"_id": "b2", "title": "Second"}]}

    user.mock_wx("cloud.database", db)
    page = await user.launch()
    assert await page.call("loadBanners") == 2
    assert [el.text for el in page.get_elements(".banner")] == ["First", "Second"]
    q = queries[0]
    assert (q["op"], q["collection"]) == ("get", "banners")
    assert q["query"] == {"where": {"shown": True, "rank": {"$cmd": "and", "args": [
        {"$cmd": "gt", "args": [2]}, {"$cmd": "lt", "args": [9]}]}}, "orderBy": [["rank", "desc"]], "limit": 4}
    assert await user.evaluate("wx.cloud.database().collection('x').count()") == {
        "data": [{"_id": "b1", "title": "First"}, {"_id": "b2", "title": "Second"}], "errMsg": "collection.count:ok"}
    await page.call("docUpdate")
    assert queries[-1]["op"] == "update" and queries[-1]["doc"] == "t1"
    assert queries[-1]["data"]["at"] == {"$serverDate": {"offset": 0}}


async def test_a_js_mock_of_call_function(user: VirtualUser) -> None:
    """A JS mock (`mock_wx(..., js=...)`) answers too, resolving the page's Promise."""
    user.mock_wx("cloud.callFunction", js="function (opts) { return { result: { text: 'js ' + opts.name } }; }")
    page = await user.launch()
    assert page.data["greeting"] == "js hello"
