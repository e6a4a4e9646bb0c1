"""docs/view-fidelity.md §4.3: built-in components and the events they fire."""

from __future__ import annotations

import pytest
from view_app import LOG_APP, MiniApp

from mock_wx.rig.element import ElementError

PUSH = "Page({ data: %s, on(e) { getApp().log.push([e.type, e.detail]) }, %s })"


def page(wxml: str, js: str = "Page({})", **extra: str) -> dict[str, str]:
    return {"app.js": LOG_APP, "pages/p/p.wxml": wxml, "pages/p/p.js": js, **extra}


async def test_input_detail_return_value_and_confirm(mini: MiniApp) -> None:
    """view-fidelity §4.3.1: bindinput gets {value, cursor, keyCode}; a returned string replaces the text;
    maxlength cuts; bindconfirm gets {value}; blur gets {value}."""
    p = await mini.open(page('<input id="i" maxlength="5" bindinput="inp" bindconfirm="on" bindblur="on"/>',
                             PUSH % ("{}", "inp(e) { getApp().log.push([e.type, e.detail]); return e.detail.value.toUpperCase() }")))
    el = p.get_element("#i")
    await el.input("abcdefg", confirm=True)
    await el.blur()
    log = mini.log()
    assert log[0] == ["input", {"value": "abcde", "cursor": 5, "keyCode": 0}]
    assert el.value == "ABCDE"
    assert log[1] == ["confirm", {"value": "ABCDE"}]
    assert log[2][0] == "blur" and log[2][1]["value"] == "ABCDE"


async def test_disabled_input_cannot_be_typed_into(mini: MiniApp) -> None:
    """view-fidelity §4.3.1: a disabled input takes no text (the element API refuses, naming the element)."""
    p = await mini.open(page('<input id="i" disabled="{{true}}"/>'))
    with pytest.raises(ElementError, match="disabled"):
        await p.get_element("#i").input("x")


async def test_form_submit_collects_named_fields(mini: MiniApp) -> None:
    """view-fidelity §4.3.2: form-type=submit fires the form's submit with {value: {name: value}} of input,
    textarea, switch, slider, picker, checkbox-group, radio-group; reset restores and fires reset."""
    p = await mini.open(page("""
        <form bindsubmit="on" bindreset="on">
          <input name="who" value="ann"/>
          <textarea name="note"/>
          <switch name="sw" checked="{{true}}"/>
          <slider name="sl" value="{{20}}"/>
          <picker name="pk" range="{{['a', 'b']}}" value="{{0}}"><view>pick</view></picker>
          <checkbox-group name="cg"><checkbox value="x" checked="{{true}}"/><checkbox value="y"/></checkbox-group>
          <radio-group name="rg"><radio value="r1"/><radio value="r2"/></radio-group>
          <view><input/></view>
          <button form-type="submit">提交</button>
          <button form-type="reset">重置</button>
        </form>""", PUSH % ("{}", "")))
    await p.get_element("input[name=who]").input("bob")
    await p.get_element("radio[value=r2]").tap()
    await p.get_element("button", inner_text="提交").tap()
    ((kind, detail),) = mini.log()
    assert kind == "submit"
    assert detail["value"] == {"who": "bob", "note": "", "sw": True, "sl": 20, "pk": 0, "cg": ["x"], "rg": "r2"}
    await p.get_element("button", inner_text="重置").tap()
    assert [k for k, _ in mini.log()] == ["reset"]
    assert p.get_element("input[name=who]").value == "ann"


@pytest.mark.parametrize(("mode", "value"), [
    ("selector", 1), ("multiSelector", [0, 1]), ("time", "12:30"), ("date", "2026-12-03"),
    ("region", ["广东省", "广州市", "海珠区"])])
async def test_picker_modes_change(mini: MiniApp, mode: str, value: object) -> None:
    """view-fidelity §4.3.3: picker change gives {value} in the form of its mode."""
    p = await mini.open(page(f'<picker mode="{mode}" bindchange="on"><view>p</view></picker>', PUSH % ("{}", "")))
    await p.get_element("picker").pick(value)
    assert mini.log() == [["change", {"value": value}]]


async def test_picker_view_change(mini: MiniApp) -> None:
    """view-fidelity §4.3.4: picker-view change gives {value: [indexes]}."""
    p = await mini.open(page('<picker-view bindchange="on"><picker-view-column><view>a</view></picker-view-column></picker-view>',
                             PUSH % ("{}", "")))
    await p.get_element("picker-view").pick([0])
    assert mini.log() == [["change", {"value": [0]}]]


