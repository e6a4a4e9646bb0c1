"""Locust adapter (the `wxsim[locust]` extra): one Locust `User` class per journey of a scenario file.

    # locustfile.py
    from mock_wx.load.locust_adapter import locust_users
    globals().update(locust_users("scenarios/live_viewers.py"))

    locust -f locustfile.py --master            # then on each machine:
    locust -f locustfile.py --worker --master-host HOST

Locust runs on gevent; the simulator runs on asyncio. Each worker process runs one asyncio loop in
its own OS thread (with the real epoll selector, not gevent's) holding one `LoadSession`; a Locust
user's greenlet submits its journey there with `asyncio.run_coroutine_threadsafe` and sleeps on a
gevent Event that the loop thread sets through `hub.loop.run_callback_threadsafe`. Measured by
benchmarks/locust_bridge_wait.py (50 greenlets, one aiohttp GET per job): this callback 8,993 jobs/s at
107 µs CPU per job, polling `fut.done()` with `gevent.sleep(0.001)` 6,078/s at 135 µs, gevent's
threadpool 7,036/s at 142 µs; and a greenlet waiting through a long journey costs nothing here, where
polling wakes it 1,000 times a second. Requests, socket messages, steps and
journeys are queued by the loop thread and fired as `events.request` from a greenlet, so Locust's
own stats, UI, CSV and master/worker aggregation see them.

Request types in Locust's table: the HTTP method for `wx.request`s, `socket` (name: the message
type), `step` and `journey`. The backend: `--host URL --wxsim-platform URL` (the platform that
backend logs users in with, as `wxsim backend` prints it; seed the backend yourself), else an
embedded stub per worker, set up by the scenario's `setup(sim)`.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gevent  # type: ignore[import-untyped]
import gevent.event  # type: ignore[import-untyped]
import gevent.lock  # type: ignore[import-untyped]
from gevent import monkey
from locust import User, events, task  # type: ignore[import-untyped]
from locust.exception import StopUser  # type: ignore[import-untyped]

from .routes import route_template
from .session import LoadSession, http_error, load_journeys, message_type
from .stats import current_stats, error_message

__all__ = ["locust_users"]

log = logging.getLogger("wxsim.locust")

_Event = tuple[str, str, float, int, "BaseException | None"]  # request_type, name, ms, size, exception


class WxsimFailure(Exception):
    """What Locust shows for a failed request, socket message, step or journey."""


class _Recorder:
    """Stands in for `Stats` inside journeys (`mock_wx.load.step`): queues events for the gevent side."""

    def __init__(self, queue: collections.deque[_Event]) -> None:
        self.queue = queue

    def record(self, kind: str, name: str, latency_ms: float, ok: bool = True, size: int = 0,
               error: str | None = None) -> None:
        exc = WxsimFailure(error or "failed") if (error is not None or not ok) else None
        self.queue.append((kind, name, latency_ms, size, exc))


class _Runtime:
    """The per-process asyncio thread and its LoadSession; started by the first Locust user."""

    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None
        self.session: LoadSession | None = None
        self.queue: collections.deque[_Event] = collections.deque()
        self.recorder = _Recorder(self.queue)
        self.lock = gevent.lock.Semaphore()
        self.flusher: Any = None
        self.environment: Any = None
        self.sent = {"requests": 0, "journeys": 0}
        self.journeys: dict[str, Any] = {}
        self.failed: str | None = None

    def ensure(self, environment: Any, found: list[Any], app: str | None, seed: int, run_setup: bool | None) -> None:
        with self.lock:
            if self.failed is not None:
                raise StopUser()
            if self.session is not None:
                return
            self.environment = environment
            box: list[asyncio.AbstractEventLoop] = []

            def main() -> None:
                # gevent patched `selectors`; the loop thread wants the kernel's epoll, not a gevent hub.
                selector = monkey.get_original("selectors", "DefaultSelector")()
                loop = asyncio.SelectorEventLoop(selector)
                asyncio.set_event_loop(loop)
                box.append(loop)
                loop.run_forever()

            if self.loop is None:
                monkey.get_original("_thread", "start_new_thread")(main, ())
                while not box:
                    gevent.sleep(0.001)
                self.loop = box[0]
            host = environment.host or None
            platform = getattr(environment.parsed_options, "wxsim_platform", None) if environment.parsed_options else None
            session = LoadSession(app=app, backend_url=host, platform_url=platform, seed=seed)
            bound = session.journeys(found)  # the modules imported once, by locust_users
            modules = [j.module for j in bound if j.module is not None]
            setup = run_setup if run_setup is not None else host is None
            try:
                self.call(session.start(modules if setup else []))
            except Exception as exc:  # e.g. an unreachable backend: say it once, stop this worker's users
                self.failed = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
                log.error("wxsim: %s", self.failed)
                self.call(session.close())
                self._fail_run(environment, self.failed)
                raise StopUser() from None
            session.listen(self._on_request, self._on_socket)
            self.session = session
            self.journeys = {j.name: j for j in bound}
            self.flusher = gevent.spawn(self._flush_forever)

    @staticmethod
    def _fail_run(environment: Any, why: str) -> None:
        """No virtual user can start here: make the run fail instead of ending quietly with nothing done."""
        # A failed "wxsim start" entry reaches the master's stats (exit code 1 there, like any failure) ...
        environment.events.request.fire(request_type="wxsim", name="start", response_time=0, response_length=0,
                                        exception=WxsimFailure(why), context={})
        environment.process_exit_code = 2  # ... and this process exits 2, as `wxsim load` does for a usage error
        from locust.runners import LocalRunner  # type: ignore[import-untyped]

        if isinstance(environment.runner, LocalRunner):
            gevent.spawn(environment.runner.quit)  # one process: stop now rather than idle out the run

    # -- asyncio side (loop thread) ------------------------------------------------------------
    def _on_request(self, name: str, method: str, status: int, ms: float, ok: bool, size: int,
                    error: str | None = None) -> None:
        session = self.session
        route = session.routes.name(name) if session is not None else route_template(name)
        exc = None if ok else WxsimFailure(error or http_error(status))
        self.queue.append((method, route, ms, size, exc))

    def _on_socket(self, url: str, data: str | bytes, ms: float) -> None:
        self.queue.append(("socket", message_type(data), ms, len(data), None))

    # -- gevent side ----------------------------------------------------------------------------
    def call(self, coro: Any) -> Any:
        """Run `coro` on the loop thread; the calling greenlet sleeps (other greenlets run) until done."""
        assert self.loop is not None
        fut = asyncio.run_coroutine_threadsafe(coro, self.loop)
        done = gevent.event.Event()
        hub = gevent.get_hub()
        fut.add_done_callback(lambda _f: hub.loop.run_callback_threadsafe(done.set))
        done.wait()
        return fut.result()

    def flush(self) -> None:
        env, q = self.environment, self.queue
        if env is None:
            return
        fire = env.events.request.fire
        while q:
            rtype, name, ms, size, exc = q.popleft()
            if rtype == "journey":
                self.sent["journeys"] += 1
            elif rtype not in ("socket", "step"):
                self.sent["requests"] += 1
            fire(request_type=rtype, name=name, response_time=ms, response_length=size, exception=exc,
                 context={})

    def _flush_forever(self) -> None:
        while True:
            self.flush()
            gevent.sleep(0.05)


_runtime = _Runtime()
_per_worker: dict[str, dict[str, int]] = {}
_last_report = {"requests": 0, "journeys": 0}


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument("--wxsim-platform", default=None, env_var="WXSIM_PLATFORM",
                        help="with --host: the WeChat platform that backend uses (printed by `wxsim backend`)")


@events.report_to_master.add_listener
def _report_to_master(client_id: str, data: dict[str, Any]) -> None:
    """Workers tell the master how many requests and journeys they ran (since the last report)."""
    _runtime.flush()
    sent = dict(_runtime.sent)
    data["wxsim"] = {k: sent[k] - _last_report[k] for k in sent}
    _last_report.update(sent)


@events.worker_report.add_listener
def _worker_report(client_id: str, data: dict[str, Any]) -> None:
    part = data.get("wxsim")
    if part:
        mine = _per_worker.setdefault(client_id, {"requests": 0, "journeys": 0})
        for k, v in part.items():
            mine[k] = mine.get(k, 0) + int(v)


@events.test_stopping.add_listener
def _flush_on_stop(**_kw: Any) -> None:
    _runtime.flush()


@events.quitting.add_listener
def _quitting(environment: Any, **_kw: Any) -> None:
    _runtime.flush()
    if _runtime.session is not None and _runtime.loop is not None:
        session, _runtime.session = _runtime.session, None
        try:  # the embedded backend, the platform and open sockets, before the loop thread dies with the process
            _runtime.call(session.close())
        except Exception as exc:  # pragma: no cover - best effort at exit
            log.debug("closing the wxsim session: %s", exc)
    if _per_worker:
        log.info("wxsim per worker: %s", ", ".join(f"{cid}: {v['requests']} requests, {v['journeys']} journeys"
                                                 for cid, v in sorted(_per_worker.items())))
        out = os.environ.get("WXSIM_LOCUST_WORKERS_JSON")
        if out:
            import json

            Path(out).write_text(json.dumps(_per_worker), encoding="utf-8")


def per_worker() -> dict[str, dict[str, int]]:
    """On the master: requests and journeys each worker reported (client id → counts)."""
    return {k: dict(v) for k, v in _per_worker.items()}


def locust_users(scenario: str | Path, *, app: str | Path | None = None, seed: int = 0,
                 wait_time: Callable[..., float] | None = None, run_setup: bool | None = None
                 ) -> dict[str, type[User]]:
    """One Locust `User` class per one-user journey in `scenario` (name → class, for the locustfile's globals).

    Class weights follow `@journey(weight=...)`; `wait_time` defaults to `between(0.5, 2)`.
    """
    from locust import between

    scenario = str(scenario)
    found = load_journeys(scenario)
    app_s = str(app) if app is not None else None
    classes: dict[str, type[User]] = {}
    for j in found:
        name = "".join(p.capitalize() for p in j.name.split("_")) + "User"
        classes[name] = _user_class(name, j.name, max(1, round(j.weight)), found, app_s, seed,
                                    wait_time or between(0.5, 2.0), run_setup)
    return classes


def _user_class(cls_name: str, journey_name: str, weight: int, found: list[Any], app: str | None, seed: int,
                wait_time: Callable[..., float], run_setup: bool | None) -> type[User]:
    counter = {"n": 0}

    class JourneyUser(User):  # type: ignore[misc]
        def on_start(self) -> None:
            self._vuser: Any = None
            try:
                _runtime.ensure(self.environment, found, app, seed, run_setup)
            except StopUser:
                self._journey = None  # the error is logged once; the task stops this user quietly
                return
            self._journey = _runtime.journeys[journey_name]

        def on_stop(self) -> None:
            if getattr(self, "_vuser", None) is not None:
                user, self._vuser = self._vuser, None
                _runtime.call(_close(user))
            _runtime.flush()

        @task
        def run_journey(self) -> None:
            if self._journey is None:
                raise StopUser()
            if self._vuser is None:
                counter["n"] += 1
                idx = (os.getpid() % 10_000) * 1_000_000 + counter["n"]
                self._vuser = _runtime.call(_session().make_user(idx))
            ok = _runtime.call(_journey(self._journey.fn, self._vuser, journey_name))
            if not ok:  # a broken user is reported and replaced
                user, self._vuser = self._vuser, None
                _runtime.call(_close(user))
            _runtime.flush()

    JourneyUser.__name__ = JourneyUser.__qualname__ = cls_name
    JourneyUser.weight = weight
    JourneyUser.wait_time = wait_time
    return JourneyUser


def _session() -> LoadSession:
    assert _runtime.session is not None
    return _runtime.session


class _JourneyRecorder:
    """The recorder as one journey's steps see it: once Locust stops the user under a running step (the run
    ended), what that step then fails with is the stop, not the app: not reported, like the journey itself."""

    def __init__(self, recorder: _Recorder, user: Any) -> None:
        self.recorder, self.user = recorder, user

    def record(self, kind: str, name: str, latency_ms: float, ok: bool = True, size: int = 0,
               error: str | None = None) -> None:
        if not ok and getattr(self.user, "_wxsim_stopping", False):
            return
        self.recorder.record(kind, name, latency_ms, ok, size, error)


async def _journey(fn: Any, user: Any, name: str) -> bool:
    """Run one journey on the loop thread, timing it; steps inside report through the recorder."""
    current_stats.set(_JourneyRecorder(_runtime.recorder, user))  # type: ignore[arg-type]
    t0 = time.perf_counter()
    try:
        await fn(user)
    except Exception as exc:
        if getattr(user, "_wxsim_stopping", False):
            return False  # the run ended under it (Locust stopped the user): not a failure of the journey
        _runtime.recorder.record("journey", name, (time.perf_counter() - t0) * 1000.0, ok=False,
                                 error=error_message(exc))
        return False
    _runtime.recorder.record("journey", name, (time.perf_counter() - t0) * 1000.0)
    return True


async def _close(user: Any) -> None:
    user._wxsim_stopping = True  # a journey still running on it ends now, without counting as failed
    res = user.close()
    if asyncio.iscoroutine(res):
        await res
