"""`wxsim open` end to end: the command in a subprocess (embedded backend, sample app, a free port), its page
in the system Chromium through Playwright. Clicks inside alice's phone tap the sample app's elements, the
wheel scrolls her home page to the bottom (onReachBottom loads more), the fidelity switch replays the session
in lenient mode, dialogs drawn on the phones are answered by clicking their buttons (one answer changed, which
replays the session), the share button sends her group page to bob in a group chat, bob's click joins and
pays; the journey file it recorded is then replayed by `wxsim run` and passes. Every wait is on the page's DOM.

Async Playwright on a module-scoped loop, for the reason tests/e2e/test_report_browser.py gives.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from _browser import BROWSER_MARKS, chromium_browser
from _wxsim_cli import REPO, run_wxsim

#: Playwright's wait for one step (a tap re-renders the phone, the page polls every second).
STEP_MS = 15_000

pytestmark = BROWSER_MARKS


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def chromium() -> AsyncIterator[Any]:
    async with chromium_browser() as b:
        yield b


@contextlib.asynccontextmanager
async def _wxsim_open(tmp_path: Path, *args: str) -> AsyncIterator[tuple[str, Path]]:
    """`wxsim open --port 0 --record <tmp>/journey.py <args>`: its URL and the journey file."""
    record = tmp_path / "journey.py"
    stderr = tmp_path / "stderr.txt"  # a file, not a pipe nobody reads while the test runs
    err_file = await asyncio.to_thread(stderr.open, "wb")
    with err_file:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "mock_wx.rig.cli", "open", "--port", "0", "--record", str(record), *args,
            cwd=tmp_path, env={**os.environ, "NO_COLOR": "1"}, stdout=asyncio.subprocess.PIPE, stderr=err_file)
    try:
        assert proc.stdout is not None
        line = (await asyncio.wait_for(proc.stdout.readline(), 60)).decode()
        m = re.search(r"http://127\.0\.0\.1:\d+/", line)
        if m is None:
            pytest.fail(f"wxsim open printed no URL: {line!r}\n{stderr.read_text()[-2000:]}")
        yield m.group(0), record
    finally:
        if proc.returncode is None:
            proc.terminate()
            await asyncio.wait_for(proc.wait(), 30)


@pytest_asyncio.fixture(loop_scope="module")
async def wxsim_open(tmp_path: Path) -> AsyncIterator[tuple[str, Path]]:
    """`wxsim open --users alice,bob` on the sample app."""
    async with _wxsim_open(tmp_path, "--users", "alice,bob") as served:
        yield served


async def _route(page: Any, user: str, route: str) -> None:
    """Wait until the control page says `user` is on `route`."""
    await page.wait_for_function(
        "([u, r]) => document.querySelector(`.phone[data-user=\"${u}\"] .route`).textContent === r",
        arg=[user, route], timeout=STEP_MS)


async def _dialog(page: Any, user: str, kind: str) -> None:
    """Wait until the control page says `user`'s phone draws a `kind` dialog ("" for none)."""
    await page.wait_for_function(
        "([u, k]) => document.querySelector(`.phone[data-user=\"${u}\"]`).dataset.dialog === k",
        arg=[user, kind], timeout=STEP_MS)


