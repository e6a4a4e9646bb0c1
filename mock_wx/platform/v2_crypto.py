"""WeChat Pay v2 (legacy) wire format, both sides: XML bodies, key-based signatures, req_info.

v2 has no certificates in the signing path: every request, answer and payment notification carries a
`sign` computed with the merchant's 32-character API key (wx-fidelity.md §4 "v2 signing"; official
rule: https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3):
drop `sign` and empty values, sort the keys by ASCII (case-sensitive), join `k=v` with `&`, append
`&key=<KEY>`, then MD5 upper-case hex, or HMAC-SHA256 keyed by KEY upper-case hex.

Refund notifications carry no `sign`; their `req_info` is AES-256-ECB (PKCS#7) under the lower-case hex
MD5 of the key, Base64 (https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_16).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

__all__ = [
    "SIGN_TYPES",
    "XmlError",
    "decrypt_req_info",
    "encrypt_req_info",
    "from_xml",
    "pay_sign",
    "sign",
    "sign_string",
    "to_xml",
    "verify",
]

#: The `sign_type` values v2 accepts; MD5 is the default when the field is absent.
SIGN_TYPES = ("MD5", "HMAC-SHA256")


class XmlError(ValueError):
    """A v2 body that is not the flat `<xml><k>v</k>…</xml>` document the API speaks."""


def sign_string(params: Mapping[str, Any], key: str) -> str:
    """`k1=v1&k2=v2…&key=KEY` over the non-empty parameters except `sign`, sorted by ASCII."""
    items = sorted(
        (str(k), str(v)) for k, v in params.items() if k != "sign" and v is not None and str(v) != ""
    )
    return "&".join(f"{k}={v}" for k, v in items) + f"&key={key}"


def sign(params: Mapping[str, Any], key: str, sign_type: str = "MD5") -> str:
    """The v2 `sign` of `params` with the merchant API key (MD5 or HMAC-SHA256, upper-case hex)."""
    text = sign_string(params, key).encode()
    if sign_type == "MD5":
        return hashlib.md5(text).hexdigest().upper()
    if sign_type == "HMAC-SHA256":
        return hmac.new(key.encode(), text, hashlib.sha256).hexdigest().upper()
    raise ValueError(f"sign_type must be MD5 or HMAC-SHA256, not {sign_type!r}")


def verify(params: Mapping[str, Any], key: str, sign_type: str | None = None) -> bool:
    """True iff `params["sign"]` is the v2 signature of the other fields (sign_type from the fields)."""
    given = params.get("sign")
    kind = sign_type or str(params.get("sign_type") or "MD5")
    if not isinstance(given, str) or kind not in SIGN_TYPES:
        return False
    return hmac.compare_digest(given, sign(params, key, kind))


def pay_sign(
    app_id: str, time_stamp: str, nonce: str, package: str, sign_type: str, key: str
) -> str:
    """The v2 `wx.requestPayment` paySign: the v2 rule over exactly appId, nonceStr, package, signType,
    timeStamp, camel-case `appId` included (§4; https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=7_7)."""
    fields = {"appId": app_id, "timeStamp": time_stamp, "nonceStr": nonce, "package": package,
              "signType": sign_type}
    return sign(fields, key, sign_type)


# -- XML ----------------------------------------------------------------------------------------------
def _cdata(value: str) -> str:
    # "]]>" cannot sit inside one CDATA section: split it across two.
    return "<![CDATA[" + value.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def to_xml(fields: Mapping[str, Any], root: str = "xml") -> str:
    """A flat v2 document; integers bare, text in CDATA, as WeChat Pay writes it."""
    parts = [f"<{root}>"]
    for name, value in fields.items():
        if value is None:
            continue
        text = str(value) if isinstance(value, int) and not isinstance(value, bool) else _cdata(str(value))
        parts.append(f"<{name}>{text}</{name}>")
    parts.append(f"</{root}>")
    return "".join(parts)


def from_xml(data: str | bytes) -> dict[str, str]:
    """Parse a flat v2 document into `{name: text}`; raises XmlError for anything else."""
    raw = data.encode() if isinstance(data, str) else data
    if not raw.strip():
        raise XmlError("empty body")
    if b"<!DOCTYPE" in raw.upper() or b"<!ENTITY" in raw.upper():
        # WeChat Pay refuses DTDs (the XXE advisory); the sandbox does too.
        raise XmlError("DOCTYPE is not allowed")
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as exc:
        raise XmlError(f"not well-formed XML: {exc}") from exc
    out: dict[str, str] = {}
    for child in root:
        if len(child):
            raise XmlError(f"<{child.tag}> must hold text, not elements")
        out[child.tag] = child.text or ""
    return out


# -- refund notification req_info ---------------------------------------------------------------------
def _req_info_cipher(key: str) -> Cipher[modes.ECB]:
    # The AES-256 key is the 32 ASCII characters of the lower-case hex MD5 of the API key.
    return Cipher(algorithms.AES(hashlib.md5(key.encode()).hexdigest().encode()), modes.ECB())


def encrypt_req_info(plaintext: str, key: str) -> str:
    """Base64(AES-256-ECB(PKCS#7(plaintext))) under MD5(key): a refund notification's req_info."""
    padder = padding.PKCS7(128).padder()
    padded = padder.update(plaintext.encode()) + padder.finalize()
    encryptor = _req_info_cipher(key).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()


def decrypt_req_info(req_info: str, key: str) -> dict[str, str]:
    """Decrypt a refund notification's req_info into its `<root>` fields; ValueError on a wrong key."""
    decryptor = _req_info_cipher(key).decryptor()
    try:
        padded = decryptor.update(base64.b64decode(req_info)) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        plain = unpadder.update(padded) + unpadder.finalize()
    except ValueError as exc:
        raise ValueError("req_info does not decrypt: wrong API key or tampered data") from exc
    return from_xml(plain)
