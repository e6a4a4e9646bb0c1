"""The component model end to end: lifetimes in the platform's order, properties and observers,
Component() used as a page, the custom tab bar, page-meta, rich-text and image load."""

from __future__ import annotations

import pytest

from mock_wx import StrictModeError
from mock_wx.rig.element import ElementError, ElementNotFound

LOGGING_COMP = """
Component({
  properties: { label: { type: String, value: 'none', observer(n, o) { getApp().globalData.log.push('prop ' + o + '->' + n) } } },
  data: { count: 0 },
  observers: { 'count': function (c) { getApp().globalData.log.push('observer count=' + c) } },
  lifetimes: {
    created() { getApp().globalData.log.push('created ' + this.properties.label) },
    attached() { getApp().globalData.log.push('attached ' + this.data.label) },
    ready() { getApp().globalData.log.push('ready ' + this.data.label) },
    detached() { getApp().globalData.log.push('detached ' + this.data.label) },
  },
  pageLifetimes: { show() { getApp().globalData.log.push('page show ' + this.data.label) } },
  methods: {
    bump() { this.setData({ count: this.data.count + 1 }); this.triggerEvent('bumped', { count: this.data.count }) },
  },
})
"""

PAGE_JS = """
const log = (s) => getApp().globalData.log.push(s)
Page({
  data: { show: true, name: 'a', got: 0 },
  onLoad() { log('page onLoad') },
  onShow() { log('page onShow') },
  onReady() { log('page onReady') },
  onBumped(e) { this.setData({ got: e.detail.count }) },
  toggle() { this.setData({ show: !this.data.show }) },
  rename() { this.setData({ name: 'b' }) },
})
"""

PAGE_WXML = """
<view>
  <counter wx:if="{{show}}" label="{{name}}" bind:bumped="onBumped" id="c1">
    <text class="inside">slot {{name}}</text>
  </counter>
  <button class="toggle" bindtap="toggle">toggle</button>
  <button class="rename" bindtap="rename">rename</button>
  <text class="got">{{got}}</text>
</view>
"""

COUNTER_WXML = """<view class="box"><button class="bump" bindtap="bump">+{{count}}</button><slot></slot></view>"""


def counter_app() -> dict[str, object]:
    return {
        "pages/index/index.js": PAGE_JS,
        "pages/index/index.wxml": PAGE_WXML,
        "pages/index/index.json": {"usingComponents": {"counter": "/components/counter/counter"}},
        "components/counter/counter.js": LOGGING_COMP,
        "components/counter/counter.wxml": COUNTER_WXML,
        "components/counter/counter.json": {"component": True},
    }


async def test_lifetimes_follow_the_platform_order_around_page_hooks(make_sim, read_log):
    sim = make_sim(counter_app())
    user = sim.user()
    await user.launch("/pages/index/index")
    assert read_log(user) == [
        "created none", "prop none->a", "attached a", "page onLoad", "page show a", "page onShow", "ready a",
        "page onReady",
    ]


async def test_a_component_event_reaches_the_page_and_its_tree_rerenders(make_sim, read_log):
    sim = make_sim(counter_app())
    user = sim.user()
    page = await user.launch("/pages/index/index")
    await page.get_element("counter >>> button.bump").tap()
    assert page.get_element(".got").text == "1"
    assert page.get_element("counter >>> .bump").text == "+1"
    assert "observer count=1" in read_log(user)
    assert page.get_element("counter").data["count"] == 1


async def test_slot_content_belongs_to_the_page_and_follows_its_data(make_sim):
    sim = make_sim(counter_app())
    user = sim.user()
    page = await user.launch("/pages/index/index")
    assert page.get_element("text.inside").text == "slot a"   # a page query finds slotted content
    assert not page.element_exists(".bump")                   # but not the component's own tree
    await page.get_element("button.rename").tap()
    assert page.get_element("text.inside").text == "slot b"
    assert page.get_element("counter").property("label") == "b"


