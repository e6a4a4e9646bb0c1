"""The rendered tree as HTML for screenshots (mock_wx/view/html.py, chrome.py): pure Python, no browser."""

from __future__ import annotations

from typing import Any

from mock_wx.view.chrome import Chrome, TabBar, document
from mock_wx.view.html import ComponentStyle, Device, TreeHtml
from mock_wx.view.wxss import class_prefix

PAGE = 1
DEV = Device()


def node(tag: str, attrs: dict[str, Any], children: list[Any], nid: int, owner: int = PAGE, **meta: Any) -> list[Any]:
    return [tag, attrs, children, {"i": nid, "o": owner, **meta}]


def render(snapshot: list[Any], **kw: Any) -> TreeHtml:
    t = TreeHtml(snapshot, PAGE, DEV, **kw)
    t.body = t.render()  # type: ignore[attr-defined]
    return t


def test_tags_become_wx_elements_with_node_ids_and_rpx_styles() -> None:
    t = render([node("view", {"class": "a  b", "style": "width: 750rpx", "data-id": "p1", "hidden": False},
                     ["x < y", node("text", {}, ["文字"], 3)], 2)])
    assert t.body == ('<wx-view data-nid="2" class="a b" style="width: 375px" data-id="p1">x &lt; y'  # type: ignore[attr-defined]
                      '<wx-text data-nid="3">文字</wx-text></wx-view>')


def test_hidden_is_an_attribute_the_base_css_hides() -> None:
    assert ' hidden>' in render([node("view", {"hidden": True}, [], 2)]).body  # type: ignore[attr-defined]


def test_isolated_component_classes_are_renamed_and_the_host_marked() -> None:
    p = class_prefix("components/card/card")
    snap = [node("card", {"class": "outer", "title": "T"}, [node("view", {"class": "title"}, ["T"], 3, owner=7)], 2,
                 c=7, p="components/card/card")]
    t = render(snap)
    assert t.body == (f'<wx-card data-nid="2" wx-host="{p}" class="outer" title="T">'  # type: ignore[attr-defined]
                      f'<wx-view data-nid="3" class="{p}title">T</wx-view></wx-card>')
    assert list(t.used) == ["components/card/card"]


def test_apply_shared_keeps_the_page_class_too_and_shared_only_it() -> None:
    def one(iso: str) -> str:
        snap = [node("card", {}, [node("view", {"class": "title"}, [], 3, owner=7)], 2, c=7, p="c/card")]
        return render(snap, components=lambda cid, path: ComponentStyle(path, iso)).body  # type: ignore[attr-defined, no-any-return]

    p = class_prefix("c/card")
    assert f'class="{p}title title"' in one("apply-shared")
    assert 'class="title"' in one("shared")
    assert f'class="{p}title"' in one("bogus")  # unknown isolation: the platform's default


def test_external_classes_are_styled_by_the_user_of_the_component() -> None:
    # The realm already put the value of `my-class` (what the page passed) into the inner node's class.
    p = class_prefix("c/card")
    snap = [node("card", {"my-class": "red big"}, [node("view", {"class": "inner red big"}, [], 3, owner=7)], 2,
                 c=7, p="c/card")]
    t = render(snap, components=lambda cid, path: ComponentStyle(path, "isolated", ("my-class",)))
    assert f'class="{p}inner red big"' in t.body  # type: ignore[attr-defined]


def test_virtual_host_has_no_element() -> None:
    snap = [node("card", {}, [node("view", {}, [], 3, owner=7)], 2, c=7, p="c/card", v=1)]
    assert render(snap).body == '<wx-view data-nid="3"></wx-view>'  # type: ignore[attr-defined]


def test_remote_images_are_placeholders_and_local_ones_data_urls() -> None:
    snap = [node("image", {"src": "https://cdn.example.com/a.png", "mode": "aspectFill"}, [], 2),
            node("image", {"src": "/img/a.png", "mode": "aspectFit"}, [], 3)]
    t = render(snap, image=lambda src: "data:image/png;base64,AAAA" if src.startswith("/") else None)
    body = t.body  # type: ignore[attr-defined]
    assert '<wx-image data-nid="2" mode="aspectFill"><div class="wxsim-img wxsim-img-ph"></div></wx-image>' in body
    assert "background-image: url(&quot;data:image/png;base64,AAAA&quot;); background-size: contain" in body


