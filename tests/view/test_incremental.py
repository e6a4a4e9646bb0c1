"""Incremental rendering: a render reuses the nodes of template elements whose subtree reads none of the
data names changed since the last one. What it must never do is serve a stale subtree, or differ from a
full render in anything observable (node ids, built-in state, component instances, findings, errors):
most tests here run the same steps for two users of one app, one with incremental rendering turned off,
and compare their trees (ids included) after every step."""

from __future__ import annotations

import json
from typing import Any

import pytest

from mock_wx import JSError
from mock_wx.view.realm_view import RealmView

APP = {
    "pages/a/a.js": """Page({
  data: { title: 'T', obj: { a: 1, b: 2 }, list: [{ id: 1, title: 'one' }, { id: 2, title: 'two' }, { id: 3, title: 'three' }],
          show: false, name: 'abc', card: { title: 'c1', sub: 's1' }, msg: 'hello', prop: 'p1', val: 'v0', n: 0 },
  typed(e) { getApp().globalData.log.push('typed ' + e.detail.value) },
})""",
    "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
    "pages/a/a.wxml": """<wxs module="fmt">module.exports = { up: function (s) { return String(s).toUpperCase() } }</wxs>
<template name="card"><view class="card-title">{{title}}</view><view class="card-sub">{{sub}}</view></template>
<view class="root">
  <view class="static"><text>fixed</text></view>
  <view wx:if="{{show}}" class="shown">shown</view>
  <view class="after"><text>after</text></view>
  <input class="in" value="{{val}}" bindinput="typed"/>
  <view class="obj">{{obj.a}}</view>
  <view class="objb">{{obj.b}}</view>
  <view class="list"><view wx:for="{{list}}" wx:key="id" class="li">{{item.title}}</view></view>
  <view class="third">{{list[2].title}}</view>
  <view class="up">{{fmt.up(name)}}</view>
  <view class="tpl"><template is="card" data="{{...card}}"/></view>
  <view class="host"><c class="comp" prop="{{prop}}"><view class="slotted">{{msg}}</view></c></view>
  <view class="n">{{n}}</view>
</view>""",
    "c/c.js": "Component({ properties: { prop: String } })",
    "c/c.wxml": "<view class='cp'>{{prop}}</view><view class='cstatic'><text>cs</text></view><slot/>",
}


class Twins:
    """The same page open for two users of one app: `inc` renders incrementally, `full` does not."""

    def __init__(self, inc: Any, full: Any) -> None:
        self.inc, self.full = inc, full

    @classmethod
    async def open(cls, sim: Any, route: str, monkeypatch: pytest.MonkeyPatch) -> Twins:
        inc = await sim.user("inc").launch(route)
        with monkeypatch.context() as m:
            m.setattr(RealmView, "incremental", False)
            full = await sim.user("full").launch(route)
        assert full.user.realm.view.incremental is False and inc.user.realm.view.incremental is True
        return cls(inc, full)

    async def set_data(self, data: dict[str, Any]) -> None:
        await self.inc.set_data(data)
        await self.full.set_data(data)
        self.same()

    def same(self) -> None:
        a = json.loads(self.inc.user.realm.view.call("snapshot", self.inc.id))
        b = json.loads(self.full.user.realm.view.call("snapshot", self.full.id))
        assert a == b  # ids, owners, component instances, attributes and built-in state alike

    def counts(self) -> dict[str, int]:
        view = self.inc.user.realm.view
        counts: dict[str, int] = json.loads(view.call("siteCounts", view.call("pageOwner", self.inc.id)))
        return counts


def texts(page: Any, selector: str) -> list[str]:
    return [e.text for e in page.get_elements(selector)]


