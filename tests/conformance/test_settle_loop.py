"""Issue 12 item 3: a page that never settles says why, within a bounded number of calls.

A loop that keeps the realm busy while virtual time stands still (a login retried at once forever, a
zero-delay timer polling a flag nothing sets, a setData callback that sets data again) makes `launch`,
`tap` and `idle` raise `SettleLoopError` naming the repeating calls with their file:line, after at most
`SETTLE_BUDGET` of them, instead of hanging.
"""

from __future__ import annotations

import pytest

from mock_wx import SettleLoopError, VirtualUser
from mock_wx.runtime.settle import SETTLE_BUDGET

pytestmark = pytest.mark.app("settle_loop")


def _calls(user: VirtualUser, api: str) -> int:
    return sum(1 for e in user.sim.trace.of_kind("wx", user.name) if e.data.get("api") == api)


async def test_login_retry_loop_names_the_loop(user: VirtualUser) -> None:
    """wx.login → wx.request → wx.login …: the error names both calls with utils/auth.js lines and the count;
    no more than the budget of bridge calls was made."""
    user.mock_wx("request", result={"data": {"code": 40001, "msg": "unexpected"}})
    with pytest.raises(SettleLoopError) as err:
        await user.launch("/pages/index/index")
    text = str(err.value)
    assert text.startswith("alice on pages/index/index: the page did not settle: ")
    assert ("wx.login (utils/auth.js:3) → wx.request /user/wxapp/login (utils/auth.js:5) → wx.login (utils/auth.js:3)"
            in text or "wx.request /user/wxapp/login (utils/auth.js:5) → wx.login (utils/auth.js:3) → "
            "wx.request /user/wxapp/login (utils/auth.js:5)" in text)
    assert f"{SETTLE_BUDGET:,} calls without virtual time moving" in text
    assert _calls(user, "login") + _calls(user, "request") <= SETTLE_BUDGET


async def test_zero_delay_timer_loop(user: VirtualUser) -> None:
    """A setTimeout(poll, 0) chain: named with its file:line."""
    with pytest.raises(SettleLoopError, match=r"setTimeout 0 \(pages/spin/spin.js:6\) → setTimeout 0"):
        await user.launch("/pages/spin/spin")


async def test_render_loop(user: VirtualUser) -> None:
    """A setData callback that calls setData again: named as a render loop on its page."""
    with pytest.raises(SettleLoopError, match=r"setData on pages/render/render → setData on pages/render/render"):
        await user.launch("/pages/render/render")
    assert user.current_page.data["n"] <= SETTLE_BUDGET + 1


async def test_settling_page_is_not_counted_across_actions(user: VirtualUser) -> None:
    """The budget is per settle: a page answering normally never meets it, however many actions a test takes."""
    user.mock_wx("request", result={"data": {"token": "t1"}})
    page = await user.launch("/pages/index/index")
    assert page.data == {"token": "t1"}
    assert user.realm.settle.count < 10
