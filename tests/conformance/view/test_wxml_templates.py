"""docs/view-fidelity.md §2.6–§2.12 and §5: templates, import/include, class/style, dataset, mark, WXS,
data as JSON, template errors."""

from __future__ import annotations

import pytest
from view_app import LOG_APP, MiniApp

from mock_wx import JSError


def page(wxml: str, js: str = "Page({})", **extra: str) -> dict[str, str]:
    return {"app.js": LOG_APP, "pages/p/p.wxml": wxml, "pages/p/p.js": js, **extra}


async def test_template_is_data_and_dynamic_is(mini: MiniApp) -> None:
    """view-fidelity §2.6: <template name> + is (also computed) + data; a template sees only its data."""
    p = await mini.open(page("""
        <template name="odd"><text class="o">odd {{v}}{{outer}}</text></template>
        <template name="even"><text class="e">even {{v}}</text></template>
        <block wx:for="{{[1, 2, 3]}}" wx:key="*this">
          <template is="{{item % 2 == 0 ? 'even' : 'odd'}}" data="{{v: item}}" />
        </block>
    """, "Page({ data: { outer: '!' } })"))
    assert [e.text for e in p.get_elements("text")] == ["odd 1", "even 2", "odd 3"]


async def test_import_is_not_transitive(mini: MiniApp) -> None:
    """view-fidelity §2.7: import brings the target file's templates, not the templates it imports."""
    p = await mini.open(page("""
        <import src="/tpl/b.wxml" />
        <template is="B" />
        <template is="A" />
    """, **{"tpl/a.wxml": '<template name="A"><text>A</text></template>',
            "tpl/b.wxml": '<import src="a.wxml"/><template name="B"><text>B</text><template is="A"/></template>'}),
        fidelity="lenient")
    assert [e.text for e in p.get_elements("text")] == ["B", "A"]  # A inside B (imported by b.wxml)
    assert [f.kind for f in mini.findings()] == ["wxml-template-not-found"]


async def test_include_copies_all_but_templates_and_wxs(mini: MiniApp) -> None:
    """view-fidelity §2.7: include inserts the file except its <template> and <wxs>, with the includer's data."""
    p = await mini.open(page("""
        <include src="../../parts/header.wxml" />
        <view class="body">body</view>
        <template is="fromHeader" />
    """, "Page({ data: { title: 'T' } })", **{
        "parts/header.wxml": '<view class="head">{{title}}</view><template name="fromHeader"><text>X</text></template>'}),
        fidelity="lenient")
    assert p.get_element(".head").text == "T"
    assert not p.element_exists("text")
    assert [f.kind for f in mini.findings()] == ["wxml-template-not-found"]


async def test_class_and_style_bindings(mini: MiniApp) -> None:
    """view-fidelity §2.8: class and style take {{ }} like any attribute."""
    p = await mini.open(page(
        '<view id="v" class="base {{active ? \'on\' : \'\'}}" style="color: {{color}}; width: {{w}}rpx">x</view>',
        "Page({ data: { active: true, color: 'red', w: 10 } })"))
    v = p.get_element("#v")
    assert v.attribute("class").split() == ["base", "on"]
    assert v.attribute("style") == "color: red; width: 10rpx"
    assert p.element_exists("view.base.on")


async def test_dataset_key_rules(mini: MiniApp) -> None:
    """view-fidelity §2.9: data-element-type → elementType; data-elementType → elementtype; values keep types."""
    p = await mini.open(page(
        '<view id="v" data-element-type="a" data-elementType="b" data-n="{{3}}" bindtap="t">x</view>',
        "Page({ t(e) { getApp().log.push(e.currentTarget.dataset, e.target.dataset) } })"))
    await p.get_element("#v").tap()
    ds = {"elementType": "a", "elementtype": "b", "n": 3}
    assert mini.log() == [ds, ds]
    assert p.get_element("#v").dataset == ds


