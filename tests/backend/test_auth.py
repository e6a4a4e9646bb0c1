"""Identity: code2Session login, tokens, and never acting for another user."""

from __future__ import annotations

from .conftest import Shop


async def test_login_creates_then_finds_the_user(shop: Shop) -> None:
    code = shop.platform.login.issue_code("alice")
    first = await shop.anon.ok("POST", "/api/auth/login", {"code": code})
    assert first["isNew"] and first["openid"] == shop.platform.login.openid("alice")
    status, body = await shop.anon.post("/api/auth/login", {"code": code})  # codes are single use (§9)
    assert (status, body["error"]) == (401, "invalid_code") and "40163" in body["message"]
    again = await shop.login("alice")
    assert again.user_id == first["userId"]
    me = await again.ok("GET", "/api/user/me")
    assert me["id"] == first["userId"] and me["points"] == 0 and me["level"] == 1 and me["referralCode"]


async def test_bad_codes_and_tokens(shop: Shop) -> None:
    status, body = await shop.anon.post("/api/auth/login", {"code": "not-a-code"})
    assert (status, body["error"]) == (401, "invalid_code")
    assert (await shop.anon.post("/api/auth/login", {}))[0] == 400
    status, body = await shop.anon.get("/api/user/me")
    assert (status, body["error"]) == (401, "unauthorized")
    shop.anon.token = "forged"
    assert (await shop.anon.get("/api/orders"))[0] == 401


async def test_acting_for_another_user_is_forbidden(shop: Shop) -> None:
    await shop.seed()
    alice, bob = await shop.users(2)
    status, body = await alice.post("/api/user/reward", {"action": "share_product", "userId": bob.user_id})
    assert (status, body["error"]) == (403, "forbidden")
    assert (await alice.get(f"/api/user/{bob.user_id}/level"))[0] == 403
    assert (await alice.get(f"/api/analytics/social-insights/{bob.user_id}"))[0] == 403
    assert (await alice.get("/api/orders", userId=bob.user_id))[0] == 403
    assert (await alice.post("/api/group-buy/create", {"productId": "p001", "creatorId": bob.user_id}))[0] == 403
    # Their own id is fine, as the seed's pages send it.
    assert (await alice.post("/api/user/reward", {"action": "share_product", "userId": alice.user_id}))[0] == 200
    assert (await alice.get(f"/api/user/{alice.user_id}/level"))[0] == 200
