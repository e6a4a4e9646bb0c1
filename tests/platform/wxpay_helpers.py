"""Test helpers for the platform sandbox: a notify receiver and a signed merchant client."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from mock_wx.platform import MerchantCredentials


@dataclass
class Received:
    """One notification as the merchant's server saw it."""

    path: str
    headers: dict[str, str]
    body: str
    answered: int

    @property
    def json(self) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.body)
        return result


@dataclass
class NotifyReceiver:
    """A tiny merchant notify endpoint; `answers` are consumed first, then `default` is used."""

    base_url: str = ""
    answers: list[int] = field(default_factory=list)
    default: int = 200
    received: list[Received] = field(default_factory=list)

    def url(self, path: str = "/pay/notify") -> str:
        return self.base_url + path

    async def handle(self, request: web.Request) -> web.Response:
        status = self.answers.pop(0) if self.answers else self.default
        body = await request.text()
        self.received.append(Received(request.path, dict(request.headers), body, status))
        if status in (200, 204):
            return web.Response(status=status)
        return web.json_response({"code": "FAIL", "message": "busy"}, status=status)


def order_body(
    creds: MerchantCredentials, out_trade_no: str, notify_url: str, total: int = 100, **extra: Any
) -> dict[str, Any]:
    """A valid JSAPI ordering body (§4) for this merchant, with `extra` fields overriding."""
    body: dict[str, Any] = {
        "appid": creds.appid,
        "mchid": creds.mchid,
        "description": "Group buy: 2 x tea",
        "out_trade_no": out_trade_no,
        "notify_url": notify_url,
        "amount": {"total": total, "currency": "CNY"},
        "payer": {"openid": "oUser0000000000000000000000A"},
    }
    body.update(extra)
    return body


class MerchantClient:
    """Signs requests like a merchant backend that knows only the sandbox's base URL and credentials."""

    def __init__(self, session: aiohttp.ClientSession, base_url: str, creds: MerchantCredentials) -> None:
        self.session = session
        self.base_url = base_url
        self.creds = creds

    async def request(
        self, method: str, path: str, body: Any = None, *, authorization: str | None = None
    ) -> tuple[int, Any]:
        raw = "" if body is None else json.dumps(body)
        headers = {
            "Authorization": authorization or self.creds.sign_request(method, path, raw),
            "Accept": "application/json",
            "Content-Type": "application/json",
        }
        async with self.session.request(method, self.base_url + path, data=raw or None, headers=headers) as r:
            text = await r.text()
            return r.status, (json.loads(text) if text else None)

    def order_body(
        self, out_trade_no: str, notify_url: str, total: int = 100, **extra: Any
    ) -> dict[str, Any]:
        return order_body(self.creds, out_trade_no, notify_url, total, **extra)

    async def order(self, out_trade_no: str, notify_url: str, total: int = 100, **extra: Any) -> str:
        status, data = await self.request(
            "POST", "/v3/pay/transactions/jsapi", self.order_body(out_trade_no, notify_url, total, **extra)
        )
        assert status == 200, data
        prepay_id: str = data["prepay_id"]
        return prepay_id
