"""The test rig: Simulator, VirtualUser, Page, the pytest plugin and the `wxsim` CLI."""

from .page import Page
from .share import ShareCard
from .simulator import Simulator
from .user import VirtualUser

__all__ = ["Page", "ShareCard", "Simulator", "VirtualUser"]
