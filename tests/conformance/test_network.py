"""wx.request / downloadFile / uploadFile against a real aiohttp server on 127.0.0.1 (wx-fidelity.md §0, §1)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest_asyncio
from net_servers import API_DOMAIN, NetServer, bundle, until

from mock_wx import Simulator
from mock_wx.rig.page import Page

URL = f"https://{API_DOMAIN}"


@pytest_asyncio.fixture
async def net_server() -> AsyncIterator[NetServer]:
    server = NetServer()
    await server.start()
    yield server
    await server.close()


@asynccontextmanager
async def net_app(server: NetServer, fidelity: str = "strict", **config: Any) -> AsyncIterator[tuple[Simulator, Page]]:
    sim = Simulator(bundle("net"), fidelity=fidelity, embedded_backend=False, api_domain=API_DOMAIN)
    async with sim:
        sim.services.route(API_DOMAIN, server.url)
        sim.services.stall_grace = 0.2
        user = sim.user()
        user.ctx.app_config = {**user.ctx.app_config, **config}
        page = await user.launch("/pages/index/index")
        yield sim, page


async def test_request_returns_task_not_promise(net_server: NetServer) -> None:
    """§0/§1: wx.request always returns a RequestTask, never a Promise, even without callbacks."""
    async with net_app(net_server) as (_, page):
        out = await page.call("returnsTask", {"url": URL + "/echo"})
    assert out == {"isPromise": False, "hasAbort": True}


async def test_awaiting_task_is_a_finding_in_lenient(net_server: NetServer) -> None:
    """§0: awaiting the task works only in lenient mode, which records an `await-task` finding."""
    async with net_app(net_server, "lenient") as (sim, page):
        res = await page.call("awaitTask", {"url": URL + "/echo"})
        assert res["statusCode"] == 200
        assert [f.kind for f in sim.trace.findings] == ["await-task"]


async def test_success_shape_and_errmsg(net_server: NetServer) -> None:
    """§1: success `res` has data, statusCode, header, cookies, profile and errMsg "request:ok"."""
    async with net_app(net_server) as (_, page):
        out = await page.call("req", {"url": URL + "/echo"})
    res = out["res"]
    assert out["ok"] and res["errMsg"] == "request:ok" and res["statusCode"] == 200
    assert res["data"]["method"] == "GET"
    assert res["header"]["Content-Type"].startswith("application/json")
    assert isinstance(res["cookies"], list)
    assert {"queueStart", "queueEnd", "requestStart", "responseEnd"} <= set(res["profile"])


async def test_every_http_status_goes_to_success(net_server: NetServer) -> None:
    """§1: 404 and 500 still go to success."""
    async with net_app(net_server) as (_, page):
        for code in (404, 500):
            out = await page.call("req", {"url": f"{URL}/status/{code}"})
            assert out["ok"] and out["res"]["statusCode"] == code and out["res"]["errMsg"] == "request:ok"


async def test_invalid_method_fails(net_server: NetServer) -> None:
    """§1: only OPTIONS/GET/HEAD/POST/PUT/DELETE/TRACE/CONNECT in upper case."""
    async with net_app(net_server) as (_, page):
        out = await page.call("req", {"url": URL + "/echo", "method": "patch"})
    assert not out["ok"] and out["res"]["errMsg"].startswith("request:fail parameter error")


async def test_get_data_is_appended_as_query(net_server: NetServer) -> None:
    """§1: GET data becomes encodeURIComponent(k)=encodeURIComponent(v)&… on the URL."""
    async with net_app(net_server) as (_, page):
        out = await page.call("req", {"url": URL + "/echo?a=1", "data": {"q": "a b&c", "n": 2, "t": True}})
    assert out["res"]["data"]["query"] == "a=1&q=a%20b%26c&n=2&t=true"


async def test_post_json_body_and_default_content_type(net_server: NetServer) -> None:
    """§1: content-type defaults to application/json and POST data is JSON.stringify(data)."""
    async with net_app(net_server) as (_, page):
        out = await page.call("req", {"url": URL + "/echo", "method": "POST", "data": {"a": 1, "b": "中"}})
    echoed = out["res"]["data"]
    assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["body"] == '{"a":1,"b":"中"}'


async def test_post_form_urlencoded_body(net_server: NetServer) -> None:
    """§1: with x-www-form-urlencoded the POST body is the k=v&… form."""
    async with net_app(net_server) as (_, page):
        out = await page.call("req", {"url": URL + "/echo", "method": "POST", "data": {"a": "x y", "b": 2},
                                      "header": {"content-type": "application/x-www-form-urlencoded"}})
    assert out["res"]["data"]["body"] == "a=x%20y&b=2"


async def test_referer_is_fixed(net_server: NetServer) -> None:
    """§1: the app cannot set Referer; it is servicewechat.com/{appid}/{version}/page-frame.html."""
    async with net_app(net_server) as (sim, page):
        out = await page.call("req", {"url": URL + "/echo", "header": {"Referer": "https://evil.example"}})
    assert out["res"]["data"]["headers"]["referer"] == f"https://servicewechat.com/{sim.appid}/0/page-frame.html"


async def test_invalid_json_stays_a_string(net_server: NetServer) -> None:
    """§1: dataType json with an unparsable body leaves res.data a string, still success."""
    async with net_app(net_server) as (_, page):
        out = await page.call("req", {"url": URL + "/text"})
        assert out["ok"] and out["res"]["data"] == "not json {"
        other = await page.call("req", {"url": URL + "/echo", "dataType": "text"})
        assert isinstance(other["res"]["data"], str) and other["res"]["data"].startswith("{")


async def test_response_type_arraybuffer(net_server: NetServer) -> None:
    """§1: responseType arraybuffer gives an ArrayBuffer."""
    async with net_app(net_server) as (sim, _page):
        user = sim.all_users[0]
        user.realm.engine.eval("globalThis.__ab = null; wx.request({url: '" + URL + "/bytes', responseType: 'arraybuffer',"
                               " success: function (r) { globalThis.__ab = r.data instanceof ArrayBuffer ?"
                               " Array.from(new Uint8Array(r.data)) : 'no'; }})")
        await user.idle()
        assert user.realm.engine.eval("JSON.stringify(globalThis.__ab)") == "[0,1,2,255]"


async def test_timeout_on_the_virtual_clock(net_server: NetServer) -> None:
    """§1: the default timeout is 60 s, measured on the simulation's clock: advancing 61 s fails it."""
    async with net_app(net_server) as (sim, page):
        await page.call("start", {"url": URL + "/hold"}, "slow")
        assert page.data["results"] == {}
        await sim.clock.advance(seconds=59)
        assert page.data["results"] == {}
        await sim.clock.advance(seconds=2)
        res = page.data["results"]["slow"]
    assert res == {"ok": False, "res": {"errMsg": "request:fail timeout"}}