async def test_clicks_scrolls_dialogs_share_and_pay_are_recorded_and_replay(
        chromium: Any, wxsim_open: tuple[str, Path], tmp_path: Path) -> None:
    url, record = wxsim_open
    context = await chromium.new_context(viewport={"width": 1500, "height": 1000})
    page = await context.new_page()
    try:
        await page.goto(url)
        alice = page.frame_locator('.phone[data-user="alice"] iframe')
        bob = page.frame_locator('.phone[data-user="bob"] iframe')
        await _route(page, "alice", "pages/index/index")

        # The wheel over alice's phone scrolls her home page to the bottom: onReachBottom loads the next ten
        # products (the shop has twenty), and the page says there are no more.
        await alice.locator("wx-product-card").nth(9).wait_for(timeout=STEP_MS)
        box = await page.locator('.phone[data-user="alice"] iframe').bounding_box()
        assert box is not None
        await page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        await page.mouse.wheel(0, 6000)
        await alice.locator("wx-view.loading-more", has_text="没有更多了").wait_for(timeout=STEP_MS)
        assert await alice.locator("wx-product-card").count() == 20

        # Lenient from here on: the session so far replays in lenient mode and the journey declares it.
        await page.locator("#fidelity").select_option("lenient")
        await page.wait_for_function("document.body.dataset.fidelity === 'lenient'", timeout=STEP_MS)

        # A click on a product card's picture taps the card (its bindtap), as a finger would.
        await alice.locator("wx-product-card wx-image").first.click(timeout=STEP_MS)
        await _route(page, "alice", "pages/product/detail")
        await alice.locator("wx-button", has_text="发起拼团").click(timeout=STEP_MS)
        # The payment sheet it met is drawn on her phone (paid: the standing answer); its ✕ cancels instead:
        # the session replays with the cancel, and the group waits for her payment.
        await _dialog(page, "alice", "payment")
        await alice.locator(".wxsim-pay .x").click(timeout=STEP_MS)
        await _dialog(page, "alice", "")
        await alice.locator(".wxsim-toast", has_text="支付已取消").wait_for(timeout=STEP_MS)  # the page's toast
        pay = alice.locator("wx-button", has_text="去支付")
        await pay.click(timeout=STEP_MS)
        await _dialog(page, "alice", "payment")
        await alice.locator(".wxsim-pay .go").click(timeout=STEP_MS)  # 支付: the answer it got
        await _dialog(page, "alice", "")
        await pay.wait_for(state="detached", timeout=STEP_MS)

        share = page.locator('.phone[data-user="alice"]')
        await share.locator("select.to").select_option("bob")
        await share.locator("select.chat").select_option("group")
        await share.locator("button.share").click()
        await _route(page, "bob", "pages/group-buy/group-buy")

        join = bob.locator("wx-button", has_text="立即参团")
        await join.click(timeout=STEP_MS)
        await _dialog(page, "bob", "payment")
        await bob.locator(".wxsim-pay .go").click(timeout=STEP_MS)
        # Bob's payment completed the group: the page's 拼团成功 modal, answered with its only button.
        await _dialog(page, "bob", "modal")
        await bob.locator(".wxsim-dialog .ft > div", has_text="好的").click(timeout=STEP_MS)
        await _dialog(page, "bob", "")
        await join.wait_for(state="detached", timeout=STEP_MS)  # bob is a member now: no more join button
        await page.wait_for_function("document.querySelector('#trace').textContent.includes('bob payment')",
                                     timeout=STEP_MS)
        # Alice starts the app again (the launch button, no path: its first page), where the tab bar is; the
        # tab bar is the client's, not the page's: a click on 我的 switches tab.
        await share.locator("button.launch").click()
        await _route(page, "alice", "pages/index/index")
        await alice.locator("#wxsim-tabbar .item", has_text="我的").click(timeout=STEP_MS)
        await _route(page, "alice", "pages/user/user")
        assert await page.locator("#message").inner_text() == ""
        shown = await page.locator("#journey").inner_text()
    finally:
        await context.close()

    source = record.read_text(encoding="utf-8")
    assert source.strip() == shown.strip(), "the page shows the journey file as written"
    assert '@journey(area="recorded", fidelity=("lenient",))' in source
    body = [line.strip() for line in source.split("async def recorded(sim, alice, bob):")[1].splitlines() if line.strip()]
    assert body[:4] == ["await sim.backend.seed(42)", "await alice.launch()", "await bob.launch()",
                        "await alice.current_page.reach_bottom()"]
    assert body[4].startswith('await alice.current_page.get_element("product-card", text_contains=')
    assert body[5:] == [
        'alice.payments.next("cancel")',
        'await alice.current_page.get_element("button", text_contains="发起拼团").tap()',
        'alice.payments.next("confirm")',
        'await alice.current_page.get_element("button", text_contains="去支付").tap()',
        "card1 = await alice.share()",
        'await bob.open(card1, chat="group")',
        'bob.payments.next("confirm")',
        'bob.dialogs.next("modal", "confirm")',
        'await bob.current_page.get_element("button", text_contains="立即参团").tap()',
        "await alice.launch()",
        'await alice.tap_tab("/pages/user/user")',
    ]

    # `wxsim run` replays it (a subprocess, as a person runs it; in the lenient mode it declares) and it passes.
    run = await asyncio.to_thread(run_wxsim, ["run", str(record), "--screenshots", "off"], tmp_path / "replay")
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert [(r["journey"], r["ok"], r["skipped"]) for r in run.results] == [("recorded/recorded", True, None)]
    payments = [(e["user"], e["data"]["outcome"]) for e in run.results[0]["trace"] if e["kind"] == "payment"]
    assert payments == [("alice", "cancel"), ("alice", "confirm"), ("bob", "confirm")], "paid as recorded"
    products = [e for e in run.results[0]["trace"] if e["kind"] == "request" and "/api/products" in str(e["data"])]
    assert len(products) >= 2, "the replay loaded the second page of products, as the scroll did"


