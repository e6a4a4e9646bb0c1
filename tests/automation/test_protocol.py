"""Every protocol method wxsim answers, through a real WebSocket, with its answers and its errors."""

from __future__ import annotations

import asyncio
import base64

import pytest

from mock_wx.automation import METHODS

from .conftest import Failed, ProtocolClient


async def current(c: ProtocolClient) -> dict:
    return await c.call("App.getCurrentPage")


async def element(c: ProtocolClient, selector: str) -> dict:
    page = await current(c)
    el = await c.call("Page.getElement", pageId=page["pageId"], selector=selector)
    return {"elementId": el["elementId"], "pageId": page["pageId"], **({"nodeId": el["nodeId"]} if "nodeId" in el else {})}


# ---------------------------------------------------------------------- envelope and Tool.*
async def test_the_envelope_answers_by_id_and_errors_never_drop_the_connection(fixture_app):
    _, c = fixture_app
    assert (await c.raw('{"id": "1", "method": "Nope.nothing", "params": {}}', "1"))["error"]["message"].startswith(
        "Nope.nothing unimplemented in wxsim")
    assert "not a JSON message" in (await c.raw("{not json", "None"))["error"]["message"]
    assert (await c.raw('{"id": 7, "method": "App.getCurrentPage", "params": []}', "7"))["error"]["message"] == \
        "App.getCurrentPage: params must be an object"
    # still connected: the next command is answered
    assert (await current(c))["path"] == "pages/index/index"


async def test_tool_methods(fixture_app):
    server, c = fixture_app
    info = await c.call("Tool.getInfo")
    assert info["SDKVersion"] == "3.4.10" and info["version"]
    accounts = (await c.call("Tool.getTestAccounts"))["accounts"]
    assert [a["nickName"] for a in accounts] == ["alice"] and accounts[0]["port"] == server.sessions[0].port
    assert await c.call("Tool.close") == {}
    for name in ("Tool.enableRemoteDebug", "Tool.getTicket", "Tool.setTicket", "Tool.refreshTicket",
                 "Tool.stopAudits", "Tool.native", "Tool.clearAuth", "Tool.resetRemoteDebug"):
        with pytest.raises(Failed, match=r"wxsim has no DevTools window"):
            await c.call(name)


# ---------------------------------------------------------------------- App.*
async def test_current_page_and_page_stack_follow_navigation(fixture_app):
    _, c = fixture_app
    first = await current(c)
    assert first == {"pageId": first["pageId"], "path": "pages/index/index", "query": {}}
    res = await c.call("App.callWxMethod", method="navigateTo", args=[{"url": "/pages/other/other?from=test"}])
    assert res["result"]["errMsg"] == "navigateTo:ok"
    top = await current(c)
    assert top["path"] == "pages/other/other" and top["query"] == {"from": "test"}
    stack = (await c.call("App.getPageStack"))["pageStack"]
    assert [p["path"] for p in stack] == ["pages/index/index", "pages/other/other"]


async def test_call_wx_method_failures_carry_the_platform_errmsg(fixture_app):
    _, c = fixture_app
    with pytest.raises(Failed, match=r'^navigateTo:fail page "pages/nowhere" is not found$'):
        await c.call("App.callWxMethod", method="navigateTo", args=[{"url": "/pages/nowhere"}])
    with pytest.raises(Failed, match=r"^wx.flyToTheMoon not exists$"):
        await c.call("App.callWxMethod", method="flyToTheMoon", args=[])
    with pytest.raises(Failed, match=r"needs params.method"):
        await c.call("App.callWxMethod", args=[])
    assert (await c.call("App.callWxMethod", method="getStorageSync", args=["k"]))["result"] == ""


async def test_mock_wx_method_result_function_with_args_and_origin_then_restore(fixture_app):
    _, c = fixture_app
    await c.call("App.mockWxMethod", method="getLocation", result={"latitude": 1.5, "longitude": 2.5})
    res = (await c.call("App.callWxMethod", method="getLocation", args=[{}]))["result"]
    assert (res["latitude"], res["longitude"]) == (1.5, 2.5)
    await c.call("App.callWxMethod", method="setStorageSync", args=["real", "stored"])
    await c.call("App.mockWxMethod", method="getStorageSync", args=["mock:"],
                 functionDeclaration="function (key, prefix) { return key === 'real' ? prefix + this.origin(key) : 'other' }")
    assert (await c.call("App.callWxMethod", method="getStorageSync", args=["real"]))["result"] == "mock:stored"
    assert (await c.call("App.callWxMethod", method="getStorageSync", args=["x"]))["result"] == "other"
    await c.call("App.mockWxMethod", method="getStorageSync")
    assert (await c.call("App.callWxMethod", method="getStorageSync", args=["real"]))["result"] == "stored"


