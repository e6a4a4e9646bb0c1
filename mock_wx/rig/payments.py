"""`user.payments`: how one virtual user answers the WeChat Pay sheet, and what they paid (§4)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .user import VirtualUser

__all__ = ["Payments"]

_ANSWERS = ("confirm", "cancel", "fail")


def _check(answer: str) -> str:
    if answer.partition(":")[0] not in _ANSWERS:
        raise ValueError(f"a payment answer is confirm, cancel, fail or fail:<detail>, not {answer!r}")
    return answer


class Payments:
    """`alice.payments.answer("cancel")` for every sheet from now on; `.next("fail")` for the next one only."""

    def __init__(self, user: VirtualUser) -> None:
        self._user = user

    def answer(self, answer: str) -> None:
        """The standing answer to the payment sheet: confirm (default), cancel, fail or fail:<detail>."""
        self._user.ctx.dialogs.payment = _check(answer)

    def next(self, answer: str) -> None:
        """Answer only the next payment sheet this way."""
        self._user.ctx.dialogs.next("payment", _check(answer))

    @property
    def history(self) -> list[dict[str, Any]]:
        """Every payment this user attempted: out_trade_no, amount, outcome (from the trace)."""
        return [e.data for e in self._user.sim.trace.of_kind("payment", self._user.name)]
