"""Journeys tap what the page renders, so they fail where a person would be stuck: a `wx:if` hiding the
button they tap, or WXML binding a handler the page does not have (docs/testing-api.md, "Elements")."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mock_wx.rig.journeys import JourneyResult, discover, run_journey
from mock_wx.rig.paths import bundled_app_path, bundled_scenarios_path
from mock_wx.rig.simulator import Simulator

GROUP_WXML = Path("pages/group-buy/group-buy.wxml")
JOIN_BUTTON = '<button wx:if="{{canJoin}}" class="btn-primary" bindtap="joinGroup"'


def _app_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the sample app with one change to the group page's WXML."""
    app = tmp_path / "miniprogram"
    shutil.copytree(bundled_app_path(), app)
    wxml = app / GROUP_WXML
    text = wxml.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the group page no longer has {old!r}"
    wxml.write_text(text.replace(old, new), encoding="utf-8")
    return app


async def _run(app: Path, fidelity: str) -> JourneyResult:
    [j] = [j for j in discover([bundled_scenarios_path()]) if j.name == "friends_complete_a_group"]
    return await run_journey(j, lambda: Simulator(str(app), fidelity=fidelity), keep_trace=True)


async def test_the_unchanged_app_passes(tmp_path: Path) -> None:
    result = await _run(_app_with(tmp_path, JOIN_BUTTON, JOIN_BUTTON), "strict")
    assert result.ok, result.error


@pytest.mark.parametrize("fidelity", ["strict", "lenient"])
async def test_a_journey_fails_when_wx_if_hides_the_button_it_taps(tmp_path: Path, fidelity: str) -> None:
    app = _app_with(tmp_path, JOIN_BUTTON, JOIN_BUTTON.replace("{{canJoin}}", "{{canJoin && false}}"))
    result = await _run(app, fidelity)
    assert not result.ok
    assert result.error is not None and "ElementNotFound" in result.error
    assert "containing '立即参团'" in result.error and "'邀请好友参团'" in result.error, result.error


@pytest.mark.parametrize("fidelity", ["strict", "lenient"])
async def test_a_journey_fails_when_the_wxml_binds_a_handler_the_page_lacks(tmp_path: Path, fidelity: str) -> None:
    app = _app_with(tmp_path, JOIN_BUTTON, JOIN_BUTTON.replace('bindtap="joinGroup"', 'bindtap="joinGroupNow"'))
    result = await _run(app, fidelity)
    assert not result.ok
    assert result.error is not None
    if fidelity == "strict":  # the platform only warns; strict mode makes the dead button an error
        assert "StrictModeError" in result.error and '"joinGroupNow"' in result.error, result.error
    else:  # the tap did nothing: no payment, and the journey's next check fails
        assert "assertion failed" in result.error, result.error
        kinds = {f.kind for f in result.trace.findings}
        assert "missing-handler" in kinds