async def test_wx_if_detaches_and_recreates_the_instance(make_sim, read_log):
    sim = make_sim(counter_app())
    user = sim.user()
    page = await user.launch("/pages/index/index")
    read_log(user).clear()
    await page.get_element("counter >>> .bump").tap()
    await page.get_element("button.toggle").tap()
    assert "detached a" in read_log(user)
    with pytest.raises(ElementNotFound, match="counter"):
        page.get_element("counter")
    await page.get_element("button.toggle").tap()
    assert page.get_element("counter >>> .bump").text == "+0"   # a new instance, fresh data
    # created after the page was ready: ready follows attached at once
    assert read_log(user)[-4:] == ["created none", "prop none->a", "attached a", "ready a"]


async def test_component_used_as_a_page_gets_query_properties_and_observers(make_sim, read_log):
    sim = make_sim({
        "pages/detail/detail.js": """
Component({
  properties: { id: String, qty: Number },
  data: { doubled: 0 },
  observers: { qty(q) { this.setData({ doubled: q * 2 }) } },
  lifetimes: { attached() { getApp().globalData.log.push('attached ' + this.data.id) } },
  methods: {
    onLoad(q) { getApp().globalData.log.push('onLoad ' + q.id + ' ' + typeof this.data.qty) },
    more() { this.setData({ qty: this.data.qty + 1 }) },
  },
})""",
        "pages/detail/detail.wxml": '<view class="v">{{id}}:{{qty}}:{{doubled}}</view><button bindtap="more">more</button>',
    })
    user = sim.user()
    page = await user.launch("/pages/detail/detail?id=p7&qty=2")
    assert read_log(user) == ["attached p7", "onLoad p7 number"]
    assert page.get_element(".v").text == "p7:2:0"
    await page.get_element("button").tap()
    assert page.get_element(".v").text == "p7:3:6"


async def test_custom_tab_bar_is_mounted_on_tab_pages(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ onShow() { this.getTabBar().setData({ selected: 0 }) } })",
        "pages/a/a.wxml": "<view>A</view>",
        "pages/b/b.js": "Page({ onShow() { this.getTabBar().setData({ selected: 1 }) } })",
        "pages/b/b.wxml": "<view>B</view>",
        "custom-tab-bar/index.js": """
Component({ data: { selected: 0, list: ['pages/a/a', 'pages/b/b'] },
  methods: { go(e) { wx.switchTab({ url: '/' + this.data.list[e.currentTarget.dataset.i] }) } } })""",
        "custom-tab-bar/index.wxml": """<view class="bar"><view wx:for="{{list}}" wx:key="*this" data-i="{{index}}"
  class="tab {{selected === index ? 'on' : ''}}" bindtap="go">{{index === 0 ? '首页' : '我的'}}</view></view>""",
        "custom-tab-bar/index.json": {"component": True},
    }, app={"pages": ["pages/a/a", "pages/b/b"], "tabBar": {"custom": True, "list": [
        {"pagePath": "pages/a/a", "text": "首页"}, {"pagePath": "pages/b/b", "text": "我的"}]}})
    user = sim.user()
    page = await user.launch("/pages/a/a")
    assert page.get_element("custom-tab-bar >>> .tab.on").text == "首页"
    await page.get_element("custom-tab-bar >>> .tab", inner_text="我的").tap()
    b = user.current_page
    assert b.route == "pages/b/b"
    assert b.get_element("custom-tab-bar >>> .tab.on").text == "我的"


async def test_page_meta_navigation_bar_sets_the_title(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { t: '订单详情' }, rename() { this.setData({ t: '已支付' }) } })",
        "pages/a/a.wxml": '<page-meta><navigation-bar title="{{t}}" front-color="#ffffff" background-color="#ff0000"/></page-meta>'
                          '<button bindtap="rename">x</button>',
    })
    user = sim.user()
    page = await user.launch("/pages/a/a")
    assert user.ctx.ui["navigationBarTitle"]["title"] == "订单详情"
    await page.get_element("button").tap()
    assert user.ctx.ui["navigationBarTitle"]["title"] == "已支付"
    assert user.ctx.ui["navigationBarColor"]["backgroundColor"] == "#ff0000"


