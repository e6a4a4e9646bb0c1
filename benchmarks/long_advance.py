"""What moving the virtual clock costs while a page keeps working: an open group's page left visible
(1 s countdown, 5 s poll of the server) against the same advance with the page hidden, in one run.

    python benchmarks/long_advance.py [--hours 1]

A hidden page stops ticking and polling (onHide), so the baseline is the clock and the backend alone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scenarios"))

from _helpers import open_shop, product_with_group_size  # noqa: E402
from group_buy import start_group  # noqa: E402

from mock_wx import Simulator  # noqa: E402


async def advance(hours: float, *, visible: bool) -> tuple[float, int]:
    async with Simulator(trace=False) as sim:
        alice = sim.user("alice")
        await open_shop(sim)
        product = await product_with_group_size(sim, 3)
        page = await start_group(alice, product["id"])
        assert page.data["status"] == "open"
        if not visible:
            await alice.hide()
        requests = [0]
        sim.services.request_listeners.append(lambda *_a: requests.__setitem__(0, requests[0] + 1))
        cpu = time.process_time()
        await sim.clock.advance(hours=hours)
        return time.process_time() - cpu, requests[0]


async def main(hours: float) -> None:
    hidden_s, hidden_n = await advance(hours, visible=False)
    shown_s, shown_n = await advance(hours, visible=True)
    print(f"advance {hours:g} virtual h with an open group page")
    print(f"  hidden  (baseline): {hidden_s * 1000:9.1f} CPU ms, {hidden_n:5d} requests")
    print(f"  visible           : {shown_s * 1000:9.1f} CPU ms, {shown_n:5d} requests   "
          f"x{shown_s / max(hidden_s, 1e-6):.0f} the baseline ({shown_s / hours:.2f} s per virtual hour; "
          f"24 h: {24 * shown_s / hours:.1f} s)")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--hours", type=float, default=1.0, help="virtual hours to advance (default 1)")
    asyncio.run(main(p.parse_args().hours))
