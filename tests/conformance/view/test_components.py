"""docs/view-fidelity.md §3: custom components — usingComponents, properties, data, lifetimes, observers,
behaviors, relations, slots, options, triggerEvent, selectComponent, and the order against the page."""

from __future__ import annotations

import json

from view_app import LOG_APP, MiniApp


def comp(path: str, js: str, wxml: str = "<view><slot/></view>", json_: str | None = None) -> dict[str, str]:
    out = {f"{path}.js": js, f"{path}.wxml": wxml}
    out[f"{path}.json"] = json_ or '{"component": true}'
    return out


def app(page_wxml: str, page_js: str = "Page({})", using: dict[str, str] | None = None, **files: str) -> dict[str, str]:
    return {"app.js": LOG_APP, "pages/p/p.wxml": page_wxml, "pages/p/p.js": page_js,
            "pages/p/p.json": json.dumps({"usingComponents": using or {}}), **files}


async def test_using_components_app_page_component_and_npm(mini: MiniApp) -> None:
    """view-fidelity §3.1: usingComponents in app.json (global), page JSON and component JSON; relative,
    absolute and miniprogram_npm paths."""
    files = app("<g-one/><rel-two/><abs-three/><npm-four/>",
                using={"rel-two": "../../comps/two", "abs-three": "/comps/three", "npm-four": "pkg/four"},
                **comp("comps/one", "Component({})", "<text>one</text><inner-x/>",
                       '{"component": true, "usingComponents": {"inner-x": "./inner"}}'),
                **comp("comps/inner", "Component({})", "<text>inner</text>"),
                **comp("comps/two", "Component({})", "<text>two</text>"),
                **comp("comps/three", "Component({})", "<text>three</text>"),
                **comp("miniprogram_npm/pkg/four/index", "Component({})", "<text>four</text>"))
    files["app.json"] = json.dumps({"pages": ["pages/p/p"], "usingComponents": {"g-one": "/comps/one"}})
    p = await mini.open(files)
    assert [p.get_element(t).text for t in ("rel-two", "abs-three", "npm-four")] == ["two", "three", "four"]
    assert [e.text for e in p.get_elements("g-one >>> text")] == ["one"]
    assert p.get_element("g-one >>> inner-x").text == "inner"


async def test_properties_types_defaults_and_coercion(mini: MiniApp) -> None:
    """view-fidelity §3.2: typed properties get their type's default, values are converted to the type,
    hyphenated attributes set camelCase properties, `value` overrides the default."""
    p = await mini.open(app('<c-p id="a"/><c-p id="b" str="{{5}}" num="7" flag="{{1}}" my-list="{{[1]}}" named="x"/>',
                            using={"c-p": "/comps/p"},
                            **comp("comps/p", """Component({ properties: {
                                str: String, num: Number, flag: Boolean, obj: Object, myList: Array,
                                named: { type: String, value: 'dflt' } } })""", "<text>{{str}}</text>")))
    assert p.get_element("#a").data == {"str": "", "num": 0, "flag": False, "obj": None, "myList": [], "named": "dflt"}
    assert p.get_element("#b").data == {"str": "5", "num": 7, "flag": True, "obj": None, "myList": [1], "named": "x"}


async def test_property_observer_fires_on_change(mini: MiniApp) -> None:
    """view-fidelity §3.2: a property's observer (function or method name) gets (new, old) when the parent's
    value changes; setting the same value again does not fire it."""
    p = await mini.open(app('<c-p id="c" count="{{n}}"/>', "Page({ data: { n: 1 } })", {"c-p": "/comps/p"},
                            **comp("comps/p", """Component({
                                properties: { count: { type: Number, value: 0, observer: 'onCount' } },
                                methods: { onCount(v, old) { getApp().log.push([v, old]) } } })""", "<text>{{count}}</text>")))
    assert mini.log() == [[1, 0]]
    await p.set_data({"n": 2})
    await p.set_data({"n": 2})
    assert mini.log() == [[2, 1]]
    assert p.get_element("#c").text == "2"