async def test_timeout_option_and_app_json_network_timeout(net_server: NetServer) -> None:
    """§1: the `timeout` option overrides app.json networkTimeout.request, which overrides 60 s."""
    async with net_app(net_server, networkTimeout={"request": 5000}) as (sim, page):
        await page.call("start", {"url": URL + "/hold"}, "cfg")
        await page.call("start", {"url": URL + "/hold", "timeout": 2000}, "opt")
        await sim.clock.advance(seconds=2.5)
        assert set(page.data["results"]) == {"opt"}
        await sim.clock.advance(seconds=3)
        assert page.data["results"]["cfg"]["res"]["errMsg"] == "request:fail timeout"


async def test_abort(net_server: NetServer) -> None:
    """§1: RequestTask.abort() fails the request with `request:fail abort`."""
    async with net_app(net_server) as (_, page):
        out = await page.call("startAndAbort", {"url": URL + "/hold"})
    assert out == {"ok": False, "res": {"errMsg": "request:fail abort"}}


async def test_on_headers_received(net_server: NetServer) -> None:
    """§1: onHeadersReceived(cb({header, statusCode, cookies})) fires before completion."""
    async with net_app(net_server) as (_, page):
        out = await page.call("withHeaders", {"url": URL + "/cookie"})
    [h] = out["headers"]
    assert h["statusCode"] == 200 and any(c.startswith("sid=") for c in h["cookies"])


async def test_enable_chunked_delivers_arraybuffer_chunks_as_they_arrive(net_server: NetServer) -> None:
    """§1 enableChunked (2.20.2+): onChunkReceived({data: ArrayBuffer}) fires as parts of the body arrive,
    before the request completes; then it succeeds."""
    async with net_app(net_server) as (_, page):
        await page.call("startChunked", {"url": URL + "/chunks", "enableChunked": True, "dataType": "text"}, "c")
        await until(lambda: page.data["chunks"])
        assert page.data["chunks"] == ["part1-"] and page.data["results"] == {}
        net_server.release.set()
        await until(lambda: "c" in page.data["results"])
        assert "".join(page.data["chunks"]) == "part1-part2"
        assert page.data["results"]["c"]["ok"] and page.data["results"]["c"]["chunks"] == len(page.data["chunks"])


async def test_no_chunk_events_without_enable_chunked(net_server: NetServer) -> None:
    """§1: onChunkReceived needs enableChunked; without it no chunk event fires and the body arrives whole."""
    net_server.release.set()
    async with net_app(net_server) as (_, page):
        await page.call("startChunked", {"url": URL + "/chunks", "dataType": "text"}, "plain")
        await until(lambda: "plain" in page.data["results"])
        assert page.data["results"]["plain"] == {"ok": True, "data": "part1-part2", "chunks": 0}
        assert page.data["chunks"] == []


