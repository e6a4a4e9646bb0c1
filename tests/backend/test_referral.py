"""Referral: binding rules, commission per product rate, settlement after the refund window, clawback."""

from __future__ import annotations

from .conftest import Shop


async def test_binding_rules(shop: Shop) -> None:
    alice, bob, carol = await shop.users(3)
    code = (await alice.ok("POST", "/api/referral/generate"))["referralCode"]
    assert (await alice.ok("POST", "/api/referral/generate"))["referralCode"] == code
    assert await alice.ok("POST", "/api/referral/track", {"referralCode": code}) == {
        "bound": False, "reason": "self_referral"}
    assert (await bob.ok("POST", "/api/referral/track", {"referralCode": "NOPE"}))["reason"] == "unknown_code"
    assert await bob.ok("POST", "/api/referral/track", {"referralCode": code, "newUserId": bob.user_id}) == {
        "bound": True, "referrerId": alice.user_id}
    carol_code = (await carol.ok("POST", "/api/referral/generate"))["referralCode"]
    again = await bob.ok("POST", "/api/referral/track", {"referralCode": carol_code})
    assert again == {"bound": False, "referrerId": alice.user_id, "reason": "already_bound"}
    bob_code = (await bob.ok("POST", "/api/referral/generate"))["referralCode"]
    assert (await alice.ok("POST", "/api/referral/track", {"referralCode": bob_code}))["reason"] == "cycle"
    await shop.advance(8 * 86400)
    dave = await shop.login("dave")
    await shop.advance(8 * 86400)
    assert (await dave.ok("POST", "/api/referral/track", {"referralCode": code}))["reason"] == "window_expired"
    await alice.ok("POST", "/api/referral/share-track", {"referralCode": code})
    summary = await alice.ok("GET", "/api/referral/summary")
    assert [u["userId"] for u in summary["referredUsers"]] == [bob.user_id]


async def test_login_with_ref_code_binds(shop: Shop) -> None:
    alice = await shop.login("alice")
    code = (await alice.ok("GET", "/api/user/me"))["referralCode"]
    data = await shop.anon.ok("POST", "/api/auth/login",
                              {"code": shop.platform.login.issue_code("bob"), "refCode": code})
    assert data["referral"] == {"bound": True, "referrerId": alice.user_id}


async def test_commission_settles_after_refund_window_and_is_clawed_back_on_refund(shop: Shop) -> None:
    await shop.seed()
    shop.backend.db.run("UPDATE products SET commission_rate=0.1, price=10000 WHERE id='p001'")
    alice = await shop.login("alice")
    code = (await alice.ok("GET", "/api/user/me"))["referralCode"]
    bob = await shop.login("bob", ref_code=code)
    first = await bob.ok("POST", "/api/orders", {"productId": "p001"})
    second = await bob.ok("POST", "/api/orders", {"productId": "p001", "quantity": 2})
    await shop.pay(first["payment"])
    await shop.pay(second["payment"])
    commission = await alice.ok("POST", "/api/referral/commission",
                                {"orderId": first["order"]["id"], "commission": 99999, "referrerId": "x"})
    assert (commission["commission"], commission["status"]) == (1000, "pending")
    assert set(commission["ignoredClientFields"]) == {"commission", "referrerId"}
    assert (await bob.ok("POST", "/api/referral/commission", {"orderId": first["order"]["id"]}))["commission"] == 0
    carol = await shop.login("carol")
    assert (await carol.post("/api/referral/commission", {"orderId": first["order"]["id"]}))[0] == 403
    await bob.ok("POST", f"/api/orders/{second['order']['id']}/refund")
    await shop.settle()
    await shop.advance(7 * 86400 + 1)
    summary = await alice.ok("GET", "/api/referral/summary")
    assert summary["commissions"] == {"pending": 0, "settled": 1000, "clawedBack": 2000}
    assert summary["referredUsers"][0]["ordered"] is True
    metrics = await alice.ok("GET", f"/api/analytics/influencer-metrics/{alice.user_id}")
    assert (metrics["totalReferrals"], metrics["totalCommissions"], metrics["conversionRate"]) == (1, 1000, 1.0)
    # A refund after settlement claws the settled commission back too.
    await bob.ok("POST", f"/api/orders/{first['order']['id']}/refund")
    await shop.settle()
    summary = await alice.ok("GET", "/api/referral/summary")
    assert summary["commissions"] == {"pending": 0, "settled": 0, "clawedBack": 3000}
