"""`--screenshots on`: the screen after every step of a journey, for the report.

A step's result is what its user sees when the next step starts (or when the journey ends), so the
screen is captured then, synchronously, as an HTML document (mock_wx/rig/screens.py, about a millisecond)
— the journey never waits for the browser; the PNGs are drawn after it has finished.
"""

from __future__ import annotations

from typing import Any

from ..trace import Event
from ..view.screenshot import ScreenshotUnavailable, render_png
from .report_steps import starts_step
from .screens import page_document

__all__ = ["StepScreens"]

#: The screen after a step is drawn at 1 CSS pixel per pixel (375 × 667 for the default phone): a report
#: with a screen after each of a few hundred steps stays a third of the size it would be at the phone's
#: DPR 2 (the failure screens keep the phone's DPR).
STEP_DPR = 1.0


class StepScreens:
    """Watches a simulation's trace; after the journey, `render()` gives a screenshot per step."""

    def __init__(self, sim: Any) -> None:
        self.sim = sim
        self._pending: tuple[int, str] | None = None  # (event index, user) of the step whose result is unseen
        self._last = ("", "")  # (kind, user) of the event that started the last step
        self._docs: list[tuple[int, str, str, Any]] = []   # (event index, user, page route, (doc, device))
        sim.trace.listeners.append(self._on_event)

    def _on_event(self, e: Event) -> None:
        if not starts_step(e, *self._last):
            return
        self._last = (e.kind, e.user)
        self.capture()
        self._pending = (len(self.sim.trace.events) - 1, e.user)

    def capture(self) -> None:
        """The pending step's user's screen as it is now (nothing if that user has no page to show)."""
        if self._pending is None:
            return
        index, name = self._pending
        self._pending = None
        user = next((u for u in self.sim.all_users if u.name == name), None)
        if user is None:
            return
        try:
            page = user.current_page
            self._docs.append((index, name, page.route, page_document(page)))
        except Exception:
            return  # relaunching, closed, or no view: this step has no screen

    def detach(self) -> None:
        if self._on_event in self.sim.trace.listeners:
            self.sim.trace.listeners.remove(self._on_event)

    async def render(self) -> list[dict[str, Any]]:
        """[{user, page, when: "after step", event (its trace index), png}] in step order."""
        self.capture()
        self.detach()
        out: list[dict[str, Any]] = []
        for index, user, route, (doc, device) in self._docs:
            try:
                png = await render_png(doc, device.width, device.height, STEP_DPR)
            except ScreenshotUnavailable:
                return out
            out.append({"user": user, "page": route, "when": "after step", "event": index, "png": png})
        return out
