"""Answering a dialog on the phone and switching fidelity in `wxsim open`, by replaying the session.

Native dialogs are answered the moment the app shows them (from `user.dialogs`: the rig's policy and queued
answers; nothing waits for a person). So a dialog an action showed is drawn on the phone afterwards with the
answer it got; clicking that answer writes it into the journey, clicking another one rebuilds the session: the
journey so far replays in a fresh simulation with `user.dialogs.next(...)` before the action, which then
meets the new answer. Switching fidelity rebuilds the session the same way in the other mode. Replays are
deterministic (seeded users and shop, virtual clock); they need the embedded backend, which each replay
starts afresh.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .open_state import ActionError, OpenState
from .simulator import FIDELITY_MODES, Simulator

__all__ = ["SessionReplay", "answer_line"]

#: Dialogs a person answers, as `user.dialogs.shown` names them → the queue `user.dialogs.next` fills.
ANSWERABLE = {"modal": "modal", "actionSheet": "action_sheet", "payment": "payment", "authorize": "authorize",
              "userProfile": "authorize"}


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


class SessionReplay(OpenState):
    """The `dialog` and `fidelity` actions, and the bookkeeping of what each action showed."""

    _shown: _Shown | None
    _cards: dict[str, tuple[str, Any]]
    _make_sim: Callable[[str], Simulator]

    def _note_shown(self, start: int, marks: dict[str, int], queued: dict[str, set[str]]) -> None:
        """An action that started at journey line `start` finished: what it showed is what the phones draw."""
        self._shown = _Shown(start, self._dialogs_since(self.sim, marks), queued)

    def _dialogs_since(self, sim: Simulator, marks: dict[str, int]) -> dict[str, list[dict[str, Any]]]:
        return {name: [e for e in sim.user(name).dialogs.shown[marks.get(name, 0):] if e["kind"] in ANSWERABLE]
                for name in self.names}

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
        if isinstance(answer, bool) or answer not in _answers(entry):
            raise ActionError(f"cannot answer {name}'s {entry['kind']} with {answer!r}")
        i = shown.answered.get(name, 0)
        queue = ANSWERABLE[entry["kind"]]
        # Earlier dialogs of the same kind in this action keep their answers: pinned, so the new answer
        # reaches this one and not the first.
        entries = shown.entries[name]
        lined = shown.lined.setdefault(name, set())
        pins = [j for j in range(i) if ANSWERABLE[entries[j]["kind"]] == queue and j not in lined]
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
        # Each pinned dialog and this one met the answer meant for it (a queued answer recorded earlier would
        # have come first and shifted them).
        wanted = {j: entries[j]["answer"] for j in pins} | {i: answer}
        got = {j: redone[name][j]["answer"] if j < len(redone[name]) else None for j in wanted}
        if got != wanted:
            await sim.close()
            raise ActionError(f"replayed with {name}'s {entry['kind']} answered {answer!r}, it got {got[i]!r} (an "
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
