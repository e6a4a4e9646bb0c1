"""`pip install wxsim` alone must give a working `wxsim demo` (DESIGN.md): the sample app and the
bundled journeys ship inside the wheel as package data, and no generic `scenarios` package is installed."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_bundles_the_app_and_journeys_without_top_level_scenarios(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, timeout=300)
    [wheel] = tmp_path.glob("wxsim-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    tops = {n.split("/")[0] for n in names if not n.startswith("wxsim-")}
    assert tops == {"mock_wx", "backend_stub"}
    for needed in ("mock_wx/_bundled/miniprogram/app.json", "mock_wx/_bundled/miniprogram/app.js",
                   "mock_wx/_bundled/miniprogram/pages/group-buy/group-buy.js",
                   "mock_wx/_bundled/scenarios/group_buy.py", "mock_wx/_bundled/scenarios/_helpers.py",
                   "mock_wx/runtime/prelude/00_core.js", "mock_wx/py.typed"):
        assert needed in names, needed
    entry = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "wxsim = mock_wx.rig.cli:main" in entry and "wxsim = mock_wx.rig.pytest_plugin" in entry
