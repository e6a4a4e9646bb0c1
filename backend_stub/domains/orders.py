"""Orders: created → paid → shipped → completed; cancel, close on timeout, refund."""

from __future__ import annotations

from typing import Any

from .._http import ApiError, Ctx, Router
from .._util import iso, new_id
from ..openapi import ORDER_STATUS, obj, ref
from ..wechatpay import PayError
from .products import get_product

__all__ = ["close_due", "complete_due", "create_order", "order_json", "prepay", "refund_failed", "release",
           "request_refund", "router", "ship_order"]

router = Router("orders")
PAID_STATES = ("paid", "shipped", "completed")


def order_json(db: Any, row: dict[str, Any]) -> dict[str, Any]:
    name = db.scalar("SELECT name FROM products WHERE id=?", row["product_id"])
    return {"id": row["id"], "productId": row["product_id"], "productName": name or "",
            "quantity": row["quantity"], "amount": row["amount"], "status": row["status"],
            "groupId": row["group_id"], "createdAt": iso(row["created_at"]), "paidAt": iso(row["paid_at"]),
            "expiresAt": iso(row["expires_at"]), "outTradeNo": row["out_trade_no"],
            "closedReason": row["closed_reason"], "refundError": row.get("refund_error")}


def create_order(backend: Any, user: dict[str, Any], product: dict[str, Any], quantity: int, amount: int,
                 now: float, group_id: str | None = None) -> dict[str, Any]:
    """Reserve stock and insert a `created` order; call inside a transaction."""
    db = backend.db
    cur = db.run("UPDATE products SET stock = stock - ? WHERE id=? AND stock >= ?", quantity, product["id"],
                 quantity)
    if cur.rowcount == 0:
        raise ApiError(409, "out_of_stock", f"{product['name']} has fewer than {quantity} left")
    oid = new_id("o")
    db.run("INSERT INTO orders (id, user_id, product_id, quantity, amount, status, group_id, out_trade_no, "
           "created_at, expires_at) VALUES (?,?,?,?,?,?,?,?,?,?)", oid, user["id"], product["id"], quantity,
           amount, "created", group_id, "T" + oid[1:] + new_id("")[:8], now,
           now + backend.config.order_close_seconds)
    row = db.one("SELECT * FROM orders WHERE id=?", oid)
    assert row is not None
    return row


async def prepay(backend: Any, order: dict[str, Any], openid: str) -> dict[str, str]:
    """`wx.requestPayment` params for an unpaid order, ordering at the platform on first use."""
    pay = backend.require_pay()
    prepay_id = order.get("prepay_id")
    if not prepay_id:
        name = backend.db.scalar("SELECT name FROM products WHERE id=?", order["product_id"]) or "商品"
        try:
            prepay_id = await pay.jsapi(description=name, out_trade_no=order["out_trade_no"],
                                        total=order["amount"], openid=openid,
                                        notify_url=backend.config.notify_url,
                                        time_expire=order["expires_at"] if backend.config.send_time_expire else None,
                                        attach=order["id"])
        except PayError as exc:
            raise ApiError(502, "payment_unavailable", f"WeChat Pay refused the order: {exc}") from exc
        with backend.db.tx() as db:
            db.run("UPDATE orders SET prepay_id=? WHERE id=?", prepay_id, order["id"])
        order["prepay_id"] = prepay_id
    return pay.pay_params(prepay_id)


def release(backend: Any, order: dict[str, Any], status: str, reason: str, now: float) -> None:
    """Close an unpaid order: give the stock back, free its group slot, close it at the platform."""
    db = backend.db
    with db.tx():
        cur = db.run("UPDATE orders SET status=?, closed_reason=? WHERE id=? AND status='created'",
                     status, reason, order["id"])
        if cur.rowcount == 0:
            return
        db.run("UPDATE products SET stock = stock + ? WHERE id=?", order["quantity"], order["product_id"])
        if order["group_id"]:
            db.run("DELETE FROM group_members WHERE group_id=? AND order_id=? AND paid=0", order["group_id"],
                   order["id"])
        db.run("INSERT OR IGNORE INTO outbox (kind, order_id, status, next_at) VALUES ('close',?,'pending',?)",
               order["id"], now)


