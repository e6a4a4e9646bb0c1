"""The pytest plugin as a user meets it: auto-loaded fixtures, options, and the trace tail on failure."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

BASIC_APP = Path(__file__).resolve().parents[1] / "fixtures" / "apps" / "basic"

TESTS = '''
async def test_fixtures_work(sim, user, clock):
    page = await user.launch("/pages/index/index")
    assert await page.tap("inc", dataset={"step": 1}) == 2
    await clock.advance(seconds=1)
    assert sim.fidelity == "{fidelity}"

async def test_users_are_separate(sim, users):
    assert [u.name for u in users] == ["alice", "bob", "carol"]
    a, b, _ = users
    await a.launch(); await b.launch()
    a.realm.engine.eval("wx.setStorageSync('k', 1)")
    assert b.realm.engine.eval("wx.getStorageSync('k')") == ""

async def test_failing_shows_trace(sim, user):
    page = await user.launch("/pages/index/index")
    await page.tap("inc")
    assert page.data["count"] == 99
'''


@pytest.mark.parametrize("fidelity", ["strict", "lenient"])
def test_plugin_fixtures_options_and_failure_report(pytester: pytest.Pytester, fidelity: str) -> None:
    pytester.makepyfile(test_app=TESTS.replace("{fidelity}", fidelity))
    result = pytester.runpytest_subprocess(
        "-o", "asyncio_mode=auto", "-p", "no:cacheprovider", "--wxsim-app", str(BASIC_APP),
        "--wxsim-fidelity", fidelity,
    )
    result.assert_outcomes(passed=2, failed=1)
    out = result.stdout.str()
    # The failing test's report carries the user's recent trace: the tap and the setData it caused.
    assert "wxsim trace: alice" in out
    assert "setData" in out and "inc" in out


def test_bad_app_option_is_one_clear_error(pytester: pytest.Pytester, tmp_path: Path) -> None:
    pytester.makepyfile(test_x="async def test_x(sim):\n    pass\n")
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=auto", "--wxsim-app", str(tmp_path / "nope"))
    result.assert_outcomes(errors=1)
    assert "mini program folder not found" in result.stdout.str()


def test_without_pytest_asyncio_other_tests_run_and_ours_say_what_to_install(pytester: pytest.Pytester) -> None:
    """The plugin loads in every pytest run of an environment with wxsim: without pytest-asyncio (hidden here
    by a module that fails to import, and its plugin switched off) plain tests still run, and a test using
    `sim` fails in one line naming the extra to install."""
    pytester.makepyfile(pytest_asyncio="raise ImportError('pytest-asyncio is not installed')\n")
    pytester.makepyfile(test_x="def test_plain():\n    assert 1 + 1 == 2\n\n"
                               "def test_uses_sim(sim):\n    pass\n")
    result = pytester.runpytest_subprocess("-p", "no:asyncio", "-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, errors=1)
    assert "pip install 'wxsim[pytest]'" in result.stdout.str()


def test_backend_without_platform_is_a_usage_error(pytester: pytest.Pytester) -> None:
    """`--wxsim-backend` alone would log users in through another platform than the backend's (every
    code2Session failing with 40029 deep inside the tests): refused up front, in one line."""
    pytester.makepyfile(test_x="async def test_x(sim):\n    pass\n")
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=auto", "--wxsim-backend", "http://127.0.0.1:9")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    assert "--wxsim-backend needs --wxsim-platform" in result.stderr.str()


def test_a_relative_wxsim_app_marker_reads_from_the_test_files_folder(pytester: pytest.Pytester) -> None:
    """`@pytest.mark.wxsim_app("app")` next to the test file works from any working directory (issue 15.7)."""
    import shutil

    sub = pytester.mkpydir("suite")
    shutil.copytree(BASIC_APP, sub / "app")
    (sub / "test_rel.py").write_text(
        "import pytest\n\n"
        "@pytest.mark.wxsim_app('app')\n"
        "async def test_rel(sim, user):\n"
        "    page = await user.launch('/pages/index/index')\n"
        "    assert await page.tap('inc', dataset={'step': 1}) == 2\n")
    # pytester runs from its own folder, where no "app" exists: only the test file's folder has one.
    result = pytester.runpytest_subprocess("-o", "asyncio_mode=auto", "-p", "no:cacheprovider", "suite/test_rel.py")
    result.assert_outcomes(passed=1)


def test_no_fixture_loop_scope_warning_without_configuration(pytester: pytest.Pytester) -> None:
    """A project that only sets asyncio_mode does not get pytest-asyncio's loop-scope deprecation warning on
    every run: wxsim's fixtures are function-scoped and the plugin says so (issue 15.7)."""
    pytester.makeini("[pytest]\nasyncio_mode = auto\n")
    pytester.makepyfile(test_x="async def test_x(sim):\n    assert sim.clock\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "error::pytest.PytestDeprecationWarning")
    result.assert_outcomes(passed=1)
    assert "is unset" not in result.stdout.str() + result.stderr.str()
