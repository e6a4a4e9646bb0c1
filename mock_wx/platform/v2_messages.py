"""The WeChat Pay v2 documents the sandbox writes about orders and refunds: query answers and notifications.

Field lists follow the official v2 pages: order query https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_2,
payment notification https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=9_7, refund
notification https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_16.
"""

from __future__ import annotations

import random
from datetime import datetime
from typing import Any

from . import v2_crypto
from ._util import BEIJING, token
from .credentials import MerchantCredentials
from .orders import Order, Refund

__all__ = ["compact_time", "order_fields", "pay_notification", "refund_notification", "refund_time"]


def compact_time(ts: float) -> str:
    """v2 times: `yyyyMMddHHmmss` in Beijing time (time_end, time_expire)."""
    return datetime.fromtimestamp(int(ts), BEIJING).strftime("%Y%m%d%H%M%S")


def refund_time(ts: float) -> str:
    """The refund notification's `success_time`: `yyyy-MM-dd HH:mm:ss` in Beijing time."""
    return datetime.fromtimestamp(int(ts), BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def order_fields(order: Order) -> dict[str, Any]:
    """An order as /pay/orderquery and the payment notification describe it (unsigned, no envelope)."""
    data: dict[str, Any] = {
        "openid": order.openid,
        "trade_type": "JSAPI",
        "trade_state": order.trade_state,
        "total_fee": order.total,
        "fee_type": order.currency,
        "out_trade_no": order.out_trade_no,
        "attach": order.attach or None,
        "trade_state_desc": order.trade_state_desc,
    }
    if order.transaction_id is not None:
        data.update(
            is_subscribe="N",
            bank_type="OTHERS",
            cash_fee=order.total,
            transaction_id=order.transaction_id,
            time_end=compact_time(order.success_time or order.create_time),
        )
    return data


def pay_notification(order: Order, creds: MerchantCredentials, rng: random.Random) -> dict[str, Any]:
    """The signed XML fields POSTed to notify_url once a v2 order is paid (chapter 9_7).

    Signed with the order's sign_type; `sign_type` is written only for HMAC-SHA256 because MD5 is the
    documented default a verifier assumes when the field is absent.
    """
    fields = order_fields(order)
    fields.pop("trade_state", None)  # the notification reports result_code, not trade_state
    fields.pop("trade_state_desc", None)
    data: dict[str, Any] = {
        "return_code": "SUCCESS",
        "appid": order.appid,
        "mch_id": order.mchid,
        "nonce_str": token(rng, 32),
        "result_code": "SUCCESS",
        **fields,
    }
    if order.sign_type == "HMAC-SHA256":
        data["sign_type"] = "HMAC-SHA256"
    data = {k: v for k, v in data.items() if v is not None}
    data["sign"] = v2_crypto.sign(data, creds.apiv2_key, order.sign_type if order.sign_type != "RSA" else "MD5")
    return data


def refund_plain(refund: Refund) -> dict[str, Any]:
    """The refund notification's req_info before encryption (chapter 9_16), keys as documented."""
    return {
        "transaction_id": refund.transaction_id,
        "out_trade_no": refund.out_trade_no,
        "refund_id": refund.refund_id,
        "out_refund_no": refund.out_refund_no,
        "total_fee": refund.total,
        "refund_fee": refund.refund,
        "settlement_refund_fee": refund.refund,
        "refund_status": refund.status,
        "success_time": refund_time(refund.success_time or refund.create_time),
        "refund_recv_accout": "支付用户的零钱",  # sic: the documented field name is misspelt
        "refund_account": "REFUND_SOURCE_RECHARGE_FUNDS",
        "refund_request_source": "API",
    }


def refund_notification(refund: Refund, creds: MerchantCredentials, rng: random.Random) -> dict[str, Any]:
    """The refund notification: no `sign`; the details are in req_info, AES-256-ECB under MD5(key)."""
    plain = v2_crypto.to_xml(refund_plain(refund), root="root")
    return {
        "return_code": "SUCCESS",
        "appid": creds.appid,
        "mch_id": creds.mchid,
        "nonce_str": token(rng, 32),
        "req_info": v2_crypto.encrypt_req_info(plain, creds.apiv2_key),
    }
