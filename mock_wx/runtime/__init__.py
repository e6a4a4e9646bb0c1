"""The logic-layer host: one JS realm per virtual user, the app's modules, lifecycle and the bridge."""

from .engine import JSEngine, QuickJSEngine
from .loader import AppBundle
from .realm import Realm
from .router import MAX_STACK, PageRecord, Router

__all__ = ["MAX_STACK", "AppBundle", "JSEngine", "PageRecord", "QuickJSEngine", "Realm", "Router"]