async def test_rich_text_nodes_read_as_text(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { html: '<p>满 <b>99</b> 减 10</p>', arr: [{ name: 'div', children: [{ type: 'text', text: '包邮' }] }] } })",
        "pages/a/a.wxml": '<rich-text class="h" nodes="{{html}}"/><rich-text class="n" nodes="{{arr}}"/>',
    })
    page = await sim.user().launch("/pages/a/a")
    assert page.get_element(".h").text == "满 99 减 10"
    assert page.get_element("rich-text", text_contains="包邮").attribute("class") == "n"


async def test_image_load_event_fires_once_after_render(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { n: 0, w: 0 }, loaded(e) { this.setData({ n: this.data.n + 1, w: e.detail.width }) } })",
        "pages/a/a.wxml": '<image src="https://x.test/a.png" bindload="loaded"/><text>{{n}}/{{w}}</text>',
    })
    page = await sim.user().launch("/pages/a/a")
    assert page.get_element("text").text == "1/320"


async def test_missing_handler_is_a_strict_error_and_a_lenient_finding(make_sim):
    files = {"pages/a/a.js": "Page({})", "pages/a/a.wxml": '<button bindtap="nope">go</button>'}
    strict = make_sim(files)
    page = await strict.user().launch("/pages/a/a")
    with pytest.raises(StrictModeError, match='does not have a method "nope"'):
        await page.get_element("button").tap()
    lenient = make_sim(files, fidelity="lenient")
    page = await lenient.user().launch("/pages/a/a")
    await page.get_element("button").tap()
    assert [f.kind for f in lenient.trace.findings] == ["missing-handler"]


async def test_hidden_and_disabled_elements_cannot_be_tapped(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ go() {} })",
        "pages/a/a.wxml": '<view hidden="{{true}}"><button class="h" bindtap="go">h</button></view>'
                          '<button class="d" disabled="{{true}}" bindtap="go">d</button>',
    })
    page = await sim.user().launch("/pages/a/a")
    with pytest.raises(ElementError, match="hidden"):
        await page.get_element(".h").tap()
    with pytest.raises(ElementError, match="disabled"):
        await page.get_element(".d").tap()


async def test_input_value_replaced_by_handler_return_and_form_submit(make_sim):
    sim = make_sim({
        "pages/a/a.js": """Page({ data: { sent: null },
  upper(e) { return e.detail.value.toUpperCase() },
  submit(e) { this.setData({ sent: e.detail.value }) } })""",
        "pages/a/a.wxml": """<form bindsubmit="submit"><input name="code" bindinput="upper" maxlength="5"/>
  <switch name="agree"/><button form-type="submit">send</button></form>""",
    })
    page = await sim.user().launch("/pages/a/a")
    await page.get_element("input").input("abcdefg")
    assert page.get_element("input").value == "ABCDE"
    await page.get_element("switch").switch()
    await page.get_element("form").submit()
    assert page.data["sent"] == {"code": "ABCDE", "agree": True}


async def test_selector_query_answers_for_what_rendered(make_sim):
    sim = make_sim({
        "pages/a/a.js": """Page({ data: { r: null },
  measure() {
    const q = wx.createSelectorQuery()
    q.select('#here').boundingClientRect()
    q.select('#absent').boundingClientRect()
    q.selectAll('.item').fields({ dataset: true })
    q.exec((res) => this.setData({ r: [res[0] && res[0].id, res[1], res[2].map((x) => x.dataset.n)] }))
  } })""",
        "pages/a/a.wxml": '<view id="here"/><view class="item" data-n="1"/><view class="item" data-n="2"/>'
                          '<button bindtap="measure">m</button>',
    })
    page = await sim.user().launch("/pages/a/a")
    await page.get_element("button").tap()
    assert page.data["r"] == ["here", None, ["1", "2"]]  # data-n="1" is the string "1"