async def test_call_function_returns_values_and_reports_js_exceptions(fixture_app):
    _, c = fixture_app
    res = await c.call("App.callFunction", functionDeclaration="function (a, b) { return [a + b, typeof global, getCurrentPages().length] }",
                       args=[2, 3])
    assert res["result"] == [5, "object", 1]
    res = await c.call("App.callFunction", functionDeclaration="() => new Promise(r => setTimeout(() => r('later'), 1000))")
    assert res["result"] == "later"
    with pytest.raises(Failed, match=r"^Error: thrown in the test$"):
        await c.call("App.callFunction", functionDeclaration="function () { throw new Error('thrown in the test') }")
    with pytest.raises(Failed, match=r"SyntaxError"):
        await c.call("App.callFunction", functionDeclaration="function ( { broken")
    with pytest.raises(Failed, match=r"needs params.functionDeclaration"):
        await c.call("App.callFunction")


async def test_add_binding_sends_binding_called_events(fixture_app):
    _, c = fixture_app
    await c.call("App.addBinding", name="reportBack")
    await c.call("App.callFunction", functionDeclaration="function () { reportBack({ n: 1 }, 'two') }")
    await asyncio.sleep(0.01)
    assert c.of("App.bindingCalled") == [{"name": "reportBack", "args": [{"n": 1}, "two"]}]
    with pytest.raises(Failed, match=r"a JS identifier"):
        await c.call("App.addBinding", name="not a name")


async def test_route_changes_reach_wx_on_app_route_done(fixture_app):
    _, c = fixture_app
    await c.call("App.addBinding", name="routed")
    await c.call("App.callFunction", functionDeclaration="function () { wx.onAppRouteDone(function (o) { routed(o) }) }")
    await c.call("Element.tap", **await element(c, "#go"))
    await asyncio.sleep(0.01)
    [event] = c.of("App.bindingCalled")
    assert event["args"][0] | {"webviewId": 0} == {"path": "pages/other/other", "query": {"from": "index"},
                                                  "openType": "navigateTo", "webviewId": 0}


async def test_enable_log_streams_console_and_js_errors_are_thrown_events(fixture_app):
    _, c = fixture_app
    await c.call("App.callFunction", functionDeclaration="function () { console.log('before enableLog') }")
    await c.call("App.enableLog")
    await c.call("App.callFunction", functionDeclaration="function () { console.warn('careful', 2) }")
    await c.call("App.callFunction", functionDeclaration="function () { setTimeout(function () { null.boom }, 0) }")
    await asyncio.sleep(0.01)
    assert c.of("App.logAdded") == [{"type": "warn", "args": ["careful 2"]}]
    [thrown] = c.of("App.exceptionThrown")
    assert "null" in thrown["message"] and thrown["stack"]


async def test_capture_screenshot_answers_the_current_page_as_png(fixture_app):
    _, c = fixture_app
    res = await c.call("App.captureScreenshot")
    png = base64.b64decode(res["data"])
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


async def test_exit_closes_the_app_and_the_next_command_cold_starts_it(fixture_app):
    server, c = fixture_app
    await c.call("App.callWxMethod", method="navigateTo", args=[{"url": "/pages/other/other"}])
    assert await c.call("App.exit") == {}
    assert not server.sessions[0].user.running
    assert (await c.call("App.getPageStack"))["pageStack"][0]["path"] == "pages/index/index"


