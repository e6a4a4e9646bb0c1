"""Helpers the bundled journeys share (files starting with `_` hold no journeys).

They act the way a person does (tap what is on screen, by its text) and read what a person could see
(the page's text, toasts, modals) or ask the backend, so a journey stays a story: who does what, and what
they see. `page.tap("handler")` calls a handler directly, bypassing the view: journeys do not use it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mock_wx import WaitTimeout

__all__ = [
    "drop_live_connections",
    "latest_modal",
    "level_line",
    "modal_titles",
    "open_shop",
    "order_of",
    "orders_of",
    "price_text",
    "product_with_group_size",
    "shows",
    "soon",
    "tap_text",
    "toast_titles",
    "user_id",
    "wait_for_refunds",
]

#: Data for every journey: 20 products, 10 shoppers, 30 posts, live rooms s1 (live), s2 (preview), s3 (ended).
SHOP_SEED = 42


async def open_shop(sim: Any, **counts: int) -> dict[str, Any]:
    """Fill the backend with the seeded shop (same data for every journey); returns the seeded ids."""
    return dict(await sim.backend.seed(SHOP_SEED, **counts))


async def product_with_group_size(sim: Any, size: int) -> dict[str, Any]:
    """A seeded product whose groups need `size` people."""
    listing = await sim.backend.get("/api/products", params={"page": 1, "limit": 50})
    for product in listing["products"]:
        if product["groupSize"] == size:
            return dict(product)
    raise AssertionError(f"no seeded product with group size {size}")


async def tap_text(page: Any, text: str, selector: str = "button") -> Any:
    """Tap the `selector` element (a button unless said otherwise) whose text contains `text`, as a person
    taps what they read. Fails, listing what the page shows, when it is missing, hidden or disabled."""
    return await page.get_element(selector, text_contains=text).tap()


#: Where a person reads text (an element's text includes what its custom components render inside it).
_READABLE = "view, text, button"


def shows(page: Any, text: str) -> bool:
    """Whether the page shows `text` somewhere a person can read it (rendered and not hidden)."""
    return any(el.visible for el in page.get_elements(_READABLE, text_contains=text))


def price_text(fen: int) -> str:
    """A price as the app prints it: 1230 fen -> "¥12.30"."""
    return f"¥{fen // 100}.{fen % 100:02d}"


def level_line(me: Any) -> str:
    """The 我的 tab's level line as it reads: "Lv.2 · 100 积分"."""
    return str(me.get_element(".lv").text)


def modal_titles(user: Any) -> list[str]:
    """Titles of every modal this user has seen, oldest first."""
    return [d.get("title", "") for d in user.dialogs.shown if d["kind"] == "modal"]


def latest_modal(user: Any) -> dict[str, Any] | None:
    modals = [d for d in user.dialogs.shown if d["kind"] == "modal"]
    return modals[-1] if modals else None


def toast_titles(user: Any) -> list[str]:
    """Titles of every toast this user has seen, oldest first."""
    return [d.get("title", "") for d in user.dialogs.shown if d["kind"] == "toast"]


def user_id(user: Any) -> str:
    """The backend's id for this user (saved by the app after login)."""
    return str(json.loads(user.storage["userId"]))


async def order_of(sim: Any, user: Any, order_id: str) -> dict[str, Any]:
    """The order as the backend has it (asked with the user's own session)."""
    return dict(await sim.backend.get(f"/api/orders/{order_id}", as_user=user))


async def orders_of(sim: Any, user: Any, status: str | None = None) -> list[dict[str, Any]]:
    params = {"status": status} if status else None
    return list((await sim.backend.get("/api/orders", params=params, as_user=user))["orders"])


async def wait_for_refunds(sim: Any, seconds: float = 30) -> None:
    """Let the platform's refund notifications (and their retries) reach the backend."""
    await sim.clock.advance(seconds=seconds)
    await sim.idle()


async def soon(sim: Any, check: Callable[[], Any], *, within: float = 10.0, what: str = "") -> None:
    """Wait until `check()` holds, for socket frames still on their way from the server.

    A frame the server pushes is not work the simulation knows to wait for, so this waits for the
    network itself (at most `within` real seconds); the virtual clock does not move meanwhile.
    """
    try:
        await sim.wait_until(check, timeout=within, what=what)
    except WaitTimeout as exc:
        raise AssertionError(str(exc)) from None


async def drop_live_connections(sim: Any, stream_id: str) -> int:
    """The server drops every socket of a live room (a restart); returns how many it dropped."""
    answer = await sim.backend.post(f"/__admin/live/{stream_id}/disconnect")
    return int(answer["disconnected"])
