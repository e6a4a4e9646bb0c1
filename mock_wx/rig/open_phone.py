"""One phone in `wxsim open`: the user's screen as the screenshot HTML (rig/screens.py) made to scroll and
to send back what the person does — a click taps, a right click long-presses, the wheel or a drag scrolls the
page or a scroll-view, a click on a drawn dialog's button answers it.

The screenshot HTML lays the page out but never scrolls (a screenshot shows the top of the page); here the
page element itself becomes the scroller, so the navigation bar, the tab bar and `position: fixed` elements
(whose containing block is the viewport) stay put while the content moves, as in the client.
"""

from __future__ import annotations

import json
from typing import Any

from .screens import page_document

__all__ = ["DIALOG_BUTTONS", "phone_document"]

#: How each drawn dialog's buttons answer it, by selector and position in chrome.py's markup:
#: (selector, index among its matches, answer). The answers are those of `user.dialogs.next` /
#: `user.payments.next`; "fail" (a payment that fails) has no button on the phone.
DIALOG_BUTTONS: dict[str, list[tuple[str, int, Any]]] = {
    "payment": [(".wxsim-pay .x", 0, "cancel"), (".wxsim-pay .go", 0, "confirm")],
    "authorize": [(".wxsim-auth .deny", 0, "deny"), (".wxsim-auth .allow", 0, "allow")],
    "userProfile": [(".wxsim-auth .deny", 0, "deny"), (".wxsim-auth .allow", 0, "allow")],
}


def _buttons(entry: dict[str, Any]) -> list[tuple[str, int, Any]]:
    kind = entry["kind"]
    if kind == "modal":  # cancel (when shown) then confirm, left to right
        if entry.get("showCancel", True):
            return [(".wxsim-dialog .ft > div", 0, "cancel"), (".wxsim-dialog .ft > div", 1, "confirm")]
        return [(".wxsim-dialog .ft > div", 0, "confirm")]
    if kind == "actionSheet":
        items = [(".wxsim-sheet .it", i, i) for i in range(len(entry.get("itemList") or []))]
        return [*items, (".wxsim-sheet .cancel", 0, "cancel")]
    return DIALOG_BUTTONS.get(kind, [])


#: The page element scrolls (see above); scroll-views scroll along their axes and keep a wheel that reaches
#: their end to themselves, so one scroll is one step (UNCONFIRMED whether the client chains it to the page).
_STYLE = """<style>
#wxsim-viewport > wx-page { position: absolute; top: 0; left: 0; right: 0; bottom: 0; min-height: 0;
  overflow-y: auto; overscroll-behavior: contain; scrollbar-width: none; }
wx-scroll-view[scroll-y] { overflow-y: auto; scrollbar-width: none; overscroll-behavior: contain; }
wx-scroll-view[scroll-x] { overflow-x: auto; scrollbar-width: none; overscroll-behavior: contain; }
.wxsim-toast { pointer-events: none; }
#wxsim-screen { user-select: none; }
[data-answer] { cursor: pointer; }
#wxsim-answered { position: absolute; left: 8px; right: 8px; top: 4px; z-index: 10; padding: 4px 8px; border-radius: 6px;
  background: #fff6d6; color: #333; font: 12px/1.4 sans-serif; }
</style>"""