async def test_every_kind_of_change_reaches_the_tree_as_a_full_render_would(make_sim, monkeypatch, read_log):
    sim = make_sim(APP)
    t = await Twins.open(sim, "/pages/a/a", monkeypatch)
    t.same()
    p = t.inc
    await t.set_data({"n": 1})
    assert p.get_element(".n").text == "1"
    await t.set_data({"list[2].title": "THREE"})              # a path into a list: the loop and list[2].title
    assert texts(p, ".li") == ["one", "two", "THREE"]
    assert p.get_element(".third").text == "THREE"
    await t.set_data({"obj.a": 5})                            # a path into an object
    assert [p.get_element(".obj").text, p.get_element(".objb").text] == ["5", "2"]
    await t.set_data({"name": "xyz"})                         # a wxs function's argument
    assert p.get_element(".up").text == "XYZ"
    await t.set_data({"card.title": "c2"})                    # template data spread from an object
    assert [p.get_element(".card-title").text, p.get_element(".card-sub").text] == ["c2", "s1"]
    await t.set_data({"msg": "bye"})                          # slot content: the page's data, shown in c
    assert p.get_element(".slotted").text == "bye"
    await t.set_data({"prop": "p2"})                          # a component property given by the page
    assert p.get_element(".comp").get_element(".cp").text == "p2"
    await t.set_data({"show": True})                          # siblings after it move: a full render re-matches them
    assert p.get_element(".shown").text == "shown"
    for page in (t.inc, t.full):
        await page.get_element(".in").input("typed")
    assert read_log(p.user) == ["typed typed"]
    await t.set_data({"n": 2})                                # built-in state survives a reuse
    assert p.get_element(".in").value == "typed"
    await t.set_data({"show": False})
    await t.set_data({"list": [{"id": 3, "title": "c"}, {"id": 1, "title": "a"}]})
    assert texts(p, ".li") == ["c", "a"]
    assert p.get_element(".third").text == ""
    await t.set_data({"val": "v1"})                           # the page sets the input's value anew
    assert p.get_element(".in").value == "v1"
    await t.set_data({"title": "unused"})                     # a name nothing reads: everything reused
    assert t.counts()["reused"] > 0
    assert sim.trace.findings == []


async def test_a_setdata_rebuilds_only_the_elements_that_read_what_changed(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { x: 1, y: 2, o: { a: 1 } } })",
        "pages/a/a.wxml": "<view class='a'><text>{{x}}</text></view>"
                          "<view class='b'><text>static</text><view class='ob'><text>{{o.a}}</text></view></view>"
                          "<view class='c'><text>{{y}}</text></view>",
    })
    user = sim.user()
    page = await user.launch("/pages/a/a")
    view = user.realm.view

    def counts() -> dict[str, int]:
        page.get_element(".a")  # reading the page renders it
        c: dict[str, int] = json.loads(view.call("siteCounts", view.call("pageOwner", page.id)))
        return c

    # Sites: the elements holding elements (.a, .b, .ob, .c); an element of text alone is built with its parent.
    first = counts()
    assert first == {"built": 4, "reused": 0}
    await page.set_data({"x": 3})
    assert counts() == {"built": 5, "reused": 2}              # .a again; .b (with .ob) and .c reused
    await page.set_data({"o.a": 4})
    assert counts() == {"built": 7, "reused": 4}              # .b and .ob; .a and .c kept
    assert [e.text for e in page.get_elements(".a, .b, .c")] == ["3", "static 4", "2"]
    await page.set_data({"x": 3, "y": 5})                     # several setData before a read: all names count
    await page.set_data({"o": {"a": 6}})
    assert [e.text for e in page.get_elements(".a, .b, .c")] == ["3", "static 6", "5"]


async def test_a_component_whose_properties_did_not_change_is_not_rendered_again(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { p: 'x', n: 0 } })",
        "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
        "pages/a/a.wxml": "<view><c id='c' p='{{p}}'/></view><view class='n'>{{n}}</view>",
        "c/c.js": "Component({ properties: { p: String }, data: { k: 1 } })",
        "c/c.wxml": "<view class='p'><text>{{p}}</text></view><view class='k'><text>{{k}}</text></view>",
    })
    user = sim.user()
    page = await user.launch("/pages/a/a")
    view = user.realm.view
    comp = page.get_element("#c")
    owner = comp._component()

    def comp_counts() -> dict[str, int]:
        c: dict[str, int] = json.loads(view.call("siteCounts", owner))
        return c

    before = comp_counts()
    await page.set_data({"n": 1})
    assert comp_counts() == before
    await page.set_data({"p": "y"})                           # the property: only {{p}} is built again
    assert comp_counts() == {"built": before["built"] + 1, "reused": before["reused"] + 1}
    assert comp.get_element(".p").text == "y"
    await comp.set_data({"k": 2})                             # the component's own setData
    assert comp.get_element(".k").text == "2"
    assert comp.get_element(".p").text == "y"


