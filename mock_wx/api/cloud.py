"""`wx.cloud` (WeChat Cloud Development): not simulated; a documented default the way a cloud env that does
not exist answers.

A mini program's cloud functions, database and storage live in a cloud environment of the developer's
account; a simulated phone can reach no such environment. So: `wx.cloud.init` succeeds (it only stores the
config on the phone), and every call that would reach the environment fails as the platform fails for an
environment it cannot find, `<api>:fail Error: errCode: -501000  | errMsg: Environment not found` (the text
real clients print, e.g. github.com/wuhou123/wxxcx/issues/5), or, before any `wx.cloud.init`,
`errCode: -1 | errMsg: Cloud API isn't enabled, please call wx.cloud.init first`
(github.com/Spade-sec/First/issues/2). Each API records one `not-simulated` finding per user, and each is
mocked like any wx API (`user.mock_wx("cloud.callFunction", ...)`, `user.mock_cloud_function(name, ...)`,
`user.mock_wx("cloud.database", fn)` for database calls). The JavaScript side (the WxCloud object, its
Database/Collection/Query/Document references, Promise iff no callback) is prelude/15_cloud.js.
"""

from __future__ import annotations

from typing import Any

from ._base import Fail, WxContext, api

__all__ = ["DATABASE_OPS", "ENV_NOT_FOUND", "NOT_INITIALISED", "STORAGE_APIS"]

#: The reason every call reaching the environment fails with (errCode -501000, INVALID_ENV).
ENV_NOT_FOUND = "Error: errCode: -501000  | errMsg: Environment not found"
#: The reason before `wx.cloud.init` was called (errCode -1).
NOT_INITIALISED = "Error: errCode: -1 | errMsg: Cloud API isn't enabled, please call wx.cloud.init first"

#: The wx.cloud methods that reach the environment, besides the database (all promisify, §0).
STORAGE_APIS = ("callFunction", "uploadFile", "downloadFile", "getTempFileURL", "deleteFile", "callContainer",
                "connectContainer")
#: The database operations the JS side sends as `cloud.database` calls (`op`), with the errMsg name the
#: platform gives each (`collection.get:fail ...`, `document.update:ok`).
DATABASE_OPS = ("get", "count", "add", "set", "update", "remove", "watch", "aggregate")


def _noted(ctx: WxContext, name: str, what: str) -> None:
    seen = ctx.state.setdefault("not_simulated", set())
    if name not in seen:
        seen.add(name)
        ctx.finding("not-simulated", f"wx.{name} is not simulated: {what}")


def _unreachable(ctx: WxContext) -> Fail:
    if not ctx.state.get("cloud_init"):
        return Fail(NOT_INITIALISED, errCode=-1)
    return Fail(ENV_NOT_FOUND, errCode=-501000)


@api("cloud.init", "sync")
def init(ctx: WxContext, args: list[Any]) -> None:
    """Stores the config, as the client does; nothing is contacted."""
    config = args[0] if args and isinstance(args[0], dict) else {}
    ctx.state["cloud_init"] = config or {"env": None}
    _noted(ctx, "cloud", "wx.cloud.init succeeds; every call to the cloud environment (functions, database, "
                         "storage) fails: Environment not found (errCode -501000); mock them")


def _storage(name: str) -> None:
    def handler(ctx: WxContext, args: Any) -> Any:
        _noted(ctx, f"cloud.{name}", f"fails `cloud.{name}:fail {ENV_NOT_FOUND}` (mock it)")
        raise _unreachable(ctx)

    handler.__name__ = f"cloud_{name}"
    api(f"cloud.{name}")(handler)


for _name in STORAGE_APIS:
    _storage(_name)


@api("cloud.database")
def database(ctx: WxContext, args: Any) -> Any:
    """One database operation: `{op, collection, doc?, query: {where, orderBy, skip, limit, field}, data?}`.
    The JS side names the errMsg after the reference (`collection.get`, `document.update`)."""
    op = args.get("op") if isinstance(args, dict) else None
    if op not in DATABASE_OPS:
        raise Fail(f"unknown database operation {op!r}")
    _noted(ctx, "cloud.database", f"every operation fails `collection.get:fail {ENV_NOT_FOUND}` and the like "
                                  "(mock `cloud.database`)")
    raise _unreachable(ctx)
