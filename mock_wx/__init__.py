"""wxsim: a headless WeChat mini program simulator and end-to-end test rig.

    async with Simulator("miniprogram/") as sim:
        alice = sim.user("alice")
        page = await alice.launch("/pages/index/index")
"""

from .clock import VirtualClock
from .errors import (
    AppLoadError,
    JSError,
    NavigationError,
    PlatformError,
    SettleLoopError,
    StrictModeError,
    WaitTimeout,
    WxApiError,
    WxError,
)
from .rig import Page, ShareCard, Simulator, VirtualUser
from .trace import Event, Finding, Trace

__version__ = "0.1.0"

__all__ = [
    "AppLoadError", "Event", "Finding", "JSError", "NavigationError", "Page", "PlatformError", "SettleLoopError", "ShareCard", "Simulator",
    "StrictModeError", "Trace", "VirtualClock", "VirtualUser", "WaitTimeout", "WxApiError", "WxError",
]
