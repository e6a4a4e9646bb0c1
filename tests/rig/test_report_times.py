"""report.html timelines: a step number and wall time per event, not only virtual time (issue 15.5)."""

from __future__ import annotations

import re
from types import SimpleNamespace

from mock_wx import Simulator
from mock_wx.rig.report import render_html


async def test_each_event_has_a_step_number_virtual_and_wall_time() -> None:
    async with Simulator() as sim:
        await sim.backend.seed()
        alice = sim.user()
        await alice.launch("/pages/index/index")
        result = SimpleNamespace(journey=SimpleNamespace(id="home"), ok=True, skipped=None, seconds=0.1,
                                 findings=0, error=None, detail=None, trace=sim.trace)
        page = render_html([result])
    rows = re.findall(r'data-step="(\d+)"><span class="n">#\d+</span><span class="t">\+([\d.]+)s</span>'
                      r'<span class="w"[^>]*>([\d.]+) ms</span>', page)
    assert len(rows) == len(sim.trace.events) > 5
    steps = [int(n) for n, _, _ in rows]
    assert steps == list(range(1, len(rows) + 1))  # one order across the journey
    virtual = {v for _, v, _ in rows}
    walls = [float(w) for _, _, w in rows]
    assert virtual == {"0.000"}  # the virtual clock did not move during the launch ...
    assert walls == sorted(walls) and walls[-1] > walls[0]  # ... wall time did, and tells the events apart
