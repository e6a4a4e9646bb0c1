"""WXSS → CSS for screenshots (mock_wx/view/wxss.py): rpx at the device width, @import, tags, isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_wx.view.wxss import (
    StyleSheets,
    WxssError,
    class_prefix,
    compile_wxss,
    rewrite_selector,
    rpx_to_px,
    rpx_value,
)


@pytest.mark.parametrize(("rpx", "width", "px"), [
    (750, 375, 375), (750, 414, 414), (100, 375, 50), (28, 375, 14), (33, 375, 16),  # floored, not rounded
    (1, 375, 0.5), (1, 414, 0.5), (0, 375, 0), (-20, 375, -10), (-1, 375, -0.5), (2, 750, 2),
])
def test_rpx_is_the_screen_width_over_750_floored(rpx: float, width: float, px: float) -> None:
    assert rpx_value(rpx, width) == px


def test_a_hairline_is_one_px_off_ios() -> None:
    assert rpx_value(1, 375, ios_hairline=False) == 1
    assert rpx_to_px("border: 1rpx solid", 375, ios_hairline=False) == "border: 1px solid"


def test_rpx_in_css_text() -> None:
    css = "a{width:750rpx;margin:-24rpx .5rpx 0rpx 12.5rpx;line-height:1.5} b{width:100px}"
    assert rpx_to_px(css, 375) == "a{width:375px;margin:-12px 0.5px 0px 6px;line-height:1.5} b{width:100px}"


def test_type_selectors_become_the_rendered_elements() -> None:
    assert compile_wxss("page{color:red} view > text.a, button::after{x:y}") == \
        "wx-page{color:red}\nwx-view > wx-text.a, wx-button::after{x:y}"


def test_page_styles_keep_classes_and_ids() -> None:
    assert compile_wxss(".a .b:not(.c), #d[data-x='1'] {x:y}") == ".a .b:not(.c), #d[data-x='1']{x:y}"


def test_component_styles_are_renamed_and_host_is_its_element() -> None:
    p = class_prefix("components/card/card")
    assert p == "c-components-card-card--"
    css = compile_wxss(":host{display:block} .t:not(.on) view{x:y} #i{z:w}", p)
    assert css == (f'[wx-host="{p}"]{{display:block}}\n.{p}t:not(.{p}on) wx-view{{x:y}}\n#i{{z:w}}')


def test_shared_component_styles_keep_their_classes() -> None:
    p = class_prefix("c/x")
    assert compile_wxss(".t{x:y} :host{a:b}", p, rename=False) == f'.t{{x:y}}\n[wx-host="{p}"]{{a:b}}'


def test_media_blocks_are_rewritten_and_keyframes_copied() -> None:
    css = compile_wxss("@media (min-width: 300px) { .a view {x:y} } @keyframes k { from {o:0} to {o:1} }", "p--")
    assert css == "@media (min-width: 300px){.p--a wx-view{x:y}}\n@keyframes k{ from {o:0} to {o:1} }"


def test_comments_and_strings() -> None:
    assert compile_wxss('/* .x{} */ .a::before{content:"}{;"}') == '.a::before{content:"}{;"}'


def test_unclosed_block_names_the_file_and_line() -> None:
    with pytest.raises(WxssError, match=r"^pages/a.wxss:2: unclosed block"):
        compile_wxss(".a{x:y}\n.b{x:y", where="pages/a.wxss")


def test_rewrite_selector_leaves_pseudo_arguments() -> None:
    assert rewrite_selector("view:nth-child(2n+1)", None) == "wx-view:nth-child(2n+1)"


def _app(tmp_path: Path, files: dict[str, str]) -> StyleSheets:
    for name, text in files.items():
        f = tmp_path / name
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(text, encoding="utf-8")
    return StyleSheets(tmp_path)


def test_import_relative_and_absolute(tmp_path: Path) -> None:
    sheets = _app(tmp_path, {
        "styles/base.wxss": ".base{width:750rpx}",
        "pages/a/theme.wxss": '@import "/styles/base.wxss"; .theme{x:y}',
        "pages/a/a.wxss": '@import "theme"; @import "../../styles/base.wxss"; view{width:100rpx}',
    })
    assert sheets.css("pages/a/a.wxss", 375) == ".base{width:375px}\n.theme{x:y}\n.base{width:375px}\nwx-view{width:50px}"
    assert sheets.css("pages/a/a.wxss", 414).endswith("wx-view{width:55px}")


def test_import_into_a_component_is_isolated_too(tmp_path: Path) -> None:
    sheets = _app(tmp_path, {"c/common.wxss": ".x{a:b}", "c/card.wxss": '@import "common.wxss"; .y{c:d}'})
    assert sheets.css("c/card.wxss", 375, "P--") == ".P--x{a:b}\n.P--y{c:d}"
    assert sheets.css("c/common.wxss", 375) == ".x{a:b}"  # the same file imported by a page stays global


def test_missing_import_and_cycle_are_errors(tmp_path: Path) -> None:
    sheets = _app(tmp_path, {"a.wxss": '@import "nope.wxss";', "b.wxss": '@import "c.wxss";', "c.wxss": '@import "b";'})
    with pytest.raises(WxssError, match=r"a.wxss: @import 'nope.wxss': no such file"):
        sheets.css("a.wxss", 375)
    with pytest.raises(WxssError, match=r"@import cycle: b.wxss → c.wxss → b.wxss"):
        sheets.css("b.wxss", 375)


def test_a_page_without_a_stylesheet_has_none(tmp_path: Path) -> None:
    assert _app(tmp_path, {}).css("pages/x/x.wxss", 375) == ""
