"""WeChat Pay v3 cryptography, both sides: the sandbox's and the merchant's (wx-fidelity.md §4).

Everything goes through the `cryptography` package: SHA256-with-RSA (PKCS#1 v1.5) signatures in
Base64, AEAD_AES_256_GCM with the 32-byte APIv3 key. The merchant-side helpers (`sign_request`,
`build_pay_params`, `verify_notification`, `decrypt_resource`) are what a Python backend or a test
uses to talk to the sandbox exactly as it would talk to api.mch.weixin.qq.com.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
import time
from collections.abc import Mapping
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "AUTH_SCHEMA",
    "PrivateKeyLike",
    "PublicKeyLike",
    "aead_decrypt",
    "aead_encrypt",
    "build_pay_params",
    "decrypt_resource",
    "generate_rsa_key",
    "load_private_key",
    "load_public_key",
    "nonce_str",
    "parse_authorization",
    "pay_sign_message",
    "private_key_pem",
    "public_key_pem",
    "request_message",
    "rsa_sign",
    "rsa_verify",
    "sign_request",
    "verify_notification",
]

#: The schema word in a merchant request's Authorization header.
AUTH_SCHEMA = "WECHATPAY2-SHA256-RSA2048"

PrivateKeyLike = rsa.RSAPrivateKey | str | bytes
PublicKeyLike = rsa.RSAPublicKey | rsa.RSAPrivateKey | str | bytes

_ALNUM = string.ascii_uppercase + string.digits


# -- keys -------------------------------------------------------------------------------------------
def generate_rsa_key() -> rsa.RSAPrivateKey:
    """A fresh RSA 2048 private key (merchant API key or platform key)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def private_key_pem(key: rsa.RSAPrivateKey) -> str:
    """PKCS#8 PEM text, as the merchant's apiclient_key.pem."""
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def public_key_pem(key: rsa.RSAPrivateKey | rsa.RSAPublicKey) -> str:
    """SubjectPublicKeyInfo PEM text of a key (or of a private key's public half)."""
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    return pub.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def load_private_key(key: PrivateKeyLike) -> rsa.RSAPrivateKey:
    """Accept a key object or PEM text/bytes."""
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    data = key.encode() if isinstance(key, str) else key
    loaded = serialization.load_pem_private_key(data, password=None)
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise TypeError("WeChat Pay keys are RSA keys")
    return loaded


def load_public_key(key: PublicKeyLike) -> rsa.RSAPublicKey:
    """Accept a public key, a private key (its public half) or public PEM text/bytes."""
    if isinstance(key, rsa.RSAPublicKey):
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        return key.public_key()
    data = key.encode() if isinstance(key, str) else key
    loaded = serialization.load_pem_public_key(data)
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise TypeError("WeChat Pay keys are RSA keys")
    return loaded


# -- primitives -------------------------------------------------------------------------------------
def _bytes(message: str | bytes) -> bytes:
    return message.encode() if isinstance(message, str) else message


