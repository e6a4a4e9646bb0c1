"""A component library in the style of Vant Weapp (tests/fixtures/apps/view_vantlike, our own code, built into
miniprogram_npm/ as DevTools builds npm packages): slots, external classes, relations, wx://form-field in a
<form>, virtualHost and wx://component-export working together as real apps use them."""

from __future__ import annotations

from view_app import MiniApp

APP = "view_vantlike"


async def test_button_slots_external_classes_and_click(mini: MiniApp) -> None:
    """view-fidelity §3.1/§3.9/§3.10/§3.12: an npm component from app.json's usingComponents; named and default
    slots; custom-class takes the page's class; its click event reaches the page with the detail."""
    p = await mini.open(APP)
    btn = p.get_element("vl-button")
    assert btn.text == "🛒 立即购买"
    inner = p.get_element("vl-button >>> .vl-button")
    assert inner.attribute("class").split() == ["vl-button", "vl-button--primary", "buy-btn"]
    await inner.tap()
    assert mini.log() == [["click", {"type": "primary"}]]


async def test_button_loading_swallows_the_tap(mini: MiniApp) -> None:
    """view-fidelity §3.10: loading-class reaches the loading element; a loading button sends no click."""
    p = await mini.open(APP)
    await p.set_data({"busy": True})
    assert p.get_element("vl-button >>> .vl-button__loading").attribute("class").split() == ["vl-button__loading", "spin"]
    await p.get_element("vl-button >>> .vl-button").tap()
    assert mini.log() == []


async def test_cell_group_and_cells_are_related(mini: MiniApp) -> None:
    """view-fidelity §3.8: parent/child relations link cells placed in the group's slot; linked/unlinked run
    as cells come and go, and getRelationNodes lists them in order."""
    p = await mini.open(APP)
    assert p.get_element("vl-cell-group >>> .vl-cell-group__title").text == "订单 (3)"
    cells = p.get_elements("vl-cell")
    assert [c.data["grouped"] for c in cells] == [True, True, True]
    assert [c.data["last"] for c in cells] == [False, False, True]
    await p.call("dropLast")
    assert p.get_element("vl-cell-group >>> .vl-cell-group__title").text == "订单 (2)"
    assert [c.data["last"] for c in p.get_elements("vl-cell")] == [False, True]


async def test_field_takes_part_in_form_submit(mini: MiniApp) -> None:
    """view-fidelity §3.6/§4.3.2: components with wx://form-field are form fields: submit reports their
    name → value, as typed through the input inside the component."""
    p = await mini.open(APP)
    await p.get_element("vl-field >>> input").input("13800000000")
    assert p.data["phone"] == "13800000000"
    await p.get_element("button", inner_text="提交").tap()
    assert mini.log() == [["submit", {"phone": "13800000000", "code": "0000"}]]


async def test_virtual_host_tag(mini: MiniApp) -> None:
    """view-fidelity §3.11: a virtualHost component's classes come in as a property and its content is readable."""
    p = await mini.open(APP)
    tag = p.get_element("vl-tag >>> .vl-tag")
    assert tag.text == "热卖"
    assert tag.attribute("class").split() == ["vl-tag", "vl-tag--danger", "hot"]


async def test_dialog_component_export(mini: MiniApp) -> None:
    """view-fidelity §3.6/§3.13: selectComponent on a wx://component-export component returns export()'s object."""
    p = await mini.open(APP)
    assert not p.element_exists("vl-dialog >>> .vl-dialog")
    assert await p.call("openDialog") is True
    assert p.get_element("vl-dialog >>> .vl-dialog__title").text == "确认"
