"""Signed, encrypted WeChat Pay notifications, POSTed and retried on the clock (wx-fidelity.md §4).

Each notification is a `Delivery` in `Notifier.deliveries`; its `attempts` record every POST with
its virtual time and answer, so a test can assert "retried at +15 s and +30 s" after
`await clock.advance(...)` without sleeping.
"""

from __future__ import annotations

import json
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from cryptography import x509

from ..clock import Timer, VirtualClock
from . import crypto, v2_crypto
from ._util import rfc3339, token
from .credentials import SandboxKeys

__all__ = ["RETRY_SCHEDULE", "Attempt", "Delivery", "Notifier"]

#: Seconds between successive retries after a failed delivery (§4): 15 in all, 24h4m in total.
RETRY_SCHEDULE: tuple[int, ...] = (
    15,
    15,
    30,
    180,
    600,
    1200,
    1800,
    1800,
    1800,
    3600,
    10800,
    10800,
    10800,
    21600,
    21600,
)


@dataclass
class Attempt:
    """One POST of a notification: when (virtual time), the HTTP status or the transport error."""

    at: float
    status: int | None
    error: str | None = None
    redelivery: bool = False
    #: v2 only: whether the answer was XML with `<return_code>SUCCESS</return_code>` (None for v3).
    accepted: bool | None = None

    @property
    def ok(self) -> bool:
        """v3: 200 and 204 acknowledge a notification; v2: a 200 whose XML says SUCCESS (§4). Else retried."""
        if self.accepted is not None:
            return self.status == 200 and self.accepted
        return self.status in (200, 204)


@dataclass
class Delivery:
    """A notification and its delivery history."""

    id: str
    event_type: str
    url: str
    created: float
    resource: dict[str, Any]  # the plaintext of the encrypted resource
    body: str  # the JSON envelope as POSTed
    attempts: list[Attempt] = field(default_factory=list)
    format: str = "v3"  # "v2": an XML body, no Wechatpay-* headers, acknowledged by XML return_code
    acknowledged: bool = False
    gave_up: bool = False
    next_attempt_at: float | None = None
    _timer: Timer | None = field(default=None, repr=False)

    @property
    def transaction_id(self) -> str | None:
        return self.resource.get("transaction_id")

    @property
    def out_trade_no(self) -> str | None:
        return self.resource.get("out_trade_no")

    @property
    def out_refund_no(self) -> str | None:
        return self.resource.get("out_refund_no")

    @property
    def fields(self) -> dict[str, str]:
        """A v2 notification's XML fields, parsed."""
        return v2_crypto.from_xml(self.body)

    @property
    def envelope(self) -> dict[str, Any]:
        """The POSTed JSON, parsed."""
        result: dict[str, Any] = json.loads(self.body)
        return result