async def test_a_scroll_view_dragged_and_an_action_sheet_item_clicked(
        chromium: Any, tmp_path: Path) -> None:
    """The open_session fixture app (tests/fixtures/apps/open_session): its scroll-view loads more rows when a
    drag brings it within its lower-threshold; an action sheet's second item, clicked on the phone, replays
    the session with that answer."""
    app = REPO / "tests" / "fixtures" / "apps" / "open_session"
    async with _wxsim_open(tmp_path, "--users", "alice", "--app", str(app)) as (url, record):
        context = await chromium.new_context(viewport={"width": 1200, "height": 900})
        page = await context.new_page()
        try:
            await page.goto(url)
            alice = page.frame_locator('.phone[data-user="alice"] iframe')
            side = alice.locator("wx-scroll-view.side")
            await side.locator("wx-view.side-row").nth(7).wait_for(state="attached", timeout=STEP_MS)
            # A drag upwards inside the scroll-view scrolls it, as a finger does (and taps nothing).
            inner = await side.bounding_box()  # in the control page's coordinates
            assert inner is not None
            x, y = inner["x"] + inner["width"] / 2, inner["y"] + inner["height"] - 10
            await page.mouse.move(x, y)
            await page.mouse.down()
            await page.mouse.move(x, y - 190, steps=10)
            await page.mouse.up()
            await side.locator("wx-view.side-row").nth(15).wait_for(state="attached", timeout=STEP_MS)

            await alice.locator("wx-button", has_text="排序").click(timeout=STEP_MS)
            await _dialog(page, "alice", "actionSheet")
            await alice.locator(".wxsim-sheet .it", has_text="最热").click(timeout=STEP_MS)
            await _dialog(page, "alice", "")
            assert await page.locator("#message").inner_text() == ""
        finally:
            await context.close()
    body = [line.strip() for line in record.read_text(encoding="utf-8").split("async def recorded(sim, alice):")[1]
            .splitlines() if line.strip()]
    assert body[:2] == ["await sim.backend.seed(42)", "await alice.launch()"]
    assert re.fullmatch(r'await alice\.current_page\.get_element\("scroll-view"\)\.scroll_to\(\d+, to_lower=True\)',
                        body[2]), body
    assert body[3:] == ['alice.dialogs.next("action_sheet", 1)',
                        'await alice.current_page.get_element("button", text_contains="排序").tap()']
