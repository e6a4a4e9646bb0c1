"""The QA test API mixed into `VirtualUser`, `Page` and `Simulator` (what Minium and miniprogram-automator
users expect): mocks, hooks, evaluate, navigation, permissions, waiting. See docs/testing-api.md."""

from __future__ import annotations

from .automation import AutomationUser
from .hooks import HookingPage, HookingUser
from .mocking import MockingSim, MockingUser
from .waiting import WaitingPage, WaitingUser

__all__ = ["PageTesting", "SimTesting", "UserTesting"]


class UserTesting(MockingUser, HookingUser, AutomationUser, WaitingUser):
    """Mixed into `VirtualUser`."""


class PageTesting(HookingPage, WaitingPage):
    """Mixed into `Page`."""


class SimTesting(MockingSim):
    """Mixed into `Simulator`."""