# ---------------------------------------------------------------------- Page.*
async def test_page_finds_elements_by_css_and_xpath(fixture_app):
    _, c = fixture_app
    page = await current(c)
    pid = page["pageId"]
    title = await c.call("Page.getElement", pageId=pid, selector=".title")
    assert title["tagName"] == "view" and "nodeId" not in title
    buttons = (await c.call("Page.getElements", pageId=pid, selector="button"))["elements"]
    assert len(buttons) == 2
    by_xpath = await c.call("Page.getElementByXpath", pageId=pid, selector="//button[@id='go']")
    assert by_xpath["elementId"] == buttons[0]["elementId"]
    assert len((await c.call("Page.getElementsByXpath", pageId=pid, selector="//view"))["elements"]) >= 4
    counter = await c.call("Page.getElement", pageId=pid, selector="counter")
    assert counter["tagName"] == "counter" and counter["nodeId"]
    assert (await c.call("Page.getElements", pageId=pid, selector=".nothing"))["elements"] == []
    with pytest.raises(Failed, match=r"^element not found: no element matches '.nothing'"):
        await c.call("Page.getElement", pageId=pid, selector=".nothing")
    with pytest.raises(Failed, match=r"^invalid selector '\[\[': "):
        await c.call("Page.getElement", pageId=pid, selector="[[")
    with pytest.raises(Failed, match=r"^invalid selector '//\[': "):
        await c.call("Page.getElementsByXpath", pageId=pid, selector="//[")
    with pytest.raises(Failed, match=r"non-empty selector"):
        await c.call("Page.getElements", pageId=pid)


async def test_page_data_set_data_methods_and_functions(fixture_app):
    _, c = fixture_app
    pid = (await current(c))["pageId"]
    assert (await c.call("Page.getData", pageId=pid))["data"]["title"] == "首页"
    assert (await c.call("Page.getData", pageId=pid, path="nested.list[1].v"))["data"] == "b"
    await c.call("Page.setData", pageId=pid, data={"title": "改了"})
    title = await element(c, ".title")
    assert (await c.call("Element.getDOMProperties", **title, names=["innerText"]))["properties"] == ["改了"]
    assert (await c.call("Page.callMethod", pageId=pid, method="double", args=[21]))["result"] == 42
    with pytest.raises(Failed, match=r"^pages/index/index.nope not exists$"):
        await c.call("Page.callMethod", pageId=pid, method="nope", args=[])
    with pytest.raises(Failed, match=r"page method failed"):
        await c.call("Page.callMethod", pageId=pid, method="fail", args=[])
    res = await c.call("Page.callFunction", pageId=pid, functionDeclaration="function (k) { return this.data[k] }", args=["title"])
    assert res["result"] == "改了"
    with pytest.raises(Failed, match=r"an object"):
        await c.call("Page.setData", pageId=pid, data=[1])
    props = (await c.call("Page.getWindowProperties", pageId=pid,
                          names=["innerWidth", "document.documentElement.scrollTop", "innerHeight"]))["properties"]
    assert props == [375, 0, 603]


async def test_a_page_that_is_gone_answers_page_destroyed(fixture_app):
    _, c = fixture_app
    await c.call("App.callWxMethod", method="navigateTo", args=[{"url": "/pages/other/other"}])
    pid = (await current(c))["pageId"]
    await c.call("App.callWxMethod", method="navigateBack", args=[{}])
    with pytest.raises(Failed, match=r"^page destroyed$"):
        await c.call("Page.getData", pageId=pid)


# ---------------------------------------------------------------------- Element.*
async def test_element_tap_touch_trigger_and_dispatch(fixture_app):
    _, c = fixture_app
    pid = (await current(c))["pageId"]
    bump = await element(c, ".bump")
    await c.call("Element.tap", **bump)
    await c.call("Element.dispatchEvent", **bump, eventName="tap", eventData={})
    assert (await c.call("Page.getData", pageId=pid, path="taps"))["data"] == 2
    touch = {"identifier": 0, "pageX": 12, "pageY": 30, "clientX": 12, "clientY": 30}
    await c.call("Element.touchstart", **bump, touches=[touch], changedTouches=[touch])
    await c.call("Element.touchmove", **bump, touches=[touch], changedTouches=[touch])
    await c.call("Element.touchend", **bump, touches=[], changedTouches=[touch])
    touches = (await c.call("Page.getData", pageId=pid, path="touches"))["data"]
    assert touches[-2:] == ["touchstart@12", "touchend@12"]
    counter = await element(c, "counter")
    await c.call("Element.triggerEvent", **counter, type="changed", detail={"count": 9})
    assert (await c.call("Page.getData", pageId=pid, path="events"))["data"] == "changed:9;"


