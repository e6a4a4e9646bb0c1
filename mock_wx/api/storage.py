"""Storage: per user, per app, JSON values, 1 MB per key and 10 MB in all (wx-fidelity.md §2)."""

from __future__ import annotations

import json
from typing import Any

from ._base import Fail, WxContext, api

KEY_LIMIT = 1024 * 1024
TOTAL_LIMIT = 10 * 1024 * 1024
# With `encrypt: true` (2.21.3+, async APIs only) the limits drop to 0.7 MB per key and 7.1 MB in all (§2).
ENCRYPTED_KEY_LIMIT = int(0.7 * 1024 * 1024)
ENCRYPTED_TOTAL_LIMIT = int(7.1 * 1024 * 1024)


def _size(ctx: WxContext) -> int:
    return sum(len(k.encode()) + len(v.encode()) for k, v in ctx.storage.items())


def _key(value: Any) -> str:
    if not isinstance(value, str):
        kind = "Undefined" if value is None else type(value).__name__.replace("int", "Number").replace("float", "Number")
        raise Fail(f"parameter error: parameter.key should be String instead of {kind};")
    return value


def _set(ctx: WxContext, key: Any, data: Any, encrypt: bool = False) -> None:
    key = _key(key)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    if len(text.encode()) > (ENCRYPTED_KEY_LIMIT if encrypt else KEY_LIMIT):
        raise Fail("exceed storage item max length")
    old = ctx.storage.get(key)
    new_total = _size(ctx) - (len(key.encode()) + len(old.encode()) if old is not None else 0)
    if new_total + len(key.encode()) + len(text.encode()) > (ENCRYPTED_TOTAL_LIMIT if encrypt else TOTAL_LIMIT):
        raise Fail("exceed storage max size 7.1Mb" if encrypt else "exceed storage max size 10Mb")
    ctx.storage[key] = text


def _info(ctx: WxContext) -> dict[str, Any]:
    # Sizes are in KB (§2).
    return {"keys": list(ctx.storage), "currentSize": -(-_size(ctx) // 1024), "limitSize": TOTAL_LIMIT // 1024}


@api("setStorage")
def set_storage(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    _set(ctx, args.get("key"), args.get("data"), encrypt=bool(args.get("encrypt")))
    return {}


@api("getStorage")
def get_storage(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    key = _key(args.get("key"))
    if key not in ctx.storage:
        raise Fail("data not found")
    return {"data": json.loads(ctx.storage[key])}


@api("removeStorage")
def remove_storage(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.storage.pop(_key(args.get("key")), None)
    return {}


@api("clearStorage")
def clear_storage(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    ctx.storage.clear()
    return {}


@api("getStorageInfo")
def get_storage_info(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
    return _info(ctx)


@api("setStorageSync", "sync")
def set_storage_sync(ctx: WxContext, args: list[Any]) -> None:
    _set(ctx, args[0] if args else None, args[1] if len(args) > 1 else None)


@api("getStorageSync", "sync")
def get_storage_sync(ctx: WxContext, args: list[Any]) -> Any:
    key = _key(args[0] if args else None)
    # A missing key gives "" (empty string), not undefined (§2).
    return json.loads(ctx.storage[key]) if key in ctx.storage else ""


@api("removeStorageSync", "sync")
def remove_storage_sync(ctx: WxContext, args: list[Any]) -> None:
    ctx.storage.pop(_key(args[0] if args else None), None)


@api("clearStorageSync", "sync")
def clear_storage_sync(ctx: WxContext, args: list[Any]) -> None:
    ctx.storage.clear()


@api("getStorageInfoSync", "sync")
def get_storage_info_sync(ctx: WxContext, args: list[Any]) -> dict[str, Any]:
    return _info(ctx)