#: Injected into each phone. A scroll is sent once the wheel or drag has stopped (a person's scroll is one
#: action, not sixty), with the geometry the browser laid out: the simulation does no layout of its own.
_SCRIPT = """<script>
(function () {
  var USER = %(user)s, DIALOG = %(dialog)s, SCROLLED = %(scrolled)s;
  function act(kind, value) { if (parent.wxsimAct) parent.wxsimAct(USER, kind, value); }
  var page = document.querySelector('#wxsim-viewport > wx-page');
  if (DIALOG) DIALOG.buttons.forEach(function (b) {
    var el = document.querySelectorAll(b[0])[b[1]];
    if (el) el.setAttribute('data-answer', JSON.stringify(b[2]));
  });
  function send(e, kind) {
    var t = e.target;
    e.preventDefault(); e.stopPropagation();
    var answer = t.closest && t.closest('[data-answer]');
    if (answer) { if (kind === 'tap') act('dialog', JSON.parse(answer.getAttribute('data-answer'))); return; }
    if (DIALOG) return;  // the dialog's mask covers the page
    var el = t.closest && t.closest('[data-nid]');
    var tab = t.closest && t.closest('#wxsim-tabbar .item');
    if (tab && kind === 'tap') act('tab', Array.prototype.indexOf.call(tab.parentNode.children, tab));
    else if (el) act(kind, +el.getAttribute('data-nid'));
  }
  // A drag scrolls what is under the finger, as on a phone (the mouse has no touch scrolling of its own);
  // the click that ends a drag is not a tap.
  var drag = null;
  function scroller(t) {
    for (var el = t; el && el !== page; el = el.parentElement) {
      if (el.tagName === 'WX-SCROLL-VIEW' && (el.scrollHeight > el.clientHeight || el.scrollWidth > el.clientWidth)) return el;
    }
    return page;
  }
  document.addEventListener('mousedown', function (e) {
    if (e.button !== 0 || DIALOG || !page) return;
    var el = scroller(e.target);
    drag = {el: el, x: e.clientX, y: e.clientY, top: el.scrollTop, left: el.scrollLeft, moved: false};
  }, true);
  document.addEventListener('mousemove', function (e) {
    if (!drag || !(e.buttons & 1)) return;
    var dx = e.clientX - drag.x, dy = e.clientY - drag.y;
    if (!drag.moved && Math.abs(dx) + Math.abs(dy) < 6) return;
    drag.moved = true;
    drag.el.scrollTop = drag.top - dy; drag.el.scrollLeft = drag.left - dx;
    e.preventDefault();
  }, true);
  document.addEventListener('click', function (e) {
    var dragged = drag && drag.moved;
    drag = null;
    if (dragged) { e.preventDefault(); e.stopPropagation(); return; }
    send(e, 'tap');
  }, true);
  document.addEventListener('contextmenu', function (e) { send(e, 'longpress'); }, true);

  // Where the person had scrolled to (the document is redrawn after every action): put it back quietly.
  var known = {};
  function key(el) { return el === page ? 'page' : el.getAttribute('data-nid'); }
  Object.keys(SCROLLED).forEach(function (k) {
    var el = k === 'page' ? page : document.querySelector('wx-scroll-view[data-nid="' + k + '"]');
    if (!el) return;
    el.scrollTop = SCROLLED[k][0]; el.scrollLeft = SCROLLED[k][1];
    known[k] = [Math.round(el.scrollTop), Math.round(el.scrollLeft)];
  });
  var moved = {}, timer = null;
  document.addEventListener('scroll', function (e) {
    var el = e.target;
    if (el !== page && !(el.tagName === 'WX-SCROLL-VIEW')) return;
    moved[key(el)] = el;
    clearTimeout(timer);
    timer = setTimeout(flush, 200);
  }, true);
  function flush() {
    Object.keys(moved).forEach(function (k) {
      var el = moved[k], pos = [Math.round(el.scrollTop), Math.round(el.scrollLeft)];
      if (known[k] && known[k][0] === pos[0] && known[k][1] === pos[1]) return;
      known[k] = pos;
      act('scroll', {nid: k === 'page' ? null : +k, top: pos[0], left: pos[1],
                     height: el.scrollHeight, width: el.scrollWidth,
                     client_height: el.clientHeight, client_width: el.clientWidth});
    });
    moved = {};
  }
})();
</script>"""


def _answered_note(entry: dict[str, Any]) -> str:
    """Above a drawn dialog: wxsim answered it when it was shown; a click on a button answers it again."""
    answer = entry.get("answer")
    if entry["kind"] == "actionSheet" and isinstance(answer, int):
        items = entry.get("itemList") or []
        answer = items[answer] if 0 <= answer < len(items) else answer
    return (f'<div id="wxsim-answered">answered “{answer}” when shown — click a button to answer it '
            "(another answer replays the session with it)</div>")


def phone_document(page: Any, user: str, *, dialog: dict[str, Any] | None,
                   scrolled: dict[str, tuple[float, float]]) -> str:
    """The phone of `user` showing `page`, with `dialog` (one `user.dialogs.shown` entry) drawn on top and
    the scroll positions in `scrolled` ("page" or a scroll-view's node id → (top, left)) restored."""
    doc, _ = page_document(page, dialog=dialog)
    info = None
    extra = ""
    if dialog is not None:
        info = {"kind": dialog["kind"], "buttons": _buttons(dialog)}
        extra = _answered_note(dialog)
    script = _SCRIPT % {"user": json.dumps(user), "dialog": json.dumps(info, ensure_ascii=False),
                        "scrolled": json.dumps({k: list(v) for k, v in scrolled.items()})}
    doc = doc.replace("</head>", _STYLE + "</head>", 1)
    if extra:
        doc = doc.replace("</div></body>", extra + "</div></body>", 1)
    return doc.replace("</body>", script + "</body>", 1) if "</body>" in doc else doc + script
