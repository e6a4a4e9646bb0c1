"""Each kind of trace event as a line of report.html (mock_wx/rig/report_events.py)."""

from __future__ import annotations

import json

import lxml.html

from mock_wx.rig.report_events import VALUE_LIMIT, event_html
from mock_wx.trace import Event


def _li(kind: str, data: dict, user: str = "alice", t: float = 100.0, wall: float = 5.0) -> lxml.html.HtmlElement:
    return lxml.html.fromstring(event_html(Event(t, user, kind, data, wall), t0=100.0, w0=4.99))


def _what(li: lxml.html.HtmlElement) -> str:
    return " ".join(li.cssselect(".what")[0].text_content().split())


def test_dialogs_say_what_was_shown_and_answered() -> None:
    assert _what(_li("modal", {"title": "确认参团", "content": "不可退出", "answer": "cancel"})) == \
        "“确认参团 — 不可退出” → cancel"
    assert _what(_li("actionSheet", {"itemList": ["微信", "朋友圈"], "answer": 1})) == "微信 / 朋友圈 → 朋友圈"
    assert _what(_li("actionSheet", {"itemList": ["微信"], "answer": "cancel"})) == "微信 → cancel"
    assert _what(_li("payment", {"outcome": "confirm", "amount": 9900, "out_trade_no": "T1"})) == \
        "alice pays ¥99.00 T1"
    assert _what(_li("payment", {"outcome": "rejected", "reason": "sign", "detail": "支付验证签名失败"})) == \
        "alice's payment is rejected: 支付验证签名失败"
    assert _what(_li("authorize", {"scope": "scope.userLocation", "api": "getLocation", "answer": "deny"})) == \
        "scope.userLocation → deny"
    assert _what(_li("toast", {"title": "已复制", "icon": "none"})) == "“已复制” (none)"
    assert {_li(k, {}).get("data-group") for k in ("modal", "toast", "payment", "authorize", "userProfile")} == \
        {"dialog"}


def test_times_since_the_journey_started() -> None:
    li = _li("toast", {"title": "x"}, t=100.0 + 86400 + 3, wall=5.25)
    assert li.cssselect(".tm")[0].text_content() == "+24h 00m 03s · 260.0 ms"


def test_long_values_fold_and_stop_at_the_limit() -> None:
    items = [{"id": f"p{i:03d}", "name": "商品" * 10} for i in range(100)]
    li = _li("setData", {"page": "pages/list/list", "data": {"items": items, "n": 1}})
    assert _what(li).startswith("pages/list/list items, n")
    rows = li.cssselect("table.diff tr")
    assert [r.cssselect("th")[0].text_content() for r in rows] == ["items", "n"]
    folded = rows[0].cssselect("details.v")[0]
    assert len(folded.cssselect("summary code")[0].text_content()) == 161  # 160 characters and "…"
    full = folded.cssselect("pre")[0].text_content()
    assert full.startswith(json.dumps(items, ensure_ascii=False)[:VALUE_LIMIT])
    assert full.endswith("more characters in the JSON export)")
    assert rows[1].cssselect("td")[0].text_content() == "1" and not rows[1].cssselect("details")


def test_a_request_without_an_answer_says_why() -> None:
    li = _li("request", {"method": "GET", "url": "https://x/a", "status": 0, "ok": False, "ms": 3.0, "size": 0,
                         "error": "net::ERR_CONNECTION_REFUSED", "sent": 100.0})
    assert li.cssselect(".st")[0].text_content() == "net::ERR_CONNECTION_REFUSED"
    assert "bad" in li.cssselect(".st")[0].get("class")
    assert not li.cssselect("details")  # no bodies to show


def test_markup_in_app_data_stays_text() -> None:
    li = _li("console", {"level": "log", "text": "<img src=x onerror=alert(1)>"})
    assert not li.cssselect("img") and "<img src=x" in _what(li)
