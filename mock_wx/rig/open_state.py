"""What `wxsim open`'s parts share: the session (simulation, users, recorded journey) and the error an action
the page cannot do raises. `OpenApp` (open_app.py) is this plus the web app and the actions; scrolling
(open_scroll.py) and the session replays behind dialogs and fidelity (open_replay.py) are mixed in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .recorder import JourneyRecorder
    from .simulator import Simulator
    from .user import VirtualUser

__all__ = ["ActionError", "OpenState"]


class ActionError(Exception):
    """An action the page cannot do (unknown user, bad answer): shown in the page, not recorded."""


class OpenState:
    """The session as the action mixins see it (set up by `OpenApp.__init__`)."""

    sim: Simulator
    names: list[str]
    fidelity: str
    recorder: JourneyRecorder

    def _user(self, name: Any) -> VirtualUser:
        if name not in self.names:
            raise ActionError(f"no user {name!r} (users: {', '.join(self.names)})")
        return self.sim.user(name)
