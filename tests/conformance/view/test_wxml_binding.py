"""docs/view-fidelity.md §1–§2: WXML grammar, {{ }} binding, wx:if/hidden/block, wx:for and wx:key."""

from __future__ import annotations

import pytest
from view_app import LOG_APP, MiniApp

from mock_wx import AppLoadError


def page(wxml: str, js: str = "Page({})", **extra: str) -> dict[str, str]:
    return {"app.js": LOG_APP, "pages/p/p.wxml": wxml, "pages/p/p.js": js, **extra}


async def test_void_tags_comments_and_entities(mini: MiniApp) -> None:
    """view-fidelity §1.1/§1.2: self-closing and unclosed void tags, comments and entities are accepted."""
    p = await mini.open(page("""
        <!-- a comment <view>not rendered</view> -->
        <input value="a" >
        <image src="x.png"/>
        <view class="t">1 &lt; 2 &amp;&amp; 3 &gt; 2</view>
    """))
    assert p.get_element("view.t").text == "1 < 2 && 3 > 2"
    assert len(p.get_elements("input")) == 1
    assert p.get_element("image").attribute("src") == "x.png"
    assert "not rendered" not in p.wxml


def test_syntax_error_names_file_line_col(mini: MiniApp) -> None:
    """view-fidelity §1.3: a WXML syntax error fails the app load and names file:line:col."""
    root = mini.write(page("<view>\n  <text>unclosed\n</view>"))
    from mock_wx.runtime import AppBundle
    from mock_wx.view.bundle import ViewBundle

    with pytest.raises(AppLoadError, match=r"pages/p/p\.wxml:\d+:\d+"):
        ViewBundle.load(AppBundle.load(root))


async def test_mustache_in_text_and_attributes(mini: MiniApp) -> None:
    """view-fidelity §2.1: {{ }} in text and attribute values; mixed text concatenates."""
    p = await mini.open(page(
        '<view id="item-{{id}}" class="c">{{a + b}} + {{c}} + d</view>',
        "Page({ data: { id: 7, a: 1, b: 2, c: 3 } })"))
    v = p.get_element("#item-7")
    assert v.text == "3 + 3 + d"


async def test_single_mustache_keeps_its_type(mini: MiniApp) -> None:
    """view-fidelity §2.1: an attribute that is one {{ }} keeps its type; "false" without braces is a string."""
    p = await mini.open(page("""
        <comp-probe id="typed" flag="{{false}}" n="{{3}}" />
        <comp-probe id="str" flag="false" n="3" />
    """, "Page({})",
        **{"pages/p/p.json": '{"usingComponents": {"comp-probe": "/comps/probe"}}',
           "comps/probe.js": "Component({ properties: { flag: null, n: null } })",
           "comps/probe.wxml": "<text>{{flag}}</text>"}))
    assert p.get_element("#typed").data == {"flag": False, "n": 3}
    assert p.get_element("#str").data == {"flag": "false", "n": "3"}


async def test_expressions_are_javascript(mini: MiniApp) -> None:
    """view-fidelity §2.2: ternary, arithmetic, string +, comparisons, paths, array/object literals, spread."""
    p = await mini.open(page("""
        <view id="a">{{ n > 5 ? 'big' : 'small' }}</view>
        <view id="b">{{ "x" + n * 2 }}</view>
        <view id="c">{{ user.tags[1] }}</view>
        <view id="d">{{ 0.1 + 0.2 }}</view>
        <view id="e">{{ [n, 1].length }}</view>
        <view id="f">{{ missing.deep }}|{{ nothing }}</view>
        <template name="t"><text>{{x}}-{{y}}</text></template>
        <view id="g"><template is="t" data="{{...obj, y: 9}}" /></view>
    """, "Page({ data: { n: 7, user: { tags: ['a', 'b'] }, obj: { x: 1, y: 2 } } })"))
    assert p.get_element("#a").text == "big"
    assert p.get_element("#b").text == "x14"
    assert p.get_element("#c").text == "b"
    assert p.get_element("#d").text == "0.30000000000000004"
    assert p.get_element("#e").text == "2"
    assert p.get_element("#f").text == "|"
    assert p.get_element("#g").text == "1-9"


async def test_if_elif_else_and_block(mini: MiniApp) -> None:
    """view-fidelity §2.3: wx:if/wx:elif/wx:else pick one branch; <block> renders only its children."""
    p = await mini.open(page("""
        <view wx:if="{{n > 5}}" class="r">big</view>
        <view wx:elif="{{n > 2}}" class="r">mid</view>
        <view wx:else class="r">small</view>
        <block wx:if="{{show}}"><text>one</text><text>two</text></block>
    """, "Page({ data: { n: 3, show: true } })"))
    assert [e.text for e in p.get_elements(".r")] == ["mid"]
    assert "<block" not in p.wxml
    assert [e.text for e in p.get_elements("text")] == ["one", "two"]
    assert p.get_element("", xpath="/page/text[2]").text == "two"
    await p.set_data({"n": 9, "show": False})
    assert [e.text for e in p.get_elements(".r")] == ["big"]
    assert p.get_elements("text") == []
    await p.set_data({"n": 0})
    assert [e.text for e in p.get_elements(".r")] == ["small"]