def request_refund(backend: Any, order: dict[str, Any], reason: str, now: float) -> bool:
    """Mark a paid order `refunding` and queue exactly one platform refund; False if already refunding."""
    db = backend.db
    with db.tx():
        cur = db.run("UPDATE orders SET status='refunding', refund_reason=? WHERE id=? AND status IN "
                     "('paid','shipped','completed','closed')", reason, order["id"])
        if cur.rowcount == 0:
            return False
        # out_refund_no derives from the order, so even a repeated request is the same refund (§4).
        db.run("INSERT OR IGNORE INTO refunds (order_id, out_refund_no, amount, reason, status, created_at) "
               "VALUES (?,?,?,?,?,?)", order["id"], "R" + order["out_trade_no"], order["amount"], reason,
               "requested", now)
        db.run("INSERT OR IGNORE INTO outbox (kind, order_id, status, next_at) VALUES ('refund',?,'pending',?)",
               order["id"], now)
        db.run("UPDATE commissions SET status='clawed_back', settled_at=? WHERE order_id=? AND "
               "status IN ('pending','settled')", now, order["id"])
        if order["group_id"]:
            db.run("DELETE FROM group_members WHERE group_id=? AND order_id=? AND group_id IN "
                   "(SELECT id FROM groups WHERE status='open')", order["group_id"], order["id"])
    return True


def refund_failed(backend: Any, order_id: str, error: str) -> bool:
    """The platform refused the refund for good: `refunding` → `refund_failed`, with its reason (terminal).

    Nothing is given back (no stock, no group slot); the shop settles such orders by hand. A refund
    notification that still reports success later makes the order `refunded` after all.
    """
    with backend.db.tx() as db:
        cur = db.run("UPDATE orders SET status='refund_failed', refund_error=? WHERE id=? AND status='refunding'",
                     error[:200], order_id)
        db.run("UPDATE refunds SET status='failed' WHERE order_id=? AND status!='success'", order_id)
    return bool(cur.rowcount)


def close_due(backend: Any, now: float) -> int:
    """Close unpaid orders past their window (the platform order expires at the same time)."""
    due = backend.db.all("SELECT * FROM orders WHERE status='created' AND expires_at<=?", now)
    for order in due:
        release(backend, order, "closed", "timeout", now)
    return len(due)


def complete_due(backend: Any, now: float) -> int:
    """Shipped orders the buyer never confirmed complete after `auto_confirm_seconds`."""
    db = backend.db
    cutoff = now - backend.config.auto_confirm_seconds
    if not db.scalar("SELECT 1 FROM orders WHERE status='shipped' AND shipped_at<=? LIMIT 1", cutoff):
        return 0
    with db.tx():
        return int(db.run("UPDATE orders SET status='completed', completed_at=? WHERE status='shipped' AND "
                          "shipped_at<=?", now, cutoff).rowcount)


def ship_order(backend: Any, order_id: str) -> dict[str, Any]:
    db = backend.db
    with db.tx():
        order = db.one("SELECT * FROM orders WHERE id=?", order_id)
        if order is None:
            raise ApiError(404, "order_not_found", f"no order {order_id}")
        if order["status"] != "paid":
            raise ApiError(409, "invalid_state", f"order is {order['status']}, only paid orders ship")
        if order["group_id"] and db.scalar("SELECT status FROM groups WHERE id=?", order["group_id"]) != "complete":
            raise ApiError(409, "group_not_complete", "group orders ship once the group is complete")
        db.run("UPDATE orders SET status='shipped', shipped_at=? WHERE id=?", backend.now(), order_id)
        return order_json(db, db.one("SELECT * FROM orders WHERE id=?", order_id) or order)


def own_order(ctx: Ctx) -> dict[str, Any]:
    order = ctx.db.one("SELECT * FROM orders WHERE id=?", ctx.params["id"])
    if order is None:
        raise ApiError(404, "order_not_found", f"no order {ctx.params['id']}")
    if order["user_id"] != ctx.uid:
        raise ApiError(403, "forbidden", "this order belongs to another user")
    return order


ORDER_WITH_PAY = obj(["order", "payment"], order=ref("Order"), payment=ref("PayParams"))


