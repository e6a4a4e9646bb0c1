"""docs/view-fidelity.md §4.1–§4.2 and §4.4–§4.9: event phases, binding forms, the event object,
events across component boundaries, handler names."""

from __future__ import annotations

import json

import pytest
from view_app import LOG_APP, MiniApp

from mock_wx import StrictModeError

NESTED = """
<view id="outer" bindtap="h1" capture-bind:tap="c1">
  <view id="middle" {middle}="h2">
    <view id="inner" bindtap="h3" capture-bind:tap="c3">x</view>
  </view>
</view>
"""
LOGGING = """Page({ h1() { getApp().log.push('h1') }, h2() { getApp().log.push('h2') },
  h3() { getApp().log.push('h3') }, c1() { getApp().log.push('c1') }, c3() { getApp().log.push('c3') } })"""


def page(wxml: str, js: str = "Page({})", **extra: str) -> dict[str, str]:
    return {"app.js": LOG_APP, "pages/p/p.wxml": wxml, "pages/p/p.js": js, **extra}


async def test_tap_bubbles_and_catch_stops_it(mini: MiniApp) -> None:
    """view-fidelity §4.1/§4.2: tap bubbles inner → outer; catchtap stops it after its own handler."""
    p = await mini.open(page(NESTED.format(middle="bindtap"), LOGGING))
    await p.get_element("#inner").tap()
    assert mini.log() == ["c1", "c3", "h3", "h2", "h1"]
    p = await mini.open(page(NESTED.format(middle="catchtap"), LOGGING))
    await p.get_element("#inner").tap()
    assert mini.log() == ["c1", "c3", "h3", "h2"]


async def test_colon_forms_are_the_same_binding(mini: MiniApp) -> None:
    """view-fidelity §4.2: bind:tap ≡ bindtap, catch:tap ≡ catchtap."""
    p = await mini.open(page(NESTED.format(middle="catch:tap").replace("bindtap", "bind:tap"), LOGGING))
    await p.get_element("#inner").tap()
    assert mini.log() == ["c1", "c3", "h3", "h2"]


async def test_capture_catch_stops_both_phases(mini: MiniApp) -> None:
    """view-fidelity §4.4: capture handlers run outer → inner before bubbling; capture-catch ends the event."""
    p = await mini.open(page("""
        <view id="outer" bind:touchstart="h1" capture-catch:touchstart="c1">
          <view id="inner" bind:touchstart="h3" capture-bind:touchstart="c3">x</view>
        </view>""", LOGGING))
    await p.get_element("#inner").touch("touchstart")
    assert mini.log() == ["c1"]


async def test_mut_bind_only_one_along_the_path(mini: MiniApp) -> None:
    """view-fidelity §4.5: of the mut-bind handlers on the bubbling path only the first runs; bind ones still run."""
    p = await mini.open(page("""
        <view id="outer" mut-bind:tap="h1">
          <view id="middle" bindtap="h2">
            <view id="inner" mut-bind:tap="h3">x</view>
          </view>
        </view>""", LOGGING))
    await p.get_element("#inner").tap()
    assert mini.log() == ["h3", "h2"]
    await p.get_element("#middle").tap()
    assert mini.log() == ["h2", "h1"]


async def test_non_bubbling_events_do_not_bubble(mini: MiniApp) -> None:
    """view-fidelity §4.1: input, change, submit, scroll… fire on their component only."""
    p = await mini.open(page("""
        <view bindinput="h1" bindchange="h1">
          <input bindinput="h3" />
          <switch bindchange="h3" />
        </view>""", LOGGING))
    await p.get_element("input").input("a")
    await p.get_element("switch").switch()
    assert mini.log() == ["h3", "h3"]


