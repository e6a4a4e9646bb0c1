"""Journey steps in words, one swimlane per user (mock_wx/rig/report_steps.py)."""

from __future__ import annotations

from mock_wx.rig.report_steps import step_name, steps_html
from mock_wx.trace import Trace


def test_steps_as_a_person_says_them() -> None:
    assert step_name("alice", "action", {"page": "p", "action": "tap", "element": "button.buy '立即参团'"}) == \
        "alice taps 立即参团"
    assert step_name("alice", "action", {"action": "input", "element": "input#phone", "value": "138"}) == \
        "alice types into input#phone “138”"
    assert step_name("bob", "open-card", {"chat": "group", "from_user": "alice"}) == \
        "bob opens alice's card in a group chat"
    assert step_name("carol", "open-card", {"chat": "single"}) == "carol opens a card in a chat"
    assert step_name("alice", "payment", {"outcome": "confirm", "amount": 14090}) == "alice pays ¥140.90"
    assert step_name("alice", "payment", {"outcome": "cancel"}) == "alice cancels the payment"
    assert step_name("alice", "launch", {"url": "/pages/index/index"}) == "alice opens /pages/index/index"
    assert step_name("alice", "action", {"page": "pages/x", "method": "joinGroup", "args": []}) == \
        "alice runs joinGroup() on pages/x"
    assert step_name("alice", "request", {"url": "https://x"}) is None
    assert step_name("alice", "share", {"card_kind": "chat", "shown": False}) is None


def test_a_swimlane_per_user_in_time_order() -> None:
    trace = Trace()
    trace.add(100.0, "alice", "launch", {"url": "/a"})
    trace.add(100.5, "alice", "request", {"url": "https://x"})
    trace.add(101.25, "bob", "open-card", {"chat": "group", "from_user": "alice"})
    trace.add(100.0 + 86400 + 3, "alice", "payment", {"outcome": "confirm", "amount": 100})
    out = steps_html(trace)
    assert out.count('<tr class="step"') == 3
    assert "<th>virtual time</th><th>alice</th><th>bob</th>" in out
    assert '<td class="vt">+1.250s</td><td></td><td class="lane">bob opens alice&#x27;s card in a group chat</td>' in out
    assert '<td class="vt">+24h 00m 03s</td><td class="lane">alice pays ¥1.00</td><td></td>' in out
    assert steps_html(Trace()) == ""