async def test_ten_concurrent_then_queue(net_server: NetServer) -> None:
    """§1: request/upload/download share a limit of 10 concurrent calls; extra calls queue."""
    async with net_app(net_server) as (sim, _page):
        user = sim.all_users[0]
        user.realm.engine.eval("globalThis.__done = []; for (var i = 0; i < 12; i++) wx.request({url: '" + URL
                               + "/hold', success: function (r) { __done.push(r.profile); }});")
        await asyncio.sleep(0.3)
        assert net_server.in_flight == 10
        net_server.release.set()
        await user.idle()
        await _until_done(user, 12)
        profiles = user.realm.engine.eval("JSON.stringify(__done)")
    assert net_server.max_in_flight == 10
    assert '"queueStart"' in profiles


async def _until_done(user: Any, n: int) -> None:
    for _ in range(200):
        if int(user.realm.engine.eval("__done.length")) >= n:
            return
        await asyncio.sleep(0.01)
        await user.idle()
    raise AssertionError("requests did not finish")


async def test_cookies_are_per_user(net_server: NetServer) -> None:
    """§1: `cookies` come back per client; each virtual user is its own phone with its own cookies."""
    async with net_app(net_server) as (sim, page):
        await page.call("req", {"url": URL + "/cookie?v=alice"})
        out = await page.call("req", {"url": URL + "/echo"})
        assert out["res"]["data"]["cookies"] == {"sid": "alice"}
        bob = sim.user()
        bob_page = await bob.launch("/pages/index/index")
        out = await bob_page.call("req", {"url": URL + "/echo"})
        assert out["res"]["data"]["cookies"] == {}


async def test_strict_domain_rules(net_server: NetServer) -> None:
    """§1: strict rejects http://, IPs, localhost, ports and unknown domains: errno 600002."""
    port = net_server.url.rsplit(":", 1)[1]
    bad = [f"http://{API_DOMAIN}/echo", f"{net_server.url}/echo", f"https://localhost:{port}/echo",
           f"https://{API_DOMAIN}:443/echo", "https://other.example.com/echo", f"https://sub.{API_DOMAIN}/echo"]
    async with net_app(net_server) as (_, page):
        for url in bad:
            out = await page.call("req", {"url": url})
            assert out["res"] == {"errMsg": "request:fail url not in domain list", "errno": 600002}, url


async def test_configured_port_must_match(net_server: NetServer) -> None:
    """§1: if the configured domain has a port, requests must use exactly that port."""
    async with net_app(net_server) as (sim, page):
        sim.services.allowed_domains.append("ported.example.com:8443")
        sim.services.route("ported.example.com:8443", net_server.url, allow=False)
        ok = await page.call("req", {"url": "https://ported.example.com:8443/echo"})
        bad = await page.call("req", {"url": "https://ported.example.com/echo"})
    assert ok["ok"] and ok["res"]["statusCode"] == 200
    assert bad["res"]["errMsg"] == "request:fail url not in domain list"


async def test_relative_url(net_server: NetServer) -> None:
    """§1: a relative URL fails in strict; lenient resolves it against the base URL with a finding."""
    async with net_app(net_server) as (_, page):
        out = await page.call("req", {"url": "/echo"})
        assert out["res"]["errMsg"] == "request:fail invalid url"
    async with net_app(net_server, "lenient") as (sim, page):
        out = await page.call("req", {"url": "/echo"})
        assert out["ok"] and out["res"]["data"]["path"] == "/echo"
        assert [f.kind for f in sim.trace.findings] == ["relative-url"]


async def test_lenient_allows_local_http_with_finding(net_server: NetServer) -> None:
    """§1: lenient lets http://127.0.0.1:PORT through (like DevTools' "skip domain check") and says so."""
    async with net_app(net_server, "lenient") as (sim, page):
        out = await page.call("req", {"url": net_server.url + "/echo"})
        assert out["ok"]
        assert [f.kind for f in sim.trace.findings] == ["url-not-in-domain-list"]


async def test_trace_and_request_listeners(net_server: NetServer) -> None:
    """§1: every request is recorded in the trace with timings; load runners get a listener call."""
    async with net_app(net_server) as (sim, page):
        seen: list[tuple[Any, ...]] = []
        sim.services.request_listeners.append(lambda *a: seen.append(a))
        await page.call("req", {"url": URL + "/status/404"})
        [rec] = [e for e in sim.trace.events if e.kind == "request"]
    assert rec.data["status"] == 404 and rec.data["url"] == URL + "/status/404" and rec.data["ms"] >= 0
    assert seen and seen[0][:3] == (URL + "/status/404", "GET", 404) and seen[0][4] is False


