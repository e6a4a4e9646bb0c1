"""Catalogue and stock reads."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from .._http import ApiError, Ctx, Router
from .._util import loads
from ..openapi import B, I, S, arr, obj, ref

__all__ = ["get_product", "product_json", "router"]

router = Router("products")


@lru_cache(maxsize=4096)
def _images(text: str) -> tuple[str, ...]:
    # Catalogue reads are the hottest route; image lists rarely change, so parse each one once.
    return tuple(loads(text, []))


def product_json(row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "name": row["name"], "description": row["description"], "price": row["price"],
            "groupPrice": row["group_price"], "groupSize": row["group_size"], "stock": row["stock"],
            "image": row["image"], "images": list(_images(row["images"])), "category": row["category"],
            "commissionRate": row["commission_rate"], "sales": row["sales"]}


def get_product(db: Any, product_id: str) -> dict[str, Any]:
    row = db.one("SELECT * FROM products WHERE id=?", product_id)
    if row is None:
        raise ApiError(404, "product_not_found", f"no product {product_id}")
    return row


@router.get("/api/products", summary="List products", auth=False,
            query={"page": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1},
                   "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10},
                   "category": {"type": "string", "maxLength": 64}},
            response=obj(["products", "page", "total", "hasMore"], products=arr(ref("Product")), page=I,
                         total=I, hasMore=B))
async def list_products(ctx: Ctx) -> dict[str, Any]:
    page, limit, category = ctx.query["page"], ctx.query["limit"], ctx.query.get("category")
    where, args = ("WHERE category=?", [category]) if category else ("", [])
    total = ctx.db.scalar(f"SELECT COUNT(*) FROM products {where}", *args)
    rows = ctx.db.all(f"SELECT * FROM products {where} ORDER BY created_at, id LIMIT ? OFFSET ?",
                      *args, limit, (page - 1) * limit)
    return {"products": [product_json(r) for r in rows], "page": page, "total": total,
            "hasMore": page * limit < total}


@router.get("/api/products/{id}", summary="One product", auth=False, response=ref("Product"))
async def one_product(ctx: Ctx) -> dict[str, Any]:
    return product_json(get_product(ctx.db, ctx.params["id"]))


@router.get("/api/categories", summary="Product categories", auth=False,
            response=obj(["categories"], categories=arr(obj(["name", "count"], name=S, count=I))))
async def categories(ctx: Ctx) -> dict[str, Any]:
    rows = ctx.db.all("SELECT category AS name, COUNT(*) AS count FROM products GROUP BY category ORDER BY name")
    return {"categories": rows}
