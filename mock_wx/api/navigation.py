"""Routing APIs: the rules and lifecycle live in the runtime's router (wx-fidelity.md §7)."""

from __future__ import annotations

from typing import Any

from ._base import Fail, WxContext, api


def _route(kind: str):  # type: ignore[no-untyped-def]
    async def handler(ctx: WxContext, args: dict[str, Any]) -> dict[str, Any]:
        if ctx.host is None:
            raise Fail("no page is running")
        if ctx.state.get("single_page_mode"):
            # Timeline single-page mode disables routing (§3).
            ctx.record("toast", title="请前往小程序使用完整服务", icon="none")
            raise Fail("not supported in single page mode")
        return await ctx.host.navigate(kind, args)

    handler.__name__ = kind
    return handler


for _kind in ("navigateTo", "redirectTo", "reLaunch", "switchTab", "navigateBack"):
    api(_kind)(_route(_kind))