async def test_an_expression_that_throws_is_reported_at_every_render_as_before(make_sim):
    # Strict: a render evaluating a throwing expression fails the action; the element holding it is
    # never reused, so a setData of an unrelated name reports it again, as a full render does.
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { a: { b: 1 }, n: 0 } })",
        "pages/a/a.wxml": "<view><text>{{a.b()}}</text></view><view class='n'>{{n}}</view>",
    })
    user = sim.user()
    with pytest.raises(JSError, match=r"\{\{a\.b\(\)\}\} threw TypeError"):
        await user.launch("/pages/a/a")
    page = user.current_page
    for n in (1, 2):
        with pytest.raises(JSError, match=r"\{\{a\.b\(\)\}\} threw TypeError"):
            await page.set_data({"n": n})
            page.get_element(".n")  # reading renders the page: the error comes with it
        assert page.get_element(".n").text == str(n)


async def test_findings_of_a_rerender_match_a_full_render(make_sim, monkeypatch):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { a: { b: 1 }, list: [{ id: 1 }, { id: 1 }], n: 0, show: false } })",
        "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
        "pages/a/a.wxml": "<view><text>{{a.b()}}</text></view><view wx:for='{{list}}' wx:key='id'>{{item.id}}</view>"
                          "<view wx:if='{{show}}'><fancy-box/></view><c/><view class='n'>{{n}}</view>",
        "c/c.js": "Component({})",
        "c/c.wxml": "<view/>",
    }, fidelity="lenient")
    t = await Twins.open(sim, "/pages/a/a", monkeypatch)
    await t.set_data({"n": 1})
    await t.set_data({"show": True})
    await t.set_data({"list": [{"id": 2}, {"id": 2}, {}]})

    def kinds(user: str) -> list[tuple[str, str]]:
        return sorted((f.kind, f.message) for f in sim.trace.findings if f.user == user)

    assert kinds("inc") == kinds("full")
    assert {k for k, _ in kinds("inc")} == {"wxml-expression-error", "wxml-for-key-duplicate", "wxml-for-key-missing",
                                            "wxml-unknown-tag"}


async def test_the_sample_home_page_refreshes_as_a_full_render_would(make_sim, monkeypatch):
    # The page behind the benchmark: the loading render reuses the product grid, the list render rebuilds it.
    files = {
        "pages/a/a.js": """Page({
  data: { products: [], loading: false, error: '', hasMore: true },
  start() { this.setData({ loading: true, error: '' }) },
  done(n) { this.setData({ products: this.make(n), loading: false, hasMore: n < 3 }) },
  make(n) { const out = []; for (let i = 0; i < n; i++) out.push({ id: 'p' + i, name: 'n' + i, sales: i }); return out },
})""",
        "pages/a/a.json": {"usingComponents": {"card": "/card/card"}},
        "pages/a/a.wxml": """<view class="container">
  <view class="banner"><text>live</text></view>
  <view class="grid">
    <card wx:for="{{products}}" wx:key="id" product="{{item}}"><view slot="footer">{{item.sales}}</view></card>
  </view>
  <view wx:if="{{error}}" class="empty">{{error}}</view>
  <view wx:elif="{{!loading && products.length === 0}}" class="empty">none</view>
  <view wx:if="{{loading}}" class="more">loading</view>
  <view wx:elif="{{!hasMore && products.length > 0}}" class="more">no more</view>
</view>""",
        "card/card.js": "Component({ options: { multipleSlots: true }, properties: { product: Object } })",
        "card/card.wxml": "<view class='name'>{{product.name}}</view><slot name='footer'/>",
    }
    sim = make_sim(files)
    t = await Twins.open(sim, "/pages/a/a", monkeypatch)
    for n in (2, 2, 4, 0, 3):
        for page in (t.inc, t.full):
            await page.call("start")
        t.same()
        assert t.inc.get_element(".more").text == "loading"
        for page in (t.inc, t.full):
            await page.call("done", n)
        t.same()
        assert [c.get_element(".name").text for c in t.inc.get_elements("card")] == [f"n{i}" for i in range(n)]


