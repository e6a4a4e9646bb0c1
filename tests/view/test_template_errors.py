"""Template errors: syntax errors at load with file:line:col, expressions that throw, suspicious data."""

from __future__ import annotations

import pytest

from mock_wx import JSError
from mock_wx.view import WxmlSyntaxError

BAD_WXS = {
    "pages/a/a.js": "Page({ data: { n: 0 } })",
    "pages/a/a.wxml": '<wxs module="m">module.exports = { boom: function (x) { return x.nope.deeper } }</wxs>\n'
                      '<view>\n  <text>{{m.boom(n)}}</text>\n</view>',
}


async def test_a_syntax_error_names_file_line_and_column_at_load(make_sim):
    with pytest.raises(WxmlSyntaxError, match=r"pages/a/a\.wxml:3:10: unexpected </text> \(expected </view>\)"):
        make_sim({"pages/a/a.js": "Page({})", "pages/a/a.wxml": "<view>\n  <text>\n  </text></text>\n</view>"})


async def test_an_unclosed_expression_is_a_load_error(make_sim):
    with pytest.raises(WxmlSyntaxError, match=r"pages/a/a\.wxml:1:7: .*unclosed \{\{"):
        make_sim({"pages/a/a.js": "Page({})", "pages/a/a.wxml": '<view a="{{x">y</view>'})


async def test_an_expression_that_throws_is_an_error_in_strict_naming_template_and_expression(make_sim):
    sim = make_sim(BAD_WXS)
    with pytest.raises(JSError, match=r"pages/a/a\.wxml:3:.*\{\{m\.boom\(n\)\}\} threw TypeError"):
        await sim.user().launch("/pages/a/a")  # the page renders as the launch settles


async def test_an_expression_that_throws_is_a_finding_in_lenient_and_renders_empty(make_sim):
    sim = make_sim(BAD_WXS, fidelity="lenient")
    page = await sim.user().launch("/pages/a/a")
    assert page.get_element("text").text == ""
    assert [f.kind for f in sim.trace.findings] == ["wxml-expression-error"]


async def test_wx_for_over_an_object_an_unknown_tag_and_missing_keys_are_findings(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { o: { x: 1, y: 2 }, list: [{ id: 1 }, { id: 1 }, {}] } })",
        "pages/a/a.wxml": '<view wx:for="{{o}}" wx:key="*this" class="o">{{index}}={{item}}</view>'
                          '<fancy-box/><view wx:for="{{list}}" wx:key="id" class="l">{{item.id}}</view>',
    })
    page = await sim.user().launch("/pages/a/a")
    assert [e.text for e in page.get_elements(".o")] == ["x=1", "y=2"]
    kinds = sorted(f.kind for f in sim.trace.findings)
    assert kinds == ["wxml-for-key-duplicate", "wxml-for-key-missing", "wxml-for-non-array", "wxml-unknown-tag"]


async def test_missing_member_paths_render_empty_without_error(make_sim):
    sim = make_sim({"pages/a/a.js": "Page({ data: {} })",
                    "pages/a/a.wxml": "<text>[{{user.profile.name}}]</text><text>{{a - -b}}</text>"})
    page = await sim.user().launch("/pages/a/a")
    assert [e.text for e in page.get_elements("text")] == ["[]", "NaN"]
    assert sim.trace.findings == []
