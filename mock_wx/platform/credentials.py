"""The sandbox merchant's credentials, generated per sandbox, and the platform's own key pair."""

from __future__ import annotations

import functools
import random
import string
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from . import crypto, v2_crypto

__all__ = ["MerchantCredentials", "SandboxKeys"]


@dataclass(frozen=True)
class MerchantCredentials:
    """What a merchant backend holds: ids, its API key pair, the APIv3 key, the platform's public key."""

    mchid: str
    appid: str
    secret: str  # the mini program's AppSecret, for code2Session and /cgi-bin/token
    serial_no: str  # serial of the merchant API certificate, sent in Authorization
    private_key_pem: str
    public_key_pem: str
    apiv3_key: str  # 32 ASCII characters; its bytes are the AES-256-GCM key
    platform_serial: str  # sent as Wechatpay-Serial on notifications
    platform_public_key_pem: str
    platform_certificate_pem: str = ""  # self-signed X.509 over the platform key, as /v3/certificates serves
    apiv2_key: str = ""  # the 32-character v2 API key: signs v2 XML and paySign (MD5 / HMAC-SHA256)

    def to_json(self) -> dict[str, str]:
        """The JSON served at GET /sandbox/merchant."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MerchantCredentials:
        """Rebuild from GET /sandbox/merchant (unknown keys ignored)."""
        return cls(**{f: str(data[f]) for f in cls.__dataclass_fields__ if f in data})

    @cached_property
    def private_key(self) -> rsa.RSAPrivateKey:
        """The merchant private key object."""
        return crypto.load_private_key(self.private_key_pem)

    @cached_property
    def platform_public_key(self) -> rsa.RSAPublicKey:
        """The platform public key object that verifies notifications."""
        return crypto.load_public_key(self.platform_public_key_pem)

    def sign_request(self, method: str, url: str, body: str | bytes = "", **kw: Any) -> str:
        """Authorization header for a request to the sandbox (see `crypto.sign_request`)."""
        return crypto.sign_request(
            method, url, body, mchid=self.mchid, serial_no=self.serial_no, private_key=self.private_key, **kw
        )

    def pay_params(self, prepay_id: str, **kw: Any) -> dict[str, str]:
        """`wx.requestPayment` arguments signed with this merchant's key."""
        return crypto.build_pay_params(self.appid, prepay_id, self.private_key, **kw)

    def pay_params_v2(self, prepay_id: str, sign_type: str = "MD5", **kw: Any) -> dict[str, str]:
        """v2 `wx.requestPayment` arguments: paySign with the API key, `signType` MD5 or HMAC-SHA256."""
        ts = str(kw.get("timestamp") or int(time.time()))
        nonce = str(kw.get("nonce") or crypto.nonce_str())
        package = f"prepay_id={prepay_id}"
        return {"timeStamp": ts, "nonceStr": nonce, "package": package, "signType": sign_type,
                "paySign": v2_crypto.pay_sign(self.appid, ts, nonce, package, sign_type, self.apiv2_key)}

    def sign_v2(self, params: dict[str, Any], sign_type: str = "MD5") -> str:
        """The v2 `sign` of a request or answer with this merchant's API key."""
        return v2_crypto.sign(params, self.apiv2_key, sign_type)

    def verify_notification(self, headers: Any, body: str | bytes) -> bool:
        """Check a notification's signature with the platform public key."""
        return crypto.verify_notification(headers, body, self.platform_public_key) and (
            {k.lower(): v for k, v in headers.items()}.get("wechatpay-serial") == self.platform_serial
        )

    def decrypt_resource(self, resource: dict[str, Any]) -> dict[str, Any]:
        """Decrypt a notification resource with the APIv3 key."""
        return crypto.decrypt_resource(resource, self.apiv3_key)


@dataclass
class SandboxKeys:
    """Merchant credentials plus the platform private key that only the sandbox holds."""

    merchant: MerchantCredentials
    platform_private_key: rsa.RSAPrivateKey = field(repr=False)
    merchant_public_key: rsa.RSAPublicKey = field(repr=False)

    @classmethod
    def generate(
        cls, rng: random.Random, *, appid: str, mchid: str, secret: str | None, now: float
    ) -> SandboxKeys:
        """New RSA pairs for merchant and platform; serials, secret and APIv3 key from `rng`."""
        merchant_key = _rsa_key(rng.getrandbits(64))
        platform_key = _rsa_key(rng.getrandbits(64))
        alnum = string.ascii_letters + string.digits
        # 40 hex digits like the real serials; a leading digit below 8 keeps it within X.509's 159 bits.
        platform_serial = rng.choice("1234567") + "".join(rng.choice("0123456789ABCDEF") for _ in range(39))
        creds = MerchantCredentials(
            mchid=mchid,
            appid=appid,
            secret=secret or "".join(rng.choice("0123456789abcdef") for _ in range(32)),
            serial_no="".join(rng.choice("0123456789ABCDEF") for _ in range(40)),
            private_key_pem=crypto.private_key_pem(merchant_key),
            public_key_pem=crypto.public_key_pem(merchant_key),
            apiv3_key="".join(rng.choice(alnum) for _ in range(32)),
            platform_serial=platform_serial,
            platform_public_key_pem=crypto.public_key_pem(platform_key),
            platform_certificate_pem=_certificate(platform_key, platform_serial, now),
            # Drawn last so that adding it left every other seeded value as it was.
            apiv2_key="".join(rng.choice(alnum) for _ in range(32)),
        )
        return cls(creds, platform_key, merchant_key.public_key())


@functools.lru_cache(maxsize=64)
def _rsa_key(slot: int) -> rsa.RSAPrivateKey:
    # RSA generation cannot be seeded, so keys are cached per seed-derived slot: sandboxes built with the
    # same seed in one process share keys (and generating them dominates a test suite's setup time).
    return crypto.generate_rsa_key()


def _certificate(key: rsa.RSAPrivateKey, serial_hex: str, now: float) -> str:
    """A self-signed platform certificate whose serial number is `serial_hex` (valid 5 years from `now`)."""
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay.com sandbox"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "wxsim"),
        ]
    )
    start = datetime.fromtimestamp(int(now) - 86400, UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(int(serial_hex, 16))
        .not_valid_before(start)
        .not_valid_after(start + timedelta(days=5 * 365))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()
