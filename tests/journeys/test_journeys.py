"""The bundled journey suite (scenarios/), one pytest test per journey and fidelity mode.

    pytest tests/journeys -n 2                      # everything, both modes
    pytest tests/journeys -k "group-buy and strict"

Each journey runs in a fresh simulation (embedded backend, platform sandbox, virtual clock); a failure
shows the journey's error, where it was raised, and the last events of each of its users.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_wx.rig.journeys import Journey, JourneyResult, discover, run_journey
from mock_wx.rig.paths import bundled_app_path, bundled_scenarios_path
from mock_wx.rig.simulator import Simulator
from mock_wx.runtime import AppBundle

SCENARIOS = bundled_scenarios_path()
JOURNEYS = discover([SCENARIOS])
CASES = [pytest.param(j, mode, id=f"{j.id}[{mode}]") for j in JOURNEYS for mode in j.fidelity]

_bundle: AppBundle | None = None


def _app(request: pytest.FixtureRequest) -> AppBundle | str:
    global _bundle
    path = _option(request, "--wxsim-app")
    if path:
        return str(path)
    if _bundle is None:  # parsed once per worker
        _bundle = AppBundle.load(bundled_app_path())
    return _bundle


def _option(request: pytest.FixtureRequest, name: str) -> Any:
    try:
        return request.config.getoption(name)
    except ValueError:  # the wxsim pytest plugin is not loaded
        return None


def test_suite_is_complete() -> None:
    assert len(JOURNEYS) >= 40, f"only {len(JOURNEYS)} journeys in {SCENARIOS}"
    assert len({j.id for j in JOURNEYS}) == len(JOURNEYS), "journey ids must be unique"


@pytest.mark.parametrize("journey, fidelity", CASES)
async def test_journey(journey: Journey, fidelity: str, request: pytest.FixtureRequest) -> None:
    app = _app(request)
    backend_url = _option(request, "--wxsim-backend")

    platform_url = _option(request, "--wxsim-platform")

    def make_sim() -> Simulator:
        return Simulator(app, fidelity=fidelity, backend_url=backend_url, platform_url=platform_url,
                         fail_on_js_errors=True)

    result = await run_journey(journey, make_sim, keep_trace=True)
    if result.skipped:
        pytest.skip(result.skipped)
    if not result.ok:
        pytest.fail(_explain(result), pytrace=False)


def _explain(result: JourneyResult) -> str:
    lines = [f"{result.journey.id}: {result.error}", "", (result.detail or "").rstrip()]
    trace = result.trace
    if trace is not None:
        names = list(result.journey.users) or _last_active(trace)
        for name in names:
            tail = trace.tail(name, 25)
            if tail:
                lines += ["", f"--- trace of {name} (last 25 events) ---", tail]
        for f in trace.findings:
            lines.append(f"finding: {f.user}: [{f.kind}] {f.message} ({f.page})")
    return "\n".join(lines)


def _last_active(trace: Any, n: int = 3) -> list[str]:
    seen: list[str] = []
    for event in reversed(trace.events):
        if event.user not in seen:
            seen.append(event.user)
        if len(seen) == n:
            break
    return seen
