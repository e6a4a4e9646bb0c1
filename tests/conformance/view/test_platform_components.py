"""docs/view-fidelity.md §3.15–§3.17: Component() used as a page, the custom tab bar, page-meta and
navigation-bar — components the platform mounts from configuration or page structure."""

from __future__ import annotations

import json

from view_app import LOG_APP, MiniApp

COMPONENT_PAGE = {
    "app.js": LOG_APP,
    "pages/c/c.json": '{"usingComponents": {}}',
    "pages/c/c.wxml": '<view class="n" bindtap="inc">{{n}}</view><text class="id">{{id}}</text>',
    "pages/c/c.js": """Component({
        properties: { id: String },
        data: { n: 1 },
        lifetimes: { attached() { getApp().log.push('attached') } },
        methods: {
          onLoad(q) { getApp().log.push('onLoad ' + q.id + ' ' + this.data.id) },
          onShow() { getApp().log.push('onShow') },
          onReady() { getApp().log.push('onReady') },
          inc() { this.setData({ n: this.data.n + 1 }) },
        } })""",
}


async def test_component_as_page_lifecycle_and_query_properties(mini: MiniApp) -> None:
    """view-fidelity §3.15: a page built with Component(): its methods hold the page hooks (onLoad gets the
    query), properties receive the query's parameters, lifetimes run, and it renders its own WXML."""
    page = await mini.open(COMPONENT_PAGE, url="/pages/c/c?id=42")
    assert mini.log() == ["attached", "onLoad 42 42", "onShow", "onReady"]
    assert page.get_element(".id").text == "42"
    await page.get_element(".n").tap()
    assert page.get_element(".n").text == "2"
    assert page.data["n"] == 2


TAB_APP = {
    "app.js": LOG_APP,
    "app.json": json.dumps({"pages": ["pages/a/a", "pages/b/b"], "tabBar": {"custom": True, "list": [
        {"pagePath": "pages/a/a", "text": "A"}, {"pagePath": "pages/b/b", "text": "B"}]}}),
    "custom-tab-bar/index.json": '{"component": true}',
    "custom-tab-bar/index.js": """Component({
        data: { selected: 0, list: ['/pages/a/a', '/pages/b/b'] },
        methods: { go(i) { wx.switchTab({ url: this.data.list[i] }) } } })""",
    "custom-tab-bar/index.wxml": '<view class="tab {{selected === index ? \'on\' : \'\'}}" wx:for="{{list}}" wx:key="*this">{{index}}</view>',
    "pages/a/a.js": "Page({ onShow() { this.getTabBar().setData({ selected: 0 }) }, probe() { const t = this.getTabBar(); return [t.is, t.data.selected] } })",
    "pages/a/a.wxml": "<text>a</text>",
    "pages/b/b.js": "Page({ onShow() { this.getTabBar().setData({ selected: 1 }) }, probe() { const t = this.getTabBar(); return [t.is, t.data.selected] } })",
    "pages/b/b.wxml": "<text>b</text>",
}


async def test_custom_tab_bar_one_instance_per_tab_page(mini: MiniApp) -> None:
    """view-fidelity §3.16: with tabBar.custom the platform mounts custom-tab-bar/index on each tab page;
    getTabBar() returns that page's own instance."""
    page = await mini.open(TAB_APP)
    assert await page.call("probe") == ["custom-tab-bar/index", 0]
    assert mini.user is not None
    b = await mini.user.switch_tab("/pages/b/b")
    assert await b.call("probe") == ["custom-tab-bar/index", 1]
    page_a = await mini.user.switch_tab("/pages/a/a")  # a's bar is its own: it still says 0
    assert await page_a.call("probe") == ["custom-tab-bar/index", 0]


async def test_navigation_bar_component_sets_the_title(mini: MiniApp) -> None:
    """view-fidelity §3.17: <page-meta><navigation-bar title="{{t}}"/></page-meta> sets the page's
    navigation bar title, and again when the data changes."""
    page = await mini.open({"app.js": LOG_APP, "pages/p/p.js": "Page({ data: { t: '首页' } })",
                            "pages/p/p.wxml": '<page-meta><navigation-bar title="{{t}}"/></page-meta><view>x</view>'})
    assert mini.user is not None
    assert mini.user.ctx.ui["navigationBarTitle"]["title"] == "首页"
    await page.set_data({"t": "详情"})
    assert mini.user.ctx.ui["navigationBarTitle"]["title"] == "详情"
