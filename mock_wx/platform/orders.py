"""WeChat Pay v3 records and request validation: orders (prepays), refunds, error bodies (wx-fidelity.md §4)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import PlatformError
from ._util import parse_rfc3339, rfc3339

__all__ = [
    "TRADE_STATE_DESC",
    "Order",
    "PayApiError",
    "PaymentRejected",
    "Prepay",
    "Refund",
    "validate_jsapi",
    "validate_refund",
]

TRADE_STATE_DESC = {
    "NOTPAY": "未支付",
    "SUCCESS": "支付成功",
    "REFUND": "转入退款",
    "CLOSED": "已关闭",
}

# 6–32 of [0-9A-Za-z_-*|] (§4).
_OUT_TRADE_NO = re.compile(r"^[0-9A-Za-z_\-*|]{6,32}$")
_OUT_REFUND_NO = re.compile(r"^[0-9A-Za-z_\-*|@]{1,64}$")


class PayApiError(PlatformError):
    """A merchant API call refused: HTTP `status` with body `{"code", "message"}` as WeChat Pay v3 answers."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    def to_json(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


class PaymentRejected(PlatformError):
    """`wx.requestPayment` refused by the platform; `str(e)` follows `requestPayment:fail `."""

    def __init__(self, detail: str, reason: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.reason = reason  # SIGN_ERROR, PARAM_ERROR, APPID_MISMATCH, PREPAY_NOT_FOUND, ...


def _param(message: str) -> PayApiError:
    return PayApiError(400, "PARAM_ERROR", message)


@dataclass
class Order:
    """A JSAPI order and its current prepay_id (what `verify_client_payment` returns)."""

    appid: str
    mchid: str
    out_trade_no: str
    description: str
    notify_url: str
    total: int
    currency: str
    openid: str
    attach: str | None
    create_time: float
    time_expire: float
    prepay_id: str
    prepay_expires: float
    request: dict[str, Any] = field(repr=False)
    trade_state: str = "NOTPAY"
    transaction_id: str | None = None
    success_time: float | None = None
    refunded: int = 0
    sheet_answers: list[str] = field(default_factory=list)  # confirm/cancel/fail, in order
    api_version: str = "v3"  # "v2" for a /pay/unifiedorder order: XML notification, MD5/HMAC paySign
    sign_type: str = "RSA"  # v2: the sign_type used at unifiedorder, which paySign must repeat

    @property
    def trade_state_desc(self) -> str:
        return TRADE_STATE_DESC.get(self.trade_state, self.trade_state)

    def resource(self) -> dict[str, Any]:
        """The transaction object: the query answer and the notification's decrypted resource (§4)."""
        data: dict[str, Any] = {
            "appid": self.appid,
            "mchid": self.mchid,
            "out_trade_no": self.out_trade_no,
            "trade_type": "JSAPI",
            "trade_state": self.trade_state,
            "trade_state_desc": self.trade_state_desc,
            "attach": self.attach or "",
            "payer": {"openid": self.openid},
            "amount": {"total": self.total, "currency": self.currency},
        }
        if self.transaction_id is not None:
            data["transaction_id"] = self.transaction_id
            data["bank_type"] = "OTHERS"
            data["success_time"] = rfc3339(self.success_time or self.create_time)
            data["amount"].update(payer_total=self.total, payer_currency=self.currency)
        return data


#: The contract's name for what `verify_client_payment` returns.
Prepay = Order


@dataclass
class Refund:
    """A refund request and its status (SUCCESS, CLOSED, PROCESSING, ABNORMAL)."""

    refund_id: str
    out_refund_no: str
    transaction_id: str
    out_trade_no: str
    refund: int
    total: int
    currency: str
    reason: str | None
    notify_url: str | None
    create_time: float
    request: dict[str, Any] = field(repr=False)
    status: str = "PROCESSING"
    success_time: float | None = None
    api_version: str = "v3"  # "v2" when asked at /secapi/pay/refund: the notification is XML with req_info

    def to_json(self) -> dict[str, Any]:
        """The refund object as the refund APIs answer it."""
        data: dict[str, Any] = {
            "refund_id": self.refund_id,
            "out_refund_no": self.out_refund_no,
            "transaction_id": self.transaction_id,
            "out_trade_no": self.out_trade_no,
            "channel": "ORIGINAL",
            "user_received_account": "支付用户零钱",
            "create_time": rfc3339(self.create_time),
            "status": self.status,
            "funds_account": "AVAILABLE",
            "amount": {
                "total": self.total,
                "refund": self.refund,
                "payer_total": self.total,
                "payer_refund": self.refund,
                "settlement_refund": self.refund,
                "settlement_total": self.total,
                "discount_refund": 0,
                "currency": self.currency,
            },
        }
        if self.success_time is not None:
            data["success_time"] = rfc3339(self.success_time)
        return data

    def notification_resource(self, mchid: str) -> dict[str, Any]:
        """The decrypted resource of a REFUND.* notification."""
        return {
            "mchid": mchid,
            "out_trade_no": self.out_trade_no,
            "transaction_id": self.transaction_id,
            "out_refund_no": self.out_refund_no,
            "refund_id": self.refund_id,
            "refund_status": self.status,
            "success_time": rfc3339(self.success_time or self.create_time),
            "user_received_account": "支付用户零钱",
            "amount": {
                "total": self.total,
                "refund": self.refund,
                "payer_total": self.total,
                "payer_refund": self.refund,
            },
        }


def _str(body: dict[str, Any], name: str, max_len: int, *, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None:
        if required:
            raise _param(f"{name} is required")
        return None
    if not isinstance(value, str) or (required and not value):
        raise _param(f"{name} must be a non-empty string")
    if len(value) > max_len:
        raise _param(f"{name} is longer than {max_len} characters")
    return value


def _notify_url(value: str) -> None:
    # §4: https and no query string; http://127.0.0.1 is accepted because the sandbox is local.
    if not re.match(r"^https?://[^\s/?#]+", value):
        raise _param("notify_url must be an absolute http(s) URL")
    if "?" in value:
        raise _param("notify_url must not carry a query string")


def _int_amount(amount: Any, name: str) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise _param(f"amount.{name} must be an integer number of fen")
    if amount <= 0:
        raise _param(f"amount.{name} must be greater than 0")
    return amount


def _currency(amount: dict[str, Any]) -> str:
    currency = amount.get("currency", "CNY")
    if currency != "CNY":
        raise _param("amount.currency must be CNY")
    return "CNY"


def validate_jsapi(body: Any, *, appid: str, mchid: str, now: float) -> dict[str, Any]:
    """Check a JSAPI ordering body (§4); returns normalized fields or raises PayApiError."""
    if not isinstance(body, dict):
        raise _param("request body must be a JSON object")
    got_appid = _str(body, "appid", 32)
    got_mchid = _str(body, "mchid", 32)
    if got_mchid != mchid:
        raise PayApiError(400, "MCH_NOT_EXISTS", f"mchid {got_mchid} does not exist in this sandbox")
    if got_appid != appid:
        raise PayApiError(400, "APPID_MCHID_NOT_MATCH", "appid and mchid do not match")
    description = _str(body, "description", 127)
    out_trade_no = _str(body, "out_trade_no", 32)
    if not _OUT_TRADE_NO.match(out_trade_no or ""):
        raise _param("out_trade_no must be 6-32 characters of 0-9 A-Z a-z _ - * |")
    notify_url = _str(body, "notify_url", 256)
    _notify_url(notify_url or "")
    attach = _str(body, "attach", 128, required=False)
    amount = body.get("amount")
    if not isinstance(amount, dict):
        raise _param("amount is required")
    total = _int_amount(amount.get("total"), "total")
    currency = _currency(amount)
    payer = body.get("payer")
    if not isinstance(payer, dict) or not isinstance(payer.get("openid"), str) or not payer["openid"]:
        raise _param("payer.openid is required")
    # Without time_expire an unpaid order stays payable 7 days; with it, 1 min to 90 days ahead (§4).
    time_expire = now + 7 * 86400
    if body.get("time_expire") is not None:
        text = body["time_expire"]
        try:
            time_expire = parse_rfc3339(text) if isinstance(text, str) else float("nan")
        except ValueError:
            time_expire = float("nan")
        if time_expire != time_expire:
            raise _param("time_expire must be RFC 3339, e.g. 2026-01-05T09:30:00+08:00")
        if time_expire < now + 60:
            raise _param("time_expire must be at least 1 minute ahead")
        if time_expire > now + 90 * 86400:
            raise _param("time_expire must be within 90 days")
    return {
        "appid": got_appid,
        "mchid": got_mchid,
        "description": description,
        "out_trade_no": out_trade_no,
        "notify_url": notify_url,
        "attach": attach,
        "total": total,
        "currency": currency,
        "openid": payer["openid"],
        "time_expire": time_expire,
    }


def validate_refund(body: Any) -> dict[str, Any]:
    """Check a refund request body (§4); returns normalized fields or raises PayApiError."""
    if not isinstance(body, dict):
        raise _param("request body must be a JSON object")
    transaction_id = _str(body, "transaction_id", 32, required=False)
    out_trade_no = _str(body, "out_trade_no", 32, required=False)
    if not transaction_id and not out_trade_no:
        raise _param("transaction_id or out_trade_no is required")
    out_refund_no = _str(body, "out_refund_no", 64)
    if not _OUT_REFUND_NO.match(out_refund_no or ""):
        raise _param("out_refund_no must be 1-64 characters of 0-9 A-Z a-z _ - | * @")
    reason = _str(body, "reason", 80, required=False)
    if reason is not None and len(reason.encode()) > 80:
        raise _param("reason is longer than 80 bytes")
    notify_url = _str(body, "notify_url", 256, required=False)
    if notify_url is not None:
        _notify_url(notify_url)
    amount = body.get("amount")
    if not isinstance(amount, dict):
        raise _param("amount is required")
    return {
        "transaction_id": transaction_id,
        "out_trade_no": out_trade_no,
        "out_refund_no": out_refund_no,
        "reason": reason,
        "notify_url": notify_url,
        "refund": _int_amount(amount.get("refund"), "refund"),
        "total": _int_amount(amount.get("total"), "total"),
        "currency": _currency(amount),
    }
