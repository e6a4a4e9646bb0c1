"""Journeys: plain async functions that drive virtual users, discovered from files and run one by one.

    @journey(area="group-buy")
    async def friends_complete_a_group(sim, alice, bob, carol): ...

The parameters after `sim` name the users the journey needs; each journey runs in a fresh simulation.
Functions named `journey_*` are picked up too, without the decorator.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import time
import traceback
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import WxError
from ..view.screenshot import ScreenshotUnavailable
from .step_screens import StepScreens

__all__ = ["Journey", "JourneyResult", "discover", "journey", "run_journey"]

JourneyFn = Callable[..., Awaitable[Any]]


@dataclass
class Journey:
    """A discovered journey: its function, the users it asks for, and where it lives."""

    name: str
    fn: JourneyFn
    area: str = "general"
    users: list[str] = field(default_factory=list)
    fidelity: tuple[str, ...] = ("strict", "lenient")
    source: str = ""
    embedded: bool = False  # reaches into the in-process platform/backend: skipped against external ones
    weight: float = 1.0  # how often `wxsim load` picks it, relative to the file's other journeys

    @property
    def id(self) -> str:
        return f"{self.area}/{self.name}"


@dataclass
class JourneyResult:
    journey: Journey
    ok: bool
    seconds: float
    error: str | None = None
    detail: str | None = None
    findings: int = 0
    events: int = 0
    trace: Any = None
    skipped: str | None = None
    #: What each user's phone showed: [{user, page, when, png (bytes)}] (on failure; see run_journey).
    screens: list[dict[str, Any]] = field(default_factory=list)


def journey(area: str = "general", *, fidelity: Iterable[str] = ("strict", "lenient"), name: str | None = None,
            weight: float = 1.0, embedded: bool = False) -> Callable[[JourneyFn], JourneyFn]:
    """Mark an async function as a journey of `area` (for grouping in reports); `weight` for load runs.

    `embedded=True`: the journey inspects the in-process platform or backend (`sim.services.platform`),
    so it is skipped when the simulation runs against external ones.
    """

    def deco(fn: JourneyFn) -> JourneyFn:
        fn.__wxsim_journey__ = {"area": area, "fidelity": tuple(fidelity), "name": name or fn.__name__,  # type: ignore[attr-defined]
                                "weight": float(weight), "embedded": embedded}
        return fn

    return deco


def _from_function(fn: JourneyFn, source: str) -> Journey:
    meta = getattr(fn, "__wxsim_journey__", {})
    params = list(inspect.signature(fn).parameters)
    users = params[1:] if params and params[0] == "sim" else params
    name = meta.get("name") or fn.__name__.removeprefix("journey_")
    return Journey(name=name, fn=fn, area=meta.get("area", Path(source).stem), users=users,
                   fidelity=meta.get("fidelity", ("strict", "lenient")), source=source,
                   weight=float(meta.get("weight", 1.0)), embedded=bool(meta.get("embedded", False)))


def _load_module(path: Path) -> Any:
    mod_name = f"wxsim_journeys_{path.stem}_{abs(hash(str(path.resolve())))}"
    spec = importlib.util.spec_from_file_location(mod_name, path)
    if spec is None or spec.loader is None:
        raise WxError(f"cannot import journeys from {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module
    # Like pytest's default import mode: a journey file can `from _helpers import ...` next to it.
    folder = str(path.resolve().parent)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:
        raise WxError(f"{path}: cannot import: {type(exc).__name__}: {exc}") from None
    return module


def discover(paths: Iterable[str | Path]) -> list[Journey]:
    """Journeys in the given files and folders (in folders, `_*.py` helpers and `locustfile.py` are skipped)."""
    found: list[Journey] = []
    for p in paths:
        path = Path(p)
        if not path.exists():
            raise WxError(f"no such journey file or folder: {path}")
        files = sorted(path.rglob("*.py")) if path.is_dir() else [path]
        for f in files:
            # locustfile.py is Locust's entry point: importing it monkey-patches the process with gevent.
            if f.name.startswith("_") or (f.name == "locustfile.py" and path.is_dir()):
                continue
            module = _load_module(f)
            for attr, value in vars(module).items():
                if not inspect.iscoroutinefunction(value) or getattr(value, "__module__", None) != module.__name__:
                    continue
                if hasattr(value, "__wxsim_journey__") or attr.startswith("journey_"):
                    found.append(_from_function(value, str(f)))
    return found


async def run_journey(j: Journey, make_sim: Callable[[], Any], *, keep_trace: bool = False,
                      screenshots: str = "off") -> JourneyResult:
    """Run one journey in a fresh simulation; never raises (a failure is a result).
    `screenshots="failure"`: when it fails, keep a screenshot of every user's current page (Chromium);
    `"on"`: also the screen after every step (drawn once the journey has finished)."""
    t0 = time.perf_counter()
    sim = make_sim()
    try:
        if j.embedded and (sim.services.remote_platform or not sim.services.embedded_backend):
            return JourneyResult(j, True, 0.0, skipped="needs the embedded platform and backend")
        async with sim:
            if sim.services.backend is None and sim.services.backend_url:
                # An external backend outlives journeys: start each from an empty shop, as the embedded one does.
                await sim.backend.reset()
            users = [sim.user(name) for name in j.users]
            steps = StepScreens(sim) if screenshots == "on" else None
            try:
                await j.fn(sim, *users)
            except AssertionError as exc:
                r = _result(j, sim, t0, f"assertion failed: {exc}" if str(exc) else "assertion failed",
                            traceback.format_exc(), keep_trace)
                await _add_screens(r, sim, screenshots, steps)
                return r
            except Exception as exc:
                r = _result(j, sim, t0, f"{type(exc).__name__}: {exc}".splitlines()[0], traceback.format_exc(),
                            keep_trace)
                await _add_screens(r, sim, screenshots, steps)
                return r
            r = _result(j, sim, t0, None, None, keep_trace)
            await _add_screens(r, sim, screenshots, steps)
            return r
    except Exception as exc:  # the simulation itself failed to start or stop
        return JourneyResult(j, False, time.perf_counter() - t0, f"{type(exc).__name__}: {exc}".splitlines()[0],
                             traceback.format_exc())


async def _add_screens(r: JourneyResult, sim: Any, screenshots: str, steps: StepScreens | None) -> None:
    if steps is not None:
        r.screens = await steps.render()
    if not r.ok and screenshots != "off":
        r.screens += await _failure_screens(sim.all_users)


async def _failure_screens(users: list[Any]) -> list[dict[str, Any]]:
    """Each running user's screen as the failure left it; a user without one (or no Chromium) is skipped."""
    out: list[dict[str, Any]] = []
    for user in users:
        try:
            page = user.current_page
            png = await page.screenshot()
        except ScreenshotUnavailable:
            return out  # no browser here: the report shows the stack alone
        except Exception:
            continue  # not launched, no page, no view: nothing to show for this user
        out.append({"user": user.name, "page": page.route, "when": "failure", "png": png})
    return out


def _result(j: Journey, sim: Any, t0: float, error: str | None, detail: str | None, keep: bool) -> JourneyResult:
    return JourneyResult(j, error is None, time.perf_counter() - t0, error, detail, len(sim.trace.findings),
                         len(sim.trace.events), sim.trace if keep else None)
