"""What the view costs is pinned by counts, not times (DESIGN.md: tests never depend on the machine's speed)."""

from __future__ import annotations

PLAIN = {
    "pages/a/a.js": "Page({ data: { n: 0 }, bump() { this.setData({ n: this.data.n + 1 }) } })",
    "pages/a/a.wxml": "<view wx:for='{{[1, 2, 3]}}' wx:key='*this'>{{item}}/{{n}}</view>",
}


async def test_a_page_nobody_reads_never_boots_the_view(make_sim):
    # A load run: each user settles alone and nobody reads the page. (Tests and journeys render every page
    # changed by an action when it settles, so its findings come with it.)
    sim = make_sim(PLAIN, isolated_idle=True)
    user = sim.user()
    page = await user.launch("/pages/a/a")
    for _ in range(5):
        await page.call("bump")
    assert user.realm.view.booted is False          # the view runtime was never evaluated in this realm
    assert [e.text for e in page.get_elements("view")] == ["1/5", "2/5", "3/5"]
    assert user.realm.view.booted is True


async def test_a_plain_page_renders_once_per_read_not_per_setdata(make_sim):
    sim = make_sim(PLAIN, isolated_idle=True)
    user = sim.user()
    page = await user.launch("/pages/a/a")
    page.get_elements("view")
    view = user.realm.view
    renders = int(view.call("render", page.id))
    for _ in range(5):
        await page.call("bump")
    # five setData calls mark the page stale; the next read renders it once
    assert int(view.call("version")) - renders == 5
    page.get_elements("view")
    assert int(view.call("version")) - renders == 6


async def test_a_page_with_components_boots_the_view_before_onload(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ onLoad() { this.setData({ ok: !!this.selectComponent('#c') }) } })",
        "pages/a/a.wxml": "<c id='c'/>",
        "pages/a/a.json": {"usingComponents": {"c": "/c/c"}},
        "c/c.js": "Component({})",
        "c/c.wxml": "<view/>",
    })
    user = sim.user()
    page = await user.launch("/pages/a/a")
    assert user.realm.view.booted is True
    assert page.data["ok"] is True                  # components exist when onLoad runs


async def test_in_tests_a_changed_page_renders_once_per_action_not_per_setdata(make_sim):
    sim = make_sim({
        "pages/a/a.js": "Page({ data: { n: 0 }, bump() { for (let i = 0; i < 5; i++) this.setData({ n: i }) } })",
        "pages/a/a.wxml": "<view>{{n}}</view>",
    })
    user = sim.user()
    page = await user.launch("/pages/a/a")
    view = user.realm.view
    before = int(view.call("version"))
    await page.call("bump")
    assert int(view.call("version")) - before == 6   # five stale marks, one render when the action settled
