"""The WeChat client around a page in a screenshot: status bar, navigation bar, tab bar and what the user
sees on top (toast, loading, modal, action sheet, payment sheet) — one HTML document per screenshot."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .html import Device

__all__ = ["Chrome", "TabBar", "document"]


@cache
def _css(name: str) -> str:
    return resources.files(__package__).joinpath("css", name).read_text(encoding="utf-8")


@dataclass
class TabBar:
    """app.json `tabBar` as it is drawn now (badges and red dots from wx.setTabBarBadge & co.)."""

    items: list[dict[str, Any]]          # {text, icon (data: URL or None), selected_icon}
    selected: int
    color: str = "#7a7e83"
    selected_color: str = "#3cc51f"
    background: str = "#f7f7f7"
    border: str = "black"
    badges: dict[int, str] = field(default_factory=dict)
    dots: set[int] = field(default_factory=set)


@dataclass
class Chrome:
    """Everything around the page: window config merged with what the page's JS changed."""

    title: str = ""
    nav_background: str = "#000000"
    nav_text: str = "white"               # navigationBarTextStyle: white | black
    nav_custom: bool = False              # navigationStyle: custom (the page draws its own bar)
    nav_loading: bool = False
    back: bool = False                    # a page below this one in the stack
    background: str = "#ffffff"           # window backgroundColor (behind the page)
    tab_bar: TabBar | None = None
    overlays: list[dict[str, Any]] = field(default_factory=list)  # toast / loading / modal / actionSheet / payment


def _e(v: Any) -> str:
    return html.escape(str(v))


def _status(device: Device, chrome: Chrome) -> str:
    fg = "#fff" if chrome.nav_text == "white" and not chrome.nav_custom else "#000"
    bg = "transparent" if chrome.nav_custom else _e(chrome.nav_background)
    return (f'<div id="wxsim-status" style="height: {device.status_bar}px; line-height: {device.status_bar}px; '
            f'color: {fg}; background: {bg}">9:41</div>')


def _nav(device: Device, chrome: Chrome) -> str:
    dark = chrome.nav_text == "white"
    fg = "#fff" if dark else "#000"
    back = '<i class="back"></i>' if chrome.back else ""
    loading = '<i class="loading"></i>' if chrome.nav_loading else ""
    capsule = (f'<div class="capsule{" dark" if dark else ""}"><span style="left: 0">···</span><i></i>'
               '<span style="left: 43px">◉</span></div>')
    if chrome.nav_custom:  # the page draws its own bar; the capsule stays (§ menu button)
        return f'<div id="wxsim-nav" style="top: {device.status_bar}px; background: transparent">{capsule}</div>'
    return (f'<div id="wxsim-nav" style="top: {device.status_bar}px; background: {_e(chrome.nav_background)}; '
            f'color: {fg}">{back}<span class="t">{loading}{_e(chrome.title)}</span>{capsule}</div>')


def _tab_bar(tb: TabBar) -> str:
    border = "rgba(0,0,0,.33)" if tb.border == "black" else "rgba(255,255,255,.33)"
    cells = []
    for i, item in enumerate(tb.items):
        on = i == tb.selected
        color = tb.selected_color if on else tb.color
        icon = item.get("selected_icon") if on and item.get("selected_icon") else item.get("icon")
        badge = ""
        if i in tb.badges:
            badge = f'<span class="badge">{_e(tb.badges[i])}</span>'
        elif i in tb.dots:
            badge = '<span class="dot"></span>'
        if icon:
            cells.append(f'<div class="item" style="color: {_e(color)}"><i class="icon" style="background-image: '
                         f'url(&quot;{_e(icon)}&quot;)"></i>{_e(item.get("text", ""))}{badge}</div>')
        else:
            cells.append(f'<div class="item text-only" style="color: {_e(color)}">{_e(item.get("text", ""))}{badge}</div>')
    return (f'<div id="wxsim-tabbar" style="background: {_e(tb.background)}; border-top: 0.5px solid {border}">'
            f'{"".join(cells)}</div>')


def _toast(o: dict[str, Any]) -> str:
    mask = '<div class="wxsim-mask"></div>' if o.get("mask") else ""
    icon = o.get("icon", "success")
    if o["kind"] == "loading":
        icon = "loading"
    glyph = {"success": '<i class="ic">✓</i>', "error": '<i class="ic">✕</i>',
             "loading": '<i class="ic spin"></i>'}.get(str(icon), "")
    cls = "wxsim-toast" if glyph else "wxsim-toast text"
    return f'{mask}<div class="{cls}">{glyph}{_e(o.get("title", ""))}</div>'


