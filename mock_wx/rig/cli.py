"""The `wxsim` command: demo, run, backend, platform, load, serve, open. Errors are one line naming the problem."""

from __future__ import annotations

import argparse
import asyncio
import errno
import json
import os
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, NoReturn

from ..errors import AppLoadError, WxError
from .paths import bundled_app_path, bundled_scenarios_path

__all__ = ["main"]


class CliError(Exception):
    """A problem the user can fix; printed as `wxsim: error: <message>` with exit code 2."""


class _Parser(argparse.ArgumentParser):
    """argparse whose usage mistakes (a bad --users, a misspelt choice) are one line too, with exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _users(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of users >= 1, got {text!r}")
    return n


def _rate(text: str) -> float:
    try:
        n = float(text)
    except ValueError:
        n = -1.0
    if not n >= 0:  # also NaN
        raise argparse.ArgumentTypeError(f"expected a number per second >= 0, got {text!r}")
    return n


def _port(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = -1
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535 (0: any free port), got {text!r}")
    return n


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="wxsim", description="Headless WeChat mini program simulator and test rig.")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--app", default=None, help="mini program folder (default: the bundled sample app)")
        sp.add_argument("--fidelity", choices=("strict", "lenient"), default=None,
                        help="strict behaves like a phone; lenient accepts common mistakes, recording findings "
                             "(default: the journey's own mode if it declares one, else strict)")
        sp.add_argument("--seed", type=int, default=0, help="seed for identities and data (default 0)")
        sp.add_argument("--report", default="report.html", help="HTML report to write (default report.html)")
        sp.add_argument("--json", dest="json_out", default=None, help="also write the results and traces as JSON")
        sp.add_argument("--screenshots", choices=("failure", "on", "off"), default="failure",
                        help="screenshots in the report: every user's screen when a journey fails (default), "
                             "also after every step (on), or none (off)")
        sp.add_argument("-k", dest="select", default=None, help="only journeys whose id contains this text")

    d = sub.add_parser("demo", help="run the bundled journeys against the embedded backend, write report.html")
    common(d)
    r = sub.add_parser("run", help="run journeys from files or folders")
    r.add_argument("paths", nargs="+", help="journey files or folders")
    r.add_argument("--backend", default=None, help="base URL of a running backend (default: embedded stub)")
    r.add_argument("--platform", default=None,
                   help="base URL of the WeChat platform that backend uses (printed by `wxsim backend`/`wxsim platform`)")
    r.add_argument("--users", type=_users, default=1, help="run each journey this many times at once (default 1)")
    common(r)
    b = sub.add_parser("backend", help="run the merchant backend stub alone")
    b.add_argument("--db", default="wxsim-shop.sqlite", help="SQLite file (default wxsim-shop.sqlite)")
    b.add_argument("--host", default="127.0.0.1")
    b.add_argument("--port", type=_port, default=8080)
    b.add_argument("--test-mode", action="store_true", help="enable /__admin/ (reset, seed, clock, faults, journal)")
    b.add_argument("--admin-token", default=os.environ.get("WXSIM_ADMIN_TOKEN"),
                   help="require this X-Admin-Token on /__admin/ (needed for --test-mode on a non-loopback --host; "
                        "default $WXSIM_ADMIN_TOKEN)")
    b.add_argument("--platform", default=None,
                   help="base URL of a running WeChat platform emulation (default: start one beside the stub)")
    pl = sub.add_parser("platform", help="run the WeChat platform sandbox alone (login, WeChat Pay v3)")
    pl.add_argument("--host", default="127.0.0.1")
    pl.add_argument("--port", type=_port, default=8790)
    pl.add_argument("--seed", type=int, default=0)
    lo = sub.add_parser("load", help="run journeys as a population of virtual users")
    lo.add_argument("scenario", help="journey file (its journeys with one user parameter are used)")
    lo.add_argument("--users", type=_users, default=None,
                    help="closed model: users (default 10); open model: cap on journeys in flight (default none)")
    lo.add_argument("--spawn-rate", type=_rate, default=None,
                    help="closed model: users started per second (default 10; 0: all at once)")
    lo.add_argument("--duration", default=None, help="e.g. 60s, 5m (default 30s, or the stages' total)")
    lo.add_argument("--stage", action="append", default=[], metavar="DURATION:TARGET",
                    help='ramp linearly to TARGET over DURATION, e.g. --stage 1m:200 --stage 5m:200 --stage 1m:0 '
                         '(closed model: users; open model: journeys started per second); repeat for ramp up, '
                         'hold and ramp down')
    lo.add_argument("--model", choices=("closed", "open"), default="closed")
    lo.add_argument("--arrival-rate", type=_rate, default=None, help="open model: journeys started per second")
    lo.add_argument("--think-time", default="1s", help="closed model pause between journeys, e.g. 1s or 0.5s-2s")
    lo.add_argument("--threshold", action="append", default=[], help='e.g. "p95<300ms", "errors<1%%"')
    lo.add_argument("--abort-on-fail", action="store_true", help="stop as soon as a threshold fails")
    lo.add_argument("--backend", default=None, help="base URL of a running backend (default: embedded stub)")
    lo.add_argument("--platform", default=None,
                    help="base URL of the WeChat platform that backend uses (printed by `wxsim backend`/`wxsim platform`)")
    lo.add_argument("--app", default=None, help="mini program folder (default: the bundled sample app)")
    lo.add_argument("--seed", type=int, default=0, help="seed for identities and journey choices (default 0)")
    lo.add_argument("--json", dest="json_out", default=None, help="write the stats and thresholds as JSON")
    lo.add_argument("--html", default=None, help="write an HTML report with charts")
    lo.add_argument("--csv", default=None, metavar="PREFIX",
                    help="write PREFIX_stats.csv and PREFIX_stats_history.csv (Locust's columns)")
    sv = sub.add_parser("serve", help="serve the WeChat DevTools automation protocol (Minium, miniprogram-automator), "
                                      "a port per virtual user")
    sv.add_argument("--app", default=None, help="mini program folder (default: the bundled sample app)")
    sv.add_argument("--port", type=_port, default=9420,
                    help="the first user's port; the next users take the ports after it (default 9420; 0: any free)")
    sv.add_argument("--users", type=_users, default=1, help="virtual users, one port each (default 1)")
    sv.add_argument("--backend", default=None, help="base URL of a running backend (default: embedded, seeded stub)")
    sv.add_argument("--platform", default=None,
                    help="base URL of the WeChat platform that backend uses (printed by `wxsim backend`/`wxsim platform`)")
    sv.add_argument("--virtual-clock", action="store_true",
                    help="time moves only through Wxsim.advanceClock (default: the real-time clock)")
    sv.add_argument("--fidelity", choices=("strict", "lenient"), default="strict",
                    help="strict behaves like a phone; lenient accepts common mistakes, recording findings")
    op = sub.add_parser("open", help="every user's phone side by side in the browser, live; records what you do "
                                     "as a journey file for `wxsim run`")
    op.add_argument("--app", default=None, help="mini program folder (default: the bundled sample app)")
    op.add_argument("--users", default="alice,bob", help="comma-separated user names (default alice,bob)")
    op.add_argument("--backend", default=None,
                    help="base URL of a running backend (default: the embedded stub, seeded with the sample shop)")
    op.add_argument("--platform", default=None,
                    help="base URL of the WeChat platform that backend uses (printed by `wxsim backend`/`wxsim platform`)")
    op.add_argument("--port", type=_port, default=0, help="port on 127.0.0.1 (default 0: any free port)")
    op.add_argument("--record", default="recorded_journey.py",
                    help="journey file written after every action (default recorded_journey.py)")
    op.add_argument("--fidelity", choices=("strict", "lenient"), default="strict",
                    help="strict behaves like a phone; lenient accepts common mistakes, recording findings")
    op.add_argument("--seed", type=int, default=0, help="seed for identities (default 0)")
    op.set_defaults(host="127.0.0.1")  # for the "port in use" message
    return p


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.command:
        parser.print_help()
        return 2
    try:
        _check_usage(args)
        if args.command in ("demo", "run"):
            return _write_results(args, *asyncio.run(_run_journeys(args)))
        if args.command == "backend":
            return _backend(args)
        if args.command == "platform":
            return _platform(args)
        if args.command == "load":
            from ..load.cli import run_load_command

            return run_load_command(args)
        if args.command == "serve":
            from ..automation.cli import run_serve_command

            if args.backend:
                asyncio.run(_check_serve_remote(args))
            if args.port and args.port + args.users - 1 > 65535:
                raise CliError(f"--port {args.port} with --users {args.users} needs ports past 65535")
            return run_serve_command(args)
        if args.command == "open":
            return _open(args)
    except (CliError, AppLoadError, WxError, ValueError) as exc:
        print(f"wxsim: error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    except OSError as exc:  # e.g. the port is taken
        if exc.errno == errno.EADDRINUSE and hasattr(args, "port"):
            message = (f"port {args.port} on {args.host} is already in use (a wxsim backend or platform still "
                       f"running?): stop it or pick another --port")
        elif exc.filename:
            message = f"{exc.strerror or exc}: {exc.filename}"
        else:
            message = str(exc.strerror or exc)
        print(f"wxsim: error: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("wxsim: interrupted", file=sys.stderr)
        return 130
    return 2


async def _check_serve_remote(args: argparse.Namespace) -> None:
    await _check_reachable(args.backend)
    if not args.platform:
        raise CliError("--backend needs --platform: the WeChat platform that backend exchanges login codes "
                       "and payments with (printed by `wxsim backend` or `wxsim platform`)")
    await _check_reachable(args.platform.rstrip("/") + "/sandbox/merchant", "WeChat platform")


def _open(args: argparse.Namespace) -> int:
    from .open_app import serve_open
    from .recorder import check_user_names

    check_user_names([n.strip() for n in args.users.split(",") if n.strip()])
    if args.backend:
        asyncio.run(_check_serve_remote(args))
    elif args.platform:
        raise CliError("--platform goes with --backend (the embedded backend brings its own platform)")
    try:
        asyncio.run(serve_open(args))
    except KeyboardInterrupt:
        pass
    return 0


def _check_usage(args: argparse.Namespace) -> None:
    """Mistakes that would otherwise show up late (after a whole run) or as a traceback."""
    for flag, attr in (("--backend", "backend"), ("--platform", "platform")):
        url = getattr(args, attr, None)
        if url and not str(url).startswith(("http://", "https://")):
            raise CliError(f"{flag} must be a URL starting with http:// or https://, got {url!r}")
    for flag, attr in (("--report", "report"), ("--json", "json_out"), ("--html", "html"), ("--db", "db"),
                       ("--csv", "csv"), ("--record", "record")):
        value = getattr(args, attr, None)
        if not value or (attr == "db" and value == ":memory:"):
            continue
        path = Path(value)
        if path.is_dir():
            raise CliError(f"{flag} {value} is a folder: give a file name")
        if not path.resolve().parent.is_dir():
            raise CliError(f"{flag} {value}: the folder {path.parent} does not exist")


def _backend(args: argparse.Namespace) -> int:
    try:
        import backend_stub
        from backend_stub.app import LOOPBACK_HOSTS
    except ImportError as exc:  # pragma: no cover - shipped in the same wheel
        raise CliError(f"the backend stub is not installed ({exc})") from None
    if args.test_mode and not args.admin_token and args.host not in LOOPBACK_HOSTS:
        raise CliError(f"--test-mode on --host {args.host} would expose reset, seed and the clock to the network: "
                       "bind 127.0.0.1 or give --admin-token")
    if args.platform:
        # Without its platform the stub would start anyway, unable to log anyone in or take a payment.
        asyncio.run(_check_reachable(args.platform.rstrip("/") + "/sandbox/merchant", "WeChat platform"))
        backend_stub.serve(db=args.db, host=args.host, port=args.port, test_mode=args.test_mode,
                           platform_url=args.platform, admin_token=args.admin_token)
        return 0
    try:
        asyncio.run(_backend_with_platform(args))
    except KeyboardInterrupt:
        pass
    return 0


async def _backend_with_platform(args: argparse.Namespace) -> None:
    """No --platform given: login and pay need WeChat's servers, so start the sandbox beside the stub."""
    import time

    import backend_stub

    from ..clock import VirtualClock
    from ..platform import WeChatPlatform

    async with WeChatPlatform(VirtualClock(start=time.time(), realtime=True)) as platform:
        print(f"WeChat platform sandbox on {platform.base_url}", flush=True)
        config = backend_config_beside(platform, db=args.db, test_mode=args.test_mode)
        config.admin_token = args.admin_token
        await backend_stub.run_until_stopped(config, args.host, args.port)


