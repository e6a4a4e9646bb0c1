"""Issue 12 item 6: a crashed data load is not silent.

An unhandled promise rejection in app code (a list loader in utils/ called without await) becomes a
`unhandled-rejection` finding with the JS stack mapped to file:line, calls App.onUnhandledRejection as on
the platform (wx-fidelity.md §6), and with `Simulator(fail_on_js_errors=True)` (pytest
`--wxsim-fail-on-js-error`) fails the action that caused it.
"""

from __future__ import annotations

import pytest

from mock_wx import JSError, VirtualUser


@pytest.mark.app("appservice")
async def test_unhandled_rejection_is_a_finding_with_file_line(user: VirtualUser) -> None:
    page = await user.launch("/pages/crash/crash")
    assert page.data == {"loading": False}
    found = [f for f in user.sim.trace.findings if f.kind == "unhandled-rejection"]
    assert len(found) == 1
    assert found[0].message.startswith("Unhandled promise rejection: TypeError: ")
    assert found[0].message.endswith("(utils/list.js:4)")
    assert found[0].page == "pages/crash/crash"
    rejections = await user.evaluate("getApp().globalData.rejections")
    assert len(rejections) == 1 and "'list'" in rejections[0]


@pytest.mark.app("appservice", fail_on_js_errors=True)
async def test_fail_on_js_errors_fails_the_action(user: VirtualUser) -> None:
    with pytest.raises(JSError, match=r"Unhandled promise rejection: TypeError: .*utils/list\.js:4") as err:
        await user.launch("/pages/crash/crash")
    assert err.value.location == "utils/list.js:4"
    assert await user.evaluate("getApp().globalData.rejections.length") == 1


@pytest.mark.app("appservice")
async def test_uncaught_error_is_a_finding_too(user: VirtualUser) -> None:
    """An uncaught error raises JSError from the action (as before) and is also a `js-error` finding."""
    page = await user.launch("/pages/index/index")
    with pytest.raises(JSError):
        await page.call("noSuchMethodAnywhere")
    await user.evaluate("setTimeout(function () { null.x }, 0)")
    await user.idle()
    found = [f.message for f in user.sim.trace.findings if f.kind == "js-error"]
    assert found and found[-1].startswith("TypeError: ") and found[-1].endswith(" in timer")
