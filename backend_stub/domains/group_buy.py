"""Group buying: create, join (never past the size), pay on join, complete, expire with refunds."""

from __future__ import annotations

from typing import Any

from .._http import ApiError, Ctx, Router
from .._util import iso, new_id
from ..openapi import B, arr, obj, ref
from .orders import create_order, order_json, prepay, release, request_refund
from .products import get_product

__all__ = ["expire_due", "group_json", "on_member_paid", "router"]

router = Router("group_buy")
_REFUNDED = ("refunding", "refunded", "refund_failed")


def group_json(db: Any, group: dict[str, Any]) -> dict[str, Any]:
    product = db.one("SELECT name, image FROM products WHERE id=?", group["product_id"]) or {}
    members = db.all("SELECT m.user_id, m.paid, u.nickname, u.avatar, o.status AS order_status FROM group_members m "
                     "LEFT JOIN users u ON u.id = m.user_id LEFT JOIN orders o ON o.id = m.order_id "
                     "WHERE m.group_id=? ORDER BY m.joined_at, m.rowid", group["id"])
    return {"id": group["id"], "productId": group["product_id"], "productName": product.get("name", ""),
            "productImage": product.get("image", ""), "price": group["price"], "creatorId": group["creator_id"],
            "maxParticipants": group["max_participants"],
            # A refunded member never reads as paid, however the refund came (asked for, or the group expired);
            # one who asked before the end also gave the slot back, so only a failed group lists refunded members.
            "participants": [{"userId": m["user_id"], "nickname": m["nickname"] or "", "avatar": m["avatar"] or "",
                              "paid": bool(m["paid"]) and m["order_status"] not in _REFUNDED,
                              "refunded": m["order_status"] in _REFUNDED} for m in members],
            "status": group["status"], "endTime": iso(group["end_time"]), "createdAt": iso(group["created_at"]),
            "virtual": bool(group["virtual"])}


def _open_group_of(db: Any, user_id: str, product_id: str) -> str | None:
    return db.scalar("SELECT g.id FROM group_members m JOIN groups g ON g.id = m.group_id "
                     "WHERE m.user_id=? AND g.product_id=? AND g.status='open'", user_id, product_id)


def on_member_paid(backend: Any, order: dict[str, Any], now: float) -> None:
    """Mark the member paid; the group completes when its last slot is paid (inside the payment tx)."""
    db = backend.db
    db.run("UPDATE group_members SET paid=1 WHERE order_id=?", order["id"])
    group = db.one("SELECT * FROM groups WHERE id=?", order["group_id"])
    if group is None or group["status"] != "open":
        return
    paid = db.scalar("SELECT COUNT(*) FROM group_members WHERE group_id=? AND paid=1", group["id"])
    if paid >= group["max_participants"]:
        db.run("UPDATE groups SET status='complete', completed_at=? WHERE id=?", now, group["id"])


def expire_due(backend: Any, now: float) -> int:
    """Fail open groups past their end time: refund paid members once, close unpaid orders."""
    db = backend.db
    due = db.all("SELECT * FROM groups WHERE status='open' AND end_time<=?", now)
    for group in due:
        with db.tx():
            members = db.all("SELECT m.*, o.status AS order_status FROM group_members m JOIN orders o "
                             "ON o.id = m.order_id WHERE m.group_id=?", group["id"])
            paid = [m for m in members if m["paid"]]
            if group["virtual"] and paid:
                # Virtual completion: the shop fills the missing slots itself.
                db.run("UPDATE groups SET status='complete', completed_at=? WHERE id=?", now, group["id"])
                for m in members:
                    if not m["paid"]:
                        release(backend, _order(db, m["order_id"]), "closed", "group_completed", now)
                continue
            db.run("UPDATE groups SET status='failed', completed_at=? WHERE id=?", now, group["id"])
            for m in members:
                order = _order(db, m["order_id"])
                if order["status"] == "created":
                    release(backend, order, "closed", "group_failed", now)
                else:
                    request_refund(backend, order, "拼团失败退款", now)
    return len(due)


def _order(db: Any, order_id: str) -> dict[str, Any]:
    order = db.one("SELECT * FROM orders WHERE id=?", order_id)
    assert order is not None
    return order


def _group(db: Any, group_id: str) -> dict[str, Any]:
    group = db.one("SELECT * FROM groups WHERE id=?", group_id)
    if group is None:
        raise ApiError(404, "group_not_found", f"no group {group_id}")
    return group


async def _pay_or_undo(ctx: Ctx, order: dict[str, Any]) -> dict[str, str]:
    try:
        return await prepay(ctx.backend, order, ctx.user["openid"] if ctx.user else "")
    except ApiError:
        release(ctx.backend, order, "closed", "prepay_failed", ctx.now)
        raise


GROUP_ORDER = obj(["group", "order", "payment"], groupId={"type": "string"}, group=ref("Group"),
                  order=ref("Order"), payment=ref("PayParams"), success=B, groupComplete=B, groupFull=B)


@router.post("/api/group-buy/create", summary="Start a group; the creator takes (and pays) the first slot",
             body=obj(["productId"], productId={"type": "string", "minLength": 1, "maxLength": 64},
                      maxParticipants={"type": "integer", "minimum": 2, "maximum": 20},
                      duration={"type": "integer", "minimum": 60000, "maximum": 7 * 86400000,
                                "description": "milliseconds; default 24 h"},
                      virtual={"type": "boolean"}),
             response=GROUP_ORDER, errors=(404, 409, 502))