def _modal(o: dict[str, Any]) -> str:
    title = f'<div class="hd">{_e(o["title"])}</div>' if o.get("title") else ""
    content = f'<div class="bd">{_e(o["content"])}</div>' if o.get("content") else ""
    if not title and not content:
        content = '<div class="bd"></div>'
    editable = (f'<div class="input">{_e(o.get("placeholderText") or "")}</div>' if o.get("editable") else "")
    cancel = (f'<div style="color: {_e(o.get("cancelColor", "#000000"))}">{_e(o.get("cancelText", "取消"))}</div>'
              if o.get("showCancel", True) else "")
    confirm = f'<div style="color: {_e(o.get("confirmColor", "#576B95"))}">{_e(o.get("confirmText", "确定"))}</div>'
    return (f'<div class="wxsim-mask dim"></div><div class="wxsim-dialog">{title}{content}{editable}'
            f'<div class="ft">{cancel}{confirm}</div></div>')


def _action_sheet(o: dict[str, Any]) -> str:
    color = _e(o.get("itemColor") or "#000000")
    alert = f'<div class="alert">{_e(o["alertText"])}</div>' if o.get("alertText") else ""
    items = "".join(f'<div class="it" style="color: {color}">{_e(t)}</div>' for t in o.get("itemList", []))
    return f'<div class="wxsim-mask dim"></div><div class="wxsim-sheet">{alert}{items}<div class="cancel">取消</div></div>'


def _payment(o: dict[str, Any]) -> str:
    fen = int(o.get("amount") or 0)
    merchant = _e(o.get("merchant") or "商户")
    return ('<div class="wxsim-mask dim"></div><div class="wxsim-sheet"><div class="wxsim-pay"><span class="x">✕</span>'
            f'<div class="brand">微信支付</div><div class="merchant">{merchant}</div>'
            f'<div class="amount"><small>¥</small>{fen // 100}.{fen % 100:02d}</div>'
            '<div class="row"><span>付款方式</span><span>零钱</span></div>'
            '<div class="go">支付</div></div></div>')


#: What a permission prompt asks for (wx.authorize / the API that needs the scope; getUserProfile's `desc`).
_SCOPE_WORDS = {"scope.userLocation": "获取你的位置信息", "scope.userFuzzyLocation": "获取你的模糊位置信息",
                "scope.address": "获取你的通讯地址", "scope.writePhotosAlbum": "保存图片或视频到你的相册",
                "scope.camera": "使用你的摄像头", "scope.record": "使用你的麦克风", "scope.werun": "获取你的微信运动步数",
                "scope.userInfo": "获取你的昵称、头像", "scope.bluetooth": "使用你的蓝牙"}


def _permission(o: dict[str, Any]) -> str:
    """The authorization sheet (authorize, a scope an API needs, getUserProfile): 拒绝 / 允许."""
    asks = o.get("desc") if o["kind"] == "userProfile" else _SCOPE_WORDS.get(str(o.get("scope")), o.get("scope", ""))
    return ('<div class="wxsim-mask dim"></div><div class="wxsim-sheet"><div class="wxsim-auth">'
            f'<div class="who">小程序 申请</div><div class="asks">{_e(asks or "")}</div>'
            '<div class="btns"><span class="deny">拒绝</span><span class="allow">允许</span></div></div></div>')


_OVERLAYS = {"toast": _toast, "loading": _toast, "modal": _modal, "actionSheet": _action_sheet, "payment": _payment,
             "authorize": _permission, "userProfile": _permission}


def document(body: str, css: list[str], device: Device, chrome: Chrome, *, page_style: str = "") -> str:
    """The whole screenshot page: the device-sized screen with the page inside the client's chrome."""
    top = 0 if chrome.nav_custom else device.status_bar + 44
    bottom = 50 if chrome.tab_bar is not None else 0
    parts = [
        '<!DOCTYPE html><html><head><meta charset="utf-8">',
        f'<meta name="viewport" content="width={device.width}">',
        f"<style>{_css('builtin.css')}</style>",
        *(f"<style>{c}</style>" for c in css if c),
        f"<style>{_css('chrome.css')}</style>",
        f'</head><body><div id="wxsim-screen" style="width: {device.width}px; height: {device.height}px; '
        f'background: {_e(chrome.background)}">',
        f'<div id="wxsim-viewport" style="top: {top}px; bottom: {bottom}px">',
        f'<wx-page style="{_e(page_style)}">{body}</wx-page></div>',
        _status(device, chrome),
        _nav(device, chrome),
        _tab_bar(chrome.tab_bar) if chrome.tab_bar is not None else "",
        *(_OVERLAYS[o["kind"]](o) for o in chrome.overlays if o.get("kind") in _OVERLAYS),
        "</div></body></html>",
    ]
    return "".join(parts)
