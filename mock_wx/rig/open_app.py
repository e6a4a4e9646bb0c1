"""`wxsim open`: every virtual user's phone side by side in a browser, live, and a journey file of what
was done there.

A small aiohttp app on 127.0.0.1: `/` is the control page (open_static/open.html), `/phone/<user>` the
user's screen as the screenshot HTML (rig/screens.py) with a script that sends clicks back, `/api/state`
what changed (the page polls it), `/api/action` one thing a person does. Actions run one at a time on the
simulation's own loop; each successful one appends its line to the recorded journey (rig/recorder.py).

Native dialogs are answered the moment the app shows them (wx-fidelity.md: the rig's `user.dialogs` policy;
nothing waits for a person). So a dialog an action showed is drawn on the phone afterwards with the answer it
got; clicking that answer keeps it, clicking another one rebuilds the session: the journey so far replays in a
fresh simulation with `user.dialogs.next(...)` recorded before the action, which then meets the new answer.
Switching fidelity rebuilds the session the same way in the other mode. Replays are deterministic (seeded
users and shop, virtual clock); they need the embedded backend, which each replay starts afresh.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiohttp import web

from .open_phone import phone_document
from .recorder import JourneyRecorder, actionable, check_user_names, locate
from .simulator import FIDELITY_MODES, Simulator

__all__ = ["OpenApp"]

_STATIC = Path(__file__).with_name("open_static")
#: Data the sample shop starts with (the bundled journeys' `open_shop` seed).
SHOP_SEED = 42
_DIALOG_KINDS = {"modal": ("confirm", "cancel"), "payment": ("confirm", "cancel", "fail"),
                 "authorize": ("allow", "deny"), "action_sheet": ("0", "1", "2", "cancel")}
_CHATS = ("single", "group")
#: Dialogs a person answers, as `user.dialogs.shown` names them → the queue `user.dialogs.next` fills.
_ANSWERABLE = {"modal": "modal", "actionSheet": "action_sheet", "payment": "payment", "authorize": "authorize",
               "userProfile": "authorize"}
#: scroll-view's `lower-threshold` and the window's `onReachBottomDistance` when not set (px; wx-fidelity.md §6).
_LOWER_THRESHOLD = 50.0


def answer_line(user: str, queue: str, answer: Any) -> str:
    """The journey line that answers `user`'s next `queue` dialog (the same for both ways of answering)."""
    if queue == "payment":
        return f"{user}.payments.next({json.dumps(answer)})"
    return f"{user}.dialogs.next({json.dumps(queue)}, {json.dumps(answer, ensure_ascii=False)})"


@dataclass
class _Shown:
    """The dialogs the last action showed, per user, and how far the person has answered them on the phone."""

    start: int                                   # the action's first journey line: answers go in before it
    entries: dict[str, list[dict[str, Any]]]
    queued: dict[str, set[str]] = field(default_factory=dict)  # per user: queues holding answers before it
    answered: dict[str, int] = field(default_factory=dict)
    lined: dict[str, set[int]] = field(default_factory=dict)  # entries with an answer line in the journey
    inserted: int = 0                            # answer lines put in before the action so far

    def current(self, user: str) -> dict[str, Any] | None:
        shown = self.entries.get(user, [])
        i = self.answered.get(user, 0)
        return shown[i] if i < len(shown) else None


class ActionError(Exception):
    """An action the page cannot do (unknown user, bad answer): shown in the page, not recorded."""


