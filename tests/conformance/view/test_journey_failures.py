"""docs/view-fidelity.md §6: a journey that taps what a person taps fails where a person would be stuck —
the button hidden by wx:if, or bound to a handler the page does not have."""

from __future__ import annotations

import pytest
from view_app import LOG_APP, MiniApp

from mock_wx import StrictModeError
from mock_wx.rig.element import ElementNotFound

GROUP_PAGE = {
    "app.js": LOG_APP,
    "pages/group/group.wxml": """
        <view class="title">{{title}}</view>
        <button wx:if="{{canJoin}}" class="join" bindtap="{{handler}}">立即参团</button>
        <button class="refresh" bindtap="refresh">刷新</button>
        <button class="invite" bindtap="refresh">邀请好友参团</button>
    """,
    "pages/group/group.js": """Page({
        data: { title: '拼团', canJoin: true, handler: 'joinGroup' },
        onLoad(q) { if (q.full) this.setData({ canJoin: false }); if (q.typo) this.setData({ handler: 'joinGroop' }); },
        joinGroup() { getApp().log.push('joined'); this.setData({ title: '已参团' }); },
        refresh() {},
    })""",
}


async def journey(mini: MiniApp, url: str, fidelity: str = "strict") -> None:
    """The journey under test: open the group page, tap 立即参团, expect to have joined."""
    page = await mini.open(GROUP_PAGE, url=url, fidelity=fidelity)
    await page.get_element("button", inner_text="立即参团").tap()
    assert page.get_element(".title").text == "已参团"


async def test_journey_passes_when_the_button_is_there(mini: MiniApp) -> None:
    """view-fidelity §6.2: the control case: the same journey passes on a page that shows the button."""
    await journey(mini, "/pages/group/group")
    assert mini.log() == ["joined"]


async def test_journey_fails_when_wx_if_hides_the_button(mini: MiniApp) -> None:
    """view-fidelity §6.2: wx:if removed the button: ElementNotFound says what the page does show."""
    with pytest.raises(ElementNotFound) as err:
        await journey(mini, "/pages/group/group?full=1")
    message = str(err.value)
    assert "立即参团" in message
    assert "'刷新'" in message and "'邀请好友参团'" in message
    assert mini.log() == []


async def test_journey_fails_strict_when_the_handler_is_missing(mini: MiniApp) -> None:
    """view-fidelity §4.8/§6.2: the WXML binds a handler the page lacks: StrictModeError names it (strict)."""
    with pytest.raises(StrictModeError, match="joinGroop"):
        await journey(mini, "/pages/group/group?typo=1")


async def test_journey_lenient_missing_handler_is_a_finding(mini: MiniApp) -> None:
    """view-fidelity §4.8/§6.2: in lenient the tap does nothing (the journey's own check fails) and a
    missing-handler finding names the handler."""
    with pytest.raises(AssertionError):
        await journey(mini, "/pages/group/group?typo=1", fidelity="lenient")
    (finding,) = mini.findings("missing-handler")
    assert "joinGroop" in finding.message


async def test_hidden_and_disabled_elements_cannot_be_tapped(mini: MiniApp) -> None:
    """view-fidelity §6.2: an element hidden (hidden attribute or display:none) or disabled fails the tap."""
    from mock_wx.rig.element import ElementError

    page = await mini.open({"app.js": LOG_APP, "pages/p/p.js": "Page({ t() {} })", "pages/p/p.wxml": """
        <view hidden="{{true}}"><button class="a" bindtap="t">A</button></view>
        <button class="b" style="display: none" bindtap="t">B</button>
        <button class="c" disabled bindtap="t">C</button>"""})
    for sel, why in ((".a", "hidden"), (".b", "hidden"), (".c", "disabled")):
        with pytest.raises(ElementError, match=why):
            await page.get_element(sel).tap()


async def test_page_query_does_not_enter_components(mini: MiniApp) -> None:
    """view-fidelity §6.1: a page query does not reach into a component's own tree; `>>>` and
    element.get_element do."""
    page = await mini.open({"app.js": LOG_APP, "pages/p/p.js": "Page({})",
                            "pages/p/p.wxml": "<c-a/>", "pages/p/p.json": '{"usingComponents": {"c-a": "/c/a"}}',
                            "c/a.js": "Component({})", "c/a.json": '{"component": true}',
                            "c/a.wxml": '<view class="inner">in</view>'})
    assert not page.element_exists(".inner")
    assert page.get_element("c-a >>> .inner").text == "in"
    assert page.get_element("c-a").get_element(".inner").text == "in"