async def test_element_reads(fixture_app):
    _, c = fixture_app
    title = await element(c, ".title")
    assert (await c.call("Element.getWXML", **title, type="outer"))["wxml"].startswith("<view")
    assert (await c.call("Element.getWXML", **title, type="inner"))["wxml"] == "首页"
    attrs = (await c.call("Element.getAttributes", **title, names=["class", "data-kind", "nope"]))["attributes"]
    assert attrs == ["title", "head", None]
    styles = (await c.call("Element.getStyles", **title, names=["color", "font-size", "margin"]))["styles"]
    assert styles == ["red", "14px", ""]
    hidden = await element(c, ".hidden")
    assert (await c.call("Element.getStyles", **hidden, names=["display"]))["styles"] == ["none"]
    assert await c.call("Element.getOffset", **title) == {"left": 0, "top": 0}
    dom = (await c.call("Element.getDOMProperties", **title, names=["innerText", "offsetWidth"]))["properties"]
    assert dom == ["首页", 0]
    switch = await element(c, "switch")
    assert (await c.call("Element.getProperties", **switch, names=["value"]))["properties"] == [False]
    with pytest.raises(Failed, match=r"names must be a list"):
        await c.call("Element.getAttributes", **title, names="class")


async def test_element_call_function_types_switches_and_refuses_what_it_does_not_know(fixture_app):
    _, c = fixture_app
    pid = (await current(c))["pageId"]
    name = await element(c, "input.name")
    await c.call("Element.callFunction", **name, functionName="input.input", args=["小明", False])
    assert (await c.call("Page.getData", pageId=pid, path="name"))["data"] == "小明"
    on = await element(c, "switch")
    await c.call("Element.callFunction", **on, functionName="switch.tap", args=[])
    assert (await c.call("Page.getData", pageId=pid, path="on"))["data"] is True
    with pytest.raises(Failed, match=r"needs a <input>, this element is a <switch>"):
        await c.call("Element.callFunction", **on, functionName="input.input", args=["x"])
    with pytest.raises(Failed, match=r"^Element.callFunction: video.play not exists"):
        await c.call("Element.callFunction", **on, functionName="video.play", args=[])
    with pytest.raises(Failed, match=r"no native media context"):
        await c.call("Element.callContextMethod", **on, method="play", args=[])


async def test_custom_component_data_set_data_and_methods(fixture_app):
    _, c = fixture_app
    pid = (await current(c))["pageId"]
    counter = await element(c, "counter")
    assert (await c.call("Element.getData", **counter))["data"]["count"] == 3
    assert (await c.call("Element.callMethod", **counter, method="add", args=[4]))["result"] == 7
    assert (await c.call("Page.getData", pageId=pid, path="events"))["data"] == "changed:7;"
    await c.call("Element.setData", **counter, data={"count": 100})
    assert (await c.call("Element.getData", **counter, path="count"))["data"] == 100
    inner = await c.call("Element.getElement", **counter, selector=".count")
    assert (await c.call("Element.getDOMProperties", elementId=inner["elementId"], pageId=pid,
                         names=["innerText"]))["properties"] == ["100"]
    assert len((await c.call("Element.getElements", **counter, selector="view"))["elements"]) == 1
    props = (await c.call("Element.getProperties", **counter, names=["__propPublic", "start"]))["properties"]
    assert props[0]["start"] is True and props[1] == 3
    title = await element(c, ".title")
    with pytest.raises(Failed, match=r"not a custom component"):
        await c.call("Element.getData", **title)


async def test_unknown_and_stale_element_ids(fixture_app):
    _, c = fixture_app
    pid = (await current(c))["pageId"]
    with pytest.raises(Failed, match=r"^element 'e-404' not found: not an element id wxsim handed out$"):
        await c.call("Element.tap", elementId="e-404", pageId=pid)
    with pytest.raises(Failed, match=rf"^element '{pid}.99999' not found on pages/index/index"):
        await c.call("Element.tap", elementId=f"{pid}.99999", pageId=pid)
    hidden = await element(c, ".hidden")
    with pytest.raises(Failed, match=r"it is hidden"):
        await c.call("Element.tap", **hidden)


