"""WeChat Pay v2 in the sandbox: XML bodies, key signatures, err_codes, XML notifications (wx-fidelity.md §4 v2).

Official v2 pages each test follows:
[UO] unifiedorder  https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=9_1
[OQ] orderquery    https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_2
[CO] closeorder    https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_3
[RF] refund        https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_4
[PN] pay notify    https://pay.weixin.qq.com/wiki/doc/api/wxa/wxa_api.php?chapter=9_7
[RN] refund notify https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=9_16
[SG] signing       https://pay.weixin.qq.com/wiki/doc/api/jsapi.php?chapter=4_3
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp import web
from wxpay_v2_helpers import V2Merchant, V2NotifyServer, v2_sign

from mock_wx.clock import VirtualClock
from mock_wx.platform import RETRY_SCHEDULE, WeChatPlatform

OPENID = "oUser0000000000000000000000A"


@pytest.fixture
async def v2(http: aiohttp.ClientSession, platform: WeChatPlatform) -> V2Merchant:
    """A v2 merchant that fetched its credentials (with apiv2_key) from GET /sandbox/merchant."""
    assert platform.base_url is not None
    async with http.get(platform.base_url + "/sandbox/merchant") as response:
        creds = await response.json()
    return V2Merchant(http, platform.base_url, creds)


@pytest.fixture
async def notify(v2: V2Merchant) -> AsyncIterator[V2NotifyServer]:
    server = V2NotifyServer(v2.key)
    app = web.Application()
    app.router.add_post("/wxpay/notify", server.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    server.url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/wxpay/notify"  # type: ignore[union-attr]
    yield server
    await runner.cleanup()


@pytest.mark.parametrize("sign_type", ["MD5", "HMAC-SHA256"])
async def test_unifiedorder_signed_with_md5_or_hmac_answers_a_signed_prepay_id(
    v2: V2Merchant, notify: V2NotifyServer, platform: WeChatPlatform, sign_type: str
) -> None:
    """[UO][SG]: a request signed either way answers return_code/result_code SUCCESS, trade_type JSAPI and a
    prepay_id, in XML signed the same way (the helper checks the answer's sign)."""
    answer = await v2.unifiedorder("V2ORDER0001", OPENID, notify.url, sign_type=sign_type)
    assert answer["return_code"] == "SUCCESS" and answer["return_msg"] == "OK"
    assert answer["result_code"] == "SUCCESS" and answer["trade_type"] == "JSAPI"
    assert answer["appid"] == v2.appid and answer["mch_id"] == v2.mch_id
    order = platform.pay.orders["V2ORDER0001"]
    assert answer["prepay_id"] == order.prepay_id and order.api_version == "v2" and order.sign_type == sign_type
    assert order.total == 990 and order.trade_state == "NOTPAY"


async def test_signing_rule_skips_empty_values_and_sign() -> None:
    """[SG]: empty values and `sign` are left out; keys sorted by ASCII; `&key=` appended; upper-case hex."""
    from mock_wx.platform import v2_crypto

    params = {"b": "2", "a": "1", "empty": "", "sign": "X", "B": "3"}
    assert v2_crypto.sign_string(params, "K") == "B=3&a=1&b=2&key=K"
    assert v2_crypto.sign(params, "K") == v2_sign(params, "K") and v2_crypto.sign(params, "K").isupper()
    assert v2_crypto.sign(params, "K", "HMAC-SHA256") == v2_sign(params, "K", "HMAC-SHA256")


async def test_bad_signature_and_wrong_key_answer_return_code_fail(v2: V2Merchant, notify: V2NotifyServer) -> None:
    """[UO][SG]: a tampered field or a wrong key fails authentication: return_code FAIL, return_msg 签名错误
    (the docs' SIGNERROR), no order and no signed fields in the answer."""
    params = {"body": "Tea", "out_trade_no": "V2ORDER0002", "total_fee": 1, "spbill_create_ip": "127.0.0.1",
              "notify_url": notify.url, "trade_type": "JSAPI", "openid": OPENID}
    tampered = await v2.call("/pay/unifiedorder", params, tamper={"total_fee": 100})
    wrong_key = await v2.call("/pay/unifiedorder", params, key="0" * 32, sign_type="HMAC-SHA256")
    for answer in (tampered, wrong_key):
        assert answer == {"return_code": "FAIL", "return_msg": "签名错误"}


async def test_malformed_xml_answers_xml_format_error(v2: V2Merchant, http: aiohttp.ClientSession) -> None:
    """[UO] error table: XML_FORMAT_ERROR for a body that is not XML; DTDs are refused too."""
    for body in (b"{json: 1}", b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><a>&e;</a></xml>'):
        async with http.post(v2.base_url + "/pay/unifiedorder", data=body) as resp:
            text = await resp.text()
            assert resp.status == 200 and "<return_code><![CDATA[FAIL]]></return_code>" in text
            assert "XML格式错误" in text


async def test_duplicate_out_trade_no(v2: V2Merchant, notify: V2NotifyServer) -> None:
    """[UO]: re-entering with the same parameters answers the same prepay_id ("订单重入时，要求参数值与原请求
    一致"); other parameters are OUT_TRADE_NO_USED."""
    first = await v2.unifiedorder("V2ORDER0003", OPENID, notify.url)
    again = await v2.unifiedorder("V2ORDER0003", OPENID, notify.url)
    assert again["result_code"] == "SUCCESS" and again["prepay_id"] == first["prepay_id"]
    other = await v2.unifiedorder("V2ORDER0003", OPENID, notify.url, total_fee=1)
    assert other["return_code"] == "SUCCESS" and other["result_code"] == "FAIL"
    assert other["err_code"] == "OUT_TRADE_NO_USED" and other["err_code_des"] == "商户订单号重复"


async def test_missing_parameter_and_wrong_merchant(v2: V2Merchant, notify: V2NotifyServer) -> None:
    """[UO] error table: LACK_PARAMS without openid on a JSAPI order; MCHID_NOT_EXIST for another mch_id."""
    answer = await v2.call("/pay/unifiedorder", {"body": "Tea", "out_trade_no": "V2ORDER0004", "total_fee": 1,
                                                 "spbill_create_ip": "127.0.0.1", "notify_url": notify.url,
                                                 "trade_type": "JSAPI"})
    assert (answer["result_code"], answer["err_code"]) == ("FAIL", "LACK_PARAMS")
    answer = await v2.call("/pay/orderquery", {"out_trade_no": "V2ORDER0004", "mch_id": "1234567890"})
    assert (answer["result_code"], answer["err_code"]) == ("FAIL", "MCHID_NOT_EXIST")


async def test_orderquery_unknown_and_known(v2: V2Merchant, notify: V2NotifyServer) -> None:
    """[OQ]: an unknown out_trade_no is ORDERNOTEXIST; a placed order answers trade_state NOTPAY and its fields."""
    unknown = await v2.call("/pay/orderquery", {"out_trade_no": "NOSUCHORDER"})
    assert (unknown["return_code"], unknown["result_code"], unknown["err_code"]) == ("SUCCESS", "FAIL", "ORDERNOTEXIST")
    await v2.unifiedorder("V2ORDER0005", OPENID, notify.url, attach="shop-7")
    known = await v2.call("/pay/orderquery", {"out_trade_no": "V2ORDER0005"}, sign_type="HMAC-SHA256")
    assert known["result_code"] == "SUCCESS" and known["trade_state"] == "NOTPAY"
    assert (known["total_fee"], known["openid"], known["attach"]) == ("990", OPENID, "shop-7")
    assert "transaction_id" not in known


async def test_closeorder_then_closed_order_errors(v2: V2Merchant, notify: V2NotifyServer,
                                                   platform: WeChatPlatform) -> None:
    """[CO][UO]: closing an unpaid order succeeds; closing again is ORDERCLOSED, re-ordering it is ORDERCLOSED,
    and the closed order cannot be paid."""
    placed = await v2.unifiedorder("V2ORDER0006", OPENID, notify.url)
    closed = await v2.call("/pay/closeorder", {"out_trade_no": "V2ORDER0006"})
    assert (closed["return_code"], closed["result_code"]) == ("SUCCESS", "SUCCESS")
    again = await v2.call("/pay/closeorder", {"out_trade_no": "V2ORDER0006"})
    assert again["err_code"] == "ORDERCLOSED"
    reorder = await v2.unifiedorder("V2ORDER0006", OPENID, notify.url)
    assert (reorder["result_code"], reorder["err_code"]) == ("FAIL", "ORDERCLOSED")
    query = await v2.call("/pay/orderquery", {"out_trade_no": "V2ORDER0006"})
    assert query["trade_state"] == "CLOSED"
    from mock_wx.platform import PaymentRejected

    params = v2.pay_params(placed["prepay_id"])
    with pytest.raises(PaymentRejected) as err:
        platform.pay.verify_client_payment(v2.appid, params["timeStamp"], params["nonceStr"], params["package"],
                                           params["signType"], params["paySign"], openid=OPENID)
    assert err.value.reason == "ORDER_CLOSED"


async def test_paid_order_notification_retry_and_refund(v2: V2Merchant, notify: V2NotifyServer,
                                                        platform: WeChatPlatform, clock: VirtualClock) -> None:
    """[PN]: paying posts signed XML to notify_url; an answer other than XML return_code SUCCESS is retried on
    the §4 schedule (15 s first). [CO] a paid order cannot be closed (ORDERPAID). [RF][RN]: a refund answers
    refund_id and the refund notification's req_info decrypts with MD5(key) to REFUND SUCCESS."""
    placed = await v2.unifiedorder("V2ORDER0007", OPENID, notify.url, sign_type="HMAC-SHA256")
    params = v2.pay_params(placed["prepay_id"], "HMAC-SHA256")
    platform.pay.verify_client_payment(v2.appid, params["timeStamp"], params["nonceStr"], params["package"],
                                       params["signType"], params["paySign"], openid=OPENID)
    notify.fail_next = 1
    await platform.pay.settle(placed["prepay_id"], "confirm")
    [first] = notify.payments
    assert first.verified and first.fields["sign_type"] == "HMAC-SHA256"
    assert first.fields["result_code"] == "SUCCESS" and first.fields["out_trade_no"] == "V2ORDER0007"
    assert first.fields["total_fee"] == "990" and first.fields["openid"] == OPENID
    assert len(first.fields["time_end"]) == 14
    [delivery] = platform.pay.deliveries
    assert delivery.format == "v2" and not delivery.acknowledged
    await clock.advance(seconds=RETRY_SCHEDULE[0])
    assert len(notify.payments) == 2 and delivery.acknowledged
    assert [a.at - delivery.created for a in delivery.attempts] == [0, RETRY_SCHEDULE[0]]

    paid_close = await v2.call("/pay/closeorder", {"out_trade_no": "V2ORDER0007"})
    assert paid_close["err_code"] == "ORDERPAID"
    transaction_id = first.fields["transaction_id"]
    over = await v2.call("/secapi/pay/refund", {"transaction_id": transaction_id, "out_refund_no": "R-1",
                                                "total_fee": 990, "refund_fee": 991, "notify_url": notify.url})
    assert (over["result_code"], over["err_code"]) == ("FAIL", "ERROR")
    refund = await v2.call("/secapi/pay/refund", {"transaction_id": transaction_id, "out_refund_no": "R-1",
                                                  "total_fee": 990, "refund_fee": 990, "notify_url": notify.url})
    assert refund["result_code"] == "SUCCESS" and refund["refund_fee"] == "990" and refund["refund_id"]
    await platform.pay.idle()
    [info] = notify.refunds
    assert info["refund_status"] == "SUCCESS" and info["out_refund_no"] == "R-1"
    assert (info["transaction_id"], info["refund_fee"], info["refund_id"]) == (transaction_id, "990", refund["refund_id"])
    query = await v2.call("/pay/orderquery", {"transaction_id": transaction_id})
    assert query["trade_state"] == "REFUND"


async def test_refund_of_unknown_or_unpaid_order(v2: V2Merchant, notify: V2NotifyServer) -> None:
    """[RF] error table: ORDERNOTEXIST for an unknown order and for an unpaid one ("未支付的订单不能发起退款")."""
    await v2.unifiedorder("V2ORDER0008", OPENID, notify.url)
    for no in ("NOSUCHORDER", "V2ORDER0008"):
        answer = await v2.call("/secapi/pay/refund", {"out_trade_no": no, "out_refund_no": "R-2",
                                                      "total_fee": 990, "refund_fee": 1})
        assert (answer["result_code"], answer["err_code"]) == ("FAIL", "ORDERNOTEXIST")


async def test_v2_notification_plain_success_text_is_not_an_acknowledgement(
    platform: WeChatPlatform, v2: V2Merchant, clock: VirtualClock
) -> None:
    """[PN]: the merchant must answer XML `<return_code>SUCCESS</return_code>`; a bare "success" is retried."""
    answers: list[str] = []

    async def plain(request: web.Request) -> web.Response:
        answers.append(await request.text())
        return web.Response(text="success")

    app = web.Application()
    app.router.add_post("/n", plain)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/n"  # type: ignore[union-attr]
    try:
        placed = await v2.unifiedorder("V2ORDER0009", OPENID, url)
        await platform.pay.settle(placed["prepay_id"], "confirm")
        [delivery] = platform.pay.deliveries
        assert not delivery.acknowledged and delivery.next_attempt_at == delivery.created + RETRY_SCHEDULE[0]
        assert len(answers) == 1
    finally:
        await runner.cleanup()