@router.post("/api/orders", summary="Place an order and get requestPayment params", status=200,
             body=obj(["productId"], productId={"type": "string", "minLength": 1, "maxLength": 64},
                      quantity={"type": "integer", "minimum": 1, "maximum": 99}),
             response=ORDER_WITH_PAY, errors=(404, 409, 502))
async def place_order(ctx: Ctx) -> dict[str, Any]:
    from .analytics import record_ignored

    record_ignored(ctx, ("amount", "price", "total"))
    quantity = int(ctx.body.get("quantity", 1))
    with ctx.db.tx():
        product = get_product(ctx.db, ctx.body["productId"])
        order = create_order(ctx.backend, ctx.user or {}, product, quantity, product["price"] * quantity, ctx.now)
    try:
        payment = await prepay(ctx.backend, order, ctx.user["openid"] if ctx.user else "")
    except ApiError:
        release(ctx.backend, order, "closed", "prepay_failed", ctx.now)
        raise
    return {"order": order_json(ctx.db, order), "payment": payment}


@router.get("/api/orders", summary="The caller's orders",
            query={"status": {"type": "string", "enum": ORDER_STATUS}},
            response=obj(["orders"], orders={"type": "array", "items": ref("Order")}))
async def list_orders(ctx: Ctx) -> dict[str, Any]:
    status = ctx.query.get("status")
    sql = "SELECT * FROM orders WHERE user_id=?" + (" AND status=?" if status else "") + " ORDER BY created_at DESC"
    rows = ctx.db.all(sql, ctx.uid, *([status] if status else []))
    return {"orders": [order_json(ctx.db, r) for r in rows]}


@router.get("/api/orders/{id}", summary="One of the caller's orders", response=ref("Order"))
async def get_order(ctx: Ctx) -> dict[str, Any]:
    return order_json(ctx.db, own_order(ctx))


@router.post("/api/orders/{id}/pay", summary="requestPayment params for an unpaid order",
             response=obj(["payment"], payment=ref("PayParams")), errors=(409, 502))
async def pay_order(ctx: Ctx) -> dict[str, Any]:
    order = own_order(ctx)
    if order["status"] != "created":
        raise ApiError(409, "invalid_state", f"order is {order['status']}")
    return {"payment": await prepay(ctx.backend, order, ctx.user["openid"] if ctx.user else "")}


@router.post("/api/orders/{id}/cancel", summary="Cancel an unpaid order", response=ref("Order"), errors=(409,))
async def cancel_order(ctx: Ctx) -> dict[str, Any]:
    order = own_order(ctx)
    if order["status"] != "created":
        raise ApiError(409, "invalid_state", f"only created orders can be cancelled, this one is {order['status']}")
    release(ctx.backend, order, "closed", "cancelled", ctx.now)
    await ctx.backend.flush_outbox()
    return order_json(ctx.db, own_order(ctx))


@router.post("/api/orders/{id}/refund", summary="Ask for a refund", response=ref("Order"), errors=(409,),
             body=obj(reason={"type": "string", "maxLength": 80}))
async def refund_order(ctx: Ctx) -> dict[str, Any]:
    order = own_order(ctx)
    if order["status"] not in PAID_STATES:
        raise ApiError(409, "invalid_state", f"only paid orders can be refunded, this one is {order['status']}")
    request_refund(ctx.backend, order, str(ctx.body.get("reason") or "用户申请退款"), ctx.now)
    await ctx.backend.flush_outbox()
    return order_json(ctx.db, own_order(ctx))


@router.post("/api/orders/{id}/confirm", summary="Confirm receipt", response=ref("Order"), errors=(409,))
async def confirm_order(ctx: Ctx) -> dict[str, Any]:
    order = own_order(ctx)
    with ctx.db.tx():
        cur = ctx.db.run("UPDATE orders SET status='completed', completed_at=? WHERE id=? AND status='shipped'",
                         ctx.now, order["id"])
    if cur.rowcount == 0:
        raise ApiError(409, "invalid_state", f"only shipped orders can be confirmed, this one is {order['status']}")
    return order_json(ctx.db, own_order(ctx))
