"""A page's rendered tree as HTML, for screenshots (pure Python; Playwright lives in screenshot.py).

Every node becomes a custom element `wx-<tag>` carrying `data-nid` (so an element's screenshot finds it)
and its attributes; built-in components get the inner markup of their default look (css/builtin.css);
component nodes get their classes renamed per the component's `styleIsolation` (wxss.py explains the
scheme). Remote images become sized placeholders: the screenshot never touches the network.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from .wxss import class_prefix, rpx_to_px

__all__ = ["ComponentStyle", "Device", "TreeHtml"]

_ATTR_NAME = re.compile(r"^[A-Za-z_][\w\-.:]*$")
#: Attributes the screenshot page does not need (values shown through inner markup, or event-only).
_SKIP_ATTRS = {"class", "style", "src", "nodes", "value", "placeholder", "checked", "current", "wx:key"}
_ISOLATIONS = ("isolated", "apply-shared", "shared")

#: What `icon type=...` draws: glyph and default colour (base library defaults).
_ICONS = {
    "success": ("✓", "#09bb07"), "success_no_circle": ("✓", "#09bb07"), "info": ("i", "#10aeff"),
    "warn": ("!", "#f76260"), "waiting": ("◷", "#10aeff"), "cancel": ("×", "#f43530"),
    "download": ("↓", "#09bb07"), "search": ("⌕", "#b2b2b2"), "clear": ("×", "#b2b2b2"),
}


@dataclass(frozen=True)
class Device:
    """The phone the screenshot shows: CSS px size, pixel ratio, iOS (rpx hairlines of 0.5 px)."""

    width: int = 375
    height: int = 667
    dpr: float = 2.0
    ios: bool = True
    status_bar: int = 20


@dataclass(frozen=True)
class ComponentStyle:
    """How one component's styles meet the page's (Component options / component json)."""

    path: str
    isolation: str = "isolated"           # isolated | apply-shared | shared
    external_classes: tuple[str, ...] = ()

    @property
    def prefix(self) -> str:
        return class_prefix(self.path)


def _truthy(v: Any) -> bool:
    return v not in (None, False, "", "false", 0)


def _num(v: Any, default: float) -> float:
    try:
        return float(v)
    except (TypeError, ValueError):
        return default


@dataclass
class _Owner:
    style: ComponentStyle | None     # None: the page
    parent: int | None
    external_tokens: set[str] = field(default_factory=set)


class TreeHtml:
    """Renders one snapshot (`RealmView.snapshot`) of a page to HTML."""

    def __init__(self, snapshot: list[Any], page_owner: int, device: Device, *,
                 components: Callable[[int, str], ComponentStyle] | None = None,
                 image: Callable[[str], str | None] | None = None) -> None:
        """`components(instance_id, path)` says how a component instance isolates its styles (default:
        isolated, no external classes); `image(src)` gives a local image's data: URL (None → placeholder)."""
        self.snapshot = snapshot
        self.device = device
        self._components = components or (lambda _i, path: ComponentStyle(path))
        self._image = image or (lambda _src: None)
        self.owners: dict[int, _Owner] = {page_owner: _Owner(None, None)}
        self.used: dict[str, ComponentStyle] = {}   # component path -> style, in first-seen order

    # ------------------------------------------------------------------ classes
    def _classes(self, owner: int, tokens: list[str]) -> list[str]:
        o = self.owners.get(owner)
        if o is None or o.style is None:
            return tokens
        out: list[str] = []
        for t in tokens:
            if t in o.external_tokens and o.parent is not None:
                out += self._classes(o.parent, [t])  # an external class is styled by the user of the component
            elif o.style.isolation == "shared":
                out.append(t)
            elif o.style.isolation == "apply-shared":
                out += [o.style.prefix + t, t]
            else:
                out.append(o.style.prefix + t)
        return out

    def _register(self, cid: int, path: str, owner: int, attrs: dict[str, Any]) -> ComponentStyle:
        style = self._components(cid, path)
        if style.isolation not in _ISOLATIONS:
            style = ComponentStyle(style.path, "isolated", style.external_classes)
        ext: set[str] = set()
        for name in style.external_classes:
            v = attrs.get(name)
            if isinstance(v, str):
                ext.update(v.split())
        self.owners[cid] = _Owner(style, owner, ext)
        self.used.setdefault(path, style)
        return style

    # ------------------------------------------------------------------ nodes
    def render(self) -> str:
        """The page's body (the children of `<wx-page>`)."""
        out: list[str] = []
        self._list(self.snapshot, out)
        return "".join(out)

    def _list(self, items: list[Any], out: list[str]) -> None:
        for item in items:
            if isinstance(item, str):
                out.append(html.escape(item, quote=False))
            else:
                self._node(item, out)

    def _style(self, v: Any) -> str:
        return rpx_to_px(str(v), self.device.width, ios_hairline=self.device.ios) if v else ""

    def _node(self, item: list[Any], out: list[str]) -> None:
        tag, attrs, children, meta = item
        owner = int(meta["o"])
        host_attr = ""
        if "c" in meta:
            style = self._register(int(meta["c"]), str(meta.get("p") or tag), owner, attrs)
            if meta.get("v"):  # virtualHost: no element of its own
                self._list(children, out)
                return
            host_attr = f' wx-host="{html.escape(style.prefix)}"'
        name = "wx-" + tag if re.match(r"^[a-z][a-z0-9-]*$", tag) else "wx-unknown"
        parts = [f'<{name} data-nid="{int(meta["i"])}"{host_attr}']
        cls = attrs.get("class")
        if isinstance(cls, str) and cls.split():
            parts.append(f' class="{html.escape(" ".join(self._classes(owner, cls.split())))}"')
        extra_style = self._extra_style(tag, attrs)
        style_text = "; ".join(s for s in (self._style(attrs.get("style")), extra_style) if s)
        if style_text:
            parts.append(f' style="{html.escape(style_text)}"')
        for k, v in attrs.items():
            if k in _SKIP_ATTRS or not _ATTR_NAME.match(k) or isinstance(v, (dict, list)) or v is None:
                continue
            if k == "hidden" or isinstance(v, bool):
                if _truthy(v):
                    parts.append(f" {k}")
                continue
            parts.append(f' {k}="{html.escape(str(v))}"')
        out.append("".join(parts) + ">")
        inner = getattr(self, "_inner_" + tag.replace("-", "_"), None)
        if inner is not None:
            inner(attrs, children, out)
        else:
            self._list(children, out)
        out.append(f"</{name}>")

    def _extra_style(self, tag: str, attrs: dict[str, Any]) -> str:
        if tag == "image" and attrs.get("mode") == "widthFix":
            return "height: auto !important; aspect-ratio: 4 / 3"
        if tag == "image" and attrs.get("mode") == "heightFix":
            return "width: auto !important; aspect-ratio: 4 / 3"
        return ""

    # ------------------------------------------------------------------ built-ins' inner markup
    _MODES: ClassVar[dict[str, str]] = {"scaleToFill": "100% 100%", "aspectFit": "contain", "aspectFill": "cover", "widthFix": "100% 100%",
              "heightFix": "100% 100%"}

    def _inner_image(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        src = str(attrs.get("src") or "")
        url = self._image(src) if src else None
        mode = str(attrs.get("mode") or "scaleToFill")
        if url is None:
            out.append('<div class="wxsim-img wxsim-img-ph"></div>')
            return
        size = self._MODES.get(mode, "auto")
        pos = {"top": "top", "bottom": "bottom", "left": "left", "right": "right", "top left": "top left",
               "top right": "top right", "bottom left": "bottom left", "bottom right": "bottom right"}.get(mode, "center")
        out.append(f'<div class="wxsim-img" style="background-image: url(&quot;{html.escape(url)}&quot;); '
                   f'background-size: {size}; background-position: {pos}"></div>')

    def _inner_button(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        if _truthy(attrs.get("loading")):
            out.append('<i class="wxsim-spin"></i>')
        self._list(children, out)

    def _inner_input(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        value = attrs.get("value")
        text = "" if value is None else str(value)
        if text:
            if attrs.get("password") not in (None, False, "false") or attrs.get("type") == "safe-password":
                text = "●" * len(text)
            out.append(f"<span>{html.escape(text)}</span>")
        elif attrs.get("placeholder"):
            ph_style = self._style(attrs.get("placeholder-style"))
            ph_cls = " ".join(str(attrs.get("placeholder-class") or "").split())
            out.append(f'<span class="wxsim-ph {html.escape(ph_cls)}" style="{html.escape(ph_style)}">'
                       f'{html.escape(str(attrs["placeholder"]))}</span>')

    _inner_textarea = _inner_input

    def _inner_switch(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        on = _truthy(attrs.get("checked"))
        color = html.escape(str(attrs.get("color") or "#07c160"))
        if attrs.get("type") == "checkbox":
            self._box(on, color, False, out)
            return
        style = f' style="background: {color}; border-color: {color}"' if on else ""
        out.append(f'<span class="wxsim-switch{" on" if on else ""}"{style}></span>')

    def _box(self, on: bool, color: str, round_: bool, out: list[str]) -> None:
        cls = "wxsim-box" + (" round" if round_ else "") + (" on" if on else "")
        style = (f' style="background: {color}; border-color: {color}"' if round_ else f' style="color: {color}"') if on else ""
        out.append(f'<span class="{cls}"{style}>{"✓" if on else ""}</span>')

    def _inner_checkbox(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        self._box(_truthy(attrs.get("checked")), html.escape(str(attrs.get("color") or "#09bb07")), False, out)
        self._list(children, out)

    def _inner_radio(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        self._box(_truthy(attrs.get("checked")), html.escape(str(attrs.get("color") or "#09bb07")), True, out)
        self._list(children, out)

    def _inner_slider(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        lo, hi = _num(attrs.get("min"), 0), _num(attrs.get("max"), 100)
        v = min(max(_num(attrs.get("value"), lo), lo), hi)
        pct = 0.0 if hi <= lo else (v - lo) * 100 / (hi - lo)
        active = html.escape(str(attrs.get("activeColor") or attrs.get("active-color") or "#1aad19"))
        out.append(f'<div class="wxsim-track"><div class="wxsim-fill" style="width: {pct:g}%; background: {active}">'
                   f'</div><div class="wxsim-thumb" style="left: {pct:g}%"></div></div>')
        if _truthy(attrs.get("show-value")):
            out.append(f"<span>{v:g}</span>")

    def _inner_progress(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        pct = min(max(_num(attrs.get("percent"), 0), 0), 100)
        stroke = _num(attrs.get("stroke-width"), 6)
        active = html.escape(str(attrs.get("activeColor") or attrs.get("active-color") or attrs.get("color") or "#09bb07"))
        bg = html.escape(str(attrs.get("backgroundColor") or attrs.get("background-color") or "#ebebeb"))
        out.append(f'<div class="wxsim-bar" style="height: {stroke:g}px; background: {bg}; '
                   f'border-radius: {_num(attrs.get("border-radius"), 0):g}px">'
                   f'<div style="width: {pct:g}%; background: {active}"></div></div>')
        if _truthy(attrs.get("show-info")):
            out.append(f'<span class="wxsim-info" style="font-size: {_num(attrs.get("font-size"), 16):g}px">{pct:g}%</span>')

    def _inner_icon(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        glyph, color = _ICONS.get(str(attrs.get("type")), ("?", "#b2b2b2"))
        size = _num(re.sub(r"px$", "", str(attrs.get("size") or "23")), 23)
        color = html.escape(str(attrs.get("color") or color))
        if attrs.get("type") in ("success_no_circle", "search", "clear"):
            out.append(f'<span class="wxsim-icon" style="width: {size:g}px; height: {size:g}px; color: {color}; '
                       f'font-size: {size * .8:g}px; line-height: {size:g}px">{glyph}</span>')
        else:
            out.append(f'<span class="wxsim-icon" style="width: {size:g}px; height: {size:g}px; background: {color}; '
                       f'font-size: {size * .7:g}px; line-height: {size:g}px">{glyph}</span>')

    def _inner_swiper(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        # Only the current item shows (the realm keeps `current` as the swiper's state).
        items = [c for c in children if not isinstance(c, str)]
        current = int(_num(attrs.get("current"), 0))
        for i, c in enumerate(items):
            if i != current:
                c = [c[0], {**c[1], "wxsim-off": True}, c[2], c[3]]
            self._node(c, out)
        if _truthy(attrs.get("indicator-dots")) and items:
            dot = html.escape(str(attrs.get("indicator-color") or "rgba(0,0,0,.3)"))
            act = html.escape(str(attrs.get("indicator-active-color") or "#000"))
            dots = "".join(f'<i class="wxsim-dot" style="background: {act if i == current else dot}"></i>'
                           for i in range(len(items)))
            out.append(f'<div class="wxsim-dots">{dots}</div>')

    def _inner_rich_text(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        nodes = attrs.get("nodes")
        if isinstance(nodes, str):
            out.append(_safe_html(nodes))
        elif isinstance(nodes, list):
            _rich_nodes(nodes, out)

    def _inner_video(self, attrs: dict[str, Any], children: list[Any], out: list[str]) -> None:
        out.append("▶")
        self._list(children, out)


_TAG = re.compile(r"<\s*(/?)\s*([A-Za-z][\w-]*)([^>]*)>")
_RICH_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "col", "colgroup", "dd", "del", "div", "dl", "dt", "em",
              "fieldset", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "label", "legend", "li", "ol",
              "p", "q", "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul"}


def _safe_html(text: str) -> str:
    """rich-text `nodes` given as an HTML string: only the tags rich-text accepts, without event handlers."""

    def one(m: re.Match[str]) -> str:
        name = m.group(2).lower()
        if name not in _RICH_TAGS:
            return ""
        attrs = re.sub(r"""\s(on\w+|src|href)\s*=\s*("[^"]*"|'[^']*'|\S+)""", "", m.group(3))
        if name == "img":
            return '<span class="wxsim-img-ph" style="display:inline-block;width:40px;height:30px"></span>'
        return f"<{m.group(1)}{name}{attrs}>"

    return _TAG.sub(one, text)


def _rich_nodes(nodes: list[Any], out: list[str]) -> None:
    for n in nodes:
        if not isinstance(n, dict):
            continue
        if n.get("type") == "text":
            out.append(html.escape(str(n.get("text", "")), quote=False))
            continue
        name = str(n.get("name", "")).lower()
        if name not in _RICH_TAGS:
            continue
        a = n.get("attrs")
        if not isinstance(a, dict):
            a = {}
        parts = "".join(f' {k}="{html.escape(str(v))}"' for k, v in a.items()
                        if k in ("class", "style", "id", "width", "height") and _ATTR_NAME.match(k))
        if name == "img":
            out.append('<span class="wxsim-img-ph" style="display:inline-block;width:40px;height:30px"></span>')
            continue
        out.append(f"<{name}{parts}>")
        _rich_nodes(n.get("children") or [], out)
        out.append(f"</{name}>")
