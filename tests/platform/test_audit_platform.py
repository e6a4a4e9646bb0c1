"""Fidelity audit of the server-side rules of wx-fidelity.md §4 (WeChat Pay v3) and §9 (code2Session) that no
other platform test pins: ordering limits, the 7-day default expiry, attach in the query answer, refund
limits and window, which notification answers count as an acknowledgement, grant_type and the rate limit."""

from __future__ import annotations

import asyncio
import base64
import json
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from wxpay_helpers import MerchantClient, NotifyReceiver

from mock_wx.clock import VirtualClock
from mock_wx.platform import PaymentRejected, WeChatPlatform
from mock_wx.platform._util import rfc3339

JSAPI = "/v3/pay/transactions/jsapi"
REFUNDS = "/v3/refund/domestic/refunds"
DAY = 86400


def by_no(merchant: MerchantClient, no: str) -> str:
    return f"/v3/pay/transactions/out-trade-no/{no}?mchid={merchant.creds.mchid}"


async def pay(platform: WeChatPlatform, merchant: MerchantClient, prepay_id: str) -> str:
    """The user's client pays a prepay: verify the signed parameters, confirm the sheet."""
    order = platform.pay.verify_client_payment(merchant.creds.appid, **merchant.creds.pay_params(prepay_id))
    await platform.pay.settle(order.prepay_id, "confirm")
    assert order.transaction_id is not None
    return order.transaction_id


def refund_body(no: str, refund: int, total: int = 1000, **extra: Any) -> dict[str, Any]:
    return {"out_trade_no": "ORDER_0001", "out_refund_no": no,
            "amount": {"refund": refund, "total": total, "currency": "CNY"}, **extra}


