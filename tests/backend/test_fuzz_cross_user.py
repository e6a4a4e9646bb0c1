"""schemathesis as a second user against the first user's ids (orders, groups, profile reports): every
answer is 403 or 404, none a server error, and nothing of the first user's changes (issue 15.6)."""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from backend_stub import BackendConfig, BackendServer
from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform

EXAMPLES = 6
# Operations on what belongs to one user; a stranger's id must get nowhere. (Viewing or joining a group,
# liking or commenting a post are what strangers are meant to do, so they are not in this list.)
PRIVATE = ("/api/orders/{id}", "/api/group-buy/{id}/payment", "/api/user/{userId}", "/api/analytics/")


@pytest.fixture(scope="module")
def two_users() -> Iterator[dict[str, Any]]:
    """A live stub on its own loop thread; alice (logged in through the platform's wx.login code) owns a paid
    order, an unpaid one, an open group and a post; bob is a second logged-in user."""
    import requests

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()

    def run(coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, loop).result(30)

    async def setup() -> tuple[WeChatPlatform, BackendServer]:
        clock = VirtualClock()
        platform = WeChatPlatform(clock)
        await platform.start()
        server = BackendServer(BackendConfig(test_mode=True, platform_url=platform.base_url, clock=clock.time))
        await server.start()
        return platform, server

    platform, server = run(setup())
    url = server.url
    requests.post(url + "/__admin/seed", json={"products": 5, "users": 3, "posts": 5}, timeout=10)

    def login(key: str) -> dict[str, Any]:
        code = run(_issue(platform, key))
        return dict(requests.post(url + "/api/auth/login", json={"code": code}, timeout=10).json())

    alice, bob = login("alice-owner"), login("bob-stranger")
    as_alice = {"Authorization": f"Bearer {alice['token']}"}
    paid = requests.post(url + "/api/orders", json={"productId": "p001"}, headers=as_alice, timeout=10).json()
    run(platform.pay.settle(paid["payment"]["package"].split("=", 1)[1], "confirm"))
    run(platform.pay.idle())
    unpaid = requests.post(url + "/api/orders", json={"productId": "p002"}, headers=as_alice, timeout=10).json()
    group = requests.post(url + "/api/group-buy/create", json={"productId": "p003"}, headers=as_alice,
                          timeout=10).json()
    ids = {"orders": [paid["order"]["id"], unpaid["order"]["id"]], "group": group["groupId"],
           "user": alice["userId"]}
    yield {"url": url, "alice": alice, "bob": bob, "ids": ids, "db": server.backend.db}

    async def teardown() -> None:
        await server.close()
        await platform.close()

    run(teardown())
    loop.call_soon_threadsafe(loop.stop)
    thread.join(5)


async def _issue(platform: WeChatPlatform, key: str) -> str:
    return platform.login.issue_code(key)


def _alices_state(db: Any, user_id: str) -> list[Any]:
    return [db.all("SELECT * FROM orders WHERE user_id=? ORDER BY id", user_id),
            db.all("SELECT * FROM group_members WHERE user_id=? ORDER BY group_id", user_id),
            db.all("SELECT * FROM groups WHERE creator_id=? ORDER BY id", user_id),
            db.all("SELECT p.* FROM payments p JOIN orders o ON o.id = p.order_id WHERE o.user_id=?", user_id),
            db.all("SELECT r.* FROM refunds r JOIN orders o ON o.id = r.order_id WHERE o.user_id=?", user_id)]


def test_a_second_user_gets_403_or_404_on_the_first_users_ids_and_changes_nothing(two_users: dict[str, Any]) -> None:
    pytest.importorskip("schemathesis", minversion="4")
    import requests
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
    from schemathesis import GenerationMode

    url, ids, db = two_users["url"], two_users["ids"], two_users["db"]
    session = requests.Session()
    as_bob = {"Authorization": f"Bearer {two_users['bob']['token']}"}
    schema = schemathesis.openapi.from_dict(session.get(url + "/openapi.json", timeout=10).json())
    before = _alices_state(db, ids["user"])
    statuses: Counter[int] = Counter()
    exercised: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        path = operation.path
        if not any(path.startswith(p) for p in PRIVATE) or "{" not in path:
            continue
        exercised.append(operation.label)
        if "{userId}" in path:
            targets = st.just({"userId": ids["user"]})
        elif path.startswith("/api/group-buy/"):
            targets = st.just({"id": ids["group"]})
        else:
            targets = st.sampled_from([{"id": i} for i in ids["orders"]])

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=GenerationMode.POSITIVE), target=targets)
        def exercise(case: Any, target: dict[str, str]) -> None:
            case.path_parameters = {**(case.path_parameters or {}), **target}
            response = case.call(base_url=url, session=session, headers=as_bob)
            statuses[response.status_code] += 1
            assert response.status_code in (403, 404), (case.method, case.formatted_path, response.status_code,
                                                        response.text[:200])

        exercise()
    print(f"cross-user: {len(exercised)} operations, statuses {dict(sorted(statuses.items()))}")
    assert len(exercised) >= 10 and sum(statuses.values()) >= len(exercised)
    assert _alices_state(db, ids["user"]) == before  # nothing of alice's changed