class Notifier:
    """Builds notifications and delivers them to merchants' notify_url with the §4 retry schedule."""

    def __init__(
        self,
        clock: VirtualClock,
        keys: SandboxKeys,
        rng: random.Random,
        *,
        timeout: float = 5.0,
        header_time: Callable[[], float] | None = None,
    ) -> None:
        self.clock = clock
        #: The time written in Wechatpay-Timestamp: the virtual clock unless the sandbox says wall time.
        self.header_time = header_time or clock.time
        self.keys = keys
        self.timeout = timeout
        self.deliveries: list[Delivery] = []
        self._rng = rng
        self._session: aiohttp.ClientSession | None = None

    # -- building --------------------------------------------------------------------------------
    def build(
        self, url: str, event_type: str, summary: str, original_type: str, resource: dict[str, Any]
    ) -> Delivery:
        """Encrypt `resource` into a §4 envelope (not yet sent)."""
        creds = self.keys.merchant
        nonce = token(self._rng, 12)
        plaintext = json.dumps(resource, ensure_ascii=False, separators=(",", ":"))
        ciphertext = crypto.aead_encrypt(creds.apiv3_key, plaintext, nonce, original_type)
        now = self.clock.time()
        envelope: dict[str, Any] = {
            "id": str(uuid.UUID(int=self._rng.getrandbits(128), version=4)),
            "create_time": rfc3339(now),
            "resource_type": "encrypt-resource",
            "event_type": event_type,
            "summary": summary,
            "resource": {
                "original_type": original_type,
                "algorithm": "AEAD_AES_256_GCM",
                "ciphertext": ciphertext,
                "associated_data": original_type,
                "nonce": nonce,
            },
        }
        body = json.dumps(envelope, ensure_ascii=False, separators=(",", ":"))
        return Delivery(envelope["id"], event_type, url, now, resource, body)

    def headers(self, body: str | bytes) -> dict[str, str]:
        """Fresh Wechatpay-* headers signing `body` with the platform key (notifications and API answers)."""
        ts = str(int(self.header_time()))
        nonce = token(self._rng, 32)
        raw = body.encode() if isinstance(body, str) else body
        signature = crypto.rsa_sign(self.keys.platform_private_key, f"{ts}\n{nonce}\n".encode() + raw + b"\n")
        return {
            "Wechatpay-Serial": self.keys.merchant.platform_serial,
            "Wechatpay-Signature": signature,
            "Wechatpay-Timestamp": ts,
            "Wechatpay-Nonce": nonce,
            "Wechatpay-Signature-Type": "WECHATPAY2-SHA256-RSA2048",
        }

    def certificate_entry(self) -> dict[str, Any]:
        """The platform certificate as GET /v3/certificates lists it: encrypted with the APIv3 key."""
        creds = self.keys.merchant
        certificate = x509.load_pem_x509_certificate(creds.platform_certificate_pem.encode())
        nonce = token(self._rng, 12)
        return {
            "serial_no": creds.platform_serial,
            "effective_time": rfc3339(certificate.not_valid_before_utc.timestamp()),
            "expire_time": rfc3339(certificate.not_valid_after_utc.timestamp()),
            "encrypt_certificate": {
                "algorithm": "AEAD_AES_256_GCM",
                "nonce": nonce,
                "associated_data": "certificate",
                "ciphertext": crypto.aead_encrypt(
                    creds.apiv3_key, creds.platform_certificate_pem, nonce, "certificate"
                ),
            },
        }

    # -- sending ---------------------------------------------------------------------------------
    async def send(
        self, url: str, event_type: str, summary: str, original_type: str, resource: dict[str, Any]
    ) -> Delivery:
        """Build and deliver a notification now; failures are retried on the clock."""
        delivery = self.build(url, event_type, summary, original_type, resource)
        self.deliveries.append(delivery)
        await self._deliver(delivery)
        return delivery

    async def send_xml(self, url: str, event_type: str, fields: dict[str, Any], resource: dict[str, Any]) -> Delivery:
        """Deliver a v2 notification (`fields` already signed or encrypted); retried like v3 (§4)."""
        delivery = Delivery(token(self._rng, 32), event_type, url, self.clock.time(), resource,
                            v2_crypto.to_xml(fields), format="v2")
        self.deliveries.append(delivery)
        await self._deliver(delivery)
        return delivery

    async def redeliver(self, delivery: Delivery) -> Attempt:
        """POST the same notification (same id) once more, as WeChat's duplicates do (§4)."""
        attempt = await self._post(delivery, redelivery=True)
        if attempt.ok:
            self._acknowledge(delivery)
        return attempt

    def find(self, **match: Any) -> list[Delivery]:
        """Deliveries whose resource or attributes equal every `key=value` given."""
        return [
            d
            for d in self.deliveries
            if all(getattr(d, k, None) == v or d.resource.get(k) == v for k, v in match.items())
        ]

    async def close(self) -> None:
        """Stop pending retries and close the HTTP client."""
        for delivery in self.deliveries:
            if delivery._timer is not None:
                delivery._timer.cancel()
                delivery._timer = None
                delivery.next_attempt_at = None
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _deliver(self, delivery: Delivery) -> None:
        delivery._timer = None
        delivery.next_attempt_at = None
        if delivery.acknowledged:
            return
        attempt = await self._post(delivery)
        if attempt.ok:
            self._acknowledge(delivery)
            return
        retries = sum(1 for a in delivery.attempts if not a.redelivery) - 1
        if retries >= len(RETRY_SCHEDULE):
            delivery.gave_up = True
            return
        when = self.clock.time() + RETRY_SCHEDULE[retries]
        delivery.next_attempt_at = when
        delivery._timer = self.clock.call_at(when, self._deliver, delivery)

    def _acknowledge(self, delivery: Delivery) -> None:
        delivery.acknowledged = True
        if delivery._timer is not None:
            delivery._timer.cancel()
            delivery._timer = None
            delivery.next_attempt_at = None

    async def _post(self, delivery: Delivery, *, redelivery: bool = False) -> Attempt:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        at = self.clock.time()
        if delivery.format == "v2":
            headers = {"Content-Type": "text/xml; charset=utf-8"}
        else:
            headers = {"Content-Type": "application/json", **self.headers(delivery.body)}
        try:
            async with self._session.post(delivery.url, data=delivery.body.encode(), headers=headers) as response:
                answer = await response.read()
                accepted = _v2_accepted(answer) if delivery.format == "v2" else None
                attempt = Attempt(at, response.status, redelivery=redelivery, accepted=accepted)
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            attempt = Attempt(at, None, f"{type(exc).__name__}: {exc}", redelivery=redelivery)
        delivery.attempts.append(attempt)
        return attempt


def _v2_accepted(answer: bytes) -> bool:
    # A v2 merchant acknowledges with XML `<return_code>SUCCESS</return_code>`; anything else (plain
    # "success", FAIL, not XML) is a failed delivery and is retried (pay notification docs, chapter 9_7).
    try:
        return v2_crypto.from_xml(answer).get("return_code") == "SUCCESS"
    except v2_crypto.XmlError:
        return False
