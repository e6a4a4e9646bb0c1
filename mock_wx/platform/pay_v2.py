"""The WeChat Pay v2 merchant API (XML, key-signed) over the same orders as v3 (wx-fidelity.md §4 v2).

Official pages (cited by tests/platform/test_platform_v2.py): unifiedorder
https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=9_1 , orderquery …?chapter=9_2 , closeorder
…?chapter=9_3 , refund (/secapi/pay/refund) …?chapter=9_4 , signing https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3 .

Every answer is HTTP 200 XML. `return_code` is the transport verdict: FAIL with a `return_msg` and nothing
else for an unreadable body or a bad signature. Otherwise the answer is signed (with the request's
sign_type) and `result_code` says whether the business call worked, with `err_code`/`err_code_des` when not.
Orders live in `PayService.orders` whichever API placed them, as one out_trade_no space per merchant.
"""

from __future__ import annotations

import random
import re
from datetime import datetime
from typing import Any

from ..errors import PlatformError
from . import v2_crypto, v2_messages
from ._util import BEIJING, token
from .orders import Order, PayApiError
from .pay import PayService

__all__ = ["PayV2Api", "V2BusinessError", "V2Fail"]

_OUT_TRADE_NO = re.compile(r"^[0-9A-Za-z_\-*|]{6,32}$")
_OUT_REFUND_NO = re.compile(r"^[0-9A-Za-z_\-*|@]{1,64}$")

#: Fields that must be equal when an out_trade_no is ordered again ("订单重入时，要求参数值与原请求一致").
_REENTRY_FIELDS = ("body", "total_fee", "openid", "notify_url", "attach", "fee_type", "trade_type")


class V2Fail(PlatformError):
    """`return_code` FAIL: the request was not understood or not authentic (`return_msg` says why)."""

    def __init__(self, return_msg: str) -> None:
        super().__init__(return_msg)
        self.return_msg = return_msg


class V2BusinessError(PlatformError):
    """`result_code` FAIL with a documented `err_code` and its `err_code_des`."""

    def __init__(self, err_code: str, err_code_des: str) -> None:
        super().__init__(f"{err_code}: {err_code_des}")
        self.err_code = err_code
        self.err_code_des = err_code_des


def _required(fields: dict[str, str], *names: str) -> None:
    for name in names:
        if not fields.get(name):
            raise V2BusinessError("LACK_PARAMS", f"缺少参数 {name}")


def _fee(fields: dict[str, str], name: str) -> int:
    text = fields.get(name, "")
    if not re.fullmatch(r"[1-9][0-9]{0,9}", text):
        raise V2BusinessError("PARAM_ERROR" if name != "total_fee" else "INVALID_REQUEST",
                              f"{name} must be a positive integer number of fen")
    return int(text)


def _parse_compact(text: str) -> float:
    try:
        return datetime.strptime(text, "%Y%m%d%H%M%S").replace(tzinfo=BEIJING).timestamp()
    except ValueError:
        raise V2BusinessError("INVALID_REQUEST", "time_expire must be yyyyMMddHHmmss") from None


