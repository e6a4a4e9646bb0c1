"""pytest plugin (auto-loaded through the `pytest11` entry point): fixtures named for what they give.

    async def test_buy(sim, user):
        page = await user.launch("/pages/product/detail?id=p1")

Options: `--wxsim-backend URL` (run against a real backend), `--wxsim-app PATH` (another mini program),
`--wxsim-fidelity strict|lenient`. A failing test's report shows each user's trace tail.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

try:
    import pytest_asyncio
except ImportError:  # the plugin loads in every pytest run of an environment with wxsim: never break those
    pytest_asyncio = None  # type: ignore[assignment]

from ..clock import VirtualClock
from ..runtime import AppBundle
from .paths import bundled_app_path
from .simulator import Simulator
from .test_errors import raise_pending
from .user import VirtualUser

_BUNDLES: dict[str, AppBundle] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("wxsim", "wxsim mini program simulator")
    group.addoption("--wxsim-backend", default=None, help="base URL of a real backend (default: embedded stub)")
    group.addoption("--wxsim-platform", default=None,
                    help="base URL of the WeChat platform the --wxsim-backend uses (wxsim backend prints it)")
    group.addoption("--wxsim-app", default=None, help="mini program folder (default: the bundled sample app)")
    group.addoption("--wxsim-fail-on-js-error", action="store_true", default=False,
                    help="an unhandled promise rejection in app code fails the test (uncaught errors always do)")
    group.addoption("--wxsim-fidelity", default="strict", choices=("strict", "lenient"),
                    help="strict behaves like a phone; lenient accepts common mistakes and reports findings")


NEEDS_PYTEST_ASYNCIO = ("wxsim's fixtures are async and need pytest-asyncio (with asyncio_mode = \"auto\"): "
                        "pip install 'wxsim[pytest]'")


#: What wxsim's fixtures need of pytest-asyncio (also in the README): async tests, function-scoped loops.
RECOMMENDED_INI = {"asyncio_mode": "auto", "asyncio_default_fixture_loop_scope": "function"}


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    _default_fixture_loop_scope(config)
    config.addinivalue_line("markers", "wxsim_app(path): run this test against another mini program folder")
    if config.getoption("--wxsim-backend", None) and not config.getoption("--wxsim-platform", None):
        # Its users would log in through another WeChat platform than the backend's: every code2Session fails.
        raise pytest.UsageError("--wxsim-backend needs --wxsim-platform: the WeChat platform that backend logs users "
                                "in and takes payments with (`wxsim backend` prints its URL)")


def _default_fixture_loop_scope(config: pytest.Config) -> None:
    """Every wxsim fixture is function-scoped: say so for a project that has not set the loop scope, so
    pytest-asyncio (which reads it in its own pytest_configure, after this one) does not warn on every run."""
    if pytest_asyncio is None:
        return
    name = "asyncio_default_fixture_loop_scope"
    try:
        if config.getini(name):
            return
    except ValueError:  # pytest-asyncio's option is not registered (plugin disabled)
        return
    # pytest has no public setter for an ini value; its cache is what getini answers from.
    config._inicache[name] = RECOMMENDED_INI[name]


def _bundle(path: str) -> AppBundle:
    # Parsing the app once per process keeps per-test set-up to realm creation only.
    if path not in _BUNDLES:
        _BUNDLES[path] = AppBundle.load(path)
    return _BUNDLES[path]


@pytest.fixture
def wxsim_options(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The simulator's settings for this test (command-line options, then `wxsim_app` markers)."""
    cfg = request.config
    marker = request.node.get_closest_marker("wxsim_app")
    if marker:
        # A relative path reads from the test file's folder, as pytest users expect (not the working directory).
        app = str(Path(request.node.path).parent / marker.args[0])
    else:
        app = cfg.getoption("--wxsim-app") or str(bundled_app_path())
    return {
        "app": app,
        "fidelity": cfg.getoption("--wxsim-fidelity"),
        "backend_url": cfg.getoption("--wxsim-backend"),
        "platform_url": cfg.getoption("--wxsim-platform"),
        "fail_on_js_errors": bool(cfg.getoption("--wxsim-fail-on-js-error")),
    }


async def _sim(request: pytest.FixtureRequest, wxsim_options: dict[str, Any]) -> AsyncIterator[Simulator]:
    """A simulation: the app, a virtual clock, the emulated platform and (by default) an embedded backend."""
    s = Simulator(_bundle(wxsim_options["app"]), fidelity=wxsim_options["fidelity"],
                  backend_url=wxsim_options["backend_url"], platform_url=wxsim_options["platform_url"],
                  fail_on_js_errors=wxsim_options.get("fail_on_js_errors", False))
    request.node._wxsim = s
    async with s:
        yield s
        for u in s.all_users:  # the test ended before another wxsim call could raise its mock's bug
            raise_pending(u.ctx)


if pytest_asyncio is not None:
    sim = pytest_asyncio.fixture(_sim, name="sim")
else:
    @pytest.fixture(name="sim")
    def _sim_unavailable() -> Simulator:
        """Stands in for the async `sim` fixture when pytest-asyncio is missing: says so, in one line."""
        pytest.fail(NEEDS_PYTEST_ASYNCIO, pytrace=False)


@pytest.fixture
def user(sim: Simulator) -> VirtualUser:
    """One virtual user ("alice")."""
    return sim.user()


@pytest.fixture
def users(sim: Simulator) -> list[VirtualUser]:
    """Three virtual users (alice, bob, carol); ask `sim.users(n)` for more."""
    return sim.users(3)


@pytest.fixture
def clock(sim: Simulator) -> VirtualClock:
    """The simulation's virtual clock."""
    return sim.clock


@pytest.fixture
def backend(sim: Simulator) -> Any:
    """A client for the backend the simulation talks to (admin routes when it runs in test mode)."""
    return sim.backend


@pytest.fixture
def pay(sim: Simulator) -> Any:
    """The emulated WeChat Pay v3 sandbox."""
    return sim.services.platform.pay if sim.services.platform else None


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[Any]) -> Any:
    outcome = yield
    report = outcome.get_result()
    s: Simulator | None = getattr(item, "_wxsim", None)
    if s is None or report.passed or report.when != "call":
        return
    for u in s.all_users:
        tail = s.trace.tail(u.name, 25)
        if tail:
            report.sections.append((f"wxsim trace: {u.name} (last 25 events)", tail))
    if s.trace.findings:
        lines = "\n".join(f"{f.user}: [{f.kind}] {f.message} ({f.page})" for f in s.trace.findings)
        report.sections.append(("wxsim findings", lines))