def rsa_sign(private_key: PrivateKeyLike, message: str | bytes) -> str:
    """Base64 SHA256-with-RSA (PKCS#1 v1.5) signature of `message`."""
    key = load_private_key(private_key)
    signature = key.sign(_bytes(message), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode()


def rsa_verify(public_key: PublicKeyLike, message: str | bytes, signature_b64: str) -> bool:
    """True iff `signature_b64` is a valid SHA256-with-RSA signature of `message`."""
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        load_public_key(public_key).verify(signature, _bytes(message), padding.PKCS1v15(), hashes.SHA256())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def aead_encrypt(apiv3_key: str | bytes, plaintext: str | bytes, nonce: str, associated_data: str) -> str:
    """AEAD_AES_256_GCM: Base64 of ciphertext with its 16-byte tag appended (§4)."""
    aes = AESGCM(_bytes(apiv3_key))
    return base64.b64encode(aes.encrypt(nonce.encode(), _bytes(plaintext), associated_data.encode())).decode()


def aead_decrypt(apiv3_key: str | bytes, nonce: str, ciphertext_b64: str, associated_data: str = "") -> bytes:
    """Reverse of `aead_encrypt`; raises `ValueError` when the tag does not match."""
    aes = AESGCM(_bytes(apiv3_key))
    try:
        return aes.decrypt(nonce.encode(), base64.b64decode(ciphertext_b64), associated_data.encode())
    except InvalidTag as exc:
        raise ValueError("AEAD_AES_256_GCM tag mismatch: wrong APIv3 key or tampered resource") from exc


def nonce_str(length: int = 32) -> str:
    """A random upper-case alphanumeric nonce (≤ 32 characters for nonceStr, §4)."""
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


# -- merchant side ----------------------------------------------------------------------------------
def request_message(method: str, url: str, timestamp: str, nonce: str, body: str | bytes) -> bytes:
    """The signed message of a merchant request: `METHOD\\nURL\\ntimestamp\\nnonce\\nbody\\n`.

    `url` is the path with its query string, as sent (no scheme or host).
    """
    head = f"{method.upper()}\n{url}\n{timestamp}\n{nonce}\n".encode()
    return head + _bytes(body) + b"\n"


def sign_request(
    method: str,
    url: str,
    body: str | bytes,
    *,
    mchid: str,
    serial_no: str,
    private_key: PrivateKeyLike,
    timestamp: int | str | None = None,
    nonce: str | None = None,
) -> str:
    """The `Authorization` header value for a merchant API request (GET: body is `""`)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or nonce_str()
    signature = rsa_sign(private_key, request_message(method, url, ts, nonce, body))
    return (
        f'{AUTH_SCHEMA} mchid="{mchid}",nonce_str="{nonce}",signature="{signature}",'
        f'timestamp="{ts}",serial_no="{serial_no}"'
    )


def parse_authorization(header: str) -> dict[str, str]:
    """Split a `WECHATPAY2-SHA256-RSA2048 k="v",...` header; raises ValueError when malformed."""
    schema, _, rest = header.strip().partition(" ")
    if schema != AUTH_SCHEMA:
        raise ValueError(f"Authorization schema must be {AUTH_SCHEMA}")
    fields: dict[str, str] = {}
    for part in rest.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep or len(value) < 2 or value[0] != '"' or value[-1] != '"':
            raise ValueError(f"malformed Authorization field {part.strip()!r}")
        fields[key] = value[1:-1]
    missing = {"mchid", "nonce_str", "signature", "timestamp", "serial_no"} - fields.keys()
    if missing:
        raise ValueError(f"Authorization lacks {', '.join(sorted(missing))}")
    return fields


def pay_sign_message(app_id: str, time_stamp: str, nonce: str, package: str) -> str:
    """The v3 paySign message: four lines, each ending in `\\n`, the last included (§4)."""
    return f"{app_id}\n{time_stamp}\n{nonce}\n{package}\n"


def build_pay_params(
    appid: str,
    prepay_id: str,
    private_key: PrivateKeyLike,
    *,
    timestamp: int | str | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """The `wx.requestPayment` arguments for a prepay: timeStamp, nonceStr, package, signType, paySign."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce = nonce or nonce_str()
    package = f"prepay_id={prepay_id}"
    return {
        "timeStamp": ts,
        "nonceStr": nonce,
        "package": package,
        "signType": "RSA",
        "paySign": rsa_sign(private_key, pay_sign_message(appid, ts, nonce, package)),
    }


def _header(headers: Mapping[str, str], name: str) -> str:
    lowered = {k.lower(): v for k, v in headers.items()}
    value = lowered.get(name.lower())
    if value is None:
        raise KeyError(name)
    return value


def verify_notification(
    headers: Mapping[str, str], body: str | bytes, platform_public_key: PublicKeyLike
) -> bool:
    """True iff `Wechatpay-Signature` signs `timestamp\\nnonce\\nbody\\n` with the platform key (§4)."""
    try:
        ts = _header(headers, "Wechatpay-Timestamp")
        nonce = _header(headers, "Wechatpay-Nonce")
        signature = _header(headers, "Wechatpay-Signature")
    except KeyError:
        return False
    message = f"{ts}\n{nonce}\n".encode() + _bytes(body) + b"\n"
    return rsa_verify(platform_public_key, message, signature)


def decrypt_resource(resource: Mapping[str, Any], apiv3_key: str | bytes) -> dict[str, Any]:
    """Decrypt a notification's `resource` (AEAD_AES_256_GCM) into its JSON object (§4)."""
    if resource.get("algorithm") != "AEAD_AES_256_GCM":
        raise ValueError(f"unsupported algorithm {resource.get('algorithm')!r}")
    plaintext = aead_decrypt(
        apiv3_key, resource["nonce"], resource["ciphertext"], resource.get("associated_data") or ""
    )
    result: dict[str, Any] = json.loads(plaintext)
    return result