async def test_component_setdata_renders_its_own_tree(mini: MiniApp) -> None:
    """view-fidelity §3.3: data + methods; a component's setData re-renders its subtree, not the page's data."""
    p = await mini.open(app('<c-n id="c"/><text id="pt">{{n}}</text>', "Page({ data: { n: 'page' } })", {"c-n": "/comps/n"},
                            **comp("comps/n", "Component({ data: { n: 0 }, methods: { inc() { this.setData({ n: this.data.n + 1 }) } } })",
                                   '<view class="n" bindtap="inc">{{n}}</view>')))
    await p.get_element("c-n >>> .n").tap()
    assert p.get_element("c-n >>> .n").text == "1"
    assert p.get_element("#pt").text == "page"
    assert p.get_element("#c").data == {"n": 1}


async def test_instances_follow_if_and_keyed_for(mini: MiniApp) -> None:
    """view-fidelity §3.3: wx:if creates/detaches instances; keyed wx:for moves them (their data survives)."""
    p = await mini.open(app('<c-i wx:for="{{ids}}" wx:key="*this" id="c{{item}}" tag="{{item}}"/>',
                            "Page({ data: { ids: [1, 2] } })", {"c-i": "/comps/i"},
                            **comp("comps/i", """Component({ properties: { tag: Number }, data: { mine: 0 },
                                lifetimes: { attached() { getApp().log.push('attached ' + this.data.tag) },
                                             detached() { getApp().log.push('detached ' + this.data.tag) } } })""",
                                   "<text>{{tag}}</text>")))
    assert mini.log() == ["attached 1", "attached 2"]
    await p.get_element("#c2").set_data({"mine": 42})
    await p.set_data({"ids": [2, 3]})
    assert sorted(mini.log()) == ["attached 3", "detached 1"]
    assert p.get_element("#c2").data["mine"] == 42


async def test_observers_fields_wildcards_and_paths(mini: MiniApp) -> None:
    """view-fidelity §3.4: observers on several fields, a sub-path, `a.**` and `**`, run inside setData."""
    p = await mini.open(app('<c-o id="c"/>', using={"c-o": "/comps/o"}, **comp("comps/o", """Component({
        data: { a: 1, b: 2, obj: { x: 1, y: 2 } },
        observers: {
          'a, b': function (a, b) { getApp().log.push('a,b ' + a + ' ' + b) },
          'obj.x': function (x) { getApp().log.push('obj.x ' + x) },
          'obj.**': function (o) { getApp().log.push('obj.** ' + JSON.stringify(o)) },
          '**': function () { getApp().log.push('**') },
        },
        methods: { go(k, v) { this.setData({ [k]: v }); getApp().log.push('after') } } })""", "<text>{{a}}</text>")))
    mini.log()
    el = p.get_element("#c")
    await el.call_method("go", "b", 5)
    assert mini.log() == ["a,b 1 5", "**", "after"]
    await el.call_method("go", "obj.y", 3)
    assert mini.log() == ["obj.** {\"x\":1,\"y\":3}", "**", "after"]
    await el.call_method("go", "obj", {"x": 9, "y": 9})
    assert mini.log() == ["obj.x 9", "obj.** {\"x\":9,\"y\":9}", "**", "after"]


async def test_lifetimes_win_over_old_style_keys(mini: MiniApp) -> None:
    """view-fidelity §3.5: created → attached → ready; `lifetimes` wins over a top-level key of the same name;
    detached when removed; setData in created is not possible (data is the definition's)."""
    p = await mini.open(app('<c-l wx:if="{{on}}"/>', "Page({ data: { on: true } })", {"c-l": "/comps/l"},
                            **comp("comps/l", """Component({
                                attached() { getApp().log.push('old attached') },
                                ready() { getApp().log.push('old ready') },
                                created() { getApp().log.push('old created') },
                                lifetimes: {
                                  attached() { getApp().log.push('attached') },
                                  detached() { getApp().log.push('detached') },
                                } })""", "<text>l</text>")))
    assert mini.log() == ["old created", "attached", "old ready"]
    await p.set_data({"on": False})
    assert mini.log() == ["detached"]


