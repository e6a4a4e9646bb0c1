"""Social feed, gamification and analytics."""

from __future__ import annotations

from .conftest import Shop


async def test_feed_posts_likes_comments_shares(shop: Shop) -> None:
    await shop.seed(products=3, users=3, posts=12)
    alice, bob = await shop.users(2)
    page1 = await alice.ok("GET", "/api/social-feed", page=1, limit=10)
    page2 = await alice.ok("GET", "/api/social-feed", page=2, limit=10)
    assert (len(page1["posts"]), page1["hasMore"], len(page2["posts"]), page2["hasMore"]) == (10, True, 2, False)
    post = await alice.ok("POST", "/api/social-feed", {"content": "拼团成功！", "images": ["a.jpg"],
                                                       "productId": "p001"})
    assert post["author"]["id"] == alice.user_id and post["images"] == ["a.jpg"]
    assert (await alice.ok("GET", "/api/social-feed"))["posts"][0]["id"] == post["id"]
    pid = post["id"]
    assert await bob.ok("POST", f"/api/social-feed/{pid}/like") == {"liked": True, "likeCount": 1}
    assert await bob.ok("POST", f"/api/social-feed/{pid}/like", {"liked": True}) == {"liked": True, "likeCount": 1}
    assert await alice.ok("POST", f"/api/social-feed/{pid}/like") == {"liked": True, "likeCount": 2}
    assert await bob.ok("POST", f"/api/social-feed/{pid}/like") == {"liked": False, "likeCount": 1}
    comment = await bob.ok("POST", f"/api/social-feed/{pid}/comments", {"content": "求链接"})
    assert comment["author"]["id"] == bob.user_id
    assert (await alice.ok("GET", f"/api/social-feed/{pid}/comments"))["comments"][0]["content"] == "求链接"
    assert (await bob.ok("POST", f"/api/social-feed/{pid}/share"))["shareCount"] == 1
    got = await bob.ok("GET", f"/api/social-feed/{pid}")
    assert (got["likeCount"], got["liked"], got["commentCount"], got["shareCount"]) == (1, False, 1, 1)
    assert (await bob.post("/api/social-feed", {"content": ""}))[0] == 400
    assert (await bob.post("/api/social-feed/none/like"))[0] == 404


async def test_points_are_decided_by_the_server(shop: Shop) -> None:
    alice = await shop.login("alice")
    first = await alice.ok("POST", "/api/user/reward", {"action": "share_product", "points": 10000})
    assert (first["awarded"], first["points"], first["totalPoints"], first["ignoredClientPoints"]) == (
        True, 10, 10, 10000)
    capped = [await alice.ok("POST", "/api/user/award-points", {"action": "share_product"}) for _ in range(5)]
    assert [c["points"] for c in capped] == [10, 10, 10, 10, 0] and capped[-1]["reason"] == "daily_cap"
    assert (await alice.ok("POST", "/api/user/reward", {"action": "purchase"}))["reason"] == "not_verified"
    assert (await alice.ok("POST", "/api/user/reward", {"action": "referral"}))["reason"] == "server_only"
    assert (await alice.ok("POST", "/api/user/reward", {"action": "hack"}))["reason"] == "unknown_action"
    assert (await alice.ok("POST", "/api/user/reward", {"action": "like_post", "objectId": "x"}))["reason"] == \
        "not_verified"
    await shop.advance(86400)
    again = await alice.ok("POST", "/api/user/reward", {"action": "share_moments"})
    assert again["totalPoints"] == 70 and again["awarded"]
    level = await alice.ok("GET", f"/api/user/{alice.user_id}/level")
    assert level == {"level": 1, "points": 70, "nextLevelPoints": 100}
    up = await alice.ok("POST", "/api/user/reward", {"action": "share_moments"})
    up = await alice.ok("POST", "/api/user/reward", {"action": "share_group"})
    assert (up["levelUp"], up["newLevel"]) == (True, 2)
    assert shop.scalar("SELECT COUNT(*) FROM events WHERE kind='ignored_client_value'") == 1


async def test_awards_are_idempotent_per_object_and_badges_follow_events(shop: Shop) -> None:
    await shop.seed(products=3, users=2, posts=0)
    alice = await shop.login("alice")
    post = await alice.ok("POST", "/api/social-feed", {"content": "hello"})
    first = await alice.ok("POST", "/api/user/reward", {"action": "post", "objectId": post["id"]})
    second = await alice.ok("POST", "/api/user/reward", {"action": "post", "objectId": post["id"]})
    assert (first["points"], second["points"], second["reason"]) == (10, 0, "already_awarded")
    assert (await alice.ok("POST", "/api/user/check-badges"))["newBadges"] == []
    await alice.ok("POST", "/api/analytics/share", {"productId": "p001", "platform": "chat"})
    new = (await alice.ok("POST", "/api/user/check-badges", {"action": "share"}))["newBadges"]
    assert [b["id"] for b in new] == ["first_share"]
    assert (await alice.ok("POST", "/api/user/check-badges"))["newBadges"] == []
    badges = await alice.ok("GET", f"/api/user/{alice.user_id}/badges")
    assert [b["id"] for b in badges["badges"]] == ["first_share"]
    order = await alice.ok("POST", "/api/orders", {"productId": "p001"})
    early = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": order["order"]["id"]})
    assert (early["awarded"], early["reason"]) == (False, "pending_payment")  # not paid yet
    await shop.pay(order["payment"])
    paid = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": order["order"]["id"]})
    assert (paid["points"], paid["totalPoints"]) == (50, 60)
    again = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": order["order"]["id"]})
    assert again["reason"] == "already_awarded"


