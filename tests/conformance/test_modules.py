"""Issue 2 item 1: CommonJS require (relative, absolute, index.js), module caching, and ES module syntax."""

from __future__ import annotations

import pytest
from fixture_apps import js, routes

from mock_wx import VirtualUser
from mock_wx.runtime.loader import transform_esm


@pytest.mark.app("esm")
async def test_es_module_syntax(user: VirtualUser) -> None:
    """Issue 2 item 1: `import x from`, `import {a} from` (also over several lines), `import * as`, `export default`,
    named and re-exports work; a bare package name resolves in miniprogram_npm/."""
    page = await user.launch()
    assert await page.call("probe") == {
        "triple": 6, "double": 10, "box": 4, "ns": [2, 7, "function", 8, 3], "two": 2, "twice": 8, "legacy": "legacy",
        "later": "x", "env": "test", "npm": "1970-1-1",
    }


def test_esm_transform_keeps_lines() -> None:
    """Issue 2 item 1/9: the ES module transform keeps every line in place, so stack lines stay exact; named
    exports are assigned on a line after the file (the last line may end in a comment)."""
    src = "import a from './a'\nimport {\n  b as c,\n  e,\n} from './b'\nexport const d = 1\nexport default a\nthrow 1\n"
    out = transform_esm(src)
    lines = out.split("\n")
    assert lines[7] == "throw 1"  # every original line stays where it was; exports follow the file
    assert lines[-1] == ";exports.d = d;"
    assert "const {b: c, e} = require('./b');" in out.split("\n")[1]


async def test_relative_absolute_and_cached_requires(user: VirtualUser) -> None:
    """Issue 2 item 1: '../../utils/x', '../../utils/x.js' and '/utils/x' resolve to one module, evaluated once."""
    await user.launch("/pages/tab_a/tab_a")                                                    # '../../utils/lifecycle'
    await user.current_page.tap("go", dataset={"api": "switchTab", "url": "/pages/tab_b/tab_b"})  # '...lifecycle.js'
    await user.current_page.tap("go", dataset={"api": "navigateTo", "url": "/pages/d/d"})         # '/utils/lifecycle'
    assert routes(user) == ["pages/tab_b/tab_b", "pages/d/d"]
    assert js(user, "getApp().globalData.lifecycleLoads") == 1


async def test_missing_module_error_names_path(user: VirtualUser) -> None:
    """Issue 2 item 1: requiring a missing module fails with the platform-like 'module "..." is not defined'."""
    await user.launch("/pages/tab_a/tab_a")
    out = js(user, "(function () { try { __wx.requireModule('utils/nope.js') } catch (e) { return e.message } })()")
    assert out == 'module "utils/nope.js" is not defined'


async def test_lazy_page_loading(user: VirtualUser) -> None:
    """Issue 2 item 2 (memory): a page's module is evaluated only when the user first opens it, and only once."""
    await user.launch("/pages/tab_a/tab_a")
    assert js(user, "getApp().globalData.defined") == ["A"]
    for _ in range(2):
        await user.current_page.tap("go", dataset={"api": "navigateTo", "url": "/pages/d/d"})
    assert js(user, "getApp().globalData.defined") == ["A", "D"]
