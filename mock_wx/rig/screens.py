"""What a user's phone shows, as one HTML document and then a PNG: the page's rendered tree and styles
(mock_wx/view/html.py, wxss.py) inside the client's chrome (view/chrome.py), sized from the user's
system info. `Page.screenshot()` and `Element.screenshot()` call `page_screenshot`.
"""

from __future__ import annotations

import asyncio
import base64
import json
import mimetypes
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..api.system import DEFAULT_SYSTEM
from ..view.chrome import Chrome, TabBar, document
from ..view.html import ComponentStyle, Device, TreeHtml
from ..view.screenshot import render_png
from ..view.wxss import StyleSheets

if TYPE_CHECKING:
    from ..runtime.loader import AppBundle
    from .page import Page

__all__ = ["device_of", "page_document", "page_screenshot"]

#: The phone a screenshot shows unless the test gave the user a screen (`user.ctx.system`).
DEFAULT_DEVICE = Device()
_IMAGE_LIMIT = 2_000_000  # bytes: larger local images are drawn as placeholders (keeps documents small)


def device_of(system: dict[str, Any]) -> Device:
    """The screen of the system info a test set on the user (`user.ctx.system`) over the defaults the user's
    `wx.getSystemInfoSync()` answers (375 × 667 @2), so a page and its screenshot agree on the phone."""
    s = {**DEFAULT_SYSTEM, **system}
    width = int(s.get("screenWidth") or s.get("windowWidth") or DEFAULT_DEVICE.width)
    return Device(width, int(s.get("screenHeight") or DEFAULT_DEVICE.height),
                  float(s.get("pixelRatio") or DEFAULT_DEVICE.dpr), ios=str(s.get("platform", "ios")) == "ios",
                  status_bar=int(s.get("statusBarHeight") or DEFAULT_DEVICE.status_bar))


def _sheets(app: AppBundle) -> StyleSheets:
    s = app.derived.get("stylesheets")
    if s is None:
        s = app.derived["stylesheets"] = StyleSheets(app.root)
    return s  # type: ignore[no-any-return]


def _local_file(app: AppBundle, src: str, base: str) -> Path | None:
    if "://" in src or src.startswith(("data:", "//")):
        return None
    rel = src.lstrip("/") if src.startswith("/") else posixpath.normpath(posixpath.join(posixpath.dirname(base), src))
    p = (app.root / rel).resolve()
    try:
        p.relative_to(app.root.resolve())
    except ValueError:
        return None
    return p if p.is_file() else None


def _data_url(app: AppBundle, src: str, base: str) -> str | None:
    """A local image (app folder) as a data: URL; remote ones are drawn as placeholders (None)."""
    if src.startswith("data:image/"):
        return src
    p = _local_file(app, src, base)
    if p is None or p.stat().st_size > _IMAGE_LIMIT:
        return None
    mime = mimetypes.guess_type(p.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(p.read_bytes()).decode()}"


def _component_style(page: Page, app: AppBundle) -> Any:
    realm = page.user._realm_or_raise()

    def style(cid: int, path: str) -> ComponentStyle:
        # The realm's snapshot does not carry a component's options yet: read them from its definition.
        try:
            text = realm.engine.eval(
                "(function (O) { var o = O.def.options || {}; return JSON.stringify({s: o.styleIsolation || null, "
                f"g: !!o.addGlobalClass, x: O.def.externalClasses || []}}); }})(__wxView.component({int(cid)}))")
            opts = json.loads(text)
        except Exception:
            opts = {"s": None, "g": False, "x": []}
        cfg: dict[str, Any] = {}
        cfg_file = app.root / f"{path}.json"
        if cfg_file.is_file():
            try:
                cfg = json.loads(cfg_file.read_text(encoding="utf-8"))
            except json.JSONDecodeError:
                cfg = {}
        isolation = opts.get("s") or cfg.get("styleIsolation") or "isolated"
        if isolation == "isolated" and (opts.get("g") or cfg.get("addGlobalClass")):
            isolation = "apply-shared"
        if isolation.startswith("page"):  # page-isolated / page-apply-shared / page-shared (Component pages)
            isolation = isolation[len("page-"):] if isolation != "page-isolated" else "isolated"
        return ComponentStyle(path, isolation, tuple(str(x) for x in opts.get("x") or ()))

    return style


