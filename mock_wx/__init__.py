"""wxsim: a headless WeChat mini program simulator and end-to-end test rig.

    async with Simulator("miniprogram/") as sim:
        alice = sim.user("alice")
        page = await alice.launch("/pages/index/index")
"""

from .clock import VirtualClock
from .errors import (
    AppLoadError,
    ElementError,
    ElementNotFound,
    JSError,
    MockError,
    NavigationError,
    PlatformError,
    SettleLoopError,
    StrictModeError,
    WaitTimeout,
    WxApiError,
    WxError,
)
from .rig import Page, ShareCard, Simulator, VirtualUser
from .rig.element import Element
from .trace import Event, Finding, Trace
from .view import WxmlSyntaxError

__version__ = "0.1.0"

__all__ = [
    "AppLoadError", "Element", "ElementError", "ElementNotFound", "Event", "Finding", "JSError", "MockError", "NavigationError", "Page", "PlatformError", "SettleLoopError", "ShareCard", "Simulator",
    "StrictModeError", "Trace", "VirtualClock", "VirtualUser", "WaitTimeout", "WxApiError", "WxError",
    "WxmlSyntaxError",
]