async def test_switch_change(mini: MiniApp) -> None:
    """view-fidelity §4.3.5: tapping a switch flips it and fires change {value}."""
    p = await mini.open(page('<switch bindchange="on"/>', PUSH % ("{}", "")))
    await p.get_element("switch").tap()
    await p.get_element("switch").switch()
    assert mini.log() == [["change", {"value": True}], ["change", {"value": False}]]


async def test_checkbox_group_change(mini: MiniApp) -> None:
    """view-fidelity §4.3.6: checkbox-group change gives the values of the checked boxes."""
    p = await mini.open(page('<checkbox-group bindchange="on"><checkbox value="a"/><label><checkbox value="b"/></label></checkbox-group>',
                             PUSH % ("{}", "")))
    await p.get_element("checkbox[value=b]").tap()
    await p.get_element("checkbox[value=a]").tap()
    await p.get_element("checkbox[value=b]").tap()
    assert mini.log() == [["change", {"value": ["b"]}], ["change", {"value": ["a", "b"]}], ["change", {"value": ["a"]}]]


async def test_radio_group_change(mini: MiniApp) -> None:
    """view-fidelity §4.3.7: radio-group change gives the chosen value; tapping the chosen one again does nothing."""
    p = await mini.open(page('<radio-group bindchange="on"><radio value="a"/><radio value="b" checked="{{true}}"/></radio-group>',
                             PUSH % ("{}", "")))
    await p.get_element("radio[value=a]").tap()
    await p.get_element("radio[value=a]").tap()
    assert mini.log() == [["change", {"value": "a"}]]
    assert p.get_element("radio[value=b]").value is False


async def test_slider_changing_and_change(mini: MiniApp) -> None:
    """view-fidelity §4.3.8: slider fires changing then change with {value}."""
    p = await mini.open(page('<slider bindchanging="on" bindchange="on"/>', PUSH % ("{}", "")))
    await p.get_element("slider").slide_to(40)
    assert mini.log() == [["changing", {"value": 40}], ["change", {"value": 40}]]


async def test_swiper_change(mini: MiniApp) -> None:
    """view-fidelity §4.3.9: swiper change gives {current, currentItemId, source}."""
    p = await mini.open(page('<swiper bindchange="on"><swiper-item item-id="a"/><swiper-item item-id="b"/></swiper>',
                             PUSH % ("{}", "")))
    await p.get_element("swiper").swipe_to(1)
    assert mini.log() == [["change", {"current": 1, "currentItemId": "b", "source": "touch"}]]


async def test_scroll_view_events(mini: MiniApp) -> None:
    """view-fidelity §4.3.10: scroll-view scroll {scrollTop, ...}; scrolltolower; scrolltoupper at the top."""
    p = await mini.open(page('<scroll-view scroll-y bindscroll="on" bindscrolltolower="on" bindscrolltoupper="on"><view>x</view></scroll-view>',
                             PUSH % ("{}", "")))
    await p.get_element("scroll-view").scroll_to(300, to_lower=True)
    log = mini.log()
    assert [k for k, _ in log] == ["scroll", "scrolltolower"]
    assert log[0][1]["scrollTop"] == 300
    await p.get_element("scroll-view").scroll_to(0)
    assert [k for k, _ in mini.log()] == ["scroll", "scrolltoupper"]


async def test_horizontal_scroll_view_ends_are_left_and_right(mini: MiniApp) -> None:
    """view-fidelity §4.3.10: a scroll-x view reaches its upper end at the left and its lower end at the right
    (detail.direction "left"/"right"); scrolling it sideways away from the left edge is not an upper end."""
    p = await mini.open(page('<scroll-view scroll-x bindscroll="on" bindscrolltolower="on" bindscrolltoupper="on">'
                             '<view>x</view></scroll-view>', PUSH % ("{}", "")))
    await p.get_element("scroll-view").scroll_to(0, left=120)
    log = mini.log()
    assert [k for k, _ in log] == ["scroll"] and log[0][1]["scrollLeft"] == 120
    await p.get_element("scroll-view").scroll_to(0, left=0, to_lower=False)
    log = mini.log()
    assert [k for k, _ in log] == ["scroll", "scrolltoupper"] and log[1][1] == {"direction": "left"}
    await p.get_element("scroll-view").scroll_to(0, left=400, to_lower=True)
    assert [(k, d.get("direction")) for k, d in mini.log()][1:] == [("scrolltolower", "right")]