def _chrome(page: Page, app: AppBundle, *, dialog: dict[str, Any] | None) -> Chrome:
    user = page.user
    ui = user.ctx.ui
    window = app.window(page.route)
    bar = (ui.get("navigationBar") or {}).get(page.route, {})
    front = bar.get("frontColor")
    text_style = ("white" if str(front).lower() in ("#ffffff", "#fff") else "black") if front else \
        str(window.get("navigationBarTextStyle", "white"))
    stack = user.realm.router.stack
    chrome = Chrome(
        title=str(bar.get("title", window.get("navigationBarTitleText", ""))),
        nav_background=str(bar.get("backgroundColor") or window.get("navigationBarBackgroundColor", "#000000")),
        nav_text=text_style,
        nav_custom=window.get("navigationStyle") == "custom",
        nav_loading=bool(bar.get("loading")),
        back=len(stack) > 1 and stack[-1].id == page.id,
        background=str(window.get("backgroundColor", "#ffffff")),
    )
    tab_cfg = app.config.get("tabBar") or {}
    state = ui.get("tabBarState") or {}
    if page.route in app.tab_pages and not tab_cfg.get("custom") and not state.get("hidden"):
        items = []
        for item in tab_cfg.get("list", []):
            icon = item.get("iconPath")
            sel = item.get("selectedIconPath")
            items.append({"text": item.get("text", ""),
                          "icon": _data_url(app, "/" + icon, "") if icon else None,
                          "selected_icon": _data_url(app, "/" + sel, "") if sel else None})
        chrome.tab_bar = TabBar(items, app.tab_pages.index(page.route),
                                color=str(tab_cfg.get("color", "#7a7e83")),
                                selected_color=str(tab_cfg.get("selectedColor", "#3cc51f")),
                                background=str(tab_cfg.get("backgroundColor", "#f7f7f7")),
                                border=str(tab_cfg.get("borderStyle", "black")),
                                badges=dict(state.get("badges") or {}), dots=set(state.get("dots") or ()))
    now = user.ctx.clock.time()
    toast = ui.get("toast")
    if toast and float(toast.get("until", now + 1)) > now:
        chrome.overlays.append({"kind": "toast", **toast})
    if ui.get("loading"):
        chrome.overlays.append({"kind": "loading", **ui["loading"]})
    if dialog is not None:
        chrome.overlays.append(dialog)
    return chrome


def page_document(page: Page, *, dialog: dict[str, Any] | None = None) -> tuple[str, Device]:
    """The HTML document of what `page`'s user sees now, and the device it is drawn for. `dialog`: one
    entry of `user.dialogs.shown` (a modal, action sheet or payment sheet) to draw on top."""
    app = page.user.sim.bundle
    device = device_of(page.user.ctx.system)
    view = page._view()
    tree = TreeHtml(view.snapshot(page.id), int(view.call("pageOwner", page.id)), device,
                    components=_component_style(page, app),
                    image=lambda src: _data_url(app, src, page.route))
    body = tree.render()
    sheets = _sheets(app)
    css = [sheets.css("app.wxss", device.width, ios_hairline=device.ios),
           sheets.css(f"{page.route}.wxss", device.width, ios_hairline=device.ios)]
    for path, style in tree.used.items():
        css.append(sheets.css(f"{path}.wxss", device.width, style.prefix, rename=style.isolation != "shared",
                              ios_hairline=device.ios))
    return document(body, css, device, _chrome(page, app, dialog=dialog)), device


async def page_screenshot(page: Page, path: str | Path | None = None, *, nid: int | None = None,
                          dialog: dict[str, Any] | None = None) -> bytes:
    """PNG of the user's screen (or of one element, `nid`), written to `path` when given."""
    doc, device = page_document(page, dialog=dialog)
    png = await render_png(doc, device.width, device.height, device.dpr,
                           selector=None if nid is None else f'[data-nid="{int(nid)}"]')
    if path is not None:
        await asyncio.to_thread(Path(path).write_bytes, png)
    return png