async def test_a_late_payment_notification_still_earns_the_purchase_points_once(shop: Shop) -> None:
    await shop.seed(products=3, users=2, posts=0)
    alice = await shop.login("alice")
    for action in ("share_product",) * 5 + ("share",):  # 60 points: the purchase's 50 make level 2
        await alice.ok("POST", "/api/user/reward", {"action": action})
    await shop.admin.ok("POST", "/__admin/faults", {"path": "/api/pay/notify", "status": 500, "count": 1})
    data = await alice.ok("POST", "/api/orders", {"productId": "p001"})
    oid = data["order"]["id"]
    await shop.pay(data["payment"])  # the first notification fails: the order is still unpaid
    early = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": oid})
    assert (early["awarded"], early["points"], early["totalPoints"], early["reason"]) == (
        False, 0, 60, "pending_payment")

    await shop.advance(15)  # WeChat Pay retries; the backend awards the points with the payment
    assert (await alice.ok("GET", f"/api/orders/{oid}"))["status"] == "paid"
    assert (await alice.ok("GET", "/api/user/me"))["points"] == 110
    # The app's next report gets the award the server made, once (so it can still celebrate the level).
    late = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": oid})
    assert (late["awarded"], late["points"], late["totalPoints"], late["levelUp"], late["newLevel"]) == (
        True, 50, 110, True, 2)
    assert "reason" not in late
    again = await alice.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": oid})
    assert (again["awarded"], again["points"], again["totalPoints"], again["levelUp"], again["reason"]) == (
        False, 0, 110, False, "already_awarded")
    # A duplicate notification changes nothing either.
    tx = shop.scalar("SELECT transaction_id FROM orders WHERE id=?", oid)
    assert (await shop.platform.pay.redeliver(tx)).status == 204
    assert shop.scalar("SELECT COUNT(*) FROM point_awards WHERE action='purchase'") == 1
    assert (await alice.ok("GET", "/api/user/me"))["points"] == 110


async def test_purchase_points_without_any_report_from_the_app(shop: Shop) -> None:
    """The app closed right after paying: the notification alone earns the points; a refused payment none."""
    await shop.seed(products=3, users=2, posts=0)
    alice, bob = await shop.users(2)
    paid = await alice.ok("POST", "/api/orders", {"productId": "p001"})
    await shop.pay(paid["payment"])
    unpaid = await bob.ok("POST", "/api/orders", {"productId": "p001"})
    await shop.pay(unpaid["payment"], "cancel")
    assert (await alice.ok("GET", f"/api/user/{alice.user_id}/level"))["points"] == 50
    assert (await bob.ok("GET", f"/api/user/{bob.user_id}/level"))["points"] == 0
    # Another user's order is not the caller's purchase, paid or not.
    other = await bob.ok("POST", "/api/user/reward", {"action": "purchase", "objectId": paid["order"]["id"]})
    assert (other["awarded"], other["reason"]) == (False, "not_verified")


async def test_the_sample_apps_reward_actions(shop: Shop) -> None:
    alice, bob = await shop.users(2)
    post = await alice.ok("POST", "/api/social-feed", {"content": "晒单"})
    assert (await alice.ok("POST", "/api/user/reward", {"action": "post", "objectId": post["id"]}))["points"] == 10
    assert (await bob.ok("POST", "/api/user/reward", {"action": "like", "objectId": post["id"]}))["reason"] == \
        "not_verified"
    await bob.ok("POST", f"/api/social-feed/{post['id']}/like")
    assert (await bob.ok("POST", "/api/user/reward", {"action": "like", "objectId": post["id"]}))["points"] == 2
    await bob.ok("POST", f"/api/social-feed/{post['id']}/comments", {"content": "好看"})
    assert (await bob.ok("POST", "/api/user/reward", {"action": "comment", "objectId": post["id"]}))["points"] == 5
    shares = [await bob.ok("POST", "/api/user/reward", {"action": "share", "objectId": post["id"]}) for _ in range(2)]
    assert [s["points"] for s in shares] == [10, 0]
    assert (await bob.ok("POST", "/api/user/reward", {"action": "share"}))["points"] == 10


async def test_analytics_are_computed_from_events(shop: Shop) -> None:
    await shop.seed(products=3, users=2, posts=2)
    alice, bob = await shop.users(2)
    await alice.ok("POST", "/api/analytics/share", {"productId": "p001", "platform": "moments",
                                                    "userId": alice.user_id, "timestamp": 1})
    await alice.ok("POST", "/api/analytics/product-interest", {"productId": "p002", "streamId": "s1"})
    await alice.ok("POST", "/api/analytics/social-action", {"action": "follow", "data": {"who": "x"}})
    post = await alice.ok("POST", "/api/social-feed", {"content": "看看这个"})
    await bob.ok("POST", f"/api/social-feed/{post['id']}/like")
    insights = await alice.ok("GET", f"/api/analytics/social-insights/{alice.user_id}")
    assert (insights["shares"], insights["posts"], insights["likesReceived"]) == (1, 1, 1)
    report = await alice.ok("GET", f"/api/analytics/social-report/{alice.user_id}", period="7d")
    assert report["totals"]["shares"] == 1 and report["totals"]["posts"] == 1 and len(report["daily"]) == 1
    assert (await alice.get("/api/analytics/overview"))[0] == 403  # a shopper: shop-wide numbers are not hers
    await shop.admin.ok("POST", "/__admin/merchants", {"userId": alice.user_id})
    overview = await alice.ok("GET", "/api/analytics/overview")
    assert overview["users"] == 4 and overview["shareRate"] == 0.25
    assert overview["productInterest"] == [{"productId": "p002", "count": 1, "fromLive": 1}]
    assert (await alice.post("/api/analytics/share", {"platform": "fax"}))[0] == 400
