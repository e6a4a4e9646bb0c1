"""Load testing core: population scheduler, stats, thresholds, live progress and reports.

Sits below the CLI (`mock_wx.rig`) and never imports it: virtual users come in through a
`user_factory` parameter, so this package runs with any object that has `async close()`.

    async def browse(user):
        async with step("open detail"):
            await user.launch("/pages/product/detail?id=p1")

    with Progress() as progress:
        stats = await run_population({"browse": browse}, make_user, users=2000, spawn_rate=200,
                                     duration="60s", think_time=(1, 3), seed=7,
                                     on_tick=abort_on_fail(["p95<300ms"], after=10, then=progress))
    results = evaluate(["p95<300ms", "errors<1%"], stats)
    print_summary(stats, thresholds=results)
    write_html("report.html", stats, results)
"""

from .histogram import Histogram
from .progress import Progress, print_summary, summary_rows, summary_table
from .report import render_html, to_json, write_html, write_json
from .routes import RouteNames
from .scheduler import JourneyFn, Tick, UserFactory, UserLike, parse_duration, run_population
from .stats import Entry, SeriesPoint, Stats, StepTimer, current_stats, request_name, route_template, step
from .thresholds import Threshold, ThresholdResult, abort_on_fail, evaluate, parse_threshold

__all__ = [
    "Entry",
    "Histogram",
    "JourneyFn",
    "Progress",
    "RouteNames",
    "SeriesPoint",
    "Stats",
    "StepTimer",
    "Threshold",
    "ThresholdResult",
    "Tick",
    "UserFactory",
    "UserLike",
    "abort_on_fail",
    "current_stats",
    "evaluate",
    "parse_duration",
    "parse_threshold",
    "print_summary",
    "render_html",
    "request_name",
    "route_template",
    "run_population",
    "step",
    "summary_rows",
    "summary_table",
    "to_json",
    "write_html",
    "write_json",
]