def backend_config_beside(platform: Any, *, db: str = ":memory:", test_mode: bool = False) -> Any:
    """The stub's settings when it runs beside a platform sandbox on the platform's own (real) clock.

    Test-mode clock moves (`/__admin/clock`, which every `wxsim run --backend` makes) shift only the stub's
    clock, so it must not send `time_expire` computed from it: after ~90 virtual days the platform refused
    every prepay ("time_expire must be within 90 days"). Unpaid orders close through the close API instead.
    """
    import backend_stub

    return backend_stub.BackendConfig(db=db, test_mode=test_mode, platform_url=platform.base_url,
                                      appid=platform.appid, secret=platform.secret, send_time_expire=False)


def _platform(args: argparse.Namespace) -> int:
    try:
        asyncio.run(_serve_platform(args))
    except KeyboardInterrupt:
        pass
    return 0


async def _serve_platform(args: argparse.Namespace) -> None:
    import signal
    import time

    from ..clock import VirtualClock
    from ..platform import WeChatPlatform

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    platform = WeChatPlatform(VirtualClock(start=time.time(), realtime=True), seed=args.seed)
    url = await platform.start(args.host, args.port)
    print(f"WeChat platform sandbox on {url} (merchant credentials at {url}/sandbox/merchant)", flush=True)
    try:
        await stop.wait()
    finally:
        await platform.close()