async def test_a_component_that_fails_to_load_is_handled_at_every_render_as_a_full_render(make_sim, monkeypatch):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { n: 0 } })",
        "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
        "pages/a/a.wxml": "<view><c/></view><view class='n'>{{n}}</view>",
        "c/c.js": "throw new Error('c is broken')",
        "c/c.wxml": "<view/>",
    })
    pages = []
    for name, incremental in (("inc", True), ("full", False)):
        monkeypatch.setattr(RealmView, "incremental", incremental)
        user = sim.user(name)
        with pytest.raises(JSError, match="c is broken"):
            await user.launch("/pages/a/a")
        pages.append(user.current_page)
    outcomes: dict[str, list[str]] = {"inc": [], "full": []}
    for n in (1, 2):
        for page in pages:
            try:
                await page.set_data({"n": n})
            except JSError as e:
                outcomes[page.user.name].append(str(e).splitlines()[0])
            outcomes[page.user.name].append(f"{len(page.user.realm.errors)} errors")
    Twins(*pages).same()
    assert outcomes["inc"] == outcomes["full"]
    assert outcomes["full"][-1] == "2 errors"  # a full render tries to create the component again each time


LOOPS = {
    "pages/a/a.js": """Page({
  data: { items: [{ id: 1, t: 'a' }, { id: 2, t: 'b' }, { id: 3, t: 'c' }], plain: ['x', 'y'], sel: 2, unit: '¥',
          head: false },
  // a path into an item (changing the view's item in place), then the whole list, before one render
  twice() { this.setData({ 'items[1].t': 'q' }); this.setData({ items: this.data.items.map((x) => Object.assign({}, x)) }) },
})""",
    "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
    "pages/a/a.wxml": """<view class="cards">
  <view wx:if="{{head}}" class="head"/>
  <c wx:for="{{items}}" wx:key="id" t="{{item.t}}" class="card {{item.id === sel ? 'on' : ''}}">{{index}}:{{unit}}</c>
</view>
<view class="plain"><text wx:for="{{plain}}">{{index}}{{item}}</text></view>
""",
    "c/c.js": """Component({
  properties: { t: String },
  lifetimes: {
    attached() { getApp().globalData.log.push('attached ' + this.data.t) },
    moved() { getApp().globalData.log.push('moved ' + this.data.t) },
    detached() { getApp().globalData.log.push('detached ' + this.data.t) },
  },
})""",
    "c/c.wxml": "<view class='t'>{{t}}</view><slot/>",
}


async def test_loop_items_are_reused_only_when_unchanged_and_in_place(make_sim, monkeypatch, read_log):
    sim = make_sim(LOOPS, fidelity="lenient")
    t = await Twins.open(sim, "/pages/a/a", monkeypatch)
    p = t.inc

    def cards() -> list[str]:
        return [f"{c.text}|{c.attribute('class')}" for c in p.get_elements("c")]  # its {{t}}, then the slot

    steps: list[dict[str, Any]] = [
        {"sel": 3},                                                        # a name the body reads besides item
        {"items": [{"id": 1, "t": "a"}, {"id": 2, "t": "B"}, {"id": 3, "t": "c"}]},  # one item changed
        {"items[0].t": "A"},                                               # a path into one item
        {"items": [{"id": 3, "t": "c"}, {"id": 1, "t": "A"}, {"id": 2, "t": "B"}]},  # moved: same items, new places
        {"items": [{"id": 3, "t": "c"}, {"id": 2, "t": "B"}]},             # one removed
        {"unit": "$"},
        {"plain": ["y", "x", "z"]},                                        # unkeyed: by index
        {"head": True},                                                    # kept components moved in their parent
    ]
    expected = [
        ["a 0:¥|card ", "b 1:¥|card ", "c 2:¥|card on"],
        ["a 0:¥|card ", "B 1:¥|card ", "c 2:¥|card on"],
        ["A 0:¥|card ", "B 1:¥|card ", "c 2:¥|card on"],
        ["c 0:¥|card on", "A 1:¥|card ", "B 2:¥|card "],
        ["c 0:¥|card on", "B 1:¥|card "],
        ["c 0:$|card on", "B 1:$|card "],
    ]
    for k, step in enumerate(steps):
        await t.set_data(step)
        if k < len(expected):
            assert cards() == expected[k]
    for page in (t.inc, t.full):
        await page.call("twice")
    t.same()
    assert cards() == ["c 0:$|card on", "q 1:$|card "]
    assert [e.text for e in p.get_elements(".plain text")] == ["0y", "1x", "2z"]
    assert read_log(t.inc.user) == read_log(t.full.user)
    assert read_log(t.inc.user)[-2:] == ["moved c", "moved B"]
    assert t.counts()["reused"] >= 10
    assert "detached A" in read_log(t.inc.user)