async def test_page_lifetimes_show_hide(mini: MiniApp) -> None:
    """view-fidelity §3.7: pageLifetimes.show/hide follow the page's onShow/onHide."""
    files = app("<c-s/>", "Page({})", {"c-s": "/comps/s"},
                **comp("comps/s", """Component({ pageLifetimes: {
                    show() { getApp().log.push('show') }, hide() { getApp().log.push('hide') } } })""", "<text>s</text>"),
                **{"pages/q/q.js": "Page({})", "pages/q/q.wxml": "<text>q</text>"})
    files["app.json"] = json.dumps({"pages": ["pages/p/p", "pages/q/q"]})
    p = await mini.open(files)
    assert mini.log() == ["show"]
    assert mini.user is not None
    await mini.user.navigate_to("/pages/q/q")
    await mini.user.navigate_back()
    assert mini.log() == ["hide", "show"]
    del p


async def test_behaviors_merge_and_order(mini: MiniApp) -> None:
    """view-fidelity §3.6: a behavior's properties, data and methods merge (the component's own win);
    lifetimes of both run, the behavior's first."""
    p = await mini.open(app('<c-b id="c"/>', using={"c-b": "/comps/b"}, **{
        "comps/beh.js": """module.exports = Behavior({
            properties: { bp: { type: String, value: 'b' } }, data: { shared: 'beh', onlyB: 1 },
            attached() { getApp().log.push('behavior attached') },
            methods: { hello() { return 'behavior' }, fromB() { return 'B' } } })""",
        **comp("comps/b", """Component({ behaviors: [require('./beh')], data: { shared: 'comp' },
            attached() { getApp().log.push('component attached') },
            methods: { hello() { return 'component' } } })""", "<text>{{shared}}</text>")}))
    assert mini.log() == ["behavior attached", "component attached"]
    el = p.get_element("#c")
    assert el.data == {"bp": "b", "shared": "comp", "onlyB": 1}
    assert await el.call_method("hello") == "component"
    assert await el.call_method("fromB") == "B"


async def test_has_behavior(mini: MiniApp) -> None:
    """view-fidelity §3.6: this.hasBehavior(b) says whether a behavior (also a built-in one) is used."""
    p = await mini.open(app('<c-h id="c"/>', using={"c-h": "/comps/h"}, **comp("comps/h", """Component({
        behaviors: ['wx://form-field'],
        methods: { check() { return this.hasBehavior('wx://form-field') } } })""", "<text>h</text>")))
    assert await p.get_element("#c").call_method("check") is True


async def test_slots_default_and_named(mini: MiniApp) -> None:
    """view-fidelity §3.9: one default <slot/> without multipleSlots; named slots with it; slot content keeps the
    page's data and is found by a page query."""
    p = await mini.open(app("""
        <c-one><text class="in-one">{{msg}}</text></c-one>
        <c-many>
          <text slot="before" class="b">B</text>
          <text class="d">D</text>
          <text slot="after" class="a">A</text>
        </c-many>
    """, "Page({ data: { msg: 'hi' } })", {"c-one": "/comps/one", "c-many": "/comps/many"},
        **comp("comps/one", "Component({})", '<view class="wrap"><slot/></view>'),
        **comp("comps/many", "Component({ options: { multipleSlots: true } })",
               '<view class="w"><slot name="after"/><text class="mid">M</text><slot name="before"/><slot/></view>')))
    assert p.get_element("c-one").text == "hi"
    assert p.get_element(".in-one").text == "hi"
    assert [e.text for e in p.get_elements("c-many text")] == ["A", "B", "D"]  # slot content is the page's
    assert p.get_element("c-many").text == "AMBD"  # after, the component's own text, before, default


async def test_virtual_host_has_no_host_node_attributes(mini: MiniApp) -> None:
    """view-fidelity §3.11: options.virtualHost: the host node is virtual (its class/style go nowhere unless
    the component takes them as properties)."""
    p = await mini.open(app('<c-v class="outer" id="vh"/>', using={"c-v": "/comps/v"},
                            **comp("comps/v", "Component({ options: { virtualHost: true } })", '<view class="inner">v</view>')))
    assert p.get_element("c-v >>> .inner").text == "v"


