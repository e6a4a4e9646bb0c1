"""Issue 12 item 1: files are wrapped as the AppService wraps them, and `require` resolves as on the platform.

`wx`, `App`, `Page`, `getApp`, ... are globals, so a file may declare its own `const App = getApp()` or shadow
`Page`; `require` takes relative and root-absolute paths, `.js`, `.json` (as data) and `index.js`, and npm
packages as DevTools' "build npm" lays them out in `miniprogram_npm/` (package.json `main`, a package's own
nested `miniprogram_npm`, lookup from the requiring file's folder upwards).
"""

from __future__ import annotations

import pytest

from mock_wx import VirtualUser
from mock_wx.runtime.loader import WRAP_PARAMS

pytestmark = pytest.mark.app("appservice")


def test_wrapper_keeps_platform_globals_global() -> None:
    """Issue 12 item 1: only the module's own names (and the hidden browser globals) are wrapper parameters."""
    params = [p.strip() for p in WRAP_PARAMS.split(",")]
    assert params[:3] == ["require", "module", "exports"]
    assert not {"wx", "App", "Page", "Component", "Behavior", "getApp", "getCurrentPages"} & set(params)


async def test_const_app_at_module_top_and_json_requires(user: VirtualUser) -> None:
    """Issue 12 item 1: `const App = getApp()` at a page's top loads (a wrapper parameter named App made it a
    SyntaxError); `require` of a .json file gives its data, by '/config/site' and by '../../config/site.json'
    alike, as one module."""
    page = await user.launch("/pages/index/index")
    assert page.data == {"name": "fixture shop", "tabs": ["home", "cart"], "same": True, "hasWx": "function"}


async def test_module_shadowing_page(user: VirtualUser) -> None:
    """Issue 12 item 1: a page file whose `const { Page } = require(...)` shadows the global registers through it."""
    page = await user.launch("/pages/shadow/shadow")
    assert page.data == {"wrapped": True, "own": 1}


async def test_npm_main_nested_dependencies_and_esm(user: VirtualUser) -> None:
    """Issue 12 item 1: `import fmt from 'fmt-kit'` follows its package.json main (lib/main.js); fmt-kit's own
    `require('pad-util')` finds the 1.x copy nested in fmt-kit/miniprogram_npm, while the page gets the root's
    2.x; a package without package.json is its index.js."""
    page = await user.launch("/pages/npm/npm")
    assert page.data == {"formatted": "007", "fmtPad": "1.0.0", "plain": "plain-pkg", "topPad": "2.0.0"}


async def test_subpackage_npm_nearest_first(user: VirtualUser) -> None:
    """Issue 12 item 1: a subpackage page finds its own miniprogram_npm first, and the root's for the rest."""
    page = await user.launch("/sub/pages/deep/deep")
    assert page.data == {"pad": "sub-1.5.0", "plain": "plain-pkg"}


async def test_missing_npm_package_names_the_require(user: VirtualUser) -> None:
    """Issue 12 item 1: an npm package nobody built fails with the platform-like message naming the require."""
    await user.launch("/pages/index/index")
    out = await user.evaluate(
        "(function () { try { __wx.requireModule('utils/lazy.js')() } catch (e) { return e.message } })()")
    assert out == "module \"utils/no-such-pkg\" is not defined, require args is 'no-such-pkg'"


async def test_es_modules_are_strict_code(user: VirtualUser) -> None:
    """An ES module is strict code (ECMAScript: module code is always strict; DevTools' compile to CommonJS
    writes "use strict"): `this` in a plain call is undefined and an undeclared assignment throws — wejh's
    unbound `getOpenId` callback meets `undefined`, not the global object. A CommonJS file stays sloppy."""
    await user.launch("/pages/index/index")
    out = await user.evaluate(
        "(function () { var m = __wx.requireModule('utils/strictness.mjs.js'), c = __wx.requireModule('utils/sloppy.js');"
        " var f = m.thisInPlainCall, g = c.thisInPlainCall; return [f(), m.assignUndeclared(), g()] })()")
    assert out == ["undefined", "ReferenceError", "object"]
