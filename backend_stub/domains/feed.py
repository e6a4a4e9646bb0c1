"""Social feed: posts with images, pagination, idempotent like toggle, comments, share counts."""

from __future__ import annotations

from typing import Any

from .._http import ApiError, Ctx, Router
from .._util import iso, loads, new_id
from ..openapi import B, I, arr, obj, ref

__all__ = ["post_json", "router"]

router = Router("feed")


def _author(db: Any, user_id: str) -> dict[str, Any]:
    user = db.one("SELECT id, nickname, avatar FROM users WHERE id=?", user_id) or {}
    return {"id": user_id, "name": user.get("nickname", ""), "avatar": user.get("avatar", "")}


def post_json(db: Any, row: dict[str, Any], viewer: str | None) -> dict[str, Any]:
    pid = row["id"]
    liked = bool(viewer and db.scalar("SELECT 1 FROM post_likes WHERE post_id=? AND user_id=?", pid, viewer))
    return {
        "id": pid, "author": _author(db, row["user_id"]), "content": row["content"],
        "images": loads(row["images"], []), "productId": row["product_id"],
        "likeCount": db.scalar("SELECT COUNT(*) FROM post_likes WHERE post_id=?", pid),
        "liked": liked,
        "commentCount": db.scalar("SELECT COUNT(*) FROM post_comments WHERE post_id=?", pid),
        # Share counts come from recorded share events, not a stored counter.
        "shareCount": db.scalar("SELECT COUNT(*) FROM events WHERE kind='post_share' AND post_id=?", pid),
        "createdAt": iso(row["created_at"]),
    }


def _post(db: Any, post_id: str) -> dict[str, Any]:
    row = db.one("SELECT * FROM posts WHERE id=?", post_id)
    if row is None:
        raise ApiError(404, "post_not_found", f"no post {post_id}")
    return row


def _comment_json(db: Any, row: dict[str, Any]) -> dict[str, Any]:
    return {"id": row["id"], "author": _author(db, row["user_id"]), "content": row["content"],
            "createdAt": iso(row["created_at"])}


@router.get("/api/social-feed", summary="Newest posts first",
            query={"page": {"type": "integer", "minimum": 1, "maximum": 10000, "default": 1},
                   "limit": {"type": "integer", "minimum": 1, "maximum": 50, "default": 10}},
            response=obj(["posts", "page", "hasMore"], posts=arr(ref("Post")), page=I, hasMore=B, total=I))
async def list_posts(ctx: Ctx) -> dict[str, Any]:
    page, limit = ctx.query["page"], ctx.query["limit"]
    total = ctx.db.scalar("SELECT COUNT(*) FROM posts")
    rows = ctx.db.all("SELECT * FROM posts ORDER BY created_at DESC, id LIMIT ? OFFSET ?", limit, (page - 1) * limit)
    return {"posts": [post_json(ctx.db, r, ctx.uid) for r in rows], "page": page, "total": total,
            "hasMore": page * limit < total}


@router.post("/api/social-feed", summary="Publish a post",
             body=obj(["content"], content={"type": "string", "minLength": 1, "maxLength": 2000},
                      images=arr({"type": "string", "maxLength": 512}, maxItems=9),
                      productId={"type": "string", "maxLength": 64}),
             response=ref("Post"), errors=(404,))
async def create_post(ctx: Ctx) -> dict[str, Any]:
    from .analytics import record_event

    b = ctx.body
    with ctx.db.tx() as db:
        if b.get("productId") and not db.scalar("SELECT 1 FROM products WHERE id=?", b["productId"]):
            raise ApiError(404, "product_not_found", f"no product {b['productId']}")
        pid = new_id("post")
        db.run("INSERT INTO posts (id, user_id, content, images, product_id, created_at) VALUES (?,?,?,?,?,?)",
               pid, ctx.uid, b["content"], _images(b.get("images")), b.get("productId"), ctx.now)
        record_event(db, ctx.uid, "post", ctx.now, post_id=pid, product_id=b.get("productId"))
    return post_json(ctx.db, _post(ctx.db, pid), ctx.uid)


def _images(images: Any) -> str:
    import json

    return json.dumps(list(images or []), ensure_ascii=False)


@router.get("/api/social-feed/{id}", summary="One post", response=ref("Post"))
async def get_post(ctx: Ctx) -> dict[str, Any]:
    return post_json(ctx.db, _post(ctx.db, ctx.params["id"]), ctx.uid)


@router.post("/api/social-feed/{id}/like", summary="Toggle the caller's like",
             body=obj(liked={"type": "boolean", "description": "desired state; omit to toggle"}),
             response=obj(["liked", "likeCount"], liked=B, likeCount=I))
async def like(ctx: Ctx) -> dict[str, Any]:
    with ctx.db.tx() as db:
        post = _post(db, ctx.params["id"])
        has = bool(db.scalar("SELECT 1 FROM post_likes WHERE post_id=? AND user_id=?", post["id"], ctx.uid))
        want = bool(ctx.body["liked"]) if isinstance(ctx.body.get("liked"), bool) else not has
        if want and not has:
            db.run("INSERT OR IGNORE INTO post_likes (post_id, user_id, created_at) VALUES (?,?,?)",
                   post["id"], ctx.uid, ctx.now)
        elif has and not want:
            db.run("DELETE FROM post_likes WHERE post_id=? AND user_id=?", post["id"], ctx.uid)
        count = db.scalar("SELECT COUNT(*) FROM post_likes WHERE post_id=?", post["id"])
    return {"liked": want, "likeCount": count}


@router.post("/api/social-feed/{id}/share", summary="Count a share of the post",
             response=obj(["shareCount"], shareCount=I))
async def share(ctx: Ctx) -> dict[str, Any]:
    from .analytics import record_event

    with ctx.db.tx() as db:
        post = _post(db, ctx.params["id"])
        record_event(db, ctx.uid, "post_share", ctx.now, post_id=post["id"], product_id=post["product_id"])
        count = db.scalar("SELECT COUNT(*) FROM events WHERE kind='post_share' AND post_id=?", post["id"])
    return {"shareCount": count}


@router.get("/api/social-feed/{id}/comments", summary="Comments, oldest first",
            response=obj(["comments"], comments=arr(ref("Comment"))))
async def list_comments(ctx: Ctx) -> dict[str, Any]:
    post = _post(ctx.db, ctx.params["id"])
    rows = ctx.db.all("SELECT * FROM post_comments WHERE post_id=? ORDER BY created_at, rowid", post["id"])
    return {"comments": [_comment_json(ctx.db, r) for r in rows]}


@router.post("/api/social-feed/{id}/comments", summary="Comment on a post",
             body=obj(["content"], content={"type": "string", "minLength": 1, "maxLength": 500}),
             response=ref("Comment"))
async def add_comment(ctx: Ctx) -> dict[str, Any]:
    content = ctx.body["content"].strip()
    if not content:
        raise ApiError(400, "invalid_request", "comment is empty", ["body.content: blank"])
    with ctx.db.tx() as db:
        post = _post(db, ctx.params["id"])
        cid = new_id("c")
        db.run("INSERT INTO post_comments (id, post_id, user_id, content, created_at) VALUES (?,?,?,?,?)",
               cid, post["id"], ctx.uid, content, ctx.now)
        row = db.one("SELECT * FROM post_comments WHERE id=?", cid)
    return _comment_json(ctx.db, row or {})
