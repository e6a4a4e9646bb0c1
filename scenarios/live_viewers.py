"""Load: viewers drop into the live room, watch for a while (the socket delivers comments, viewer counts
and highlights to the page), some comment; others browse the shop. Journeys of one user, for

    wxsim load scenarios/live_viewers.py --users 200 --spawn-rate 50 --duration 60s --threshold "p95<300ms"

Each journey also runs alone (the journey suite, `wxsim run`): it fills an empty backend first.
"""

from __future__ import annotations

import weakref
from typing import Any

from _helpers import open_shop

from mock_wx.load import step
from mock_wx.rig.journeys import journey

LIVE = "s1"  # the seeded room that is live
ROOM = f"/pages/live-stream/live-stream?streamId={LIVE}"
WATCH_SECONDS = (2.0, 6.0)
COMMENT_CHANCE = 0.2

_ready: weakref.WeakSet[Any] = weakref.WeakSet()


async def setup(sim: Any) -> None:
    """Called once by `wxsim load` before the population starts: the seeded shop."""
    await open_shop(sim)
    _ready.add(sim)


async def _shop(sim: Any) -> None:
    # A load run (`wxsim load`, the Locust adapter) prepares the shop once, or the backend is yours:
    # never reseed it under running users. Run alone, in a fresh simulation, fill it first.
    if not sim.isolated_idle and sim not in _ready:
        await setup(sim)


@journey(area="load", weight=4)
async def live_viewer(sim, user):
    await _shop(sim)
    async with step("open room"):
        room = await user.launch(ROOM)
    composer = room.get_element(".composer input")
    assert composer.attribute("placeholder") == "说点什么…", "the room's socket is open once the page is idle"
    assert room.get_element(".live-tag").text == "直播中"
    await sim.sleep(user.ctx.rng.uniform(*WATCH_SECONDS))  # watching: frames arrive meanwhile
    if user.ctx.rng.random() < COMMENT_CHANCE:
        nickname = user.ctx.state.get("identity", {}).get("nickname", user.name)
        async with step("comment"):
            await composer.input(f"{nickname}: 好看!")
            await room.get_element("button", inner_text="发送").tap()
        assert composer.value == "", "the draft clears once the socket took the comment"
    user.close()  # leaves the room: the app is killed, the socket closes


@journey(area="load", weight=1)
async def shopper_browses(sim, user):
    await _shop(sim)
    async with step("home"):
        home = await user.launch("/pages/index/index")
    cards = home.get_elements("product-card")
    assert cards, "the home page lists the seeded products"
    name = cards[0].get_element(".name").text
    async with step("more products"):
        await home.reach_bottom()
    async with step("product detail"):
        await cards[0].tap()
    assert user.current_page.get_element(".name").text == name
    user.close()
