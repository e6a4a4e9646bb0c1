"""Merchant-side WeChat Pay v3 client: signed requests, client pay params, notification checks.

wx-fidelity.md §4: requests carry `WECHATPAY2-SHA256-RSA2048` over `METHOD\\nURL\\nts\\nnonce\\nbody\\n`;
paySign covers `appId\\ntimeStamp\\nnonceStr\\npackage\\n`; notifications are signed by the *platform*
key over `ts\\nnonce\\nbody\\n` and carry an AEAD_AES_256_GCM resource keyed by the APIv3 key.
"""

from __future__ import annotations

import base64
import functools
import json
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import aiohttp
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .config import MerchantKeys

__all__ = ["NotificationError", "PayError", "WeChatPayClient", "rfc3339"]

_CST = timezone(timedelta(hours=8))


class PayError(Exception):
    """The platform refused a merchant request, or could not be reached."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message


class NotificationError(Exception):
    """A notification failed signature verification or decryption."""


def rfc3339(epoch: float) -> str:
    """WeChat Pay's time format, in Beijing time as the platform itself writes it."""
    return datetime.fromtimestamp(epoch, _CST).isoformat(timespec="seconds")


@functools.lru_cache(maxsize=8)
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    """The merchant key, loaded once per process: loading checks the RSA key (~45 ms), and every backend
    started in a test run or a demo uses the same few keys. Key objects are immutable."""
    key = serialization.load_pem_private_key(pem.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


class WeChatPayClient:
    """Talks to `/v3/pay/...` on the platform base URL as merchant `keys.mchid`."""

    def __init__(self, keys: MerchantKeys, base_url: str, session: aiohttp.ClientSession,
                 clock: Callable[[], float], timeout: float = 5.0) -> None:
        self.keys = keys
        self.base_url = base_url.rstrip("/")
        self.session = session
        self.clock = clock
        self.timeout = aiohttp.ClientTimeout(total=timeout)
        self._key = _private_key(keys.private_key_pem)
        pub = serialization.load_pem_public_key(keys.platform_public_key_pem.encode())
        assert isinstance(pub, rsa.RSAPublicKey)
        self._platform_key = pub
        self._aead = AESGCM(keys.apiv3_key.encode())

    # -- signing ------------------------------------------------------------------------------
    def sign(self, message: str) -> str:
        sig = self._key.sign(message.encode(), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(sig).decode()

    def authorization(self, method: str, url: str, body: str) -> str:
        ts, nonce = str(int(self.clock())), secrets.token_hex(16)
        signature = self.sign(f"{method}\n{url}\n{ts}\n{nonce}\n{body}\n")
        return (f'WECHATPAY2-SHA256-RSA2048 mchid="{self.keys.mchid}",nonce_str="{nonce}",'
                f'signature="{signature}",timestamp="{ts}",serial_no="{self.keys.serial_no}"')

    def pay_params(self, prepay_id: str) -> dict[str, str]:
        """`wx.requestPayment` parameters for a prepay id (signType RSA, §4 Signing)."""
        ts, nonce, package = str(int(self.clock())), secrets.token_hex(16), f"prepay_id={prepay_id}"
        sign = self.sign(f"{self.keys.appid}\n{ts}\n{nonce}\n{package}\n")
        return {"timeStamp": ts, "nonceStr": nonce, "package": package, "signType": "RSA", "paySign": sign}

    async def _call(self, method: str, url: str, payload: dict[str, Any] | None = None) -> Any:
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")) if payload is not None else ""
        headers = {"Authorization": self.authorization(method, url, body), "Accept": "application/json",
                   "Content-Type": "application/json"}
        try:
            async with self.session.request(method, self.base_url + url, data=body.encode() or None,
                                            headers=headers, timeout=self.timeout) as resp:
                text = await resp.text()
                status = resp.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise PayError(0, "TRANSPORT", repr(exc)) from exc
        data: Any = None
        if text:
            try:
                data = json.loads(text)
            except ValueError as exc:
                raise PayError(status, "BAD_BODY", text[:200]) from exc
        if status >= 300:
            data = data if isinstance(data, dict) else {}
            raise PayError(status, str(data.get("code", "FAIL")), str(data.get("message", text[:200])))
        return data

    # -- merchant operations ------------------------------------------------------------------
    async def jsapi(self, *, description: str, out_trade_no: str, total: int, openid: str,
                    notify_url: str, time_expire: float | None, attach: str = "") -> str:
        """Order through `/v3/pay/transactions/jsapi`; returns the prepay id."""
        payload: dict[str, Any] = {
            "appid": self.keys.appid, "mchid": self.keys.mchid, "description": description[:127],
            "out_trade_no": out_trade_no, "attach": attach, "notify_url": notify_url,
            "amount": {"total": total, "currency": "CNY"}, "payer": {"openid": openid}}
        if time_expire is not None:
            payload["time_expire"] = rfc3339(time_expire)
        data = await self._call("POST", "/v3/pay/transactions/jsapi", payload)
        if not isinstance(data, dict) or not data.get("prepay_id"):
            raise PayError(200, "BAD_BODY", "no prepay_id in the answer")
        return str(data["prepay_id"])

    async def query(self, out_trade_no: str) -> dict[str, Any]:
        data = await self._call("GET", f"/v3/pay/transactions/out-trade-no/{out_trade_no}?mchid={self.keys.mchid}")
        return data if isinstance(data, dict) else {}

    async def close(self, out_trade_no: str) -> None:
        await self._call("POST", f"/v3/pay/transactions/out-trade-no/{out_trade_no}/close",
                         {"mchid": self.keys.mchid})

    async def refund(self, *, out_trade_no: str, out_refund_no: str, refund: int, total: int,
                     reason: str, notify_url: str) -> dict[str, Any]:
        """Request a refund; `out_refund_no` makes a repeated request the same refund (§4)."""
        payload = {"out_trade_no": out_trade_no, "out_refund_no": out_refund_no, "reason": reason[:80],
                   "notify_url": notify_url, "amount": {"refund": refund, "total": total, "currency": "CNY"}}
        data = await self._call("POST", "/v3/refund/domestic/refunds", payload)
        return data if isinstance(data, dict) else {}

    # -- notifications ------------------------------------------------------------------------
    def open_notification(self, headers: Mapping[str, str], body: bytes, *, now: float | None = None,
                          max_skew: float | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
        """Verify the platform signature and decrypt the resource; returns (envelope, resource).

        With `now` and `max_skew`, a `Wechatpay-Timestamp` more than `max_skew` seconds away from `now` is
        refused before anything else is checked, as the v3 SDKs do (a replayed notification goes stale;
        the platform signs every retry afresh, so retries pass).
        """
        serial = headers.get("Wechatpay-Serial", "")
        ts, nonce = headers.get("Wechatpay-Timestamp", ""), headers.get("Wechatpay-Nonce", "")
        signature = headers.get("Wechatpay-Signature", "")
        if serial != self.keys.platform_serial:
            raise NotificationError(f"unknown platform certificate serial {serial!r}")
        if not (ts and nonce and signature):
            raise NotificationError("missing Wechatpay-Timestamp/Nonce/Signature")
        if now is not None and max_skew is not None:
            try:
                skew = int(ts) - now
            except ValueError as exc:
                raise NotificationError(f"Wechatpay-Timestamp {ts!r} is not epoch seconds") from exc
            if abs(skew) > max_skew:
                raise NotificationError(f"Wechatpay-Timestamp {ts} is {abs(skew):.0f} s "
                                        f"{'ahead of' if skew > 0 else 'behind'} this server's clock "
                                        f"(at most {max_skew:g} s allowed)")
        try:
            self._platform_key.verify(base64.b64decode(signature), f"{ts}\n{nonce}\n".encode() + body + b"\n",
                                      padding.PKCS1v15(), hashes.SHA256())
        except (InvalidSignature, ValueError) as exc:
            raise NotificationError("signature verification failed") from exc
        try:
            envelope = json.loads(body)
            res = envelope["resource"]
            if res.get("algorithm") != "AEAD_AES_256_GCM":
                raise NotificationError(f"unsupported algorithm {res.get('algorithm')!r}")
            plain = self._aead.decrypt(res["nonce"].encode(), base64.b64decode(res["ciphertext"]),
                                       (res.get("associated_data") or "").encode() or None)
            return envelope, json.loads(plain)
        except (InvalidTag, KeyError, TypeError, ValueError, AttributeError) as exc:
            raise NotificationError(f"cannot decrypt resource: {exc!r}") from exc
