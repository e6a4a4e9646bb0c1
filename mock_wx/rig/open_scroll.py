"""Scrolling in `wxsim open`: the browser lays the phone's page out and says where a scroll came to rest; the
platform's rules (wx-fidelity.md §6, docs/view-fidelity.md §4.3.10) decide what the app hears, and only what
it listens to becomes a journey line (`page.scroll`, `page.reach_bottom`, `element.scroll_to`)."""

from __future__ import annotations

from typing import Any

from .open_state import ActionError, OpenState
from .recorder import locate

__all__ = ["Scrolling"]

#: scroll-view's `lower-threshold` and the window's `onReachBottomDistance` when not set (px; wx-fidelity.md §6).
_LOWER_THRESHOLD = 50.0


class Scrolling(OpenState):
    """The `scroll` action."""

    #: Where the person scrolled each page instance to: (user, page id) → {"page" | scroll-view nid: (top, left)}.
    _scroll: dict[tuple[str, int], dict[str, tuple[float, float]]]

    async def _do_scroll(self, body: dict[str, Any]) -> dict[str, Any]:
        """The page or a scroll-view came to rest at `top`/`left` in the browser, which laid it out: the page
        gets onPageScroll, and onReachBottom when this scroll entered the window's `onReachBottomDistance`
        of the bottom; a scroll-view gets `scroll`, and `scrolltolower` when it entered its lower-threshold
        (wx-fidelity.md §6: once per entry). Only what the app listens to is recorded."""
        name = body.get("user")
        user = self._user(name)
        try:
            top, left, height, width, client_h, client_w = (
                float(body.get(k) or 0) for k in ("top", "left", "height", "width", "client_height", "client_width"))
        except (TypeError, ValueError):
            top = left = height = width = client_h = client_w = -1.0
        if not all(0 <= v < float("inf") for v in (top, left, height, width, client_h, client_w)):
            raise ActionError("a scroll gives top, left, height, width, client_height and client_width in px")
        page = user.current_page
        where = self._scroll.setdefault((str(name), page.id), {})
        if body.get("nid") is None:
            prev = where.get("page", (0.0, 0.0))[0]
            where["page"] = (top, 0.0)
            distance = float(self.sim.bundle.window(page.route).get("onReachBottomDistance", _LOWER_THRESHOLD))

            def near(t: float) -> bool:
                return t + client_h >= height - distance

            lines = []
            if page.has_method("onPageScroll"):
                await page.scroll(top)
                lines.append(f"await {name}.current_page.scroll({top:g})")
            # `prev` is judged against the page as it is now: after more items loaded, the old bottom is no
            # longer near the new one, so reaching the new bottom is a new entry.
            if near(top) and not near(prev) and page.has_method("onReachBottom"):
                await page.reach_bottom()
                lines.append(f"await {name}.current_page.reach_bottom()")
            if not lines:
                return {"unchanged": True}
            self.recorder.add(*lines)
            return {}
        return await self._scroll_view(str(name), page, body.get("nid"), where, (top, left),
                                       (height, width), (client_h, client_w))

    async def _scroll_view(self, name: str, page: Any, nid: Any, where: dict[str, tuple[float, float]],
                           pos: tuple[float, float], size: tuple[float, float],
                           client: tuple[float, float]) -> dict[str, Any]:
        tree = page._view_tree()
        if not isinstance(nid, int) or nid not in tree.info or tree.info[nid].tag != "scroll-view":
            raise ActionError("that scroll-view is gone (the page re-rendered): scroll it again")
        info = tree.info[nid]
        prev = where.get(str(nid), (0.0, 0.0))
        where[str(nid)] = pos
        if not set(info.events) & {"scroll", "scrolltolower", "scrolltoupper"}:
            return {"unchanged": True}
        try:
            threshold = float(info.attrs.get("lower-threshold") or _LOWER_THRESHOLD)
        except (TypeError, ValueError):
            threshold = _LOWER_THRESHOLD
        axis = 1 if info.attrs.get("scroll-x") and not info.attrs.get("scroll-y") else 0

        def near(p: tuple[float, float]) -> bool:
            return p[axis] + client[axis] >= size[axis] - threshold

        to_lower = near(pos) and not near(prev)
        loc = locate(page, nid, by_text=False)
        await loc.find(page).scroll_to(pos[0], left=pos[1], to_lower=to_lower)
        args = f"{pos[0]:g}" + (f", left={pos[1]:g}" if pos[1] else "") + (", to_lower=True" if to_lower else "")
        self.recorder.add(f"await {name}.current_page.{loc.code}.scroll_to({args})")
        return {}
