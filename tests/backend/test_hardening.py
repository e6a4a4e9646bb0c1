"""Backend hardening found by probing the stub as an attacker (issue 15.8)."""

from __future__ import annotations

import pytest

from backend_stub import BackendConfig, BackendServer
from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform
from mock_wx.rig.cli import main

from .conftest import Shop


async def test_shop_wide_analytics_only_for_the_merchants_staff(shop: Shop) -> None:
    alice, bob = await shop.users(2)
    assert (await alice.get("/api/analytics/overview"))[0] == 403
    assert (await shop.anon.get("/api/analytics/overview"))[0] == 401
    await shop.admin.ok("POST", "/__admin/merchants", {"userId": bob.user_id})
    assert (await bob.get("/api/analytics/overview"))[0] == 200
    assert (await alice.get("/api/analytics/overview"))[0] == 403
    await shop.admin.ok("POST", "/__admin/reset")
    assert shop.backend.merchant_openids == set()


async def test_merchant_openids_from_the_configuration(platform: WeChatPlatform, clock: VirtualClock) -> None:
    from .conftest import start_shop

    openid = platform.login.openid("boss")
    server = await start_shop(platform, clock, merchant_openids=(openid,))
    try:
        assert openid in server.backend.merchant_openids
    finally:
        await server.close()


async def test_a_token_in_the_query_string_is_refused_on_rest_routes(shop: Shop) -> None:
    alice = (await shop.users(1))[0]
    async with shop.session.get(f"{shop.url}/api/orders?token={alice.token}") as resp:
        assert resp.status == 401
    assert (await alice.get("/api/orders"))[0] == 200  # the header still works
    ws_url = shop.url.replace("http", "ws") + f"/api/live-stream/s1/ws?token={alice.token}"
    await shop.seed()
    async with shop.session.ws_connect(ws_url) as ws:  # the live socket keeps ?token= (no header in wx.connectSocket)
        assert not ws.closed


async def test_test_mode_refuses_a_network_host_without_an_admin_token() -> None:
    with pytest.raises(ValueError, match="admin token"):
        await BackendServer(BackendConfig(test_mode=True), host="0.0.0.0").start()


def test_the_cli_says_so_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backend", "--test-mode", "--host", "0.0.0.0", "--port", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--admin-token" in err and len(err.splitlines()) == 1


async def test_an_admin_token_guards_the_admin_api(platform: WeChatPlatform, clock: VirtualClock) -> None:
    import aiohttp

    server = BackendServer(BackendConfig(test_mode=True, admin_token="s3cret", platform_url=platform.base_url,
                                         clock=clock.time), host="0.0.0.0")
    await server.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(server.url + "/__admin/reset") as resp:
                assert resp.status == 401
            async with http.post(server.url + "/__admin/reset", headers={"X-Admin-Token": "s3cret"}) as resp:
                assert resp.status == 200
            async with http.get(server.url + "/api/products") as resp:
                assert resp.status == 200  # the shop itself is open
    finally:
        await server.close()


async def test_a_405_names_the_allowed_methods(shop: Shop) -> None:
    """RFC 9110: a 405 answer carries `Allow` (schemathesis flagged its absence)."""
    async with shop.session.delete(f"{shop.url}/api/products") as resp:
        assert resp.status == 405
        assert "GET" in {m.strip() for m in resp.headers.get("Allow", "").split(",")}