async def test_mark_merges_from_target_to_root(mini: MiniApp) -> None:
    """view-fidelity §2.10: mark:x on the target and its ancestors merge into event.mark (inner wins)."""
    p = await mini.open(page("""
        <view mark:outer="o" mark:shared="outer" bindtap="t">
          <view id="in" mark:inner="{{1}}" mark:shared="inner">x</view>
        </view>
    """, "Page({ t(e) { getApp().log.push(e.mark) } })"))
    await p.get_element("#in").tap()
    assert mini.log() == [{"outer": "o", "inner": 1, "shared": "inner"}]


async def test_data_reaches_the_view_as_json(mini: MiniApp) -> None:
    """view-fidelity §2.11: functions and undefined are dropped on the way to the view; a Date becomes its JSON."""
    p = await mini.open(page(
        '<view id="v">{{typeof f}}|{{u === undefined}}|{{d}}|{{o.fn}}</view>',
        "Page({ onLoad() { this.setData({ f: function () {}, u: undefined, d: new Date(0), o: { fn: function () {} } }) } })"))
    assert p.get_element("#v").text == "undefined|true|1970-01-01T00:00:00.000Z|"


async def test_setdata_renders_before_its_callback(mini: MiniApp) -> None:
    """view-fidelity §2.11: setData updates this.data at once, renders, then calls the callback."""
    p = await mini.open(page(
        '<view id="v" bindtap="go">{{n}}</view>',
        """Page({ data: { n: 0 }, go() {
             this.setData({ n: 1 }, () => { getApp().log.push('cb', this.data.n) });
             getApp().log.push('sync', this.data.n);
           } })"""))
    await p.get_element("#v").tap()
    assert mini.log() == ["sync", 1, "cb", 1]
    assert p.get_element("#v").text == "1"


async def test_in_place_mutation_is_not_rendered(mini: MiniApp) -> None:
    """view-fidelity §2.11: changing this.data without setData changes nothing on screen."""
    p = await mini.open(page('<view id="v" bindtap="go">{{n}}</view>',
                             "Page({ data: { n: 0 }, go() { this.data.n = 5 } })"))
    await p.get_element("#v").tap()
    assert p.get_element("#v").text == "0"
    assert p.data["n"] == 5


async def test_expression_error_strict_and_lenient(mini: MiniApp) -> None:
    """view-fidelity §2.12: an expression that throws is a JSError naming the template in strict, a finding in lenient."""
    files = page('<view id="v">{{ s.toFixed(1) }}</view>', "Page({ data: { s: 'x' } })")
    with pytest.raises(JSError, match=r"pages/p/p\.wxml"):
        await mini.open(files)
    p = await mini.open(files, fidelity="lenient")
    assert p.get_element("#v").text == ""
    assert [f.kind for f in mini.findings()] == ["wxml-expression-error"]


async def test_unknown_tag_is_a_finding(mini: MiniApp) -> None:
    """view-fidelity §2.12: a tag that is neither built-in nor in usingComponents renders empty, with a finding."""
    p = await mini.open(page('<my-widget id="w">inner</my-widget>'), fidelity="lenient")
    assert p.element_exists("#w")
    assert [f.kind for f in mini.findings()] == ["wxml-unknown-tag"]


# ---------------------------------------------------------------- WXS (§5)

async def test_wxs_inline_and_src_modules(mini: MiniApp) -> None:
    """view-fidelity §5.1/§5.2: inline <wxs module> and src= modules; module.exports; require with a relative path."""
    p = await mini.open(page("""
        <wxs module="m">
          var helper = require('../../utils/fmt.wxs');
          module.exports = { twice: function (x) { return helper.pad(x * 2) } };
        </wxs>
        <wxs module="fmt" src="../../utils/fmt.wxs" />
        <view id="a">{{m.twice(4)}}</view>
        <view id="b">{{fmt.pad(3)}}|{{fmt.NAME}}</view>
    """, **{"utils/fmt.wxs": "module.exports.pad = function (n) { return n < 10 ? '0' + n : '' + n };\n"
                              "module.exports.NAME = 'fmt';"}))
    assert p.get_element("#a").text == "08"
    assert p.get_element("#b").text == "03|fmt"