class OpenApp:
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
        self._shown: _Shown | None = None
        #: Where the person scrolled each page instance to: (user, page id) → {"page" | scroll-view nid: (top, left)}.
        self._scroll: dict[tuple[str, int], dict[str, tuple[float, float]]] = {}
        self.version = 0
        self.message = ""
        self._lock = asyncio.Lock()
        #: A card a share button made, per user, waiting to be sent: (its variable in the journey, the card).
        self._cards: dict[str, tuple[str, Any]] = {}
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
        start = self.sim.trace.events[0].t if self.sim.trace.events else 0.0
        trace = [{"t": round(e.t - start, 3), "user": e.user, "kind": e.kind,
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
    def _user(self, name: Any) -> Any:
        if name not in self.names:
            raise ActionError(f"no user {name!r} (users: {', '.join(self.names)})")
        return self.sim.user(name)

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
            self._shown = _Shown(start, self._dialogs_since(self.sim, marks), queued)
        return result

    def _dialogs_since(self, sim: Simulator, marks: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
        return {name: [e for e in sim.user(name).dialogs.shown[marks.get(name, 0):] if e["kind"] in _ANSWERABLE]
                for name in self.names}

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

    # ------------------------------------------------------------------ scrolling
    async def _do_scroll(self, body: dict[str, Any]) -> dict[str, Any]:
        """The page or a scroll-view came to rest at `top`/`left` in the browser, which laid it out: the page
        gets onPageScroll, and onReachBottom when this scroll entered the window's `onReachBottomDistance`
        of the bottom; a scroll-view gets `scroll`, and `scrolltolower` when it entered its lower-threshold
        (wx-fidelity.md §6: once per entry). Only what the app listens to is recorded."""
        name = body.get("user")
        user = self._user(name)
        try:
            top, left, height, width, client_h, client_w = (
                float(body.get(k) or 0) for k in ("top", "left", "height", "width", "client_height", "client_width"))
        except (TypeError, ValueError):
            raise ActionError("a scroll gives top, left, height, width, client_height and client_width in px") from None
        page = user.current_page
        where = self._scroll.setdefault((str(name), page.id), {})
        if body.get("nid") is None:
            prev = where.get("page", (0.0, 0.0))[0]
            where["page"] = (top, 0.0)
            distance = float(self.sim.bundle.window(page.route).get("onReachBottomDistance", _LOWER_THRESHOLD))

            def near(t: float) -> bool:
                return t + client_h >= height - distance

            lines = []
            if page.has_method("onPageScroll"):
                await page.scroll(top)
                lines.append(f"await {name}.current_page.scroll({top:g})")
            # `prev` is judged against the page as it is now: after more items loaded, the old bottom is no
            # longer near the new one, so reaching the new bottom is a new entry.
            if near(top) and not near(prev) and page.has_method("onReachBottom"):
                await page.reach_bottom()
                lines.append(f"await {name}.current_page.reach_bottom()")
            if not lines:
                return {"unchanged": True}
            self.recorder.add(*lines)
            return {}
        return await self._scroll_view(str(name), page, body.get("nid"), where, (top, left),
                                       (height, width), (client_h, client_w))

    async def _scroll_view(self, name: str, page: Any, nid: Any, where: dict[str, tuple[float, float]],
                           pos: tuple[float, float], size: tuple[float, float],
                           client: tuple[float, float]) -> dict[str, Any]:
        tree = page._view_tree()
        if not isinstance(nid, int) or nid not in tree.info or tree.info[nid].tag != "scroll-view":
            raise ActionError("that scroll-view is gone (the page re-rendered): scroll it again")
        info = tree.info[nid]
        prev = where.get(str(nid), (0.0, 0.0))
        where[str(nid)] = pos
        if not set(info.events) & {"scroll", "scrolltolower", "scrolltoupper"}:
            return {"unchanged": True}
        try:
            threshold = float(info.attrs.get("lower-threshold") or _LOWER_THRESHOLD)
        except (TypeError, ValueError):
            threshold = _LOWER_THRESHOLD
        axis = 1 if info.attrs.get("scroll-x") and not info.attrs.get("scroll-y") else 0

        def near(p: tuple[float, float]) -> bool:
            return p[axis] + client[axis] >= size[axis] - threshold

        to_lower = near(pos) and not near(prev)
        loc = locate(page, nid, by_text=False)
        await loc.find(page).scroll_to(pos[0], left=pos[1], to_lower=to_lower)
        args = f"{pos[0]:g}" + (f", left={pos[1]:g}" if pos[1] else "") + (", to_lower=True" if to_lower else "")
        self.recorder.add(f"await {name}.current_page.{loc.code}.scroll_to({args})")
        return {}

    # ------------------------------------------------------------------ dialogs drawn on the phones
    async def _do_dialog(self, body: dict[str, Any]) -> dict[str, Any]:
        """A click on a button of the dialog drawn on a phone (the first the last action showed that the
        person has not answered yet)."""
        name = str(body.get("user"))
        self._user(name)
        shown = self._shown
        entry = shown.current(name) if shown else None
        if shown is None or entry is None:
            raise ActionError(f"no dialog on {name}'s screen to answer")
        answer = body.get("answer")
        if answer not in _answers(entry):
            raise ActionError(f"cannot answer {name}'s {entry['kind']} with {answer!r}")
        i = shown.answered.get(name, 0)
        queue = _ANSWERABLE[entry["kind"]]
        # Earlier dialogs of the same kind in this action keep their answers: pinned, so the new answer
        # reaches this one and not the first.
        entries = shown.entries[name]
        lined = shown.lined.setdefault(name, set())
        pins = [j for j in range(i) if _ANSWERABLE[entries[j]["kind"]] == queue and j not in lined]
        new = [answer_line(name, queue, entries[j]["answer"]) for j in pins] + [answer_line(name, queue, answer)]
        at = shown.start + shown.inserted
        lines = [*self.recorder.lines[:at], *new, *self.recorder.lines[at:]]
        if answer == entry.get("answer"):  # the answer it got: said in the journey, nothing to replay
            if not {queue, "any"} & shown.queued.get(name, set()):  # else a line recorded earlier answered it
                self.recorder.replace(lines, self.fidelity)
                shown.inserted += len(new)
                lined.update([*pins, i])
            shown.answered[name] = i + 1
            return {}
        sim, found, marks = await self._rebuild(lines, self.fidelity, mark_at=at + len(new))
        redone = self._dialogs_since(sim, marks)
        got = redone[name][i]["answer"] if len(redone[name]) > i else None
        if got != answer:
            await sim.close()
            raise ActionError(f"replayed with {name}'s {entry['kind']} answered {answer!r}, it got {got!r} (an "
                              "answer recorded earlier came first): nothing changed")
        await self._swap(sim, lines, self.fidelity, found)
        shown.entries = redone
        shown.inserted += len(new)
        lined.update([*pins, i])
        shown.answered[name] = i + 1
        return {}

    # ------------------------------------------------------------------ fidelity
    async def _do_fidelity(self, body: dict[str, Any]) -> dict[str, Any]:
        """Strict or lenient for the whole session: the journey so far replays in the other mode (a step the
        new mode refuses leaves the session as it was, with the reason shown)."""
        fidelity = body.get("fidelity")
        if fidelity not in FIDELITY_MODES:
            raise ActionError(f"fidelity is strict or lenient, not {fidelity!r}")
        if fidelity == self.fidelity:
            return {"unchanged": True}
        lines = list(self.recorder.lines)
        sim, found, _ = await self._rebuild(lines, str(fidelity), mark_at=len(lines))
        await self._swap(sim, lines, str(fidelity), found)
        self._shown = None
        return {}

    # ------------------------------------------------------------------ rebuilding the session
    async def _rebuild(self, lines: list[str], fidelity: str, *, mark_at: int
                       ) -> tuple[Simulator, dict[str, Any], dict[str, int]]:
        """`lines` replayed in a fresh simulation: it, the journey's variables (cards), and how many dialogs
        each user had been shown when the replay reached line `mark_at`. The session is untouched."""
        if not self.sim.services.embedded_backend:
            raise ActionError("this replays the session, which needs the embedded backend (with --backend: answer "
                              "dialogs with the 'next' buttons before the action, choose the mode with --fidelity)")
        namespace: dict[str, Any] = {}
        exec(compile(self.recorder.replay_source(lines, mark_at), str(self.recorder.path), "exec"), namespace)
        sim = self._make_sim(fidelity)
        marks: dict[str, int] = {}

        def mark() -> None:
            marks.update({name: len(sim.user(name).dialogs.shown) for name in self.names})

        try:
            await sim.start()
            found = await namespace["_replay"](sim, *(sim.user(name) for name in self.names), mark)
            await sim.idle()
        except Exception as exc:
            await sim.close()
            first = str(exc).splitlines()[0] if str(exc) else ""
            raise ActionError(f"the journey replayed in {fidelity} mode fails: {type(exc).__name__}: {first}; "
                              "nothing changed") from None
        return sim, dict(found), marks

    async def _swap(self, sim: Simulator, lines: list[str], fidelity: str, found: dict[str, Any]) -> None:
        old, self.sim, self.fidelity = self.sim, sim, fidelity
        self.recorder.replace(lines, fidelity)
        # A card a share button made and not sent yet: the replay made it again, under the same name.
        self._cards = {u: (var, found[var]) for u, (var, _) in self._cards.items() if var in found}
        await old.close()


def _answers(entry: dict[str, Any]) -> list[Any]:
    """What a click on the drawn dialog can answer (its buttons)."""
    kind = entry["kind"]
    if kind == "modal":
        return ["cancel", "confirm"] if entry.get("showCancel", True) else ["confirm"]
    if kind == "actionSheet":
        return [*range(len(entry.get("itemList") or [])), "cancel"]
    if kind == "payment":
        return ["confirm", "cancel", "fail"]
    return ["allow", "deny"]


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
