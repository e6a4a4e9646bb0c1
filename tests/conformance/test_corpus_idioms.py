"""Issue 12 items 4 and 9: what public mini programs of the compatibility corpus (docs/compat.md) do that
wxsim got wrong, each on a small fixture of our own (tests/fixtures/apps/corpus_idioms)."""

from __future__ import annotations

import pytest
from fixture_apps import js

from mock_wx import JSError, VirtualUser
from mock_wx.runtime.esm_scan import statement_starts
from mock_wx.runtime.loader import transform_esm

pytestmark = pytest.mark.app("corpus_idioms")


async def test_minified_es_module_in_miniprogram_npm(user: VirtualUser) -> None:
    """TDesign's miniprogram_dist: a whole ES module on one line (`import{a}from"x";...;export default{...}`),
    `export * from`, `export * as ns from`; statements inside strings and regexes stay as they are."""
    page = await user.launch()
    assert await page.call("probe") == {
        "double": 8, "unit": "px", "note": 'x;import y from"z"', "reOk": True, "scaled": 9, "plus": 1,
        "minus": -1, "id": 5, "kind": "t{2", "rootIsGlobal": True, "reexportsDefault": True,
    }


async def test_global_is_the_global_object(user: VirtualUser) -> None:
    """mobx-miniprogram reaches the global object as `global` when `window` is undefined (as it is in every
    module's wrapper): the AppService defines `global`."""
    await user.launch()
    assert js(user, "typeof global === 'object' && global === globalThis") is True


async def test_repeated_attribute_later_wins(user: VirtualUser) -> None:
    """Published WXML repeats an attribute on one tag (`mode`, `bindconfirm`, `data-type`); WeChat's compiler
    accepts it. The page loads and the later value is the one the element has."""
    page = await user.launch()
    el = page.get_element("#dup")
    assert el.dataset == {"k": "second"}
    await el.tap()
    assert page.data["picked"] == "second"


def test_statement_starts_skip_strings_comments_regexes_templates() -> None:
    src = 'a();import x from"x";const s="; import no";/* ;export no */const r=/;export no/;`${{a:1}.a};import no`;export{x}'
    starts = statement_starts(src)
    assert [src[i:i + 6] for i in starts] == ["import", "export"]
    assert src[starts[1]:] == "export{x}"


def test_minified_transform_keeps_one_line() -> None:
    out = transform_esm('import{a}from"./a";import b from"./b";export default{a,b};\nthrow 1')
    assert out.split("\n")[1] == "throw 1"
    assert "exports.default = {a,b};" in out.split("\n")[0]


async def test_related_component_in_slot_content_its_host_does_not_show(user: VirtualUser) -> None:
    """Vant's tabs/tab on wechat-app-mall's coupon page: a component with `relations` placed in slot content
    of a component without a <slot>. The page loads, and the two still link: the platform links along
    parentNode, the tree as the page's template wrote it, where slot content's parent is its host whether or
    not the host shows it (view-fidelity §3.8; glass-easel src/relation.ts `triggerLinkEvent`)."""
    page = await user.launch("/pages/related/related")
    assert len(page.get_elements("box >>> .box")) == 2
    assert js(user, "getApp().links || 0") == 2  # <box><item/></box> and <box><view><item/></view></box>


async def test_relations_follow_the_template_that_wrote_them(user: VirtualUser) -> None:
    """A descendant written inside the ancestor in the page's template links through a plain view; one that
    another component's own template renders (inside <wrap/>, shown in the ancestor's slot) does not: a
    template's root has no parentNode (view-fidelity §3.8; glass-easel src/shadow_root.ts)."""
    page = await user.launch("/pages/lineage/lineage")
    assert [m.text for m in page.get_elements("member")] == ["written-inside"]
    assert page.get_element("wrap >>> member").text == "inside-wrap"  # rendered, composed under <group>
    assert js(user, "getApp().linked") == ["written-inside"]


async def test_components_read_their_tree_as_set_data_left_it(user: VirtualUser) -> None:
    """Vant's datetime-picker (wechat-app-mall's order page) sets its picker's `columns`, then in a
    wx.nextTick reads the columns back through selectAllComponents: setData updates the component tree at
    once on the platform (only drawing waits for the view thread), so the new components are there, right
    after the setData as well as a tick later (view-fidelity §3.3)."""
    page = await user.launch("/pages/columns/columns")
    assert js(user, "getApp().columnsSeen") == [3, 3]
    assert len(page.get_elements("columns >>> .col")) == 3


async def test_initial_property_observer_sees_own_children_and_function_default(user: VirtualUser) -> None:
    """Vant's datetime-picker (wechat-app-mall's order page): the `value` observer, fired by the parent's
    initial value, selectComponent()s the picker in its own template, and calls its `formatter` property,
    whose default is a function. The shadow tree exists before the parent's values arrive, and a function
    default stays a function in the component's data."""
    page = await user.launch("/pages/picker/picker")
    assert js(user, "getApp().seen") == ["spun"]
    assert page.get_element("picker-host >>> .label").text == "v5"


async def test_external_classes_as_one_string(user: VirtualUser) -> None:
    """weapp-mark's image component declares `externalClasses: 'extra-class'` (a string, not a list): the
    component loads and renders."""
    page = await user.launch("/pages/picker/picker")
    assert page.get_element("picker-host >>> wheel >>> .wheel-face").text == "wheel"


async def test_page_without_page_call_names_its_file(user: VirtualUser) -> None:
    """A page whose JS never calls Page() (wejh-weapp's pages/bind/card.js is all comments) fails to open,
    and the error names the page's own file (it said pages/pages/...)."""
    with pytest.raises(JSError, match=r"^Error: pages/commented/commented\.js did not call Page\(\)"):
        await user.launch("/pages/commented/commented")


async def test_selector_query_reused_after_exec(user: VirtualUser) -> None:
    """weapp-mark's index list reuses one SelectorQuery: select().boundingClientRect(cb).exec(), then another
    select() on it and exec() again. Each callback gets its own result (the second used to get undefined)."""
    await user.launch("/pages/measure/measure")
    seen = js(user, "getApp().measured")
    assert ["bar", True] in seen and seen[0][0] == "rows"


def test_statement_starts_walk_the_shared_tokenizer_and_fall_back_when_it_refuses() -> None:
    """statement_starts reads js_tokens.tokenize's tokens (the async rewrite's), so `import(`/`import.meta`,
    keywords inside `${}` and after `a.` are not statements; text the tokenizer refuses (here an unterminated
    string after the imports) still gets its statement starts from the tolerant character scan."""
    from mock_wx.runtime import esm_scan
    from mock_wx.runtime.js_tokens import JSSyntaxUnclear, tokenize

    src = ('import a from"a";const t=`${ {x:1}.x }import no`;a.export; import("dyn");'
           'if(x)/import no/.test(s);export default{a}')
    starts = statement_starts(src)
    assert [src[i:i + 15] for i in starts] == ['import a from"a', "export default{"]
    broken = 'import a from "a";\nexport { a };\nconst s = "unterminated\n'
    with pytest.raises(JSSyntaxUnclear):
        tokenize(broken)
    assert statement_starts(broken) == esm_scan._scan(broken) == [0, broken.index("export")]
    assert statement_starts("module.exports = { a: 1 }; exports.b = 2") == []