async def _check_reachable(url: str, what: str = "backend") -> None:
    import aiohttp

    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=5)) as s, s.get(url) as resp:
            await resp.read()
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        raise CliError(f"{what} {url} is unreachable ({type(exc).__name__}: {exc})") from None


async def _run_journeys(args: argparse.Namespace) -> tuple[list[Any], str]:
    from ..runtime import AppBundle
    from .journeys import JourneyResult, discover, run_journey
    from .report import run_with_progress
    from .simulator import Simulator

    app_dir = Path(args.app) if args.app else bundled_app_path()
    bundle = AppBundle.load(app_dir)
    paths = [bundled_scenarios_path()] if args.command == "demo" else args.paths
    journeys = [j for j in discover(paths) if not args.select or args.select in j.id]
    if not journeys:
        raise CliError(f"no journeys found in {', '.join(map(str, paths))}")
    backend = getattr(args, "backend", None)
    platform_url = getattr(args, "platform", None)
    if backend:
        await _check_reachable(backend)
        if not platform_url:
            raise CliError("--backend needs --platform: the WeChat platform that backend exchanges login codes "
                           "and payments with (printed by `wxsim backend` or `wxsim platform`)")
        await _check_reachable(platform_url.rstrip("/") + "/sandbox/merchant", "WeChat platform")
    copies = max(1, getattr(args, "users", 1))

    def make_sim(seed: int, fidelity: str) -> Any:
        # The bundled journeys (and any run here) fail on an unhandled rejection in app code: a page whose data
        # load crashed is not a passing journey.
        return lambda: Simulator(bundle, fidelity=fidelity, seed=seed, backend_url=backend,
                                 platform_url=platform_url, fail_on_js_errors=True)

    async def one(j: Any) -> Any:
        fidelity = journey_fidelity(j, args.fidelity)
        if fidelity is None:  # e.g. a journey recorded in lenient mode, run with --fidelity strict
            return [JourneyResult(j, True, 0.0, skipped=f"declares fidelity {' or '.join(j.fidelity)} only, "
                                                        f"not {args.fidelity}")]
        results = await asyncio.gather(
            *(run_journey(j, make_sim(args.seed + i, fidelity), keep_trace=True, screenshots=args.screenshots)
              for i in range(copies))
        )
        return results

    results = await run_with_progress(journeys, one)
    modes = sorted({journey_fidelity(j, args.fidelity) or "skipped" for j in journeys})
    return [r for group in results for r in group], f"wxsim {args.command}: {bundle.app_name} ({', '.join(modes)})"