class PayV2Api:
    """Answers the four v2 endpoints for the sandbox merchant (`answer(path, body) -> XML text`)."""

    ENDPOINTS = ("/pay/unifiedorder", "/pay/orderquery", "/pay/closeorder", "/secapi/pay/refund")

    def __init__(self, pay: PayService, rng: random.Random) -> None:
        self.pay = pay
        self._rng = rng

    @property
    def key(self) -> str:
        return self.pay.keys.merchant.apiv2_key

    async def answer(self, path: str, raw: bytes) -> str:
        """The XML answer to a POST of `raw` to `path` (one of ENDPOINTS)."""
        try:
            fields = v2_crypto.from_xml(raw)
        except v2_crypto.XmlError:
            return v2_crypto.to_xml({"return_code": "FAIL", "return_msg": "XML格式错误"})
        try:
            sign_type = self._authenticate(fields)
        except V2Fail as exc:
            return v2_crypto.to_xml({"return_code": "FAIL", "return_msg": exc.return_msg})
        try:
            result = await self._dispatch(path, fields)
            body: dict[str, Any] = {"result_code": "SUCCESS", **result}
        except V2BusinessError as exc:
            body = {"result_code": "FAIL", "err_code": exc.err_code, "err_code_des": exc.err_code_des}
        return v2_crypto.to_xml(self._signed(body, sign_type))

    def _authenticate(self, fields: dict[str, str]) -> str:
        sign_type = fields.get("sign_type") or "MD5"
        if sign_type not in v2_crypto.SIGN_TYPES:
            raise V2Fail("sign_type参数错误: 仅支持 MD5 和 HMAC-SHA256")
        if not fields.get("sign") or not fields.get("nonce_str"):
            raise V2Fail("缺少参数 sign 或 nonce_str")
        if not v2_crypto.verify(fields, self.key, sign_type):
            # What WeChat Pay answers for a wrong key or a tampered field (the docs' SIGNERROR).
            raise V2Fail("签名错误")
        return sign_type

    def _signed(self, body: dict[str, Any], sign_type: str) -> dict[str, Any]:
        creds = self.pay.keys.merchant
        data = {"return_code": "SUCCESS", "return_msg": "OK", "appid": creds.appid, "mch_id": creds.mchid,
                "nonce_str": token(self._rng, 32), **body}
        data = {k: v for k, v in data.items() if v is not None}
        data["sign"] = v2_crypto.sign(data, self.key, sign_type)
        return data

    async def _dispatch(self, path: str, fields: dict[str, str]) -> dict[str, Any]:
        creds = self.pay.keys.merchant
        _required(fields, "appid", "mch_id")
        if fields["mch_id"] != creds.mchid:
            raise V2BusinessError("MCHID_NOT_EXIST", "MCHID不存在")
        if fields["appid"] != creds.appid:
            raise V2BusinessError("APPID_MCHID_NOT_MATCH", "appid和mch_id不匹配")
        if path == "/pay/unifiedorder":
            return self.unifiedorder(fields)
        if path == "/pay/orderquery":
            return v2_messages.order_fields(self._find(fields))
        if path == "/pay/closeorder":
            return self.closeorder(fields)
        if path == "/secapi/pay/refund":
            return await self.refund(fields)
        raise ValueError(f"not a v2 endpoint: {path}")

    # -- endpoints ---------------------------------------------------------------------------------
    def unifiedorder(self, fields: dict[str, str]) -> dict[str, Any]:
        """Place (or re-enter) a JSAPI order; answers `prepay_id` and `trade_type`."""
        _required(fields, "body", "out_trade_no", "total_fee", "spbill_create_ip", "notify_url", "trade_type")
        if fields["trade_type"] != "JSAPI":
            raise V2BusinessError("INVALID_REQUEST", "trade_type must be JSAPI for a mini program")
        _required(fields, "openid")  # required for JSAPI
        if not _OUT_TRADE_NO.match(fields["out_trade_no"]):
            raise V2BusinessError("INVALID_REQUEST", "out_trade_no must be 6-32 characters of 0-9 A-Z a-z _ - | *")
        if len(fields["body"]) > 127:
            raise V2BusinessError("INVALID_REQUEST", "body is longer than 127 characters")
        if not re.match(r"^https?://[^\s/?#]+", fields["notify_url"]) or "?" in fields["notify_url"]:
            raise V2BusinessError("INVALID_REQUEST", "notify_url must be an absolute URL without a query string")
        total = _fee(fields, "total_fee")
        fee_type = fields.get("fee_type") or "CNY"
        if fee_type != "CNY":
            raise V2BusinessError("INVALID_REQUEST", "fee_type must be CNY")
        now = self.pay.clock.time()
        time_expire = now + 7 * 86400
        if fields.get("time_expire"):
            time_expire = _parse_compact(fields["time_expire"])
            if time_expire < now + 60:
                raise V2BusinessError("INVALID_REQUEST", "time_expire must be at least 1 minute ahead")
        existing = self.pay.orders.get(fields["out_trade_no"])
        if existing is not None:
            return self._reenter(existing, fields)
        order = Order(
            appid=fields["appid"], mchid=fields["mch_id"], out_trade_no=fields["out_trade_no"],
            description=fields["body"], notify_url=fields["notify_url"], total=total, currency=fee_type,
            openid=fields["openid"], attach=fields.get("attach") or None, create_time=now,
            time_expire=time_expire, prepay_id=self.pay.new_prepay_id(), prepay_expires=now + self.pay.prepay_ttl,
            request={k: fields.get(k, "") for k in _REENTRY_FIELDS}, api_version="v2",
            sign_type=fields.get("sign_type") or "MD5",
        )
        self.pay.add_order(order)
        return {"trade_type": "JSAPI", "prepay_id": order.prepay_id}

    def _reenter(self, order: Order, fields: dict[str, str]) -> dict[str, Any]:
        if order.trade_state in ("SUCCESS", "REFUND"):
            raise V2BusinessError("ORDERPAID", "该订单已支付")
        if order.trade_state == "CLOSED":
            raise V2BusinessError("ORDERCLOSED", "该订单已关闭")
        same = order.api_version == "v2" and order.request == {k: fields.get(k, "") for k in _REENTRY_FIELDS}
        if not same:
            raise V2BusinessError("OUT_TRADE_NO_USED", "商户订单号重复")
        if self.pay.clock.time() >= order.prepay_expires:
            self.pay.renew_prepay(order)
        return {"trade_type": "JSAPI", "prepay_id": order.prepay_id}

    def _find(self, fields: dict[str, str]) -> Order:
        # transaction_id wins over out_trade_no when both are given (orderquery / refund pages).
        if not fields.get("transaction_id") and not fields.get("out_trade_no"):
            raise V2BusinessError("LACK_PARAMS", "缺少参数 transaction_id 或 out_trade_no")
        try:
            return self.pay.query(mchid=self.pay.mchid, transaction_id=fields.get("transaction_id") or None,
                                  out_trade_no=None if fields.get("transaction_id") else fields["out_trade_no"])
        except PayApiError:
            raise V2BusinessError("ORDERNOTEXIST", "order not exist") from None

    def closeorder(self, fields: dict[str, str]) -> dict[str, Any]:
        """Close an unpaid order: ORDERPAID once paid, ORDERCLOSED when closed already."""
        _required(fields, "out_trade_no")
        order = self._find({"out_trade_no": fields["out_trade_no"]})
        if order.trade_state in ("SUCCESS", "REFUND"):
            raise V2BusinessError("ORDERPAID", "订单已支付，不能发起关单")
        if order.trade_state == "CLOSED":
            raise V2BusinessError("ORDERCLOSED", "订单已关闭，无法重复关闭")
        order.trade_state = "CLOSED"
        return {}

    async def refund(self, fields: dict[str, str]) -> dict[str, Any]:
        """Request a refund; the refund notification (if notify_url is given) is v2 XML with req_info."""
        _required(fields, "out_refund_no", "total_fee", "refund_fee")
        if not _OUT_REFUND_NO.match(fields["out_refund_no"]):
            raise V2BusinessError("PARAM_ERROR", "out_refund_no must be 1-64 characters of 0-9 A-Z a-z _ - | * @")
        order = self._find(fields)
        if order.transaction_id is None:
            # "未支付的订单不能发起退款" (refund error table, ORDERNOTEXIST).
            raise V2BusinessError("ORDERNOTEXIST", "order not exist or not paid")
        body = {"out_trade_no": order.out_trade_no, "out_refund_no": fields["out_refund_no"],
                "reason": fields.get("refund_desc") or None, "notify_url": fields.get("notify_url") or None,
                "amount": {"refund": _fee(fields, "refund_fee"), "total": _fee(fields, "total_fee"),
                           "currency": fields.get("refund_fee_type") or "CNY"}}
        try:
            refund = await self.pay.refund(body, api_version="v2")
        except PayApiError as exc:
            raise V2BusinessError(*_refund_error(exc)) from exc
        return {"transaction_id": refund.transaction_id, "out_trade_no": refund.out_trade_no,
                "out_refund_no": refund.out_refund_no, "refund_id": refund.refund_id,
                "refund_fee": refund.refund, "total_fee": refund.total, "cash_fee": refund.total,
                "cash_refund_fee": refund.refund}


def _refund_error(exc: PayApiError) -> tuple[str, str]:
    """The v2 refund err_code for what the shared refund logic refused (chapter 9_4 error table)."""
    if exc.code == "RESOURCE_NOT_EXISTS":
        return "ORDERNOTEXIST", "order not exist"
    if "365 days" in exc.message:
        return "TRADE_OVERDUE", "订单已经超过退款期限"
    if exc.code == "PARAM_ERROR":
        return "PARAM_ERROR", exc.message
    return "ERROR", exc.message  # "ERROR: 申请退款业务发生错误，返回具体的错误原因"