async def test_a_loop_over_an_unchanged_list_renders_only_changed_items(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { list: [{ id: 1, t: 'a' }, { id: 2, t: 'b' }, { id: 3, t: 'c' }], n: 0 } })",
        "pages/a/a.wxml": "<view class='n'>{{n}}</view><view wx:for='{{list}}' wx:key='id' class='i'>{{item.t}}</view>",
    })
    user = sim.user()
    page = await user.launch("/pages/a/a")
    view = user.realm.view

    def counts() -> dict[str, int]:
        page.get_element(".n")
        c: dict[str, int] = json.loads(view.call("siteCounts", view.call("pageOwner", page.id)))
        return c

    start = counts()
    assert start == {"built": 3, "reused": 0}                            # three items
    await page.set_data({"list": [{"id": 1, "t": "a"}, {"id": 2, "t": "B"}, {"id": 3, "t": "c"}]})
    assert counts() == {"built": 4, "reused": 2}                         # item 2 built again; 1 and 3 kept
    await page.set_data({"list[2].t": "C"})
    assert counts() == {"built": 5, "reused": 4}
    assert [e.text for e in page.get_elements(".i")] == ["a", "B", "C"]


async def test_duplicate_keys_render_as_a_full_render_does(make_sim, monkeypatch):
    # A full render gives the second node of a key a new node (and component) every time: the page keeps
    # nothing while a list has a key twice, within one loop or across two.
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { dup: [{ id: 1 }, { id: 2 }], a: [1, 2], b: [3], n: 0 } })",
        "pages/a/a.wxml": """<view class="dup"><text wx:for="{{dup}}" wx:key="id">{{item.id}}</text></view>
<view class="two"><text wx:for="{{a}}" wx:key="*this">{{item}}</text><text wx:for="{{b}}" wx:key="*this">{{item}}</text></view>
<view class="n">{{n}}</view>""",
    }, fidelity="lenient")
    t = await Twins.open(sim, "/pages/a/a", monkeypatch)
    for step in ({"n": 1}, {"dup": [{"id": 1}, {"id": 1}, {"id": 2}]}, {"n": 2}, {"dup": [{"id": 1}, {"id": 2}, {}]},
                 {"n": 3}, {"dup": [{"id": 2}, {"id": 1}]}, {"b": [2, 3]}, {"n": 4}, {"a": [1, 2, 5]}, {"n": 5}):
        await t.set_data(step)
    assert [e.text for e in t.inc.get_elements(".dup text")] == ["2", "1"]
    assert [e.text for e in t.inc.get_elements(".two text")] == ["1", "2", "5", "2", "3"]


async def test_kept_items_under_a_parent_matched_with_another_list_are_built_again(make_sim, monkeypatch):
    # When `h` appears, the two list views each match the old node one place earlier: a full render gives
    # the kept items of `xs` the ids of the old `ys` items of the same key.
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { h: false, xs: [1, 2], ys: [1, 2] } })",
        "pages/a/a.wxml": """<view class="root"><view wx:if="{{h}}" class="h"/>
<view class="l1"><text wx:for="{{xs}}" wx:key="*this">x{{item}}</text></view>
<view class="l2"><text wx:for="{{ys}}" wx:key="*this">y{{item}}</text></view></view>""",
    })
    t = await Twins.open(sim, "/pages/a/a", monkeypatch)
    await t.set_data({"h": True, "xs": [1, 2, 3], "ys": [1, 2, 4]})
    await t.set_data({"h": False, "xs": [1, 2], "ys": [1, 2, 5]})
    assert [e.text for e in t.inc.get_elements("text")] == ["x1", "x2", "y1", "y2", "y5"]