# -- §4 ordering --------------------------------------------------------------------------------------
async def test_time_expire_at_most_90_days_ahead(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 ordering: time_expire is capped at 90 days ahead (and must be at least 1 minute ahead): 90 days and
    1 minute are accepted, 90 days + 1 s answers 400 PARAM_ERROR naming time_expire."""
    now = platform.clock.time()
    late = merchant.order_body("ORDER_0001", receiver.url(), time_expire=rfc3339(now + 90 * DAY + 1))
    status, data = await merchant.request("POST", JSAPI, late)
    assert (status, data["code"]) == (400, "PARAM_ERROR") and "time_expire" in data["message"]
    for no, ahead in (("ORDER_0002", 90 * DAY), ("ORDER_0003", 60)):
        body = merchant.order_body(no, receiver.url(), time_expire=rfc3339(now + ahead))
        assert (await merchant.request("POST", JSAPI, body))[0] == 200


async def test_unpaid_order_not_payable_after_seven_days(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock
) -> None:
    """§4 ordering: without time_expire an unpaid order cannot be paid after 7 days (re-ordering the same
    body then still gives a prepay_id, but paying it is refused); just before, it can."""
    await merchant.order("ORDER_0001", receiver.url())
    await merchant.order("ORDER_0002", receiver.url())
    await clock.advance(seconds=7 * DAY - 60)
    fresh = await merchant.order("ORDER_0001", receiver.url())  # the 2-hour prepay_id was renewed
    await pay(platform, merchant, fresh)
    await clock.advance(seconds=61)
    stale = await merchant.order("ORDER_0002", receiver.url())
    with pytest.raises(PaymentRejected) as info:
        platform.pay.verify_client_payment(merchant.creds.appid, **merchant.creds.pay_params(stale))
    assert info.value.reason == "ORDER_EXPIRED"


@pytest.mark.parametrize(
    ("out_trade_no", "ok"),
    [("A" * 6, True), ("A" * 32, True), ("a1_-*|", True), ("A" * 5, False), ("A" * 33, False),
     ("ORDER.0001", False), ("订单000001", False)],
)
async def test_out_trade_no_length_and_alphabet(
    merchant: MerchantClient, receiver: NotifyReceiver, out_trade_no: str, ok: bool
) -> None:
    """§4 ordering: out_trade_no is 6–32 characters of [0-9A-Za-z_-*|]."""
    status, data = await merchant.request("POST", JSAPI, merchant.order_body(out_trade_no, receiver.url()))
    if ok:
        assert status == 200 and "prepay_id" in data
    else:
        assert (status, data["code"]) == (400, "PARAM_ERROR") and "out_trade_no" in data["message"]


async def test_description_and_attach_limits(merchant: MerchantClient, receiver: NotifyReceiver) -> None:
    """§4 ordering: description ≤ 127 and attach ≤ 128 characters; exactly at the limit is accepted."""
    body = merchant.order_body("ORDER_0001", receiver.url(), description="茶" * 127, attach="a" * 128)
    assert (await merchant.request("POST", JSAPI, body))[0] == 200


async def test_attach_echoed_in_query(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 ordering: attach is echoed in the query answer (before and after payment) as in the notification."""
    prepay_id = await merchant.order("ORDER_0001", receiver.url(), attach="group=42&ref=u1")
    status, data = await merchant.request("GET", by_no(merchant, "ORDER_0001"))
    assert status == 200 and data["attach"] == "group=42&ref=u1"
    transaction_id = await pay(platform, merchant, prepay_id)
    status, data = await merchant.request(
        "GET", f"/v3/pay/transactions/id/{transaction_id}?mchid={merchant.creds.mchid}"
    )
    assert status == 200 and data["attach"] == "group=42&ref=u1"
    assert platform.pay.deliveries[0].resource["attach"] == "group=42&ref=u1"


# -- §4 notifications -----------------------------------------------------------------------------------
@pytest.mark.parametrize("answer", [200, 204])
async def test_200_and_204_acknowledge(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock, answer: int
) -> None:
    """§4 acknowledge: HTTP 200 or 204 means accepted: no retry follows."""
    receiver.default = answer
    await pay(platform, merchant, await merchant.order("ORDER_0001", receiver.url()))
    [delivery] = platform.pay.deliveries
    assert delivery.acknowledged and delivery.next_attempt_at is None
    await clock.advance(days=2)
    assert len(receiver.received) == 1


@pytest.mark.parametrize("answer", [400, 401, 404, 500])
async def test_4xx_and_5xx_are_retried(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock, answer: int
) -> None:
    """§4 acknowledge: a 4xx or 5xx answer (body {"code":"FAIL","message":…}) triggers a retry 15 s later."""
    receiver.answers = [answer]
    t0 = clock.time()
    await pay(platform, merchant, await merchant.order("ORDER_0001", receiver.url()))
    [delivery] = platform.pay.deliveries
    assert not delivery.acknowledged and delivery.next_attempt_at == t0 + 15
    await clock.advance(seconds=15)
    assert [(a.at - t0, a.status) for a in delivery.attempts] == [(0, answer), (15, 200)]
    assert delivery.acknowledged


# -- §4 refunds -----------------------------------------------------------------------------------------
async def test_refund_field_limits(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 refund request: out_refund_no ≤ 64 characters, reason ≤ 80 bytes (UTF-8: 26 CJK characters fit,
    27 do not), amount.currency CNY."""
    await pay(platform, merchant, await merchant.order("ORDER_0001", receiver.url(), total=1000))
    bad = [
        (refund_body("R" * 65, 100), "out_refund_no"),
        (refund_body("R1", 100, reason="退" * 27), "reason"),
        ({**refund_body("R1", 100), "amount": {"refund": 100, "total": 1000, "currency": "USD"}}, "currency"),
    ]
    for body, fragment in bad:
        status, data = await merchant.request("POST", REFUNDS, body)
        assert (status, data["code"]) == (400, "PARAM_ERROR") and fragment in data["message"], data
    status, data = await merchant.request("POST", REFUNDS, refund_body("R" * 64, 100, reason="退" * 26))
    assert status == 200 and data["out_refund_no"] == "R" * 64


async def test_refund_window_365_days(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver, clock: VirtualClock
) -> None:
    """§4 refund window: a refund is accepted within 365 days of payment, refused after."""
    await pay(platform, merchant, await merchant.order("ORDER_0001", receiver.url(), total=1000))
    await clock.advance(days=365)
    assert (await merchant.request("POST", REFUNDS, refund_body("R1", 100)))[0] == 200
    await clock.advance(seconds=1)
    status, data = await merchant.request("POST", REFUNDS, refund_body("R2", 100))
    assert status == 400 and "365 days" in data["message"]


async def test_refund_status_is_a_documented_value(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 refund status: answers and queries only use SUCCESS, CLOSED, PROCESSING, ABNORMAL."""
    await pay(platform, merchant, await merchant.order("ORDER_0001", receiver.url(), total=1000))
    status, data = await merchant.request("POST", REFUNDS, refund_body("R1", 100))
    assert status == 200 and data["status"] in ("SUCCESS", "CLOSED", "PROCESSING", "ABNORMAL")
    await platform.pay.idle()
    status, data = await merchant.request("GET", f"{REFUNDS}/R1")
    assert status == 200 and data["status"] == "SUCCESS"


# -- §9 code2Session ------------------------------------------------------------------------------------
async def code2session(http: aiohttp.ClientSession, platform: WeChatPlatform, code: str, **over: str) -> Any:
    params = {"appid": platform.appid, "secret": platform.secret, "js_code": code,
              "grant_type": "authorization_code", **over}
    async with http.get(f"{platform.base_url}/sns/jscode2session", params=params) as response:
        assert response.status == 200  # errors are {errcode, errmsg} with HTTP 200
        return await response.json()


async def test_code2session_needs_grant_type_authorization_code(
    platform: WeChatPlatform, http: aiohttp.ClientSession
) -> None:
    """§9 endpoint: grant_type must be authorization_code; the code is not spent by the refused call."""
    code = platform.login.issue_code("alice")
    bad = await code2session(http, platform, code, grant_type="client_credential")
    assert bad["errcode"] == 40002
    good = await code2session(http, platform, code)
    assert set(good) == {"openid", "session_key"}  # no unionid: the sandbox app is not bound to Open Platform


async def test_code2session_rate_limit_100_per_user_per_minute(
    platform: WeChatPlatform, http: aiohttp.ClientSession, clock: VirtualClock
) -> None:
    """§9 errcode 45011: more than 100 code2Session calls for one user within a minute are refused; other
    users are not affected, and the next minute the user can log in again with the same code."""
    for _ in range(100):
        assert "openid" in await code2session(http, platform, platform.login.issue_code("alice"))
    code = platform.login.issue_code("alice")
    limited = await code2session(http, platform, code)
    assert limited["errcode"] == 45011 and limited["errmsg"]
    assert "openid" in await code2session(http, platform, platform.login.issue_code("bob"))
    await clock.advance(seconds=60)
    assert "openid" in await code2session(http, platform, code)


async def test_code2session_high_risk_user_40226(platform: WeChatPlatform, http: aiohttp.ClientSession) -> None:
    """§9 errcode 40226: a high-risk user's login is blocked (test hook `login.block_high_risk`); others log in."""
    platform.login.block_high_risk("mallory")
    blocked = await code2session(http, platform, platform.login.issue_code("mallory"))
    assert blocked["errcode"] == 40226 and "openid" not in blocked
    assert "openid" in await code2session(http, platform, platform.login.issue_code("alice"))
    platform.login.block_high_risk("mallory", False)
    assert "openid" in await code2session(http, platform, platform.login.issue_code("mallory"))


async def test_code2session_system_busy_minus_1(platform: WeChatPlatform, http: aiohttp.ClientSession) -> None:
    """§9 errcode -1: system busy (test hook `login.busy`); the code is not spent, so a retry succeeds."""
    code = platform.login.issue_code("alice")
    platform.login.busy()
    busy = await code2session(http, platform, code)
    assert busy["errcode"] == -1 and "openid" not in busy
    assert "openid" in await code2session(http, platform, code)


# -- §4 notification delivery details ---------------------------------------------------------------------
async def test_notification_resource_is_aes_256_gcm_with_the_apiv3_key(
    platform: WeChatPlatform, merchant: MerchantClient, receiver: NotifyReceiver
) -> None:
    """§4 decryption: key = the 32-byte APIv3 key, a 12-byte nonce, associated_data as sent, and the base64
    ciphertext ends with a 16-byte GCM tag — decryptable with any standard AES-GCM implementation."""
    await pay(platform, merchant, await merchant.order("ORDER_0001", receiver.url(), attach="g=1"))
    resource = receiver.received[0].json["resource"]
    key = merchant.creds.apiv3_key.encode()
    assert len(key) == 32 and len(resource["nonce"].encode()) == 12
    raw = base64.b64decode(resource["ciphertext"])
    plain = AESGCM(key).decrypt(resource["nonce"].encode(), raw, resource["associated_data"].encode())
    assert len(raw) == len(plain) + 16
    assert json.loads(plain)["out_trade_no"] == "ORDER_0001"


async def test_notification_must_be_answered_within_the_timeout(
    clock: VirtualClock, http: aiohttp.ClientSession
) -> None:
    """§4 acknowledge: the merchant must respond within 5 s (the sandbox's default `notify_timeout`); a
    notify endpoint that does not answer in time counts as a failed delivery and is retried. The timeout
    is scaled down here so the test does not wait 5 s."""
    assert WeChatPlatform(clock, seed=7).notifier.timeout == 5.0
    never = asyncio.Event()

    async def hang(request: web.Request) -> web.Response:
        await never.wait()
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/notify", hang)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/notify"  # type: ignore[union-attr]
    try:
        async with WeChatPlatform(clock, seed=7, notify_timeout=0.2) as platform:
            order = platform.pay.create_jsapi({
                "appid": platform.appid, "mchid": platform.merchant.mchid, "description": "Tea",
                "out_trade_no": "ORDER_0001", "notify_url": url, "amount": {"total": 100},
                "payer": {"openid": "oUser0000000000000000000000A"},
            })
            t0 = clock.time()
            await platform.pay.settle(order.prepay_id, "confirm")
            [delivery] = platform.pay.deliveries
            assert delivery.attempts[0].status is None and "Timeout" in (delivery.attempts[0].error or "")
            assert not delivery.acknowledged and delivery.next_attempt_at == t0 + 15
    finally:
        never.set()
        await runner.cleanup()
