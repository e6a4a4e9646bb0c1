from __future__ import annotations

from .conftest import Shop


async def test_login_order_pay(shop: Shop) -> None:
    await shop.seed()
    alice = await shop.login("alice")
    data = await alice.ok("POST", "/api/orders", {"productId": "p001", "quantity": 2})
    assert data["order"]["status"] == "created"
    await shop.pay(data["payment"])
    order = await alice.ok("GET", f"/api/orders/{data['order']['id']}")
    assert order["status"] == "paid"