async def test_pure_data_pattern_not_rendered(mini: MiniApp) -> None:
    """view-fidelity §3.11: fields matching options.pureDataPattern stay in this.data but never reach the view."""
    p = await mini.open(app('<c-pd id="c"/>', using={"c-pd": "/comps/pd"}, **comp("comps/pd", """Component({
        options: { pureDataPattern: /^_/ }, data: { _secret: 's', shown: 'v' },
        methods: { change() { this.setData({ _secret: 't', shown: 'w' }) } } })""", '<text class="t">{{_secret}}|{{shown}}</text>')))
    assert p.get_element("c-pd >>> .t").text == "|v"
    await p.get_element("#c").call_method("change")
    assert p.get_element("c-pd >>> .t").text == "|w"
    assert p.get_element("#c").data["_secret"] == "t"


async def test_trigger_event_reaches_the_parent_handler(mini: MiniApp) -> None:
    """view-fidelity §3.12: triggerEvent(name, detail) calls the parent's bind:name handler with the detail;
    without bubbles it does not reach the parent's ancestors."""
    p = await mini.open(app("""
        <view bind:pick="outer"><c-t id="c" bind:pick="onPick" data-k="v"/></view>
    """, """Page({ onPick(e) { getApp().log.push([e.type, e.detail, e.currentTarget.dataset, e.target.id]) },
                    outer() { getApp().log.push('outer') } })""", {"c-t": "/comps/t"},
        **comp("comps/t", "Component({ methods: { fire() { this.triggerEvent('pick', { n: 1 }) } } })",
               '<view class="btn" bindtap="fire">t</view>')))
    await p.get_element("c-t >>> .btn").tap()
    assert mini.log() == [["pick", {"n": 1}, {"k": "v"}, "c"]]


async def test_trigger_event_bubbles_and_composed(mini: MiniApp) -> None:
    """view-fidelity §3.12: bubbles:true reaches the parent's ancestors in the same tree; composed:true also
    crosses the enclosing component's boundary; capturePhase:true runs capture handlers first."""
    p = await mini.open(app("""
        <view bind:ev="pageOuter" capture-bind:ev="pageCapture"><c-wrap/></view>
    """, """Page({ pageOuter(e) { getApp().log.push('page ' + e.detail.mode) },
                    pageCapture(e) { getApp().log.push('page capture ' + e.detail.mode) } })""", {"c-wrap": "/comps/wrap"},
        **comp("comps/wrap", "Component({ methods: { wrapOuter(e) { getApp().log.push('wrap ' + e.detail.mode) } } })",
               '<view bind:ev="wrapOuter"><c-leaf id="leaf"/></view>',
               '{"component": true, "usingComponents": {"c-leaf": "./leaf"}}'),
        **comp("comps/leaf", """Component({ methods: { fire(mode, opts) { this.triggerEvent('ev', { mode }, opts) } } })""",
               "<text>leaf</text>")))
    leaf = p.get_element("c-wrap >>> #leaf")
    await leaf.call_method("fire", "plain", {})
    assert mini.log() == []
    await leaf.call_method("fire", "bubbles", {"bubbles": True})
    assert mini.log() == ["wrap bubbles"]
    await leaf.call_method("fire", "composed", {"bubbles": True, "composed": True})
    assert mini.log() == ["wrap composed", "page composed"]
    await leaf.call_method("fire", "capture", {"bubbles": True, "composed": True, "capturePhase": True})
    assert mini.log() == ["page capture capture", "wrap capture", "page capture"]


async def test_select_component_and_owner(mini: MiniApp) -> None:
    """view-fidelity §3.13: selectComponent/selectAllComponents from a page and from a component;
    selectOwnerComponent returns the component whose template contains it."""
    p = await mini.open(app('<c-box id="box"/><c-item class="it" id="p1"/>',
                            """Page({ probe() {
                                 const box = this.selectComponent('#box');
                                 return [box.is, this.selectAllComponents('.it').length,
                                         box.selectComponent('#inner').selectOwnerComponent().is,
                                         this.selectComponent('#inner') === null] } })""",
                            {"c-box": "/comps/box", "c-item": "/comps/item"},
                            **comp("comps/box", "Component({})", '<c-item id="inner" class="it"/>',
                                   '{"component": true, "usingComponents": {"c-item": "./item"}}'),
                            **comp("comps/item", "Component({})", "<text>i</text>")))
    assert await p.call("probe") == ["comps/box", 1, "comps/box", True]