async def test_button_open_type_share(mini: MiniApp) -> None:
    """view-fidelity §4.3.11: an open-type="share" button calls onShareAppMessage({from: "button", target})."""
    p = await mini.open(page('<button open-type="share" id="s" data-gid="g1">分享</button>',
                             "Page({ onShareAppMessage(o) { getApp().log.push([o.from, o.target.id, o.target.dataset]); return { title: 'T', path: '/pages/p/p' } } })"))
    card = await p.get_element("#s").tap()
    assert mini.log() == [["button", "s", {"gid": "g1"}]]
    assert card is not None


async def test_button_open_type_get_phone_number(mini: MiniApp) -> None:
    """view-fidelity §4.3.11: open-type="getPhoneNumber" fires bindgetphonenumber with {errMsg, code}."""
    p = await mini.open(page('<button open-type="getPhoneNumber" bindgetphonenumber="on">手机号</button>', PUSH % ("{}", "")))
    await p.get_element("button").tap()
    ((kind, detail),) = mini.log()
    assert kind == "getphonenumber"
    assert detail["errMsg"] == "getPhoneNumber:ok" and detail["code"]


async def test_disabled_button_does_not_tap(mini: MiniApp) -> None:
    """view-fidelity §4.3.11: a disabled button cannot be tapped (the element API says so)."""
    p = await mini.open(page('<button disabled="{{true}}" bindtap="on">x</button>', PUSH % ("{}", "")))
    with pytest.raises(ElementError, match="disabled"):
        await p.get_element("button").tap()
    assert mini.log() == []


async def test_navigator_navigates(mini: MiniApp) -> None:
    """view-fidelity §4.3.12: navigator url + open-type (navigate, redirect, navigateBack with delta)."""
    files = page('<navigator url="/pages/q/q?x=1">go</navigator>', **{
        "pages/q/q.js": "Page({})", "pages/q/q.wxml": '<navigator open-type="navigateBack" delta="1">back</navigator>'})
    await mini.open(files)
    user = mini.user
    assert user is not None
    await user.current_page.get_element("navigator").tap()
    assert user.current_page.route == "pages/q/q" and user.current_page.query == {"x": "1"}
    await user.current_page.get_element("navigator").tap()
    assert user.current_page.route == "pages/p/p"


async def test_image_load_and_error(mini: MiniApp) -> None:
    """view-fidelity §4.3.13: image fires load {width, height} for a picture it can fetch, error otherwise."""
    p = await mini.open(page('<image id="ok" src="/img/a.png" bindload="on" binderror="on"/>'
                             '<image id="bad" src="/img/missing.png" bindload="on" binderror="on"/>',
                             PUSH % ("{}", ""), **{"img/a.png": "not really a png"}))
    await mini.user.idle() if mini.user else None
    kinds = sorted(k for k, _ in mini.log())
    assert kinds == ["error", "load"]
    del p


async def test_image_loads_again_when_its_src_changes(mini: MiniApp) -> None:
    """view-fidelity §4.3.13: an image that gets a new src loads the new picture (load or error again); a
    re-render with the same src fires nothing. (TDesign's t-image shows a loading mask from a src change
    until its load arrives.)"""
    p = await mini.open(page('<image id="i" src="{{src}}" bindload="on" binderror="on"/><text>{{n}}</text>',
                             PUSH % ("{ src: '', n: 0 }", "set(v) { this.setData(v) }"),
                             **{"img/a.png": "not really a png"}))
    assert mini.log() == []  # no src, nothing to load
    await p.call("set", {"src": "/img/a.png"})
    await p.call("set", {"n": 1})
    await p.call("set", {"src": "https://cdn.example.com/b.png"})
    await p.call("set", {"src": "/img/missing.png"})
    assert [k for k, _ in mini.log()] == ["load", "load", "error"]


async def test_rich_text_nodes_are_queryable_text(mini: MiniApp) -> None:
    """view-fidelity §4.3.14: rich-text renders its nodes (string or array) into the tree: its text can be read."""
    p = await mini.open(page("""
        <rich-text id="a" nodes="{{html}}"/>
        <rich-text id="b" nodes="{{arr}}"/>""",
        """Page({ data: { html: '<div class="x">Hello <b>world</b></div>',
                  arr: [{ name: 'p', attrs: { class: 'y' }, children: [{ type: 'text', text: 'From nodes' }] }] } })"""))
    assert p.get_element("#a").text == "Hello world"
    assert p.get_element("#b").text == "From nodes"
