"""A bug in the test's own mock, hook or exposed function fails the test (issue 15.1).

The app still gets its `fail` answer (nothing hangs), and the test's next wxsim call raises `MockError`
naming the mock, with the original exception (and its traceback) as `__cause__`.
"""

from __future__ import annotations

import asyncio

import pytest

from mock_wx import MockError, Page, Simulator, VirtualUser
from mock_wx.api import Fail


def boom(opts: object) -> dict[str, object]:
    return {"data": {}["items"]}  # KeyError: the test's bug


async def test_a_raising_mock_request_fails_the_next_call(user: VirtualUser, home: Page) -> None:
    user.mock_request("/api/items", fn=boom)
    with pytest.raises(MockError, match=r"mock_request\('/api/items', fn=boom\) raised KeyError") as info:
        await home.tap("loadItems")
    assert isinstance(info.value.__cause__, KeyError)
    assert info.value.__cause__.__traceback__ is not None  # the mock's own line is in the chain
    assert "request:fail" in home.data["error"]  # the page was answered, as before
    await home.tap("add", dataset={})  # raised once, then the test goes on


async def test_a_raising_async_mock_wx_fails_the_next_call(user: VirtualUser, home: Page) -> None:
    async def locate(opts: object) -> dict[str, object]:
        await asyncio.sleep(0)
        raise RuntimeError("forgot the latitude")

    user.mock_wx("getLocation", locate)
    with pytest.raises(MockError, match=r"mock_wx\('getLocation', fn=locate\) raised RuntimeError: forgot"):
        await home.tap("where")


async def test_a_mock_answering_fail_is_not_a_bug(user: VirtualUser, home: Page) -> None:
    def deny(opts: object) -> dict[str, object]:
        raise Fail("auth deny")

    user.mock_wx("getLocation", deny)
    await home.tap("where")
    assert home.data["locError"] == "getLocation:fail auth deny"


async def test_a_raising_hook_fails_the_next_call_and_leaves_the_call_alone(user: VirtualUser, home: Page) -> None:
    user.mock_request("/api/items", result={"data": {"items": ["a"]}})

    def check(rec: object) -> None:
        raise AssertionError("wrong status")

    user.hook_wx("request", after=check)
    with pytest.raises(MockError, match=r"hook_wx\('request', after=check\) raised AssertionError"):
        await home.tap("loadItems")
    assert home.data["items"] == ["a"]


async def test_a_raising_before_hook_fails_the_next_call(user: VirtualUser, home: Page) -> None:
    user.mock_request("/api/items", result={"data": {"items": ["a"]}})
    user.hook_wx("request", before=lambda opts: opts["nope"])
    with pytest.raises(MockError, match=r"before=<lambda>\) raised KeyError"):
        await home.tap("loadItems")


async def test_a_raising_exposed_function_fails_the_next_call(user: VirtualUser, home: Page) -> None:
    def reportToTest(*args: object) -> str:
        raise ValueError("bad report")

    user.expose_function("reportToTest", reportToTest)
    with pytest.raises(MockError, match=r"expose_function\('reportToTest', reportToTest\) raised ValueError"):
        await home.tap("report")


async def test_sim_idle_raises_it_too(sim: Simulator, user: VirtualUser, home: Page) -> None:
    """A timer's request reaches the raising mock during a clock advance: the next sim.idle() raises."""
    user.mock_request("/api/group-buy/*", fn=boom)
    await home.tap("later")
    await sim.clock.advance(6)
    with pytest.raises(MockError, match="KeyError"):
        await sim.idle()