async def test_component_export(mini: MiniApp) -> None:
    """view-fidelity §3.6: with wx://component-export, selectComponent returns what export() returns."""
    p = await mini.open(app('<c-e id="e"/>', "Page({ probe() { return this.selectComponent('#e') } })", {"c-e": "/comps/e"},
                            **comp("comps/e", "Component({ behaviors: ['wx://component-export'], export() { return { api: 1 } } })",
                                   "<text>e</text>")))
    assert await p.call("probe") == {"api": 1}


async def test_selector_query_in_component(mini: MiniApp) -> None:
    """view-fidelity §3.13: this.createSelectorQuery() in a component is scoped to it (.in(this)); a page's query
    does not see inside components; a selector that matches nothing answers null."""
    p = await mini.open(app('<c-q id="q"/><view class="outer" id="o" data-k="v">o</view>', """Page({
        probe() { this.createSelectorQuery().select('.inner').boundingClientRect().select('#o').boundingClientRect()
                    .selectAll('.outer').boundingClientRect().exec((res) => { getApp().log.push(res.map((r) => r && (r.length !== undefined ? r.length : r.id))) }) } })""",
        {"c-q": "/comps/q"}, **comp("comps/q", """Component({
        methods: { probe() { this.createSelectorQuery().select('.inner').boundingClientRect()
                               .select('.outer').boundingClientRect().exec((res) => { getApp().log.push(res.map((r) => r && r.id)) }) } } })""",
        '<view class="inner" id="in">q</view>')))
    await p.call("probe")
    await p.get_element("#q").call_method("probe")
    assert mini.user is not None
    await mini.user.idle()
    assert mini.log() == [[None, "o", 1], ["in", None]]


async def test_order_between_page_and_components(mini: MiniApp) -> None:
    """view-fidelity §3.14: created → attached → page onLoad → pageLifetimes.show → page onShow →
    component ready → page onReady; detached on unload."""
    files = app("<c-x/>", """Page({
        onLoad() { getApp().log.push('page onLoad') }, onShow() { getApp().log.push('page onShow') },
        onReady() { getApp().log.push('page onReady') }, onUnload() { getApp().log.push('page onUnload') } })""",
                {"c-x": "/comps/x"}, **comp("comps/x", """Component({
        lifetimes: { created() { getApp().log.push('created') }, attached() { getApp().log.push('attached') },
                     ready() { getApp().log.push('ready') }, detached() { getApp().log.push('detached') } },
        pageLifetimes: { show() { getApp().log.push('pageLifetimes.show') } } })""", "<text>x</text>"),
                **{"pages/q/q.js": "Page({})", "pages/q/q.wxml": "<text>q</text>"})
    files["app.json"] = json.dumps({"pages": ["pages/p/p", "pages/q/q"]})
    await mini.open(files)
    assert mini.log() == ["created", "attached", "page onLoad", "pageLifetimes.show", "page onShow", "ready", "page onReady"]
    assert mini.user is not None
    await mini.user.redirect_to("/pages/q/q")
    assert mini.log() == ["page onUnload", "detached"]


async def test_a_path_into_a_list_reaches_the_component_given_the_list(mini: MiniApp) -> None:
    """view-fidelity §3.2/§3.4: `setData({'list[1].t': 'B'})` on a page that passes `list="{{list}}"` to a
    component gives the component the changed list (its view and its `list` observer), as a whole-list
    setData would; the item the path did not touch is unchanged."""
    p = await mini.open(app(
        '<c-l id="l" list="{{list}}"/>',
        "Page({ data: { list: [{ t: 'a' }, { t: 'b' }] }, change() { this.setData({ 'list[1].t': 'B' }) } })",
        using={"c-l": "/comps/l"},
        **comp("comps/l", """Component({
  properties: { list: Array },
  observers: { list(v) { getApp().log.push(['list', v.map(function (x) { return x.t }).join('')]) } },
})""", "<view wx:for='{{list}}' wx:key='t' class='row'>{{item.t}}</view>")))
    assert [e.text for e in p.get_elements("c-l >>> .row")] == ["a", "b"]
    mini.log()
    await p.call("change")
    assert [e.text for e in p.get_elements("c-l >>> .row")] == ["a", "B"]
    assert p.get_element("#l").data["list"] == [{"t": "a"}, {"t": "B"}]
    assert mini.log() == [["list", "aB"]]