async def test_closing_a_user_mid_request_is_not_a_failed_request(net_server: NetServer) -> None:
    """§1 abort, as load stats see it: a request cut off because its user was closed (a load run ending,
    Locust stopping users) is traced as aborted but not reported to request listeners, so it never shows
    as the server's failure; the user's other, finished request is reported."""
    async with net_app(net_server) as (sim, page):
        seen: list[tuple[Any, ...]] = []
        sim.services.request_listeners.append(lambda *a: seen.append(a))
        await page.call("req", {"url": URL + "/echo"})
        await page.call("start", {"url": URL + "/hold"}, "cut")
        await sim.wait_until(lambda: net_server.in_flight == 1)
        page.user.close()
        await asyncio.sleep(0)  # the cancelled request task runs its clean-up
        requests = [e for e in sim.trace.events if e.kind == "request"]
    assert [(s[0], s[4]) for s in seen] == [(URL + "/echo", True)]
    assert [r.data.get("error") for r in requests] == [None, "abort"]


def test_http_error_text_names_the_error_code_not_the_message() -> None:
    """What a failed request is called in load stats and the trace: the status, plus a short error code from
    a JSON body (our backend's `error`, WeChat's `errcode`, WeChat Pay's `code`); never free text."""
    from mock_wx.api.network import http_error_text

    assert http_error_text(401, b'{"error":"invalid_code","message":"code2Session: errcode 40029"}') == \
        "HTTP 401 invalid_code"
    assert http_error_text(429, b'{"errcode":45011,"errmsg":"api minute-quota reach limit"}') == "HTTP 429 45011"
    assert http_error_text(400, b'{"code":"PARAM_ERROR","message":"bad"}') == "HTTP 400 PARAM_ERROR"
    assert http_error_text(500, b"<html>Internal Server Error</html>") == "HTTP 500"
    assert http_error_text(502, b'{"error":"a sentence, not a code"}') == "HTTP 502"
    assert http_error_text(503, b"{not json") == "HTTP 503"


async def test_download_and_upload(net_server: NetServer) -> None:
    """§1: downloadFile gives a tempFilePath; uploadFile posts it as multipart with formData."""
    async with net_app(net_server) as (_, page):
        down = await page.call("download", {"url": URL + "/bytes"})
        assert down["ok"] and down["res"]["statusCode"] == 200 and down["res"]["errMsg"] == "downloadFile:ok"
        path = down["res"]["tempFilePath"]
        up = await page.call("upload", {"url": URL + "/upload", "filePath": path, "name": "file",
                                        "formData": {"kind": "avatar"}})
    assert up["ok"] and up["res"]["errMsg"] == "uploadFile:ok"
    assert '"size": 4' in up["res"]["data"] and '"kind": "avatar"' in up["res"]["data"]


async def test_redirects_followed_unless_manual(net_server: NetServer) -> None:
    """§1: redirects are followed by default; `redirect: 'manual'` ends the request on the 3xx."""
    async with net_app(net_server) as (_, page):
        follow = await page.call("req", {"url": URL + "/redirect"})
        manual = await page.call("req", {"url": URL + "/redirect", "redirect": "manual", "dataType": "text"})
    assert follow["res"]["statusCode"] == 200 and follow["res"]["data"]["query"] == "redirected=1"
    assert manual["res"]["statusCode"] == 302 and manual["res"]["header"]["Location"] == "/echo?redirected=1"


async def test_interrupted_after_five_seconds_in_background(net_server: NetServer) -> None:
    """§1: a request still in flight when the app has been in the background for 5 s fails `interrupted`."""
    async with net_app(net_server) as (sim, page):
        user = sim.all_users[0]
        await page.call("start", {"url": URL + "/hold"}, "short")
        await user.hide()
        await sim.clock.advance(seconds=3)
        await user.show()
        await sim.clock.advance(seconds=3)
        assert page.data["results"] == {}
        await user.hide()
        await sim.clock.advance(seconds=5)
        res = page.data["results"]["short"]
    assert res == {"ok": False, "res": {"errMsg": "request:fail interrupted", "errno": 600003}}  # §0 errno


async def test_transport_error_goes_to_fail(net_server: NetServer) -> None:
    """§1/§0: a transport error (nothing listening) fails with `request:fail <platform text>` and an errno."""
    async with net_app(net_server) as (sim, page):
        sim.services.route("down.example.com", "http://127.0.0.1:9")  # discard port: nothing answers
        out = await page.call("req", {"url": "https://down.example.com/x"})
    assert not out["ok"] and out["res"]["errMsg"].startswith("request:fail ") and out["res"]["errno"] == 600000
