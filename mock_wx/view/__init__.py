"""The view layer: WXML compiled per app, rendered per page, custom components, events from elements.

It sits on the runtime (`mock_wx.runtime`), never the reverse (DESIGN.md): the runtime tells whatever view
is attached about pages and setData; the view calls back into the runtime to deliver events.
"""

from .bundle import ViewBundle
from .parser import WxmlSyntaxError
from .realm_view import RealmView, attach

__all__ = ["RealmView", "ViewBundle", "WxmlSyntaxError", "attach"]