async def test_wxs_getregexp_and_getdate(mini: MiniApp) -> None:
    """view-fidelity §5.3: getRegExp(pattern, flags) and getDate(...) build RegExp and Date objects."""
    p = await mini.open(page("""
        <wxs module="u">
          module.exports.money = function (n) { return ('' + n).replace(getRegExp('(\\\\d)(?=(\\\\d{3})+$)', 'g'), '$1,') };
          module.exports.year = function (ms) { return getDate(ms).getUTCFullYear() };
        </wxs>
        <view id="a">{{u.money(1234567)}}</view>
        <view id="b">{{u.year(0)}}</view>
    """))
    assert p.get_element("#a").text == "1,234,567"
    assert p.get_element("#b").text == "1970"


async def test_wxs_constructor_is_the_type_name(mini: MiniApp) -> None:
    """view-fidelity §5.5: in WXS `x.constructor` is a string naming the type (Vant's array.wxs tests
    `array.constructor === 'Array'`); a `constructor` that is not a member read, or in a string, is untouched,
    and the logic layer keeps JavaScript's constructor functions."""
    p = await mini.open(page("""
        <wxs module="t">
          var constructor = 'own';
          module.exports.kinds = [(1).constructor, 'a'.constructor, true.constructor, {}.constructor,
            [].constructor, (function () {}).constructor, getDate(0).constructor, getRegExp('x').constructor,
            constructor, '.constructor'].join(',');
          module.exports.isArray = function (a) { return a && a.constructor === 'Array' };
        </wxs>
        <view id="a">{{t.kinds}}</view>
        <view id="b">{{t.isArray(list) ? 'array' : 'not'}}|{{t.isArray(obj) ? 'array' : 'not'}}</view>
    """, js="Page({ data: { list: [1], obj: { a: 1 } }, kind() { return [].constructor === Array } })"))
    assert p.get_element("#a").text == ("Number,String,Boolean,Object,Array,Function,Date,RegExp,own,.constructor")
    assert p.get_element("#b").text == "array|not"
    assert await p.call("kind") is True


async def test_wxs_cannot_reach_the_logic_layer(mini: MiniApp) -> None:
    """view-fidelity §5.4: WXS sees none of the logic layer's globals (wx, getApp, Page, setTimeout)."""
    p = await mini.open(page("""
        <wxs module="u">
          module.exports.seen = [typeof wx, typeof getApp, typeof Page, typeof setTimeout].join(',');
        </wxs>
        <view id="a">{{u.seen}}</view>
    """))
    assert p.get_element("#a").text == "undefined,undefined,undefined,undefined"


async def test_wxs_module_is_a_singleton(mini: MiniApp) -> None:
    """view-fidelity §5.2: a .wxs file is initialised once, however many places reference it."""
    p = await mini.open(page("""
        <wxs module="a" src="/utils/count.wxs" />
        <wxs module="b" src="/utils/count.wxs" />
        <view id="v">{{a.next()}}{{b.next()}}</view>
    """, **{"utils/count.wxs": "var n = 0; module.exports.next = function () { n = n + 1; return n };"}))
    assert p.get_element("#v").text == "12"


async def test_wxs_function_as_event_handler(mini: MiniApp) -> None:
    """view-fidelity §4.8: a handler may be a WXS function, bound as {{module.fn}}."""
    p = await mini.open(page("""
        <wxs module="h">module.exports.tap = function (e, ownerInstance) { return false };</wxs>
        <view id="v" bindtap="{{h.tap}}">x</view>
    """), fidelity="lenient")
    await p.get_element("#v").tap()
    assert mini.findings("missing-handler") == []