# ---------------------------------------------------------------------- Wxsim.*
async def test_wxsim_clock_users_dialogs(fixture_app):
    server, c = fixture_app
    assert (await c.call("Wxsim.getUsers"))["users"] == [{"name": "alice", "port": server.sessions[0].port}]
    before = (await c.call("Wxsim.getClock"))["now"]
    assert (await c.call("Wxsim.advanceClock", seconds=90))["now"] == before + 90_000
    with pytest.raises(Failed, match=r"seconds must be >= 0"):
        await c.call("Wxsim.advanceClock", seconds=-1)
    await c.call("Wxsim.answerDialog", kind="modal", answer="cancel")
    res = await c.call("App.callWxMethod", method="showModal", args=[{"title": "删除？"}])
    assert res["result"]["cancel"] is True
    assert [d["title"] for d in (await c.call("Wxsim.getDialogs"))["dialogs"] if d["kind"] == "modal"] == ["删除？"]
    with pytest.raises(Failed, match=r"kind is one of payment"):
        await c.call("Wxsim.answerDialog", kind="popup", answer="x")


async def test_wxsim_advance_clock_refuses_on_the_real_time_clock():
    from mock_wx.automation import AutomationServer
    from mock_wx.rig.simulator import Simulator

    from .conftest import FIXTURE_APP

    sim = Simulator(FIXTURE_APP, realtime=True)
    async with AutomationServer(sim, 1, port=0) as server:
        from websockets.asyncio.client import connect

        c = ProtocolClient(await connect(server.endpoints["alice"]))
        with pytest.raises(Failed, match=r"runs on the real-time clock; start it with --virtual-clock"):
            await c.call("Wxsim.advanceClock", seconds=1)
        await c.close()
    await sim.close()


async def test_wxsim_share_opens_the_card_on_the_other_port(fixture_app):
    _, c = fixture_app
    with pytest.raises(Failed, match=r"no virtual user 'nobody'"):
        await c.call("Wxsim.share", to="nobody")


async def test_two_ports_are_two_users_of_one_backend_group_purchase(shop):
    server, (alice, bob) = shop
    page = await current(alice)
    products = (await alice.call("Page.getData", pageId=page["pageId"], path="products"))["data"]
    product = next(p for p in products if p["groupSize"] == 2)
    await alice.call("App.callWxMethod", method="navigateTo", args=[{"url": f"/pages/product/detail?id={product['id']}"}])
    start = (await alice.call("Page.getElements", pageId=(await current(alice))["pageId"], selector="button"))["elements"]
    texts = [(await alice.call("Element.getDOMProperties", **e, pageId=(await current(alice))["pageId"],
                               names=["innerText"]))["properties"][0] for e in start]
    [go] = [e for e, t in zip(start, texts, strict=True) if "发起拼团" in t]
    await alice.call("Element.tap", elementId=go["elementId"], pageId=(await current(alice))["pageId"])
    group_page = await current(alice)
    assert group_page["path"] == "pages/group-buy/group-buy"
    shared = await alice.call("Wxsim.share", to=server.sessions[1].port, chat="group")
    assert shared["page"]["path"] == "pages/group-buy/group-buy"
    assert f"groupId={group_page['query']['groupId']}" in shared["card"]["path"]
    with pytest.raises(Failed, match=r"cannot open their own card"):
        await alice.call("Wxsim.share", to="alice")
    bob_page = await current(bob)
    assert bob_page["pageId"] == shared["page"]["pageId"]
    join = await bob.call("Page.getElement", pageId=bob_page["pageId"], selector="button.btn-primary")
    await bob.call("Element.tap", **join, pageId=bob_page["pageId"])
    assert (await bob.call("Page.getData", pageId=bob_page["pageId"], path="status"))["data"] == "complete"
    payments = [d for d in (await bob.call("Wxsim.getDialogs"))["dialogs"] if d["kind"] == "payment"]
    assert [p["answer"] for p in payments] == ["confirm"]


def test_every_documented_method_is_registered():
    """docs/testing-api.md's protocol table and the server agree."""
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[2] / "docs" / "testing-api.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Protocol methods"):]
    rows = {line.split("`")[1]: line.split("|")[2].strip() for line in section.splitlines() if line.startswith("| `")}
    events = {"App.exceptionThrown"}
    answered = {m for m, support in rows.items() if m not in events}
    refused = {m for m, support in rows.items() if support == "not supported"}
    assert answered - set(METHODS) == {"Page.navigate", "Page.enable"}, "documented but not answered"
    assert set(METHODS) - set(rows) == set(), "answered but not documented"
    assert refused >= {"Tool.native", "Element.callContextMethod"}
    assert rows["App.captureScreenshot"] == "supported"
