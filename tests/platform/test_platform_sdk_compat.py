"""What SDK-based backends rely on: signed API answers and GET /v3/certificates (wx-fidelity.md §4)."""

from __future__ import annotations

import json
import time

from cryptography import x509
from wxpay_helpers import MerchantClient, NotifyReceiver, order_body

from mock_wx.clock import VirtualClock
from mock_wx.platform import WeChatPlatform, verify_notification
from mock_wx.platform.crypto import aead_decrypt, public_key_pem


async def test_api_answers_are_signed(merchant: MerchantClient, receiver: NotifyReceiver) -> None:
    """§4: answers carry Wechatpay-* headers signing `timestamp\\nnonce\\nbody\\n` with the platform key."""
    body = merchant.order_body("ORDER_0001", receiver.url())
    raw = json.dumps(body)
    headers = {
        "Authorization": merchant.creds.sign_request("POST", "/v3/pay/transactions/jsapi", raw),
        "Content-Type": "application/json",
    }
    async with merchant.session.post(
        f"{merchant.base_url}/v3/pay/transactions/jsapi", data=raw, headers=headers
    ) as r:
        answer = await r.read()
        assert r.status == 200
        assert r.headers["Wechatpay-Serial"] == merchant.creds.platform_serial
        assert verify_notification(r.headers, answer, merchant.creds.platform_public_key_pem)


async def test_certificates_download(merchant: MerchantClient, platform: WeChatPlatform) -> None:
    """§4: the platform certificate, encrypted with the APIv3 key, has the serial sent as Wechatpay-Serial."""
    status, data = await merchant.request("GET", "/v3/certificates")
    assert status == 200
    [entry] = data["data"]
    enc = entry["encrypt_certificate"]
    pem = aead_decrypt(merchant.creds.apiv3_key, enc["nonce"], enc["ciphertext"], enc["associated_data"])
    certificate = x509.load_pem_x509_certificate(pem)
    assert (
        format(certificate.serial_number, "X").rjust(40, "0")
        == entry["serial_no"]
        == merchant.creds.platform_serial
    )
    assert public_key_pem(certificate.public_key()) == merchant.creds.platform_public_key_pem  # type: ignore[arg-type]


async def test_wall_clock_headers(clock: VirtualClock, receiver: NotifyReceiver) -> None:
    """§4: with header_clock="wall", Wechatpay-Timestamp is real time for SDKs that check a 5-minute skew."""
    async with WeChatPlatform(clock, header_clock="wall") as platform:
        prepay_id = platform.pay.create_jsapi(
            order_body(platform.merchant, "ORDER_0001", receiver.url())
        ).prepay_id
        await platform.pay.settle(prepay_id)
    [got] = receiver.received
    assert abs(int(got.headers["Wechatpay-Timestamp"]) - time.time()) < 60
    assert platform.merchant.verify_notification(got.headers, got.body)
