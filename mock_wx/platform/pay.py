"""The WeChat Pay v3 sandbox: ordering, the payment sheet, query, close, refunds (wx-fidelity.md §4).

The merchant API methods here are what the HTTP routes call after checking the request signature;
in-process Python may call them directly. Client-side calls (`verify_client_payment`, `settle`)
are what the `wx.requestPayment` emulation uses.
"""

from __future__ import annotations

import asyncio
import random
import re
from typing import Any, Literal

from ..clock import VirtualClock
from . import crypto, v2_crypto, v2_messages
from ._util import digits, rfc3339, token
from .credentials import SandboxKeys
from .notify import Attempt, Delivery, Notifier
from .orders import Order, PayApiError, PaymentRejected, Refund, validate_jsapi, validate_refund

__all__ = ["PREPAY_TTL", "Outcome", "PayService"]

#: A prepay_id is valid 2 hours (WeChat Pay's JSAPI ordering docs); re-order to get a new one.
PREPAY_TTL = 7200.0

Outcome = Literal["confirm", "cancel", "fail"]

SIGN_FAILED = "支付验证签名失败"  # requestPayment:fail detail for a bad paySign


class PayService:
    """One sandbox merchant's orders and refunds."""

    def __init__(
        self,
        clock: VirtualClock,
        keys: SandboxKeys,
        notifier: Notifier,
        rng: random.Random,
        *,
        prepay_ttl: float = PREPAY_TTL,
        refund_delay: float = 0.0,
    ) -> None:
        self.clock = clock
        self.keys = keys
        self.notifier = notifier
        self.prepay_ttl = prepay_ttl
        self.refund_delay = refund_delay
        self._rng = rng
        self.orders: dict[str, Order] = {}  # by out_trade_no
        self.refunds: dict[str, Refund] = {}  # by out_refund_no
        self._by_prepay: dict[str, Order] = {}
        self._by_transaction: dict[str, Order] = {}
        self._tasks: set[asyncio.Task[Any]] = set()

    @property
    def appid(self) -> str:
        return self.keys.merchant.appid

    @property
    def mchid(self) -> str:
        return self.keys.merchant.mchid

    @property
    def deliveries(self) -> list[Delivery]:
        """Every notification sent so far, with its attempts."""
        return self.notifier.deliveries

    # -- merchant request authentication ------------------------------------------------------------
    def verify_request(self, method: str, url: str, body: str | bytes, authorization: str | None) -> None:
        """Check a merchant request's `Authorization` header; raises 401 SIGN_ERROR."""
        if not authorization:
            raise PayApiError(401, "SIGN_ERROR", "Authorization header is missing")
        try:
            fields = crypto.parse_authorization(authorization)
        except ValueError as exc:
            raise PayApiError(401, "SIGN_ERROR", str(exc)) from exc
        if fields["mchid"] != self.mchid:
            raise PayApiError(401, "SIGN_ERROR", "mchid in Authorization does not match the merchant")
        if fields["serial_no"] != self.keys.merchant.serial_no:
            raise PayApiError(401, "SIGN_ERROR", "serial_no is not this merchant's certificate serial")
        message = crypto.request_message(method, url, fields["timestamp"], fields["nonce_str"], body)
        if not crypto.rsa_verify(self.keys.merchant_public_key, message, fields["signature"]):
            raise PayApiError(401, "SIGN_ERROR", "signature verification failed")

    # -- merchant API -------------------------------------------------------------------------------
    def create_jsapi(self, body: Any) -> Order:
        """JSAPI ordering (§4): the order with a prepay_id, or PayApiError."""
        now = self.clock.time()
        fields = validate_jsapi(body, appid=self.appid, mchid=self.mchid, now=now)
        existing = self.orders.get(fields["out_trade_no"])
        if existing is not None:
            return self._reorder(existing, fields, now)
        order = Order(
            appid=fields["appid"],
            mchid=fields["mchid"],
            out_trade_no=fields["out_trade_no"],
            description=fields["description"],
            notify_url=fields["notify_url"],
            total=fields["total"],
            currency=fields["currency"],
            openid=fields["openid"],
            attach=fields["attach"],
            create_time=now,
            time_expire=fields["time_expire"],
            prepay_id=self._new_prepay_id(now),
            prepay_expires=now + self.prepay_ttl,
            request=fields,
        )
        self.orders[order.out_trade_no] = order
        self._by_prepay[order.prepay_id] = order
        return order

    def _reorder(self, order: Order, fields: dict[str, Any], now: float) -> Order:
        # Ordering again with the same out_trade_no and the same fields answers the same order
        # (a fresh prepay_id once the old one expired); other fields are a duplicate order number.
        if order.trade_state in ("SUCCESS", "REFUND"):
            raise PayApiError(403, "ORDERPAID", "the order has been paid")
        if order.trade_state == "CLOSED":
            raise PayApiError(400, "ORDER_CLOSED", "the order has been closed")
        if {**fields, "time_expire": None} != {**order.request, "time_expire": None}:
            raise PayApiError(403, "OUT_TRADE_NO_USED", "out_trade_no already used with other parameters")
        if now >= order.prepay_expires:
            order.prepay_id = self._new_prepay_id(now)
            order.prepay_expires = now + self.prepay_ttl
            self._by_prepay[order.prepay_id] = order
        return order

    def add_order(self, order: Order) -> Order:
        """Record an order placed through another API version (v2 unifiedorder) so it pays like any other."""
        self.orders[order.out_trade_no] = order
        self._by_prepay[order.prepay_id] = order
        return order

    def renew_prepay(self, order: Order) -> None:
        """A fresh prepay_id for an order whose prepay_id has expired (a repeated, identical ordering)."""
        now = self.clock.time()
        order.prepay_id = self._new_prepay_id(now)
        order.prepay_expires = now + self.prepay_ttl
        self._by_prepay[order.prepay_id] = order

    def new_prepay_id(self) -> str:
        """A prepay_id as the JSAPI ordering endpoints answer it."""
        return self._new_prepay_id(self.clock.time())

    def query(
        self, *, mchid: str, out_trade_no: str | None = None, transaction_id: str | None = None
    ) -> Order:
        """Query by out_trade_no or transaction_id; an unpaid order has no transaction_id (§4)."""
        if mchid != self.mchid:
            raise PayApiError(400, "MCH_NOT_EXISTS", "mchid does not match")
        order = (
            self.orders.get(out_trade_no)
            if out_trade_no is not None
            else self._by_transaction.get(transaction_id or "")
        )
        if order is None:
            raise PayApiError(404, "ORDER_NOT_EXIST", "order does not exist")
        return order

    def close(self, out_trade_no: str, *, mchid: str) -> None:
        """Close an unpaid order (§4: the HTTP answer is 204); a paid one answers ORDERPAID."""
        order = self.query(mchid=mchid, out_trade_no=out_trade_no)
        if order.trade_state in ("SUCCESS", "REFUND"):
            raise PayApiError(400, "ORDERPAID", "the order has been paid and cannot be closed")
        order.trade_state = "CLOSED"

    async def refund(self, body: Any, *, api_version: str = "v3") -> Refund:
        """Request a refund (§4); idempotent on out_refund_no. Completes after `refund_delay` seconds.

        `api_version="v2"` (the /secapi/pay/refund route) makes its notification v2 XML."""
        fields = validate_refund(body)
        existing = self.refunds.get(fields["out_refund_no"])
        if existing is not None:
            return existing
        if fields["transaction_id"]:
            order = self._by_transaction.get(fields["transaction_id"])
        else:
            order = self.orders.get(fields["out_trade_no"])
        if order is None or order.transaction_id is None:
            raise PayApiError(404, "RESOURCE_NOT_EXISTS", "order does not exist or is not paid")
        if fields["out_trade_no"] and fields["out_trade_no"] != order.out_trade_no:
            raise PayApiError(400, "INVALID_REQUEST", "transaction_id and out_trade_no do not match")
        if fields["total"] != order.total:
            raise PayApiError(400, "PARAM_ERROR", "amount.total does not equal the order's total")
        if self.clock.time() > (order.success_time or 0) + 365 * 86400:
            raise PayApiError(400, "INVALID_REQUEST", "refunds are accepted within 365 days of payment")
        if fields["refund"] > order.total - order.refunded:
            raise PayApiError(400, "INVALID_REQUEST", "refund amount exceeds the refundable amount")
        now = self.clock.time()
        refund = Refund(
            refund_id="50" + digits(self._rng, 27),
            out_refund_no=fields["out_refund_no"],
            transaction_id=order.transaction_id,
            out_trade_no=order.out_trade_no,
            refund=fields["refund"],
            total=order.total,
            currency=order.currency,
            reason=fields["reason"],
            notify_url=fields["notify_url"],
            create_time=now,
            request=fields,
            api_version=api_version,
        )
        self.refunds[refund.out_refund_no] = refund
        order.refunded += refund.refund
        order.trade_state = "REFUND"
        if self.refund_delay > 0:
            self.clock.call_later(self.refund_delay, self._complete_refund, refund)
        else:
            # Completed after the HTTP answer, never inside it: a backend holding a lock while it
            # awaits the refund call must not receive the notification re-entrantly.
            task = asyncio.ensure_future(self._complete_refund(refund))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return refund

    def query_refund(self, out_refund_no: str) -> Refund:
        """The refund with this out_refund_no, or 404 RESOURCE_NOT_EXISTS."""
        refund = self.refunds.get(out_refund_no)
        if refund is None:
            raise PayApiError(404, "RESOURCE_NOT_EXISTS", "refund does not exist")
        return refund

    async def _complete_refund(self, refund: Refund) -> None:
        await asyncio.sleep(0)
        refund.status = "SUCCESS"
        refund.success_time = self.clock.time()
        if refund.notify_url and refund.api_version == "v2":
            fields = v2_messages.refund_notification(refund, self.keys.merchant, self._rng)
            await self.notifier.send_xml(refund.notify_url, "REFUND.SUCCESS", fields,
                                         v2_messages.refund_plain(refund))
        elif refund.notify_url:
            await self.notifier.send(
                refund.notify_url,
                "REFUND.SUCCESS",
                "退款成功",
                "refund",
                refund.notification_resource(self.mchid),
            )

    async def idle(self) -> None:
        """Wait until background work (refund completion and its notification) has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    # -- client side (wx.requestPayment) ------------------------------------------------------------
    def verify_client_payment(
        self,
        appId: str,
        timeStamp: str,
        nonceStr: str,
        package: str,
        signType: str,
        paySign: str,
        *,
        openid: str | None = None,
    ) -> Order:
        """Check `wx.requestPayment` arguments (§4); raises PaymentRejected with the fail detail.

        Given the paying user's `openid`, also refuse an order placed for another payer.
        """
        if signType not in ("RSA", *v2_crypto.SIGN_TYPES):
            raise PaymentRejected(f"signType must be RSA, MD5 or HMAC-SHA256, got {signType!r}", "PARAM_ERROR")
        if not isinstance(timeStamp, str) or not re.fullmatch(r"\d{10}", timeStamp):
            raise PaymentRejected("timeStamp must be a string of 10-digit Unix seconds", "PARAM_ERROR")
        if not isinstance(nonceStr, str) or not 0 < len(nonceStr) <= 32:
            raise PaymentRejected("nonceStr must be 1-32 characters", "PARAM_ERROR")
        match = re.fullmatch(r"prepay_id=(\S+)", package) if isinstance(package, str) else None
        if match is None:
            raise PaymentRejected("package must be prepay_id=<prepay_id>", "PARAM_ERROR")
        order = self._by_prepay.get(match.group(1))
        if order is None:
            raise PaymentRejected("prepay_id does not exist", "PREPAY_NOT_FOUND")
        if appId != order.appid:
            raise PaymentRejected("appId does not match the appid used at ordering", "APPID_MISMATCH")
        if not isinstance(paySign, str) or not self._pay_sign_ok(order, appId, timeStamp, nonceStr, package,
                                                               signType, paySign):
            raise PaymentRejected(SIGN_FAILED, "SIGN_ERROR")
        if openid is not None and openid != order.openid:
            raise PaymentRejected("the order was placed for another payer (payer.openid)", "PAYER_MISMATCH")
        self._check_payable(order, match.group(1))
        return order

    def _pay_sign_ok(self, order: Order, app_id: str, ts: str, nonce: str, package: str, sign_type: str,
                     pay_sign: str) -> bool:
        """Check paySign the way the order's API version signs it (§4): RSA for v3, the API key for v2."""
        if order.api_version == "v2":
            # RSA is v3 only; a v2 paySign repeats the sign_type of its unifiedorder (wxa_api chapter 7_7:
            # "需与统一下单的签名类型一致").
            if sign_type == "RSA":
                raise PaymentRejected("signType must be MD5 or HMAC-SHA256 for a WeChat Pay v2 order "
                                      "(prepay_id from /pay/unifiedorder), got 'RSA'", "PARAM_ERROR")
            if sign_type != order.sign_type:
                raise PaymentRejected(f"signType must be the sign_type used at unifiedorder ({order.sign_type}), "
                                      f"got {sign_type!r}", "PARAM_ERROR")
            expected = v2_crypto.pay_sign(app_id, ts, nonce, package, sign_type, self.keys.merchant.apiv2_key)
            return pay_sign == expected
        if sign_type != "RSA":
            # MD5 and HMAC-SHA256 are v2 signatures; a v3 order is paid with RSA only (§4).
            raise PaymentRejected(f"signType must be RSA for WeChat Pay v3, got {sign_type!r}", "PARAM_ERROR")
        message = crypto.pay_sign_message(app_id, ts, nonce, package)
        return crypto.rsa_verify(self.keys.merchant_public_key, message, pay_sign)

    def _check_payable(self, order: Order, prepay_id: str) -> None:
        now = self.clock.time()
        if order.trade_state in ("SUCCESS", "REFUND"):
            raise PaymentRejected("the order has been paid", "ORDERPAID")
        if order.trade_state == "CLOSED":
            raise PaymentRejected("the order has been closed", "ORDER_CLOSED")
        if now >= order.time_expire:
            raise PaymentRejected("the order has expired (time_expire)", "ORDER_EXPIRED")
        if prepay_id != order.prepay_id or now >= order.prepay_expires:
            raise PaymentRejected("prepay_id has expired", "PREPAY_EXPIRED")

    async def settle(self, prepay_id: str, outcome: Outcome = "confirm") -> Order:
        """The user answered the payment sheet; `confirm` pays and notifies (first POST awaited)."""
        order = self._by_prepay.get(prepay_id)
        if order is None:
            raise PaymentRejected("prepay_id does not exist", "PREPAY_NOT_FOUND")
        if outcome not in ("confirm", "cancel", "fail"):
            raise ValueError(f"outcome must be confirm, cancel or fail, not {outcome!r}")
        self._check_payable(order, prepay_id)
        order.sheet_answers.append(outcome)
        if outcome != "confirm":
            # JSAPI orders stay NOTPAY after a cancel or a failure: PAYERROR is for payment-code orders (§4).
            return order
        now = self.clock.time()
        order.trade_state = "SUCCESS"
        order.success_time = now
        order.transaction_id = "4200" + digits(self._rng, 24)
        self._by_transaction[order.transaction_id] = order
        if order.api_version == "v2":
            fields = v2_messages.pay_notification(order, self.keys.merchant, self._rng)
            await self.notifier.send_xml(order.notify_url, "TRANSACTION.SUCCESS", fields, order.resource())
            return order
        await self.notifier.send(
            order.notify_url, "TRANSACTION.SUCCESS", "支付成功", "transaction", order.resource()
        )
        return order

    # -- test hooks ---------------------------------------------------------------------------------
    async def redeliver(
        self, transaction_id: str | None = None, *, out_refund_no: str | None = None
    ) -> Attempt:
        """POST the latest notification for a payment (or a refund) again: a duplicate (§4)."""
        if out_refund_no is not None:
            found = self.notifier.find(out_refund_no=out_refund_no)
        else:
            found = [d for d in self.notifier.find(transaction_id=transaction_id) if d.out_refund_no is None]
        if not found:
            raise KeyError(f"no notification for {out_refund_no or transaction_id}")
        return await self.notifier.redeliver(found[-1])

    def _new_prepay_id(self, now: float) -> str:
        stamp = rfc3339(now)[:19].replace("-", "").replace("T", "").replace(":", "")
        return "wx" + stamp + token(self._rng, 20, "0123456789abcdef")
