"""Journey steps in words, and the events that happened during each (mock_wx/rig/report_steps.py)."""

from __future__ import annotations

from mock_wx.rig.report_steps import event_group, group_steps, step_name
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
    assert step_name("", "clock", {"seconds": 86400}) == "clock +24 h"
    assert step_name("", "clock", {"seconds": 5400}) == "clock +1 h 30 min"
    assert step_name("", "clock", {"seconds": 2.5}) == "clock +2.5 s"
    assert step_name("alice", "share", {"title": "一起拼团"}) == "alice shares 一起拼团"
    assert step_name("alice", "request", {"url": "https://x"}) is None
    assert step_name("alice", "share", {"card_kind": "chat", "shown": False}) is None


def _journey() -> Trace:
    trace = Trace()
    trace.add(100.0, "alice", "request", {"url": "https://x/config"})  # before anyone's step
    trace.add(100.0, "alice", "launch", {"url": "/a"})
    trace.add(100.0, "alice", "setData", {"page": "a", "data": {"n": 1}})
    trace.add(100.0, "alice", "share", {"title": "一起拼团"})
    trace.add(100.0, "", "clock", {"seconds": 3600})
    trace.add(3700.0, "alice", "setData", {"page": "a", "data": {"left": "23:00:00"}})  # her countdown ticks
    trace.add(3700.0, "", "clock", {"seconds": 82800})  # a wait_for moving on again: the same step
    trace.add(86500.0, "bob", "open-card", {"chat": "group", "from_user": "alice"})
    trace.add(86500.0, "bob", "launch", {"url": "/a?from=share"})  # part of opening the card
    trace.add(86500.0, "bob", "action", {"action": "tap", "element": "button '立即参团'"})
    trace.add(86500.0, "bob", "modal", {"title": "确认参团", "answer": "confirm"})
    trace.add(86500.0, "bob", "request", {"url": "https://x/orders", "status": 401})
    trace.add(86500.0, "alice", "socket-recv", {"data": "joined"})  # alice's phone during bob's step
    trace.finding(86500.0, "bob", "js-error", "boom")
    return trace


def test_events_belong_to_the_step_they_happened_in_whoever_it_happened_to() -> None:
    steps = group_steps(_journey().events)
    assert [s.name for s in steps] == [
        "before the first step", "alice opens /a", "alice shares 一起拼团", "clock +24 h",
        "bob opens alice's card in a group chat", "bob taps 立即参团"]
    assert [[e.kind for _, e in s.events] for s in steps] == [
        ["request"], ["setData"], [], ["setData"], ["launch"], ["modal", "request", "socket-recv", "finding"]]
    tap = steps[-1]
    assert (tap.index, tap.user, tap.t) == (9, "bob", 86500.0)
    assert tap.users == ["bob", "alice"]
    assert tap.groups() == {"dialog", "request", "finding"}
    assert [i for i, _ in tap.events] == [10, 11, 12, 13]  # trace indexes: screenshots are keyed by them
    clock = steps[3]
    assert (clock.user, clock.seconds, clock.t) == ("", 86400.0, 100.0)
    assert group_steps([]) == []


def test_wall_time_of_a_step_runs_to_its_last_event() -> None:
    trace = _journey()
    for n, e in enumerate(trace.events):
        e.wall = 10.0 + n / 1000
    tap = group_steps(trace.events)[-1]
    assert tap.wall == 10.009 and round(tap.wall_end() - tap.wall, 6) == 0.004


def test_event_groups_for_the_filters() -> None:
    assert [event_group(k) for k in ("request", "socket-recv", "setData", "modal", "payment", "authorize",
                                     "finding", "js-error", "navigate", "console", "wx")] == [
        "request", "request", "setData", "dialog", "dialog", "dialog", "finding", "error", "navigation",
        "console", "other"]