async def test_tap_event_object(mini: MiniApp) -> None:
    """view-fidelity §4.6: type, timeStamp, target/currentTarget {id, dataset, offsetLeft, offsetTop}, detail {x, y},
    touches/changedTouches, mark."""
    p = await mini.open(page("""
        <view id="parent" data-p="1" bindtap="t"><text id="child" data-c="2">x</text></view>
    """, "Page({ t(e) { getApp().log.push(e) } })"))
    await p.get_element("#child").tap()
    (ev,) = mini.log()
    assert ev["type"] == "tap"
    assert isinstance(ev["timeStamp"], int)
    assert ev["target"]["id"] == "child" and ev["target"]["dataset"] == {"c": "2"}
    assert ev["currentTarget"]["id"] == "parent" and ev["currentTarget"]["dataset"] == {"p": "1"}
    assert {"offsetLeft", "offsetTop"} <= set(ev["currentTarget"])
    assert set(ev["detail"]) == {"x", "y"}
    assert len(ev["touches"]) == 1 and len(ev["changedTouches"]) == 1
    assert {"identifier", "pageX", "pageY", "clientX", "clientY"} <= set(ev["touches"][0])
    assert ev["mark"] == {}


async def test_handler_inside_a_component_runs_on_the_component(mini: MiniApp) -> None:
    """view-fidelity §4.7: a handler in a component's template is the component's method; seen from the page,
    the target of an event from inside a component is the host."""
    p = await mini.open({
        "app.js": LOG_APP,
        "pages/p/p.js": "Page({ outer(e) { getApp().log.push(['page', e.target.id, e.currentTarget.id]) } })",
        "pages/p/p.wxml": '<view id="wrap" bindtap="outer"><c-a id="host"/></view>',
        "pages/p/p.json": json.dumps({"usingComponents": {"c-a": "/comps/a"}}),
        "comps/a.js": "Component({ methods: { inner(e) { getApp().log.push(['comp', e.target.id, this.is]) } } })",
        "comps/a.wxml": '<view id="btn" bindtap="inner">a</view>',
        "comps/a.json": '{"component": true}'})
    await p.get_element("c-a >>> #btn").tap()
    assert mini.log() == [["comp", "btn", "comps/a"], ["page", "host", "wrap"]]


async def test_handler_name_from_data_and_empty_string(mini: MiniApp) -> None:
    """view-fidelity §4.8: bindtap="{{name}}" binds the named method; an empty name binds nothing."""
    p = await mini.open(page('<view id="v" bindtap="{{h}}">x</view>',
                             "Page({ data: { h: 'a' }, a() { getApp().log.push('a') }, b() { getApp().log.push('b') } })"),
                        fidelity="lenient")
    await p.get_element("#v").tap()
    await p.set_data({"h": "b"})
    await p.get_element("#v").tap()
    await p.set_data({"h": ""})
    await p.get_element("#v").tap()
    assert mini.log() == ["a", "b"]
    assert mini.findings() == []


async def test_missing_handler_strict_and_lenient(mini: MiniApp) -> None:
    """view-fidelity §4.8: a bound handler the page lacks: the platform warns when the event fires —
    a missing-handler finding in lenient, StrictModeError in strict."""
    files = page('<button id="b" bindtap="joinGroup">参团</button>', "Page({ joinGroop() {} })")
    p = await mini.open(files, fidelity="lenient")
    await p.get_element("#b").tap()
    assert [f.kind for f in mini.findings()] == ["missing-handler"]
    assert "joinGroup" in mini.findings()[0].message
    p = await mini.open(files)
    with pytest.raises(StrictModeError, match="joinGroup"):
        await p.get_element("#b").tap()


async def test_longpress_then_no_tap(mini: MiniApp) -> None:
    """view-fidelity §4.9: a long press fires longpress (and touchstart/touchend) but no tap."""
    p = await mini.open(page('<view id="v" bindlongpress="h1" bindtap="h2" bindtouchstart="c1" bindtouchend="c3">x</view>',
                             LOGGING))
    await p.get_element("#v").long_press()
    assert mini.log() == ["c1", "h1", "c3"]
    await p.get_element("#v").tap()
    assert mini.log() == ["c1", "c3", "h2"]
