"""A small WeChat Pay v2 merchant of our own: signs, parses and verifies independently of mock_wx.

Written from the official v2 rules, not from the sandbox's code, so a test that uses it checks the
sandbox against the documentation rather than against itself:
- signing, https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3
- the mini program paySign, https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=7_7
- the refund notification's req_info, https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_16
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def v2_sign(params: dict[str, Any], key: str, sign_type: str = "MD5") -> str:
    text = "&".join(f"{k}={params[k]}" for k in sorted(params) if k != "sign" and str(params[k]) != "")
    text += f"&key={key}"
    if sign_type == "HMAC-SHA256":
        return hmac.new(key.encode(), text.encode(), hashlib.sha256).hexdigest().upper()
    return hashlib.md5(text.encode()).hexdigest().upper()


def to_xml(params: dict[str, Any]) -> str:
    return "<xml>" + "".join(f"<{k}><![CDATA[{v}]]></{k}>" for k, v in params.items()) + "</xml>"


def parse_xml(text: str) -> dict[str, str]:
    """A flat `<xml>` (or `<root>`) document: each child's text, CDATA unwrapped."""
    body = re.sub(r"^\s*<(xml|root)>|</(xml|root)>\s*$", "", text.strip())
    out: dict[str, str] = {}
    for name, value in re.findall(r"<(\w+)>(.*?)</\1>", body, re.S):
        out[name] = re.sub(r"<!\[CDATA\[(.*?)\]\]>", r"\1", value, flags=re.S)
    return out


def decrypt_req_info(req_info: str, key: str) -> dict[str, str]:
    aes_key = hashlib.md5(key.encode()).hexdigest().encode()
    decryptor = Cipher(algorithms.AES(aes_key), modes.ECB()).decryptor()
    padded = decryptor.update(base64.b64decode(req_info)) + decryptor.finalize()
    plain = padded[: -padded[-1]]  # PKCS#7
    return parse_xml(plain.decode())


class V2Merchant:
    """What a v2 backend does with the sandbox: sign XML requests, check signed answers, build paySign."""

    def __init__(self, http: aiohttp.ClientSession, base_url: str, creds: dict[str, str]) -> None:
        self.http = http
        self.base_url = base_url
        self.appid = creds["appid"]
        self.mch_id = creds["mchid"]
        self.key = creds["apiv2_key"]
        self._n = 0

    def nonce(self) -> str:
        self._n += 1
        return f"N{self._n:031d}"

    async def call(self, path: str, params: dict[str, Any], *, sign_type: str = "MD5",
                   key: str | None = None, tamper: dict[str, Any] | None = None) -> dict[str, str]:
        """POST signed XML; `key` signs with another key, `tamper` changes fields after signing."""
        body = {"appid": self.appid, "mch_id": self.mch_id, "nonce_str": self.nonce(), **params}
        if sign_type != "MD5":
            body["sign_type"] = sign_type
        body["sign"] = v2_sign(body, key or self.key, sign_type)
        body.update(tamper or {})
        async with self.http.post(self.base_url + path, data=to_xml(body).encode(),
                                  headers={"Content-Type": "text/xml"}) as resp:
            assert resp.status == 200
            answer = parse_xml(await resp.text())
        if answer.get("return_code") == "SUCCESS":
            assert answer["sign"] == v2_sign(answer, self.key, sign_type), "the answer's sign does not verify"
        return answer

    async def unifiedorder(self, out_trade_no: str, openid: str, notify_url: str, *, total_fee: int = 990,
                           sign_type: str = "MD5", **extra: Any) -> dict[str, str]:
        return await self.call("/pay/unifiedorder", {
            "body": "Tea - 2 cups", "out_trade_no": out_trade_no, "total_fee": total_fee,
            "spbill_create_ip": "127.0.0.1", "notify_url": notify_url, "trade_type": "JSAPI",
            "openid": openid, **extra}, sign_type=sign_type)

    def pay_params(self, prepay_id: str, sign_type: str = "MD5") -> dict[str, str]:
        """The v2 wx.requestPayment arguments for a prepay_id (appId is signed but not passed)."""
        params = {"appId": self.appid, "timeStamp": str(int(time.time())), "nonceStr": self.nonce(),
                  "package": f"prepay_id={prepay_id}", "signType": sign_type}
        params["paySign"] = v2_sign(params, self.key, sign_type)
        del params["appId"]
        return params


@dataclass
class V2Received:
    fields: dict[str, str]
    verified: bool


@dataclass
class V2NotifyServer:
    """The merchant's notify_url: verifies each v2 notification and answers XML SUCCESS (or `fail_next`)."""

    key: str
    url: str = ""
    fail_next: int = 0
    payments: list[V2Received] = field(default_factory=list)
    refunds: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        fields = parse_xml(await request.text())
        if "req_info" in fields:
            self.refunds.append(decrypt_req_info(fields["req_info"], self.key))
        else:
            verified = fields.get("sign") == v2_sign(fields, self.key, fields.get("sign_type") or "MD5")
            self.payments.append(V2Received(fields, verified))
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(text=to_xml({"return_code": "FAIL", "return_msg": "busy"}), content_type="text/xml")
        return web.Response(text=to_xml({"return_code": "SUCCESS", "return_msg": "OK"}), content_type="text/xml")