async def test_a_list_under_another_name_and_setdata_of_equal_values(make_sim, monkeypatch):
    sim = make_sim({
        "pages/a/a.js": """Page({
  data: { shop: { items: [{ id: 1, t: 'a' }, { id: 2, t: 'b' }] }, n: 0 },
  twice() { this.setData({ 'shop.items[0].t': 'q' }); this.setData({ shop: JSON.parse(JSON.stringify(this.data.shop)) }) },
})""",
        "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
        "pages/a/a.wxml": "<c/><view wx:for='{{shop.items}}' wx:key='id' class='i'>{{item.t}}</view><view class='n'>{{n}}</view>",
        "c/c.js": "Component({})",
        "c/c.wxml": "<view/>",
    })
    t = await Twins.open(sim, "/pages/a/a", monkeypatch)
    for page in (t.inc, t.full):
        await page.call("twice")
    t.same()
    assert [e.text for e in t.inc.get_elements(".i")] == ["q", "b"]
    before = t.counts()
    await t.set_data({"shop": {"items": [{"id": 1, "t": "q"}, {"id": 2, "t": "b"}]}, "n": 0})  # equal values
    assert t.counts()["built"] == before["built"]               # the page (eager: it has a component) kept all
    await t.set_data({"shop.items[1].t": "r"})
    assert [e.text for e in t.inc.get_elements(".i")] == ["q", "r"]


async def test_what_the_logic_layer_changes_in_place_never_reaches_the_view(make_sim):
    # The view takes its own copy of each object a setData sends (the platform's view gets the payload):
    # this.data changed in place afterwards, or by an observer during setData, is not on screen.
    sim = make_sim({
        "pages/a/a.js": """Page({
  data: { obj: { a: 0 }, n: 0 },
  go() { this.setData({ obj: { a: 1 }, n: 1 }); this.data.obj.a = 2; this.setData({ n: 2 }) },
})""",
        "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
        "pages/a/a.wxml": "<c id='c'/><view class='a'>{{obj.a}}/{{n}}</view>",
        "c/c.js": """Component({
  data: { list: ['added in place'], same: 0 },
  observers: { list(l) { l.push('added in place') } },
  methods: { put() { this.setData({ list: [] }); this.setData({ same: 1 }) } },
})""",
        "c/c.wxml": "<view class='l'>{{list.length}}:{{list}}</view><d/>",
        "c/c.json": {"component": True, "usingComponents": {"d": "/d/d"}},  # c renders at once: it has one
        "d/d.js": "Component({})",
        "d/d.wxml": "<view/>",
    })
    page = await sim.user().launch("/pages/a/a")
    await page.call("go")
    assert page.get_element(".a").text == "1/2"
    comp = page.get_element("#c")
    await comp.call_method("put")
    assert comp.get_element(".l").text == "0:"                 # as sent, though this.data is as before
    assert comp.data["list"] == ["added in place"]


async def test_loop_items_whose_build_failed_or_keyed_by_object_are_built_again(make_sim, monkeypatch):
    # An item whose expression threw is built (and reported) again at every render, as a full render does;
    # items keyed by themselves (`*this` over objects) match no old node at a full render: new nodes each time.
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { list: [{ id: 1, f: 1 }, { id: 2 }], objs: [{ a: 1 }], n: 0 } })",
        "pages/a/a.wxml": "<view wx:for='{{list}}' wx:key='id' class='i'><text>{{item.f()}}</text></view>"
                          "<view wx:for='{{objs}}' wx:key='*this' class='o'><text>{{item.a}}</text></view>"
                          "<view class='n'>{{n}}</view>",
    })
    pages = []
    for name, incremental in (("inc", True), ("full", False)):
        monkeypatch.setattr(RealmView, "incremental", incremental)
        user = sim.user(name)
        with pytest.raises(JSError, match=r"\{\{item\.f\(\)\}\} threw TypeError"):
            await user.launch("/pages/a/a")
        pages.append(user.current_page)
    outcomes: dict[str, list[str]] = {"inc": [], "full": []}
    for step in ({"n": 1}, {"objs": [{"a": 1}]}, {"n": 2}):
        for page in pages:
            try:
                await page.set_data(step)
                page.get_element(".n")
            except JSError as e:
                outcomes[page.user.name].append(str(e).splitlines()[0])
            outcomes[page.user.name].append(f"{len(page.user.realm.errors)} errors")
        Twins(*pages).same()
    assert outcomes["inc"] == outcomes["full"]
    assert sum("threw TypeError" in o for o in outcomes["full"]) == 3