async def test_hidden_keeps_the_element(mini: MiniApp) -> None:
    """view-fidelity §2.3: hidden keeps the element in the tree but not visible; wx:if removes it."""
    p = await mini.open(page(
        '<view id="h" hidden="{{flag}}">h</view><view id="i" wx:if="{{!flag}}">i</view>',
        "Page({ data: { flag: true } })"))
    assert p.element_exists("#h") and not p.get_element("#h").visible
    assert not p.element_exists("#i")


async def test_for_item_index_and_nesting(mini: MiniApp) -> None:
    """view-fidelity §2.4: wx:for with the default item/index, wx:for-item/wx:for-index, nesting, block wx:for."""
    p = await mini.open(page("""
        <view class="a" wx:for="{{list}}" wx:key="*this">{{index}}:{{item}}</view>
        <view class="b" wx:for="{{list}}" wx:for-item="it" wx:for-index="i" wx:key="*this">{{i}}={{it}}</view>
        <view class="row" wx:for="{{[1, 2]}}" wx:for-item="r" wx:key="*this">
          <text wx:for="{{[1, 2, 3]}}" wx:for-item="c" wx:key="*this" wx:if="{{c <= r}}">{{r * c}}</text>
        </view>
        <block wx:for="{{list}}" wx:key="*this"><text class="k">{{item}}</text><text class="k">!</text></block>
    """, "Page({ data: { list: ['x', 'y'] } })"))
    assert [e.text for e in p.get_elements(".a")] == ["0:x", "1:y"]
    assert [e.text for e in p.get_elements(".b")] == ["0=x", "1=y"]
    assert [[t.text for t in row.get_elements("text")] for row in p.get_elements(".row")] == [["1"], ["2", "4"]]
    assert [e.text for e in p.get_elements(".k")] == ["x", "!", "y", "!"]


async def test_for_over_a_string_and_a_non_array(mini: MiniApp) -> None:
    """view-fidelity §2.4: a string iterates its characters; a non-array is a wxml-for-non-array finding."""
    p = await mini.open(page('<text wx:for="{{s}}" wx:key="*this">{{item}}</text>',
                             "Page({ data: { s: 'ab' } })"), fidelity="lenient")
    assert [e.text for e in p.get_elements("text")] == ["a", "b"]
    assert [f.kind for f in mini.findings()] == ["wxml-for-non-array"]


async def test_for_with_if_on_the_same_element(mini: MiniApp) -> None:
    """view-fidelity §2.4: wx:for applies before wx:if on the same element, so the condition sees item."""
    p = await mini.open(page('<text wx:for="{{[1, 2, 3, 4]}}" wx:key="*this" wx:if="{{item % 2}}">{{item}}</text>'))
    assert [e.text for e in p.get_elements("text")] == ["1", "3"]


async def test_key_keeps_state_when_reordered(mini: MiniApp) -> None:
    """view-fidelity §2.5: with wx:key items are moved, not re-created, so an input keeps what was typed."""
    p = await mini.open(page(
        '<input wx:for="{{list}}" wx:key="id" id="in-{{item.id}}" />',
        "Page({ data: { list: [{id: 1}, {id: 2}] } })"))
    await p.get_element("#in-2").input("typed")
    await p.set_data({"list": [{"id": 2}, {"id": 1}, {"id": 3}]})
    assert [e.attribute("id") for e in p.get_elements("input")] == ["in-2", "in-1", "in-3"]
    assert p.get_element("#in-2").value == "typed"
    assert p.get_element("#in-1").value == ""


async def test_key_this_over_primitives(mini: MiniApp) -> None:
    """view-fidelity §2.5: wx:key="*this" keys by the item itself."""
    p = await mini.open(page('<switch wx:for="{{nums}}" wx:key="*this" id="s{{item}}" />',
                             "Page({ data: { nums: [1, 2, 3] } })"))
    await p.get_element("#s3").switch()
    await p.set_data({"nums": [3, 1, 2]})
    assert p.get_element("#s3").value is True
    assert p.get_element("#s1").value is False


@pytest.mark.parametrize(("data", "kind"), [
    ("{ list: [{id: 1}, {id: 1}] }", "wxml-for-key-duplicate"),
    ("{ list: [{id: 1}, {name: 'x'}] }", "wxml-for-key-missing"),
])
async def test_key_findings(mini: MiniApp, data: str, kind: str) -> None:
    """view-fidelity §2.5: a duplicated or missing wx:key value is a finding (DevTools warns)."""
    await mini.open(page('<view wx:for="{{list}}" wx:key="id">{{index}}</view>', f"Page({{ data: {data} }})"),
                    fidelity="lenient")
    assert [f.kind for f in mini.findings()] == [kind]


async def test_for_without_key_is_a_finding(mini: MiniApp) -> None:
    """view-fidelity §2.5: wx:for without wx:key: DevTools' warning becomes a finding."""
    await mini.open(page('<view wx:for="{{[1, 2]}}">{{item}}</view>'), fidelity="lenient")
    assert [f.kind for f in mini.findings()] == ["wxml-for-without-key"]
