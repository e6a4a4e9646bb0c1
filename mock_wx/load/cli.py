"""`wxsim load SCENARIO ...`: run a scenario's one-user journeys as a population, print, report, judge.

Exit code 0 when every threshold passes, 1 when one fails (or `--abort-on-fail` stopped the run);
usage problems (bad scenario, threshold, duration, unreachable backend) are one-line ValueErrors
that `wxsim` prints with exit code 2.
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path
from typing import Any

from .progress import Progress, print_summary
from .report import write_csv, write_html, write_json
from .scheduler import parse_duration, run_population
from .session import LoadSession, load_journeys
from .stats import Stats
from .thresholds import abort_on_fail, evaluate, parse_threshold

__all__ = ["parse_stage", "parse_think_time", "run_load_command"]

#: With --abort-on-fail, thresholds are first judged after this share of the run (at least 2 s), so
#: the first slow requests of a cold start do not end it.
_ABORT_GRACE = 0.1


def parse_think_time(text: str | None) -> float | tuple[float, float] | None:
    """`"1s"` → 1.0, `"0.5s-2s"` → (0.5, 2.0), `"0"`/None → None."""
    if text is None or not str(text).strip():
        return None
    lo, sep, hi = str(text).partition("-")
    if sep:
        a, b = parse_duration(lo), parse_duration(hi)
        if b < a:
            raise ValueError(f"bad think time {text!r}: the range goes low-high, e.g. 0.5s-2s")
        return (a, b)
    v = parse_duration(lo)
    return v or None


def parse_stage(text: str) -> tuple[float, float]:
    """`"30s:100"` → (30.0, 100.0): ramp linearly to 100 (users, or journeys/s in the open model) over 30 s."""
    dur, sep, target = str(text).rpartition(":")
    if not sep or not dur:
        raise ValueError(f"bad stage {text!r}: write DURATION:TARGET, e.g. 30s:100")
    try:
        value = float(target)
    except ValueError:
        raise ValueError(f"bad stage {text!r}: the target after ':' is a number, e.g. 30s:100") from None
    if not value >= 0:  # also NaN
        raise ValueError(f"bad stage {text!r}: the target must be 0 or more")
    return parse_duration(dur), value


def run_load_command(args: argparse.Namespace) -> int:
    """Run `wxsim load` from parsed arguments; returns the process exit code."""
    thresholds = [parse_threshold(t) for t in args.threshold or []]  # bad syntax fails before anything starts
    for t in thresholds:
        if t.metric == "errors" and t.value >= 1 and "%" not in t.text:
            raise ValueError(f"bad threshold {t.text!r}: a bare errors value is a ratio ({t.value:g} = "
                             f"{t.value * 100:g}%); write e.g. 'errors<1%' or 'errors<0.01'")
    stages = [parse_stage(t) for t in getattr(args, "stage", None) or []]
    if args.duration is None:
        args.duration = f"{sum(d for d, _ in stages):g}s" if stages else "30s"
    duration = parse_duration(args.duration)
    if duration <= 0:
        raise ValueError(f"bad duration {args.duration!r}: the run needs some time, e.g. 30s, 2m")
    think = parse_think_time(getattr(args, "think_time", None))
    if args.users is not None and args.users < 1:
        raise ValueError(f"--users must be at least 1, got {args.users}")
    if stages and args.model == "closed":
        if args.users is not None or args.spawn_rate is not None:
            raise ValueError("--stage sets the closed model's users and how fast they come: drop --users and "
                             "--spawn-rate (or drop --stage)")
    elif args.users is None and args.model == "closed":
        args.users = 10
    if args.spawn_rate is None and not stages:
        args.spawn_rate = 10.0
    args.stages = stages
    if args.model == "open" and not args.arrival_rate and not stages:
        raise ValueError("--model open needs --arrival-rate (journeys started per second) or --stage")
    if args.model == "open" and args.arrival_rate is not None and args.arrival_rate < 0:
        raise ValueError(f"--arrival-rate must be more than 0, got {args.arrival_rate:g}")
    if args.model == "closed" and args.arrival_rate is not None:
        raise ValueError("--arrival-rate is for --model open; the closed model (default) starts --users users "
                         "at --spawn-rate")
    if args.spawn_rate is not None and args.spawn_rate < 0:
        raise ValueError(f"--spawn-rate must be 0 (all at once) or more, got {args.spawn_rate:g}")
    found = load_journeys(args.scenario)
    stats = asyncio.run(_run(args, found, duration, think, thresholds))
    results = evaluate(thresholds, stats)
    print_summary(stats, thresholds=results)
    for reason in stats.meta.get("aborted_by", []):
        print(f"aborted: {reason}")
    title = f"wxsim load {Path(args.scenario).name}"
    meta = {"scenario": str(args.scenario), "backend": args.backend or "embedded"}
    if args.json_out:
        print(f"json: {write_json(args.json_out, stats, results, meta=meta).resolve()}")
    if args.html:
        print(f"html: {write_html(args.html, stats, results, title=title, meta=meta).resolve()}")
    if getattr(args, "csv", None):
        for path in write_csv(args.csv, stats):
            print(f"csv: {path.resolve()}")
    failed = any(not r.ok for r in results) or bool(stats.meta.get("aborted_by"))
    return 1 if failed else 0


async def _run(args: argparse.Namespace, found: list[Any], duration: float,
               think: float | tuple[float, float] | None, thresholds: list[Any]) -> Stats:
    session = LoadSession(app=getattr(args, "app", None), backend_url=args.backend,
                          platform_url=getattr(args, "platform", None), seed=args.seed,
                          fidelity=getattr(args, "fidelity", "strict"))
    stats = Stats()
    try:
        journeys = session.journeys(found)
        await session.start([j.module for j in journeys if j.module is not None])
        session.record_into(stats)
        with Progress(interval=2.0) as progress:
            on_tick: Any = progress
            if args.abort_on_fail and thresholds:
                on_tick = abort_on_fail(thresholds, after=max(2.0, duration * _ABORT_GRACE), then=progress)
            await run_population(
                [(j.weight, j.fn) for j in journeys], session.make_user, model=args.model,
                users=args.users, spawn_rate=args.spawn_rate or None, duration=duration, think_time=think,
                stages=args.stages or None, arrival_rate=args.arrival_rate, seed=args.seed, stats=stats,
                on_tick=on_tick,
                stop_timeout=2.0, tick_interval=0.5,
            )
    finally:
        await session.close()
    return stats
