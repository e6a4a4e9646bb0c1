"""Fidelity audit of wx-fidelity.md §0, §1, §2, §5, §8 and §10: the rules the other conformance files did not pin.

Network tests talk to a real aiohttp server on 127.0.0.1 (`AuditServer` below, plus `NetServer` for sockets);
everything else drives the conformance fixture app through `user.evaluate(...)`. UNCONFIRMED items of the
reference are not tested as facts.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest_asyncio
from aiohttp import web
from net_servers import API_DOMAIN, NetServer, bundle, serve, until

from mock_wx import Simulator, VirtualUser

URL = f"https://{API_DOMAIN}"
WSS = f"wss://{API_DOMAIN}/ws"


class AuditServer:
    """A small HTTP server with the response bodies §1's rules talk about (BOM, a JSON string, a redirect)."""

    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def _echo(self, request: web.Request) -> web.Response:
        body = await request.read()
        entry = {"method": request.method, "query": request.rel_url.raw_query_string, "body": list(body),
                 "headers": {k.lower(): v for k, v in request.headers.items()}}
        self.requests.append(entry)
        return web.json_response(entry)

    async def _bom(self, request: web.Request) -> web.Response:
        return web.Response(body="\ufeff{\"a\": 1}".encode(), content_type="application/json")

    async def _two_boms(self, request: web.Request) -> web.Response:
        return web.Response(body="\ufeff\ufeff{\"a\": 1}".encode(), content_type="application/json")

    async def _json_string(self, request: web.Request) -> web.Response:
        # The body is a JSON string whose content is itself JSON: one parse gives the inner text.
        return web.Response(text=json.dumps('{"b": 2}'), content_type="application/json")

    async def _redirect(self, request: web.Request) -> web.Response:
        raise web.HTTPFound("/echo?redirected=1")

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/echo", self._echo)
        app.router.add_get("/bom", self._bom)
        app.router.add_get("/two-boms", self._two_boms)
        app.router.add_get("/json-string", self._json_string)
        app.router.add_get("/redirect", self._redirect)
        self._runner, self.url = await serve(app)

    async def close(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()


@pytest_asyncio.fixture
async def server() -> AsyncIterator[AuditServer]:
    s = AuditServer()
    await s.start()
    yield s
    await s.close()


@pytest_asyncio.fixture
async def ws_server() -> AsyncIterator[NetServer]:
    s = NetServer()
    await s.start()
    yield s
    await s.close()


@asynccontextmanager
async def net_user(real_url: str, app: str = "net") -> AsyncIterator[tuple[Simulator, VirtualUser]]:
    """A strict simulation of a network fixture app whose API domain is served by `real_url`."""
    sim = Simulator(bundle(app), embedded_backend=False, api_domain=API_DOMAIN)
    async with sim:
        sim.services.route(API_DOMAIN, real_url)
        sim.services.stall_grace = 0.2
        user = sim.user()
        await user.launch("/pages/index/index")
        yield sim, user


# A JS helper: run a wx call with callbacks and resolve {ok, res} with what it reported.
SETTLE = """
function settle(api, opts) {
  return new Promise(function (resolve) {
    wx[api](Object.assign({}, opts, {
      success: function (res) { resolve({ ok: true, res: res }); },
      fail: function (res) { resolve({ ok: false, res: res }); },
    }));
  });
}
"""


async def call(user: VirtualUser, api: str, opts: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = await user.evaluate(f"function (opts) {{ {SETTLE} return settle({api!r}, opts); }}", opts)
    return out


# ---------------------------------------------------------------------------------------------------- §0
async def test_promise_without_any_options(user: VirtualUser) -> None:
    """§0: an async API called with no options at all returns a Promise that resolves with "<api>:ok"."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("function () { var p = wx.getStorageInfo(); return p.then(function (r) {"
                              " return [typeof p.then, r.errMsg, Array.isArray(r.keys)]; }); }")
    assert out == ["function", "getStorageInfo:ok", True]


async def test_callback_style_returns_undefined_and_complete_follows_fail(user: VirtualUser) -> None:
    """§0: with callbacks the call returns undefined; `complete` runs after `fail` with the same result."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("""function () { return new Promise(function (resolve) {
        var seen = [];
        var ret = wx.showToast({ fail: function (r) { seen.push(['fail', r.errMsg]); },
                                 complete: function (r) { seen.push(['complete', r.errMsg]); resolve([typeof ret, seen]); } });
    }); }""")
    assert out[0] == "undefined"
    assert [s[0] for s in out[1]] == ["fail", "complete"]
    assert out[1][0][1] == out[1][1][1] and out[1][0][1].startswith("showToast:fail ")


async def test_get_share_info_never_promisifies(user: VirtualUser) -> None:
    """§0: wx.getShareInfo's page says Promise style is not supported: without callbacks it returns undefined."""
    await user.launch("/pages/probe/probe")
    assert await user.evaluate("typeof wx.getShareInfo({ shareTicket: 'x' })") == "undefined"


async def test_task_api_failure_runs_fail_then_complete(server: AuditServer) -> None:
    """§0/§1: a task API that fails reports to `fail`, then `complete`, with the same errMsg and errno."""
    async with net_user(server.url) as (_, user):
        out = await user.evaluate("""function () { return new Promise(function (resolve) {
            var seen = [];
            wx.request({ url: 'https://not-configured.example.com/x',
                         success: function (r) { seen.push(['success', r]); },
                         fail: function (r) { seen.push(['fail', r]); },
                         complete: function (r) { seen.push(['complete', r]); resolve(seen); } });
        }); }""")
    expected = {"errMsg": "request:fail url not in domain list", "errno": 600002}
    assert out == [["fail", expected], ["complete", expected]]


# ---------------------------------------------------------------------------------------------------- §1
async def test_request_defaults_get_and_json_content_type(server: AuditServer) -> None:
    """§1: method defaults to GET; content-type defaults to application/json; success errMsg "request:ok"."""
    async with net_user(server.url) as (_, user):
        out = await call(user, "request", {"url": URL + "/echo"})
    assert out["ok"] and out["res"]["errMsg"] == "request:ok"
    assert out["res"]["data"]["method"] == "GET"
    assert out["res"]["data"]["headers"]["content-type"] == "application/json"


async def test_every_documented_method_is_accepted(server: AuditServer) -> None:
    """§1: OPTIONS, GET, HEAD, POST, PUT, DELETE (and TRACE, CONNECT) in upper case; lower case is refused."""
    async with net_user(server.url) as (_, user):
        for method in ("OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE"):
            out = await call(user, "request", {"url": URL + "/echo", "method": method, "dataType": "text"})
            assert out["ok"] and out["res"]["statusCode"] == 200, method
        assert [r["method"] for r in server.requests] == ["OPTIONS", "GET", "HEAD", "POST", "PUT", "DELETE"]
        low = await call(user, "request", {"url": URL + "/echo", "method": "post"})
    assert not low["ok"] and low["res"]["errMsg"].startswith("request:fail parameter error")


async def test_get_data_joins_an_existing_query(server: AuditServer) -> None:
    """§1: GET data is appended as encodeURIComponent(k)=encodeURIComponent(v)&…, after a query already on the URL."""
    async with net_user(server.url) as (_, user):
        out = await call(user, "request", {"url": URL + "/echo?x=1", "data": {"q": "耳机 & 手机", "n": 2, "b": True}})
    assert out["res"]["data"]["query"] == "x=1&q=%E8%80%B3%E6%9C%BA%20%26%20%E6%89%8B%E6%9C%BA&n=2&b=true"


async def test_post_arraybuffer_body_is_sent_as_bytes(server: AuditServer) -> None:
    """§1: `data` may be an ArrayBuffer; a POST sends its bytes as the body."""
    async with net_user(server.url) as (_, user):
        out = await user.evaluate("function (url) {" + SETTLE + " return settle('request', { url: url,"
                                  " method: 'POST', data: new Uint8Array([0, 1, 200, 255]).buffer }); }",
                                  URL + "/echo")
    assert out["ok"] and out["res"]["data"]["body"] == [0, 1, 200, 255]


async def test_post_string_data_is_sent_as_is(server: AuditServer) -> None:
    """§1: a string `data` is the body itself (JSON.stringify applies to objects only)."""
    async with net_user(server.url) as (_, user):
        out = await call(user, "request", {"url": URL + "/echo", "method": "POST", "data": "a=1&b=2"})
    assert bytes(out["res"]["data"]["body"]) == b"a=1&b=2"


async def test_data_type_json_parses_exactly_once(server: AuditServer) -> None:
    """§1: dataType json → one JSON.parse: a body that is a JSON string gives that string, not its content."""
    async with net_user(server.url) as (_, user):
        out = await call(user, "request", {"url": URL + "/json-string"})
    assert out["ok"] and out["res"]["data"] == '{"b": 2}'


async def test_other_data_type_skips_the_parse(server: AuditServer) -> None:
    """§1: a dataType other than json skips JSON.parse: res.data is the raw text of a JSON body."""
    async with net_user(server.url) as (_, user):
        out = await call(user, "request", {"url": URL + "/json-string", "dataType": "其他"})
    assert out["ok"] and out["res"]["data"] == json.dumps('{"b": 2}')


async def test_response_type_text_is_the_default(server: AuditServer) -> None:
    """§1: responseType defaults to text: with dataType other than json, res.data is a string, not an ArrayBuffer."""
    async with net_user(server.url) as (_, user):
        out = await user.evaluate("function (url) {" + SETTLE + " return settle('request', { url: url,"
                                  " dataType: 'text' }).then(function (r) { return typeof r.res.data; }); }",
                                  URL + "/echo")
    assert out == "string"


async def test_one_bom_is_stripped(server: AuditServer) -> None:
    """§1: one BOM is stripped before the JSON parse (a second one is not, so that body stays a string)."""
    async with net_user(server.url) as (_, user):
        one = await call(user, "request", {"url": URL + "/bom"})
        two = await call(user, "request", {"url": URL + "/two-boms"})
    assert one["ok"] and one["res"]["data"] == {"a": 1}
    assert two["ok"] and two["res"]["data"] == "\ufeff{\"a\": 1}"


async def test_off_headers_received_with_and_without_listener(server: AuditServer) -> None:
    """§1: offHeadersReceived(cb) removes that listener; off* with no argument removes all of them."""
    async with net_user(server.url) as (_, user):
        out = await user.evaluate("""function (url) { return new Promise(function (resolve) {
            var seen = [];
            function a(h) { seen.push('a' + h.statusCode); }
            function b(h) { seen.push('b' + h.statusCode); }
            function c(h) { seen.push('c' + h.statusCode); }
            var t1 = wx.request({ url: url, complete: function () {
              var t2 = wx.request({ url: url, complete: function () { resolve(seen); } });
              t2.onHeadersReceived(a); t2.onHeadersReceived(b); t2.offHeadersReceived();
            } });
            t1.onHeadersReceived(a); t1.onHeadersReceived(b); t1.onHeadersReceived(c); t1.offHeadersReceived(b);
        }); }""", URL + "/echo")
    assert out == ["a200", "c200"]


async def test_headers_received_fires_before_success(server: AuditServer) -> None:
    """§1: onHeadersReceived fires before completion, with {header, statusCode, cookies}."""
    async with net_user(server.url) as (_, user):
        out = await user.evaluate("""function (url) { return new Promise(function (resolve) {
            var seen = [];
            var t = wx.request({ url: url, success: function () { seen.push('success'); resolve(seen); } });
            t.onHeadersReceived(function (h) { seen.push(['headers', h.statusCode, typeof h.header, Array.isArray(h.cookies)]); });
        }); }""", URL + "/echo")
    assert out == [["headers", 200, "object", True], "success"]


async def test_manual_redirect_fires_headers_received_and_ends(server: AuditServer) -> None:
    """§1: with redirect 'manual' a 3xx fires onHeadersReceived and ends the request (the target is not fetched)."""
    async with net_user(server.url) as (_, user):
        out = await user.evaluate("""function (url) { return new Promise(function (resolve) {
            var heads = [];
            var t = wx.request({ url: url, redirect: 'manual', dataType: 'text',
                                 complete: function (r) { resolve({ heads: heads, status: r.statusCode, errMsg: r.errMsg }); } });
            t.onHeadersReceived(function (h) { heads.push(h.statusCode); });
        }); }""", URL + "/redirect")
    assert out == {"heads": [302], "status": 302, "errMsg": "request:ok"}
    assert server.requests == []


async def test_api_weixin_qq_com_is_never_allowed(server: AuditServer) -> None:
    """§1: api.weixin.qq.com is forbidden: it cannot be a configured domain, so requests to it always fail."""
    async with net_user(server.url) as (sim, user):
        sim.services.route("api.weixin.qq.com", server.url)  # even if a test configures it
        out = await call(user, "request", {"url": "https://api.weixin.qq.com/sns/jscode2session"})
    assert out["res"] == {"errMsg": "request:fail url not in domain list", "errno": 600002}
    assert server.requests == []


async def test_lan_ips_are_allowed_the_device_itself_never(server: AuditServer) -> None:
    """§1: no IP addresses, except LAN IPs (2.4.0+); the device's own (loopback) address and localhost never."""
    async with net_user(server.url) as (sim, user):
        sim.services.route("192.168.1.20", server.url, allow=False)
        lan = await call(user, "request", {"url": "https://192.168.1.20/echo"})
        public = await call(user, "request", {"url": "https://8.8.8.8/echo"})
        own = await call(user, "request", {"url": "https://127.0.0.1/echo"})
        nobody = await call(user, "request", {"url": "https://10.0.0.9/echo"})
    assert lan["ok"] and lan["res"]["statusCode"] == 200
    # An allowed LAN address where nothing answers is a transport failure (errno 600000), not a domain one.
    assert not nobody["ok"] and nobody["res"]["errno"] == 600000 and nobody["res"]["errMsg"].startswith("request:fail ")
    for res in (public, own):
        assert res["res"] == {"errMsg": "request:fail url not in domain list", "errno": 600002}


async def test_download_and_upload_follow_the_domain_rules(server: AuditServer) -> None:
    """§1: downloadFile and uploadFile obey the same domain list, with errno 600002."""
    async with net_user(server.url) as (_, user):
        down = await call(user, "downloadFile", {"url": "https://other.example.com/a.png"})
        up = await call(user, "uploadFile", {"url": "http://" + API_DOMAIN + "/up", "filePath": "wxfile://x.jpg",
                                             "name": "file"})
    assert down["res"] == {"errMsg": "downloadFile:fail url not in domain list", "errno": 600002}
    assert up["res"] == {"errMsg": "uploadFile:fail url not in domain list", "errno": 600002}


async def test_download_and_upload_cannot_set_referer(server: AuditServer) -> None:
    """§1: the fixed Referer applies to downloadFile and uploadFile too."""
    async with net_user(server.url) as (sim, user):
        await call(user, "downloadFile", {"url": URL + "/echo", "header": {"Referer": "https://evil.example"}})
        await call(user, "uploadFile", {"url": URL + "/echo", "filePath": "wxfile://x.jpg", "name": "f",
                                        "header": {"referer": "https://evil.example"}})
    referer = f"https://servicewechat.com/{sim.appid}/0/page-frame.html"
    assert [r["headers"]["referer"] for r in server.requests] == [referer, referer]


async def test_profile_filled_by_default(server: AuditServer) -> None:
    """§1: enableProfile defaults to true: res.profile carries the timings (queueStart/End) and peerIP, protocol."""
    async with net_user(server.url) as (_, user):
        out = await call(user, "request", {"url": URL + "/echo"})
    profile = out["res"]["profile"]
    assert {"queueStart", "queueEnd", "peerIP", "protocol"} <= set(profile)
    assert profile["queueEnd"] >= profile["queueStart"]


async def test_download_and_upload_share_the_ten_slots(ws_server: NetServer) -> None:
    """§1: request + uploadFile + downloadFile share one limit of 10: with 10 requests held, a downloadFile and
    an uploadFile queue (the server does not see them) until a slot frees."""
    held = URL + "/hold"
    async with net_user(ws_server.url) as (sim, user):
        user.realm.engine.eval(
            "globalThis.__done = []; for (var i = 0; i < 10; i++) wx.request({ url: '" + held + "',"
            " success: function () { __done.push('request'); } });"
            " wx.downloadFile({ url: '" + URL + "/echo/d', success: function (r) { __done.push('download'); } });"
            " wx.uploadFile({ url: '" + URL + "/echo/u', filePath: 'wxfile://a.jpg', name: 'f',"
            " success: function (r) { __done.push('upload'); } });")
        await sim.idle()  # the held calls stop holding idle() after stall_grace
        assert ws_server.in_flight == 10 and ws_server.requests == []
        ws_server.release.set()
        await until(lambda: int(user.realm.engine.eval("__done.length")) == 12)
        done = json.loads(user.realm.engine.eval("JSON.stringify(__done)"))
    assert sorted(done) == sorted(["download", "upload"] + ["request"] * 10)
    assert sorted(r["path"] for r in ws_server.requests) == ["/echo/d", "/echo/u"]
    assert ws_server.max_in_flight == 10


# ---------------------------------------------------------------------------------------------------- §2
async def test_sync_storage_mirrors(user: VirtualUser) -> None:
    """§2: setStorageSync returns nothing; removeStorageSync, clearStorageSync and getStorageInfoSync mirror the
    async calls (getStorageInfoSync has the same {keys, currentSize, limitSize} as getStorageInfo)."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("""async function () {
        var ret = wx.setStorageSync('a', 1);
        wx.setStorageSync('b', { x: [1, 2] });
        var info = wx.getStorageInfoSync();
        var asyncInfo = await wx.getStorageInfo();
        var removed = wx.removeStorageSync('a');
        var afterRemove = wx.getStorageInfoSync().keys;
        var cleared = wx.clearStorageSync();
        return { ret: typeof ret, removed: typeof removed, cleared: typeof cleared, info: info,
                 asyncInfo: asyncInfo, afterRemove: afterRemove, afterClear: wx.getStorageInfoSync().keys };
    }""")
    assert out["ret"] == out["removed"] == out["cleared"] == "undefined"
    assert sorted(out["info"]["keys"]) == ["a", "b"] and out["info"]["limitSize"] == 10240
    assert {k: v for k, v in out["asyncInfo"].items() if k != "errMsg"} == out["info"]
    assert out["asyncInfo"]["errMsg"] == "getStorageInfo:ok"
    assert out["afterRemove"] == ["b"] and out["afterClear"] == []


async def test_async_storage_callbacks_and_errmsgs(user: VirtualUser) -> None:
    """§2: setStorage → "setStorage:ok"; getStorage → {data, errMsg: "getStorage:ok"}; removeStorage and
    clearStorage answer "<api>:ok" through callbacks too."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("""function () {
        function cb(api, opts) { return new Promise(function (resolve) {
            wx[api](Object.assign({}, opts, { success: resolve, fail: resolve })); }); }
        return cb('setStorage', { key: 'k', data: [1, 'two'] }).then(function (a) {
          return cb('getStorage', { key: 'k' }).then(function (b) {
            return cb('removeStorage', { key: 'k' }).then(function (c) {
              return cb('clearStorage', {}).then(function (d) { return [a, b, c, d]; }); }); }); });
    }""")
    assert out == [{"errMsg": "setStorage:ok"}, {"data": [1, "two"], "errMsg": "getStorage:ok"},
                   {"errMsg": "removeStorage:ok"}, {"errMsg": "clearStorage:ok"}]


async def test_current_size_counts_kb(user: VirtualUser) -> None:
    """§2: currentSize is in KB: storing about 100 KB moves it by about 100, not by 100 000."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("function () { var before = wx.getStorageInfoSync().currentSize;"
                              " wx.setStorageSync('blob', new Array(100 * 1024 + 1).join('x'));"
                              " return [before, wx.getStorageInfoSync().currentSize]; }")
    assert out[0] <= 1 and 100 <= out[1] <= 102


async def test_encrypted_total_limit(user: VirtualUser) -> None:
    """§2: with encrypt: true the total drops to 7.1 MB: the 11th encrypted item of 0.68 MB fails."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("""async function () {
        var chunk = new Array(Math.floor(0.68 * 1024 * 1024)).join('x');
        var results = [];
        for (var i = 0; i < 11; i++) {
          try { await wx.setStorage({ key: 'e' + i, data: chunk, encrypt: true }); results.push('ok'); }
          catch (e) { results.push(e.errMsg); }
        }
        return results;
    }""")
    assert out[:10] == ["ok"] * 10
    assert out[10].startswith("setStorage:fail ")


async def test_encrypted_item_limit_is_below_the_plain_one(user: VirtualUser) -> None:
    """§2: 0.7 MB per encrypted key, while a plain key of 0.9 MB is still within its 1 MB."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("""async function () {
        var data = new Array(Math.floor(0.9 * 1024 * 1024)).join('x');
        var plain = await wx.setStorage({ key: 'p', data: data }).then(function (r) { return r.errMsg; });
        var enc = await wx.setStorage({ key: 'e', data: data, encrypt: true }).then(
            function (r) { return r.errMsg; }, function (e) { return e.errMsg; });
        return [plain, enc];
    }""")
    assert out[0] == "setStorage:ok" and out[1].startswith("setStorage:fail ")


# ---------------------------------------------------------------------------------------------------- §5
OPEN = """function (url, opts) { return new Promise(function (resolve) {
    var created = [];
    var t = wx.connectSocket(Object.assign({ url: url }, opts || {}, {
        success: function (r) { created.push(['success', r.errMsg]); },
        complete: function (r) { created.push(['complete', r.errMsg]); } }));
    globalThis.__sock = t;
    t.onOpen(function (r) { resolve({ created: created, header: typeof r.header, profile: typeof r.profile }); });
    t.onError(function (r) { resolve({ created: created, error: r.errMsg }); });
}); }"""


def _lower(headers: dict[str, str]) -> dict[str, str]:
    return {k.lower(): v for k, v in headers.items()}


async def test_socket_open_reports_header_and_profile(ws_server: NetServer) -> None:
    """§5: connectSocket's success then complete say "connectSocket:ok"; onOpen gets {header, profile}."""
    async with net_user(ws_server.url) as (_, user):
        out = await user.evaluate(OPEN, WSS)
    assert out == {"created": [["success", "connectSocket:ok"], ["complete", "connectSocket:ok"]],
                   "header": "object", "profile": "object"}


async def test_socket_referer_fixed_and_protocols_sent(ws_server: NetServer) -> None:
    """§5: the app cannot set Referer on a socket either; protocols[] go out as Sec-WebSocket-Protocol."""
    async with net_user(ws_server.url) as (sim, user):
        await user.evaluate(OPEN, WSS, {"header": {"Referer": "https://evil.example", "X-Room": "r1"},
                                        "protocols": ["chat"]})
    headers = _lower(ws_server.ws_headers[0])
    assert headers["referer"] == f"https://servicewechat.com/{sim.appid}/0/page-frame.html"
    assert headers["x-room"] == "r1" and headers["sec-websocket-protocol"] == "chat"


async def test_per_message_deflate_defaults_to_false(ws_server: NetServer) -> None:
    """§5: perMessageDeflate defaults to false (no extension offered); true offers permessage-deflate."""
    async with net_user(ws_server.url) as (_, user):
        await user.evaluate(OPEN, WSS)
        await user.evaluate(OPEN, WSS, {"perMessageDeflate": True})
    plain, deflate = (_lower(h) for h in ws_server.ws_headers)
    assert "permessage-deflate" not in plain.get("sec-websocket-extensions", "")
    assert "permessage-deflate" in deflate["sec-websocket-extensions"]


async def test_wss_domains_accept_any_port(ws_server: NetServer) -> None:
    """§1/§5: a wss domain configured without a port accepts any port (https would refuse even :443); a public IP
    is still refused."""
    async with net_user(ws_server.url) as (_, user):
        ported = await user.evaluate(OPEN, f"wss://{API_DOMAIN}:8443/ws")
        bad = await call(user, "connectSocket", {"url": "wss://8.8.8.8/ws"})
    assert ported["created"][0] == ["success", "connectSocket:ok"] and "error" not in ported
    assert bad["res"] == {"errMsg": "connectSocket:fail url not in domain list", "errno": 600002}


async def test_socket_task_methods_never_return_promises(ws_server: NetServer) -> None:
    """§5: SocketTask.send/close report through callbacks only: without them they return undefined."""
    async with net_user(ws_server.url) as (_, user):
        await user.evaluate(OPEN, WSS)
        out = await user.evaluate("[typeof __sock.send({ data: 'x' }), typeof __sock.close({})]")
    assert out == ["undefined", "undefined"]


async def test_close_without_code_reports_1000(ws_server: NetServer) -> None:
    """§5: close() with no code closes normally: closeSocket:ok, then onClose({code: 1000, reason: ''})."""
    async with net_user(ws_server.url) as (_, user):
        await user.evaluate(OPEN, WSS)
        out = await user.evaluate("""function () { return new Promise(function (resolve) {
            var seen = [];
            function done() { if (seen.length === 2) resolve(seen); }
            __sock.onClose(function (r) { seen.push(['close', r.code, r.reason]); done(); });
            __sock.close({ success: function (r) { seen.push(r.errMsg); done(); } });
        }); }""")
    # The order of the close result and onClose is not documented; both come, onClose with code 1000.
    assert sorted(out, key=str) == sorted(["closeSocket:ok", ["close", 1000, ""]], key=str)


async def test_legacy_close_before_open_has_no_effect(ws_server: NetServer) -> None:
    """§5: wx.closeSocket before the current socket opens has no effect: it still opens afterwards."""
    async with net_user(ws_server.url) as (_, user):
        out = await user.evaluate("""function (url) { return new Promise(function (resolve) {
            var seen = [];
            wx.onSocketOpen(function () { seen.push('open'); resolve(seen); });
            wx.onSocketClose(function () { seen.push('close'); });
            wx.connectSocket({ url: url });
            wx.closeSocket({ success: function (r) { seen.push(r.errMsg); } });
        }); }""", WSS)
    assert out == ["closeSocket:ok", "open"]


# ---------------------------------------------------------------------------------------------------- §8
async def ui_call(user: VirtualUser, api: str, opts: dict[str, Any] | None = None) -> Any:
    if not user.running:
        await user.launch("/pages/ui/ui")
    return await user.evaluate("function (api, opts) { return wx[api](opts).then(function (r) { return r; },"
                               " function (e) { return { failed: e.errMsg }; }); }", api, opts or {})


async def test_long_toast_title_is_not_an_error(user: VirtualUser) -> None:
    """§8: with an icon only about 7 Chinese characters show, but no hard length error is documented: a long
    title still succeeds and is kept whole."""
    title = "您的订单已经提交成功请耐心等待商家发货"
    assert await ui_call(user, "showToast", {"title": title}) == {"errMsg": "showToast:ok"}
    assert await ui_call(user, "showToast", {"title": title, "icon": "none"}) == {"errMsg": "showToast:ok"}
    assert user.ctx.ui["toast"]["title"] == title


async def test_show_loading_needs_a_title(user: VirtualUser) -> None:
    """§8: showLoading's title is required; mask defaults to false."""
    out = await ui_call(user, "showLoading", {})
    assert out["failed"].startswith("showLoading:fail parameter error")
    assert "loading" not in user.ctx.ui
    assert await ui_call(user, "showLoading", {"title": "加载中"}) == {"errMsg": "showLoading:ok"}
    assert user.ctx.ui["loading"]["mask"] is False


async def test_hide_toast_pairs_with_show_toast(user: VirtualUser) -> None:
    """§8: showToast pairs with hideToast: hideToast takes the toast away; a later showLoading replaces a toast."""
    await ui_call(user, "showToast", {"title": "好", "duration": 100000})
    assert await ui_call(user, "hideToast") == {"errMsg": "hideToast:ok"}
    assert "toast" not in user.ctx.ui
    await ui_call(user, "showToast", {"title": "好"})
    await ui_call(user, "showLoading", {"title": "加载中"})
    assert "toast" not in user.ctx.ui and user.ctx.ui["loading"]["title"] == "加载中"


async def test_cancel_text_over_four_shows_no_dialog(user: VirtualUser) -> None:
    """§8: the cancelText twin of the 4-character rule: it fails and no dialog appears (the user is not asked)."""
    user.dialogs.next("modal", "cancel")
    out = await ui_call(user, "showModal", {"title": "t", "cancelText": "我再想一想"})
    assert out == {"failed": "showModal:fail cancelText length should not larger than 4 Chinese characters"}
    assert user.dialogs.shown == []
    # The queued answer was not used up by the refused call: the next modal gets it.
    assert await ui_call(user, "showModal", {"title": "t"}) == {"confirm": False, "cancel": True,
                                                                "errMsg": "showModal:ok"}


async def test_action_sheet_alert_text_and_item_color(user: VirtualUser) -> None:
    """§8: showActionSheet shows alertText (2.14.0) and itemColor (default #000000); tapIndex is 0-based."""
    out = await ui_call(user, "showActionSheet", {"itemList": ["删除"], "alertText": "删除后不可恢复",
                                                  "itemColor": "#FF0000"})
    assert out == {"tapIndex": 0, "errMsg": "showActionSheet:ok"}
    shown = user.dialogs.shown[-1]
    assert (shown["alertText"], shown["itemColor"]) == ("删除后不可恢复", "#FF0000")


# ---------------------------------------------------------------------------------------------------- §10
SYSTEM_KEYS = {"SDKVersion", "brand", "model", "pixelRatio", "screenWidth", "screenHeight", "windowWidth",
               "windowHeight", "statusBarHeight", "safeArea", "language", "version", "system", "platform",
               "fontSizeSetting"}


async def test_system_info_fields(user: VirtualUser) -> None:
    """§10: getSystemInfoSync returns SDKVersion, brand, model, pixelRatio, screen/window sizes, statusBarHeight,
    safeArea, language, version, system, platform (one of the documented values), fontSizeSetting, and the
    *Authorized/*Enabled flags; getSystemInfo answers the same asynchronously."""
    await user.launch("/pages/probe/probe")
    info = await user.evaluate("wx.getSystemInfoSync()")
    assert SYSTEM_KEYS <= set(info)
    assert info["platform"] in {"ios", "android", "ohos", "windows", "mac", "devtools"}
    assert any(k.endswith("Authorized") for k in info) and any(k.endswith("Enabled") for k in info)
    assert {"left", "right", "top", "bottom", "width", "height"} <= set(info["safeArea"])
    async_info = await user.evaluate("wx.getSystemInfo()")
    assert async_info["errMsg"] == "getSystemInfo:ok" and SYSTEM_KEYS <= set(async_info)


async def test_split_system_info_apis(user: VirtualUser) -> None:
    """§10: getWindowInfo, getDeviceInfo and getAppBaseInfo (the replacements of getSystemInfoSync) split the
    same facts between them."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("[wx.getSystemInfoSync(), wx.getWindowInfo(), wx.getDeviceInfo(), wx.getAppBaseInfo()]")
    info, window, device, base = out
    for part, keys in ((window, ("pixelRatio", "screenWidth", "windowHeight", "statusBarHeight", "safeArea")),
                       (device, ("brand", "model", "system", "platform")),
                       (base, ("SDKVersion", "language", "version", "theme"))):
        assert {k: part[k] for k in keys} == {k: info[k] for k in keys}


async def test_animation_methods_chain(user: VirtualUser) -> None:
    """§10: every Animation method (opacity, backgroundColor, width/height, top/left/…, rotate*, scale*, skew*,
    translate*, matrix) returns the animation; step(opts) closes a group; export() → {actions: [...]}."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("""function () {
        var names = ['opacity', 'backgroundColor', 'width', 'height', 'top', 'left', 'right', 'bottom', 'rotate',
          'rotateX', 'rotateY', 'rotateZ', 'rotate3d', 'scale', 'scaleX', 'scaleY', 'scaleZ', 'scale3d', 'skew',
          'skewX', 'skewY', 'translate', 'translateX', 'translateY', 'translateZ', 'translate3d', 'matrix', 'matrix3d'];
        var a = wx.createAnimation({ duration: 200, timingFunction: 'ease-in', delay: 5, transformOrigin: 'left top' });
        var chained = names.filter(function (n) { return a[n](1) === a; });
        a.step();
        a.width('10px').step({ duration: 50 });
        var exported = a.export();
        return { chained: chained.length, total: names.length, groups: exported.actions.length,
                 first: exported.actions[0].option, second: exported.actions[1].option.transition.duration,
                 again: a.export().actions.length };
    }""")
    assert out["chained"] == out["total"] == 28
    assert out["groups"] == 2 and out["second"] == 50 and out["again"] == 0
    assert out["first"]["transition"] == {"duration": 200, "timingFunction": "ease-in", "delay": 5}
    assert out["first"]["transformOrigin"] == "left top"


async def test_selector_query_shapes_and_order(user: VirtualUser) -> None:
    """§10: select/selectAll/selectViewport → NodesRef; boundingClientRect gives {id, dataset, left, right, top,
    bottom, width, height}; selectAll answers an array; .in(component) keeps the query; exec(cb) answers in call order."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("""function () { return new Promise(function (resolve) {
        var q = wx.createSelectorQuery();
        var same = q.in({}) === q;
        q.select('#a').boundingClientRect();
        q.selectAll('.item').boundingClientRect();
        q.selectViewport().scrollOffset();
        q.select('#c').fields({ size: true });
        q.exec(function (res) { resolve({ same: same, res: res }); });
    }); }""")
    assert out["same"] is True
    rect, items, viewport, fields = out["res"]
    assert {"id", "dataset", "left", "right", "top", "bottom", "width", "height"} <= set(rect)
    assert isinstance(items, list) and {"left", "width"} <= set(items[0])
    assert "scrollTop" in viewport and isinstance(fields, dict)


async def test_vibrate_short_types(user: VirtualUser) -> None:
    """§10: vibrateShort takes type heavy|medium|light."""
    await user.launch("/pages/probe/probe")
    out = await user.evaluate("Promise.all(['heavy', 'medium', 'light'].map(function (t) {"
                              " return wx.vibrateShort({ type: t }).then(function (r) { return r.errMsg; }); }))")
    assert out == ["vibrateShort:ok"] * 3
    assert [e.data["type"] for e in user.sim.trace.of_kind("vibrate")] == ["heavy", "medium", "light"]


async def test_clipboard_toast_lasts_one_and_a_half_seconds(user: VirtualUser) -> None:
    """§10: after setClipboardData succeeds WeChat shows "内容已复制" for 1.5 s."""
    await user.launch("/pages/probe/probe")
    assert await user.evaluate("wx.setClipboardData({ data: 'X1' }).then(function (r) { return r.errMsg; })") \
        == "setClipboardData:ok"
    toast = user.ctx.ui["toast"]
    assert (toast["title"], toast["duration"]) == ("内容已复制", 1500)


async def test_subscribe_five_ids_allowed(user: VirtualUser) -> None:
    """§10: at most 5 template ids per call: exactly 5 succeeds, each answered in the result."""
    await user.launch("/pages/probe/probe")
    ids = [f"T{i}" for i in range(5)]
    out = await user.call_wx("requestSubscribeMessage", {"tmplIds": ids}, gesture=True)  # from a tap (§10)
    assert out == {"errMsg": "requestSubscribeMessage:ok", **{i: "accept" for i in ids}}


async def test_component_page_has_its_own_selector_query(user: VirtualUser) -> None:
    """§10: in a component, `this.createSelectorQuery()` gives a query scoped to it; exec(cb) answers."""
    await user.launch("/pages/comp/comp?id=1")
    out = await user.evaluate("""function () { return new Promise(function (resolve) {
        var comp = getCurrentPages()[0];
        comp.createSelectorQuery().select('#x').boundingClientRect().exec(function (res) {
            resolve([typeof comp.createSelectorQuery, res.length, typeof res[0].width]); });
    }); }""")
    assert out == ["function", 1, "number"]