async def test_trigger_event_options_bubbles_composed_capture(make_sim):
    sim = make_sim({
        "pages/a/a.js": """Page({ data: { seen: [] },
  note(e) { this.setData({ seen: this.data.seen.concat([e.currentTarget.id + ':' + e.type]) }) } })""",
        "pages/a/a.wxml": '<view id="outer" bind:ping="note" capture-bind:ping="note">'
                          '<emitter id="em" bind:ping="note"/></view>',
        "pages/a/a.json": {"usingComponents": {"emitter": "/c/emitter"}},
        "c/emitter.js": """Component({ methods: {
  plain() { this.triggerEvent('ping') },
  bubbling() { this.triggerEvent('ping', {}, { bubbles: true }) },
  capturing() { this.triggerEvent('ping', {}, { bubbles: true, capturePhase: true }) } } })""",
        "c/emitter.wxml": '<button class="p" bindtap="plain">p</button><button class="b" bindtap="bubbling">b</button>'
                          '<button class="c" bindtap="capturing">c</button>',
    })
    page = await sim.user().launch("/pages/a/a")
    await page.get_element("emitter >>> .p").tap()
    assert page.data["seen"] == ["em:ping"]                      # no bubbling, no capture by default
    await page.get_element("emitter >>> .b").tap()
    assert page.data["seen"][1:] == ["em:ping", "outer:ping"]    # bubbles up the page's tree
    await page.get_element("emitter >>> .c").tap()
    assert page.data["seen"][3:] == ["outer:ping", "em:ping", "outer:ping"]  # capture first


async def test_keyed_components_keep_their_instances_when_reordered_and_hear_moved(make_sim, read_log):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { ids: ['x', 'y'] }, swap() { this.setData({ ids: ['y', 'x'] }) } })",
        "pages/a/a.wxml": '<item wx:for="{{ids}}" wx:key="*this" name="{{item}}"/><button bindtap="swap">s</button>',
        "pages/a/a.json": {"usingComponents": {"item": "/c/item"}},
        "c/item.js": """Component({ properties: { name: String }, data: { taps: 0 },
  lifetimes: { moved() { getApp().globalData.log.push('moved ' + this.data.name) },
               detached() { getApp().globalData.log.push('detached ' + this.data.name) } },
  methods: { hit() { this.setData({ taps: this.data.taps + 1 }) } } })""",
        "c/item.wxml": '<view class="i" bindtap="hit">{{name}}:{{taps}}</view>',
    })
    user = sim.user()
    page = await user.launch("/pages/a/a")
    await page.get_element("item >>> .i", inner_text="x:0").tap()
    await page.get_element("button").tap()
    assert [e.text for e in page.get_elements("item >>> .i")] == ["y:0", "x:1"]   # x kept its state
    assert "detached x" not in read_log(user) and "moved y" in read_log(user)


async def test_custom_tab_bar_without_its_component_shows_no_bar(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { bar: 'unset' }, onShow() { this.setData({ bar: String(this.getTabBar()) }) } })",
        "pages/a/a.wxml": "<view>{{bar}}</view>",
    }, app={"pages": ["pages/a/a"], "tabBar": {"custom": True, "list": [{"pagePath": "pages/a/a", "text": "A"}]}})
    page = await sim.user().launch("/pages/a/a")
    assert page.get_element("view").text == "null"
    assert not page.element_exists("custom-tab-bar")


async def test_an_element_removed_by_a_re_render_is_named_as_it_was_found(make_sim):
    """Tapping an element a re-render removed fails naming it (tag, id, classes as found), not `<?>`."""
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { shown: true }, hide() { this.setData({ shown: false }) } })",
        "pages/a/a.wxml": '<view wx:if="{{shown}}" id="go" class="search bar" bindtap="hide">go</view>',
    })
    page = await sim.user().launch("/pages/a/a")
    found = page.get_element(".search")
    await found.tap()
    with pytest.raises(ElementError, match=r"^`\.search` \(view#go\.search\.bar\) is no longer on pages/a/a "):
        await found.tap()
    assert repr(found) == "<Element view#go.search.bar (gone) on pages/a/a>"
