"""`wxsim open`: every virtual user's phone side by side in a browser, live, and a journey file of what
was done there.

A small aiohttp app on 127.0.0.1: `/` is the control page (open_static/open.html), `/phone/<user>` the
user's screen as the screenshot HTML (rig/screens.py) with a script that sends clicks back, `/api/state`
what changed (the page polls it), `/api/action` one thing a person does. Actions run one at a time on the
simulation's own loop; each successful one appends its line to the recorded journey (rig/recorder.py).

Scrolling is in open_scroll.py; dialogs drawn on the phones and the fidelity switch, which replay the
session, in open_replay.py.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web

from .open_phone import phone_document
from .open_replay import SessionReplay, answer_line
from .open_scroll import Scrolling
from .open_state import ActionError
from .recorder import JourneyRecorder, actionable, check_user_names, locate
from .simulator import Simulator

__all__ = ["ActionError", "OpenApp"]

_STATIC = Path(__file__).with_name("open_static")
#: Data the sample shop starts with (the bundled journeys' `open_shop` seed).
SHOP_SEED = 42
_DIALOG_KINDS = {"modal": ("confirm", "cancel"), "payment": ("confirm", "cancel", "fail"),
                 "authorize": ("allow", "deny"), "action_sheet": ("0", "1", "2", "cancel")}
_CHATS = ("single", "group")


class OpenApp(Scrolling, SessionReplay):
    """The simulation, its users and the web app showing them."""

    def __init__(self, sim: Simulator, users: list[str], record: str | Path, *, seed_shop: bool = True,
                 make_sim: Callable[[str], Simulator] | None = None) -> None:
        self.sim = sim
        self.names = check_user_names(users)
        self.fidelity = sim.fidelity
        self.recorder = JourneyRecorder(record, self.names, sim.fidelity)
        self.seed_shop = seed_shop
        #: A fresh simulation like this one in a fidelity mode (for rebuilding the session).
        self._make_sim = make_sim or (lambda fidelity: Simulator(
            sim.bundle, fidelity=fidelity, seed=sim.seed, fail_on_js_errors=sim.fail_on_js_errors))
        self._shown = None
        self._scroll = {}
        self.version = 0
        self.message = ""
        self._lock = asyncio.Lock()
        #: A card a share button made, per user, waiting to be sent: (its variable in the journey, the card).
        self._cards = {}
        self._runner: web.AppRunner | None = None
        self.url = ""

    # ------------------------------------------------------------------ life
    async def start(self, port: int = 0) -> str:
        """Start the simulation, launch every user at the app's first page, serve on 127.0.0.1:`port`."""
        await self.sim.start()
        if self.seed_shop:
            await self.sim.backend.seed(SHOP_SEED)
            self.recorder.add(f"await sim.backend.seed({SHOP_SEED})")
        for name in self.names:
            await self.sim.user(name).launch()
            self.recorder.add(f"await {name}.launch()")
        app = web.Application()
        app.router.add_get("/", self._index)
        app.router.add_get("/phone/{user}", self._phone)
        app.router.add_get("/api/state", self._state)
        app.router.add_post("/api/action", self._action)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/"
        return self.url

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        await self.sim.close()

    # ------------------------------------------------------------------ pages
    async def _index(self, request: web.Request) -> web.Response:
        return web.FileResponse(_STATIC / "open.html")  # type: ignore[return-value]

    async def _phone(self, request: web.Request) -> web.Response:
        name = request.match_info["user"]
        if name not in self.names:
            raise web.HTTPNotFound(text=f"no user {name!r}")
        user = self.sim.user(name)
        try:
            page = user.current_page
            dialog = self._shown.current(name) if self._shown else None
            doc = phone_document(page, name, dialog=dialog, scrolled=self._scroll.get((name, page.id), {}))
        except Exception as exc:  # not launched, closed, or the page failed to render
            doc = f"<!doctype html><body style='font:14px sans-serif;padding:20px'>{type(exc).__name__}: {exc}</body>"
        return web.Response(text=doc, content_type="text/html")

    async def _state(self, request: web.Request) -> web.Response:
        users = []
        for name in self.names:
            user = self.sim.user(name)
            page = user.current_page if user.running and user.realm.router.current() else None
            dialog = self._shown.current(name) if self._shown else None
            users.append({"name": name, "route": page.route if page else "", "page_id": page.id if page else None,
                          "dialog": dialog["kind"] if dialog else None})
        # Virtual time moves only when someone advances the clock: wall time tells the events of a session apart.
        first = self.sim.trace.events[0] if self.sim.trace.events else None
        start, wall0 = (first.t, first.wall) if first else (0.0, 0.0)
        trace = [{"t": round(e.t - start, 3), "w": round(e.wall - wall0, 3), "user": e.user, "kind": e.kind,
                  "data": json.dumps(e.data, ensure_ascii=False, default=str)[:160]}
                 for e in self.sim.trace.events[-40:]]
        # Socket frames and other pushes change screens between actions: the event count notices them.
        version = f"{self.version}.{len(self.sim.trace.events)}"
        body = {"version": version, "users": users, "trace": trace, "message": self.message, "fidelity": self.fidelity,
                "clock": round(self.sim.clock.time(), 3), "journey": self.recorder.describe()}
        return web.json_response(body, dumps=lambda o: json.dumps(o, ensure_ascii=False))

    async def _action(self, request: web.Request) -> web.Response:
        try:
            body = await request.json()
        except json.JSONDecodeError:
            raise web.HTTPBadRequest(text="the body must be JSON") from None
        async with self._lock:
            try:
                result = await self.act(body)
                self.message = ""
            except ActionError as exc:
                result, self.message = {}, str(exc)
            except Exception as exc:  # the app or the rig refused: show it, the person decides what next
                result, self.message = {}, f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            if not result.pop("unchanged", False):  # a scroll nothing listens to leaves the screens as they are
                self.version += 1
        return web.json_response({"ok": not self.message, "message": self.message, **result},
                                 dumps=lambda o: json.dumps(o, ensure_ascii=False))

    # ------------------------------------------------------------------ actions
    async def act(self, body: dict[str, Any]) -> dict[str, Any]:
        """Do one action (`kind` tap, longpress, input, scroll, share, answer, dialog, clock, launch, back, tab,
        fidelity) and record it."""
        kind = body.get("kind")
        handler = getattr(self, f"_do_{kind}", None) if isinstance(kind, str) else None
        if handler is None:
            raise ActionError(f"unknown action {kind!r}")
        if kind in ("dialog", "fidelity"):  # they rebuild the session and keep track of dialogs themselves
            result: dict[str, Any] = await handler(body)
            await self.sim.idle()
            return result
        marks = {name: len(self.sim.user(name).dialogs.shown) for name in self.names}
        queued = {name: {k for k, q in self.sim.user(name).dialogs.queue.items() if q} for name in self.names}
        start = len(self.recorder.lines)
        result = await handler(body)
        await self.sim.idle()
        if not result.get("unchanged"):
            self._note_shown(start, marks, queued)
        return result

    async def _do_tap(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._gesture(body, long=False)

    async def _do_longpress(self, body: dict[str, Any]) -> dict[str, Any]:
        return await self._gesture(body, long=True)

    async def _gesture(self, body: dict[str, Any], *, long: bool) -> dict[str, Any]:
        name = body.get("user")
        user = self._user(name)
        page = user.current_page
        tree = page._view_tree()
        try:
            nid = actionable(tree, int(body["nid"]), long=long)
        except (KeyError, TypeError, ValueError):
            raise ActionError("no such element on the page (it re-rendered): try again") from None
        if not long and tree.info[nid].tag in ("input", "textarea"):
            return {"input": {"user": name, "nid": nid, "element": tree.describe(nid)}}
        loc = locate(page, nid)
        element, where = loc.find(page), loc.code
        if long:
            await element.long_press()
            self.recorder.add(f"await {name}.current_page.{where}.long_press()")
            return {}
        card = await element.tap()
        if card is not None:  # an open-type="share" button: the card is ready to send
            var = self.recorder.new_card()
            self.recorder.add(f"{var} = await {name}.current_page.{where}.tap()")
            self._cards[str(name)] = (var, card)
        else:
            self.recorder.add(f"await {name}.current_page.{where}.tap()")
        return {}

    async def _do_input(self, body: dict[str, Any]) -> dict[str, Any]:
        name = body.get("user")
        user = self._user(name)
        text = body.get("text")
        if not isinstance(text, str):
            raise ActionError("type some text first")
        page = user.current_page
        try:
            nid = int(body["nid"])
        except (KeyError, TypeError, ValueError):
            nid = -1
        if nid not in page._view_tree().info:
            raise ActionError("that input is gone (the page re-rendered): click it again")
        loc = locate(page, nid)
        element, where = loc.find(page), loc.code
        await element.input(text)
        self.recorder.add(f"await {name}.current_page.{where}.input({json.dumps(text, ensure_ascii=False)})")
        return {}

    async def _do_share(self, body: dict[str, Any]) -> dict[str, Any]:
        """Forward the sender's current page (or the card a share button just made) to another user."""
        name, to, chat = body.get("user"), body.get("to"), body.get("chat", "single")
        sender, receiver = self._user(name), self._user(to)
        if name == to:
            raise ActionError("share to someone else")
        if chat not in _CHATS:
            raise ActionError(f"chat is single or group, not {chat!r}")
        pending = self._cards.pop(str(name), None)
        if pending is not None:
            var, card = pending
        else:
            card = await sender.share()
            if card is None:
                raise ActionError(f"{name}'s page cannot be shared (no onShareAppMessage)")
            var = self.recorder.new_card()
            self.recorder.add(f"{var} = await {name}.share()")
        await receiver.open(card, chat=chat)
        self.recorder.add(f"await {to}.open({var}, chat={json.dumps(chat)})")
        return {}

    async def _do_answer(self, body: dict[str, Any]) -> dict[str, Any]:
        """How the user answers the next modal / payment sheet / permission prompt / action sheet."""
        name, dialog, answer = body.get("user"), body.get("dialog"), body.get("answer")
        user = self._user(name)
        if dialog not in _DIALOG_KINDS or answer not in _DIALOG_KINDS[str(dialog)]:
            raise ActionError(f"cannot answer {dialog!r} with {answer!r}")
        if dialog == "payment":
            user.payments.next(answer)
        else:
            value: Any = int(answer) if dialog == "action_sheet" and str(answer).isdigit() else answer
            user.dialogs.next(dialog, value)
            answer = value
        self.recorder.add(answer_line(str(name), str(dialog), answer))
        return {}

    async def _do_clock(self, body: dict[str, Any]) -> dict[str, Any]:
        try:
            seconds = float(body.get("seconds", 0))
        except (TypeError, ValueError):
            seconds = -1
        if not seconds > 0:
            raise ActionError("advance the clock by a positive number of seconds")
        await self.sim.clock.advance(seconds=seconds)
        self.recorder.add(f"await sim.clock.advance(seconds={seconds:g})", "await sim.idle()")
        return {}

    async def _do_launch(self, body: dict[str, Any]) -> dict[str, Any]:
        name, path = body.get("user"), str(body.get("path") or "").strip()
        user = self._user(name)
        if path and not path.startswith("/"):
            path = "/" + path
        await user.launch(path or None)
        self.recorder.add(f"await {name}.launch({json.dumps(path, ensure_ascii=False) if path else ''})")
        return {}

    async def _do_tab(self, body: dict[str, Any]) -> dict[str, Any]:
        """A tab bar item (by its index in app.json's tabBar.list)."""
        name = body.get("user")
        user = self._user(name)
        tabs = self.sim.bundle.tab_pages
        index = body.get("nid")
        if not isinstance(index, int) or not 0 <= index < len(tabs):
            raise ActionError(f"no tab bar item {index!r}")
        await user.tap_tab("/" + tabs[index])
        self.recorder.add(f"await {name}.tap_tab({json.dumps('/' + tabs[index])})")
        return {}

    async def _do_back(self, body: dict[str, Any]) -> dict[str, Any]:
        name = body.get("user")
        await self._user(name).back()
        self.recorder.add(f"await {name}.back()")
        return {}


async def serve_open(args: Any) -> None:
    """`wxsim open`: serve until Ctrl-C / SIGTERM, printing where to look and where the journey goes."""
    import signal

    from ..runtime import AppBundle
    from .paths import bundled_app_path

    bundle = AppBundle.load(Path(args.app) if args.app else bundled_app_path())
    def make_sim(fidelity: str) -> Simulator:
        return Simulator(bundle, fidelity=fidelity, seed=args.seed, backend_url=args.backend,
                         platform_url=args.platform, fail_on_js_errors=True)

    names = [n.strip() for n in args.users.split(",") if n.strip()]
    app = OpenApp(make_sim(args.fidelity), names, args.record, seed_shop=not args.backend, make_sim=make_sim)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        url = await app.start(args.port)
        print(f"wxsim open: {url} ({', '.join(names)} on {bundle.app_name}, {args.fidelity}); recording to "
              f"{app.recorder.path.resolve()} (replay: wxsim run {app.recorder.path})", flush=True)
        await stop.wait()
    finally:
        await app.close()
