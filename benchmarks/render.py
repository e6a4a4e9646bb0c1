"""What the view layer costs: rendering a list page, updating it, a pull to refresh, memory per user.

    python benchmarks/render.py [--items 100] [--rounds 300] [--users 1000]

Each figure is measured twice in the same run, with the view layer (`Simulator(view=True)`, the default)
and without it (`view=False`: the logic layer alone, the baseline), by process CPU time, and printed with
their ratio (these machines are noisy: compare ratios, not absolute times):
  1. opening a page with a `wx:for` over `--items` items, and its first render;
  2. a one-item `setData` on that page (`items[3].price`), rendered vs not. A page whose tree feeds
     nothing (no custom component, page-meta or image load event) renders only when read: the "rendered"
     rows force the render each time, as a page with components (or a test reading it) would;
  3. a pull to refresh of the sample app's home page (its own onPullDownRefresh → wx.request answered in
     Python → map → setData) — the DESIGN.md target: at most 1.3x with the view;
  4. RSS per virtual user with the sample app's home page open, `--users` users (target <= 1 MiB).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mock_wx.rig.simulator import Simulator

LIST_JS = """
Page({
  data: { items: [] },
  onLoad() {
    const items = []
    for (let i = 0; i < %d; i++) items.push({ id: 'p' + i, name: '商品 ' + i, price: 100 + i, tags: ['包邮', '新品'] })
    this.setData({ items })
  },
})
"""
LIST_WXML = """
<view class="list">
  <view class="item" wx:for="{{items}}" wx:key="id" data-id="{{item.id}}" bindtap="open">
    <text class="name">{{item.name}}</text>
    <text class="price {{item.price > 150 ? 'high' : ''}}">¥{{item.price / 100}}</text>
    <text wx:for="{{item.tags}}" wx:for-item="tag" wx:key="*this" class="tag">{{tag}}</text>
  </view>
</view>
"""


def write_list_app(root: Path, items: int) -> Path:
    (root / "pages/list").mkdir(parents=True)
    (root / "app.json").write_text(json.dumps({"pages": ["pages/list/list"]}))
    (root / "app.js").write_text("App({})\n")
    (root / "pages/list/list.js").write_text(LIST_JS % items)
    (root / "pages/list/list.wxml").write_text(LIST_WXML)
    return root


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def list_page(app: Path, view: bool, rounds: int, *, force: bool = False) -> dict[str, float]:
    sim = Simulator(app, view=view, trace=False, embedded_backend=False, isolated_idle=True)  # as load users
    await sim.start()
    try:
        user = sim.user()
        page = await user.launch("/pages/list/list")  # warm-up: compile, first realm

        def render() -> None:
            if force:
                user.realm.view.call("render", page.id)

        c0 = time.process_time()
        n = max(rounds // 10, 5)
        for _ in range(n):
            page = await user.launch("/pages/list/list")
            render()
        open_us = (time.process_time() - c0) / n * 1e6
        c1 = time.process_time()
        for i in range(rounds):
            await page.set_data({"items[3].price": 200 + i})
            render()
        update_us = (time.process_time() - c1) / rounds * 1e6
        if view:
            assert page.get_elements(".item")[3].get_element(".price").text == f"¥{(200 + rounds - 1) / 100:g}"
        return {"open": open_us, "update": update_us}
    finally:
        await sim.close()


class HomePages:
    """A simulation of the sample app whose users open its home page, wx.request answered in Python."""

    def __init__(self, view: bool) -> None:
        self.sim = Simulator(view=view, trace=False, isolated_idle=True)  # as load users settle
        self.body: Any = None

    async def __aenter__(self) -> HomePages:
        await self.sim.start()
        await self.sim.backend.seed()
        self.body = await self.sim.backend.get("/api/products", params={"page": 1, "limit": 10})
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.sim.close()

    async def open(self, name: str) -> Any:
        user = self.sim.user(name)
        user.mock_request("/api/products*", fn=lambda _o: {"data": self.body, "statusCode": 200})
        return await user.launch("/pages/index/index")


async def pull_to_refresh(view: bool, rounds: int) -> float:
    async with HomePages(view) as home:
        page = await home.open("reader")
        for _ in range(20):
            await page.pull_down()
        c0 = time.process_time()
        for _ in range(rounds):
            await page.pull_down()
        return (time.process_time() - c0) / rounds * 1e6


async def memory(users: int, view: bool) -> float:
    async with HomePages(view) as home:
        await home.open("warm")
        before = rss_mib()
        keep = [await home.open(f"u{i}") for i in range(users)]
        kib = (rss_mib() - before) * 1024 / users
        del keep
        return kib


async def main(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        app = write_list_app(Path(tmp), args.items)
        rendered = await list_page(app, True, args.rounds, force=True)
        lazy = await list_page(app, True, args.rounds)
        logic = await list_page(app, False, args.rounds)
    print(f"list page, wx:for over {args.items} items ({args.rounds} updates; CPU us per call; ratio to logic only):")
    print(f"{'':48}{'rendered':>10}{'view, unread':>14}{'logic only':>12}")
    for label, key in (("open the page (onLoad setData, first render)", "open"), ("one-item setData (items[3].price)", "update")):
        print(f"  {label:<46}{rendered[key]:>10.0f}{lazy[key]:>14.0f}{logic[key]:>12.0f}   "
              f"{rendered[key] / logic[key]:.2f}x / {lazy[key] / logic[key]:.2f}x")
    print(f"  the render alone: first {rendered['open'] - lazy['open']:.0f} us (booting the view runtime included), update "
          f"{rendered['update'] - lazy['update']:.0f} us")
    ptr_view = await pull_to_refresh(True, args.rounds)
    ptr_logic = await pull_to_refresh(False, args.rounds)
    ratio = ptr_view / ptr_logic
    print(f"sample home page, pull to refresh (wx.request answered in Python): {ptr_view:.0f} us with the view, "
          f"{ptr_logic:.0f} us without: {ratio:.2f}x  (target <= 1.3x: {'MET' if ratio <= 1.3 else 'MISSED'})")
    if args.users:
        kib_view = await memory(args.users, True)
        kib_logic = await memory(args.users, False)
        print(f"RSS per user with the home page open, {args.users} users: {kib_view:.0f} KiB with the view, "
              f"{kib_logic:.0f} KiB without  (target <= 1024 KiB: {'MET' if kib_view <= 1024 else 'MISSED'})")
    return 0


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--items", type=int, default=100, help="items in the list page's wx:for (default 100)")
    p.add_argument("--rounds", type=int, default=300, help="updates / refreshes timed (default 300)")
    p.add_argument("--users", type=int, default=1000, help="users for the memory figure, 0 to skip (default 1000)")
    sys.exit(asyncio.run(main(p.parse_args())))
