"""wx.requestPayment: the platform checks the signed parameters, then the user answers the sheet (§4).

The answer comes from the user's dialog policy (`confirm`, `cancel`, `fail` or `fail:<detail>`); a
confirm settles the order with the platform, which posts the notification to the merchant's `notify_url`
before the call resolves. Both WeChat Pay versions pay here: `signType` RSA for a v3 order, MD5 or
HMAC-SHA256 (the one used at /pay/unifiedorder) for a v2 order; the platform checks paySign accordingly.
"""

from __future__ import annotations

from typing import Any

from ._base import Fail, WxContext, api

__all__ = ["PAY_FIELDS"]

PAY_FIELDS = ("timeStamp", "nonceStr", "package", "paySign")


@api("requestPayment")
async def request_payment(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    """Verify → payment sheet → settle; `requestPayment:fail cancel` when the user backs out (§4)."""
    if ctx.state.get("single_page_mode"):
        raise Fail("not supported in single page mode")  # §3: 1154 is browse-only
    for name in PAY_FIELDS:
        if not isinstance(args.get(name), str) or not args.get(name):
            kind = type(args.get(name)).__name__ if name in args else "Undefined"
            raise Fail(f"parameter error: parameter.{name} should be String instead of {kind};")
    sign_type = args.get("signType", "RSA")  # RSA is the v3 default (§4); MD5 / HMAC-SHA256 are v2
    channel = getattr(ctx.services, "wechat", None)
    if channel is None:
        raise Fail("payment is not available (no platform in this simulation)")
    from ..platform import PaymentRejected  # the platform is a lower layer; import it only when paying

    openid = channel.openid(ctx.user_key)
    params = {"appId": ctx.appid, "timeStamp": args["timeStamp"], "nonceStr": args["nonceStr"],
              "package": args["package"], "signType": str(sign_type), "paySign": args["paySign"]}
    try:
        order = await channel.verify_payment(params, openid)
    except PaymentRejected as exc:
        ctx.record("payment", package=args["package"], outcome="rejected", reason=exc.reason, detail=exc.detail)
        raise Fail(exc.detail) from exc
    prepay_id = args["package"].split("=", 1)[1]
    answer = str(ctx.dialogs.answer("payment"))
    outcome, _, detail = answer.partition(":")
    if outcome not in ("confirm", "cancel", "fail"):
        raise ValueError(f"payment answer must be confirm, cancel or fail[:detail], not {answer!r}")
    ctx.dialogs.shown.append({"kind": "payment", "t": ctx.clock.time(), "out_trade_no": order.out_trade_no,
                              "amount": order.total, "answer": outcome})
    try:
        await channel.settle_payment(prepay_id, outcome)
    except PaymentRejected as exc:
        raise Fail(exc.detail) from exc
    ctx.record("payment", out_trade_no=order.out_trade_no, amount=order.total, outcome=outcome,
               prepay_id=prepay_id)
    if outcome == "cancel":
        raise Fail("cancel")
    if outcome == "fail":
        raise Fail(detail or "payment failed")
    return {}