async def create_group(ctx: Ctx) -> dict[str, Any]:
    b, now, cfg = ctx.body, ctx.now, ctx.backend.config
    with ctx.db.tx() as db:
        product = get_product(db, b["productId"])
        if _open_group_of(db, ctx.uid, product["id"]):
            raise ApiError(409, "already_in_group", "you already have an open group for this product")
        gid = new_id("g")
        duration = b["duration"] / 1000 if "duration" in b else cfg.group_duration_seconds
        db.run("INSERT INTO groups (id, product_id, creator_id, max_participants, price, status, virtual, end_time, "
               "created_at) VALUES (?,?,?,?,?,?,?,?,?)", gid, product["id"], ctx.uid,
               b.get("maxParticipants", product["group_size"]), product["group_price"], "open",
               int(bool(b.get("virtual"))), now + duration, now)
        order = create_order(ctx.backend, ctx.user or {}, product, 1, product["group_price"], now, gid)
        db.run("INSERT INTO group_members (group_id, user_id, order_id, joined_at) VALUES (?,?,?,?)",
               gid, ctx.uid, order["id"], now)
    try:
        payment = await _pay_or_undo(ctx, order)
    except ApiError:
        with ctx.db.tx() as db:
            db.run("UPDATE groups SET status='failed', completed_at=? WHERE id=?", now, gid)
        raise
    group = group_json(ctx.db, _group(ctx.db, gid))
    return {"groupId": gid, "group": group, "order": order_json(ctx.db, order), "payment": payment}


@router.get("/api/group-buy/{id}", summary="A group and its participants", response=ref("Group"))
async def get_group(ctx: Ctx) -> dict[str, Any]:
    return group_json(ctx.db, _group(ctx.db, ctx.params["id"]))


@router.post("/api/group-buy/{id}/join", summary="Take a slot (and pay for it)", response=GROUP_ORDER,
             errors=(409, 410, 502))
async def join_group(ctx: Ctx) -> dict[str, Any]:
    now = ctx.now
    with ctx.db.tx() as db:
        # One transaction, no await: the capacity check and the insert cannot interleave (db.py).
        group = _group(db, ctx.params["id"])
        if group["status"] != "open" or group["end_time"] <= now:
            raise ApiError(410, "group_closed", f"group is {group['status']}")
        if db.scalar("SELECT 1 FROM group_members WHERE group_id=? AND user_id=?", group["id"], ctx.uid):
            raise ApiError(409, "already_joined", "you are already in this group")
        if _open_group_of(db, ctx.uid, group["product_id"]):
            raise ApiError(409, "already_in_group", "you already have an open group for this product")
        taken = db.scalar("SELECT COUNT(*) FROM group_members WHERE group_id=?", group["id"])
        if taken >= group["max_participants"]:
            raise ApiError(409, "group_full", f"all {group['max_participants']} places are taken")
        product = get_product(db, group["product_id"])
        order = create_order(ctx.backend, ctx.user or {}, product, 1, group["price"], now, group["id"])
        db.run("INSERT INTO group_members (group_id, user_id, order_id, joined_at) VALUES (?,?,?,?)",
               group["id"], ctx.uid, order["id"], now)
    payment = await _pay_or_undo(ctx, order)
    from .analytics import record_event

    with ctx.db.tx() as db:
        record_event(db, ctx.uid, "group_join", now, group_id=group["id"], product_id=group["product_id"])
    out = group_json(ctx.db, _group(ctx.db, group["id"]))
    return {"success": True, "groupComplete": out["status"] == "complete",
            "groupFull": len(out["participants"]) >= out["maxParticipants"], "groupId": group["id"],
            "group": out, "order": order_json(ctx.db, order), "payment": payment}


@router.post("/api/group-buy/{id}/payment", summary="Pay params for the caller's unpaid slot",
             response=obj(["payment", "order"], payment=ref("PayParams"), order=ref("Order")), errors=(409, 502))
async def group_payment(ctx: Ctx) -> dict[str, Any]:
    group = _group(ctx.db, ctx.params["id"])
    member = ctx.db.one("SELECT * FROM group_members WHERE group_id=? AND user_id=?", group["id"], ctx.uid)
    if member is None:
        raise ApiError(404, "not_a_member", "you have no slot in this group")
    order = _order(ctx.db, member["order_id"])
    if member["paid"] or order["status"] != "created":
        raise ApiError(409, "already_paid", f"your order is {order['status']}")
    payment = await prepay(ctx.backend, order, ctx.user["openid"] if ctx.user else "")
    return {"payment": payment, "order": order_json(ctx.db, order)}


@router.get("/api/group-buy", summary="Open groups of a product",
            query={"productId": {"type": "string", "maxLength": 64}},
            response=obj(["groups"], groups=arr(ref("Group"))))
async def list_groups(ctx: Ctx) -> dict[str, Any]:
    pid = ctx.query.get("productId")
    rows = ctx.db.all("SELECT * FROM groups WHERE status='open' AND end_time>?" + (" AND product_id=?" if pid else "")
                      + " ORDER BY created_at", ctx.now, *([pid] if pid else []))
    return {"groups": [group_json(ctx.db, g) for g in rows]}
