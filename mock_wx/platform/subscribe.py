"""Subscribe messages: what each user accepted, and `/cgi-bin/message/subscribe/send` (wx-fidelity.md §10)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .login import LoginError, LoginService

__all__ = ["SentMessage", "SubscribeService"]

_ACCEPTS = {"accept", "acceptWithAlert", "acceptWithAudio", "acceptWithForcePush"}


@dataclass
class SentMessage:
    """One subscribe message the platform delivered."""

    touser: str
    template_id: str
    data: dict[str, Any]
    page: str | None = None
    miniprogram_state: str = "formal"
    lang: str = "zh_CN"
    sent_at: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)


class SubscribeService:
    """Accept registry per (openid, template) and the send endpoint's rules."""

    def __init__(self, login: LoginService) -> None:
        self.login = login
        self._once: Counter[tuple[str, str]] = Counter()
        self._long_term: set[tuple[str, str]] = set()
        self.sent: list[SentMessage] = []

    def record(
        self, user_key: str, template_id: str, result: str = "accept", *, long_term: bool = False
    ) -> None:
        """The user answered `wx.requestSubscribeMessage` for `template_id` with `result` (§10)."""
        if result not in _ACCEPTS:
            return
        key = (self.login.openid(user_key), template_id)
        if long_term:
            self._long_term.add(key)
        else:
            # Each one-time accept allows exactly one send (§10); accepts accumulate.
            self._once[key] += 1

    def allowance(self, user_key: str, template_id: str) -> int:
        """How many one-time sends remain for this user and template."""
        return self._once[(self.login.openid(user_key), template_id)]

    def send(self, body: dict[str, Any]) -> SentMessage:
        """Deliver a message; raises LoginError 47003/43101 (§10)."""
        touser, template_id = body.get("touser"), body.get("template_id")
        if not isinstance(touser, str) or not isinstance(template_id, str) or not touser or not template_id:
            raise LoginError(47003, "argument invalid! touser and template_id are required")
        if not isinstance(body.get("data"), dict):
            raise LoginError(47003, "argument invalid! data.data is empty")
        key = (touser, template_id)
        if key not in self._long_term:
            if self._once[key] <= 0:
                raise LoginError(43101, "user refuse to accept the msg")
            self._once[key] -= 1
        known = {"touser", "template_id", "data", "page", "miniprogram_state", "lang"}
        message = SentMessage(
            touser=touser,
            template_id=template_id,
            data=body["data"],
            page=body.get("page"),
            miniprogram_state=body.get("miniprogram_state") or "formal",
            lang=body.get("lang") or "zh_CN",
            sent_at=self.login.clock.time(),
            extra={k: v for k, v in body.items() if k not in known},
        )
        self.sent.append(message)
        return message

    def sent_to(self, user_key: str) -> list[SentMessage]:
        """Messages delivered to one user, oldest first."""
        openid = self.login.openid(user_key)
        return [m for m in self.sent if m.touser == openid]