def journey_fidelity(j: Any, requested: str | None) -> str | None:
    """The mode a journey runs in: `--fidelity` when given (None when the journey does not declare that
    mode), else the first mode the journey declares (`@journey(fidelity=("lenient",))`; both by default,
    strict first)."""
    if requested is None:
        return str(j.fidelity[0]) if j.fidelity else "strict"
    return requested if requested in j.fidelity else None


def _write_results(args: argparse.Namespace, results: list[Any], title: str) -> int:
    from .report import print_summary, write_html_report

    print_summary(results)
    t0 = time.perf_counter()
    out = write_html_report(results, args.report, title=title)
    # Its size and writing time: a many-journey run (with --screenshots on) tells whether it stays usable.
    print(f"report: {out.resolve()} ({out.stat().st_size / 1e6:.1f} MB, written in {time.perf_counter() - t0:.2f} s)")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps([_result_json(r) for r in results], ensure_ascii=False, default=str))
    return 0 if all(r.ok for r in results) else 1


def _result_json(r: Any) -> dict[str, Any]:
    return {
        "journey": r.journey.id, "ok": r.ok, "skipped": r.skipped, "seconds": round(r.seconds, 4), "error": r.error,
        "findings": [asdict(f) for f in r.trace.findings] if r.trace else [],  # Finding has __slots__
        "trace": r.trace.to_json()["events"] if r.trace else [],
    }


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