def test_form_controls_show_their_state() -> None:
    snap = [node("input", {"value": "", "placeholder": "手机号"}, [], 2),
            node("input", {"value": "secret", "password": True}, [], 3),
            node("switch", {"checked": True}, [], 4),
            node("checkbox", {"checked": False}, ["同意"], 5),
            node("slider", {"value": 25, "min": 0, "max": 50}, [], 6),
            node("progress", {"percent": 40, "show-info": True}, [], 7),
            node("button", {"type": "primary", "loading": True, "disabled": True}, ["支付"], 8)]
    body = render(snap).body  # type: ignore[attr-defined]
    assert '<span class="wxsim-ph " style="">手机号</span>' in body
    assert "<span>●●●●●●</span>" in body
    assert 'class="wxsim-switch on"' in body
    assert '<span class="wxsim-box"></span>同意' in body
    assert 'style="width: 50%; background: #1aad19"' in body
    assert ">40%</span>" in body
    assert '<wx-button data-nid="8" type="primary" loading disabled><i class="wxsim-spin"></i>支付</wx-button>' in body


def test_swiper_shows_its_current_item() -> None:
    items = [node("swiper-item", {}, [str(i)], 10 + i) for i in range(3)]
    body = render([node("swiper", {"current": 1, "indicator-dots": True}, items, 2)]).body  # type: ignore[attr-defined]
    assert '<wx-swiper-item data-nid="10" wxsim-off>' in body
    assert '<wx-swiper-item data-nid="11">1</wx-swiper-item>' in body
    assert body.count('class="wxsim-dot"') == 3


def test_rich_text_nodes_without_scripts_or_remote_images() -> None:
    nodes = '<div class="x" onclick="evil()">a<script>b</script><img src="https://x/y.png"></div>'
    body = render([node("rich-text", {"nodes": nodes}, [], 2)]).body  # type: ignore[attr-defined]
    assert "onclick" not in body and "<script" not in body and "https://" not in body
    assert '<div class="x">a' in body
    arr = [{"name": "p", "attrs": {"style": "color:red"}, "children": [{"type": "text", "text": "<hi>"}]}]
    assert '<p style="color:red">&lt;hi&gt;</p>' in render([node("rich-text", {"nodes": arr}, [], 2)]).body  # type: ignore[attr-defined]


def test_document_has_the_chrome_and_overlays() -> None:
    chrome = Chrome(title="商品详情", nav_background="#ff5a36", back=True,
                    tab_bar=TabBar([{"text": "首页"}, {"text": "我的"}], 1, badges={0: "3"}),
                    overlays=[{"kind": "toast", "title": "已复制", "icon": "success"},
                              {"kind": "modal", "title": "确认支付", "content": "¥1.00", "showCancel": True},
                              {"kind": "payment", "amount": 12345}])
    doc = document("<wx-view></wx-view>", [".a{x:y}"], DEV, chrome)
    assert 'id="wxsim-screen" style="width: 375px; height: 667px' in doc
    assert '<i class="back"></i><span class="t">商品详情</span>' in doc
    assert 'id="wxsim-viewport" style="top: 64px; bottom: 50px"' in doc
    assert '<span class="badge">3</span>' in doc and doc.count('class="item text-only"') == 2
    assert '<div class="wxsim-toast"><i class="ic">✓</i>已复制</div>' in doc
    assert '<div class="hd">确认支付</div>' in doc and ">取消</div>" in doc
    assert "<small>¥</small>123.45" in doc
    assert doc.index("<style>.a{x:y}</style>") < doc.index("#wxsim-status {")  # chrome styles win over the app's


def test_custom_navigation_style_gives_the_page_the_whole_screen() -> None:
    doc = document("", [], DEV, Chrome(nav_custom=True))
    assert 'id="wxsim-viewport" style="top: 0px; bottom: 0px"' in doc
    assert 'class="t"' not in doc
