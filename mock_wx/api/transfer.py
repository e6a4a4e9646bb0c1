"""wx.downloadFile and wx.uploadFile: the same slots, domain rules and timeouts as wx.request (§1).

Downloaded files live in the client's memory under `http://tmp/...` paths, as DevTools names them.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import aiohttp

from ._base import Fail, WxContext, api
from ._urls import resolve_url
from .network import (
    _cookie_header,
    _headers,
    _js_string,
    _listening,
    _new_call,
    _report,
    _response_headers,
    _run,
    _session,
    _timeout_ms,
    http_error_text,
)

__all__: list[str] = []


@api("downloadFile", "task")
def download_file(ctx: WxContext, args: dict[str, Any]) -> Any:
    """`wx.downloadFile`: GET into a temp file (kept in the client's memory) → `{tempFilePath, statusCode}`."""
    task_id = int(args.get("__taskId", 0))
    target = resolve_url(ctx, args.get("url"))
    headers = _headers(ctx, args.get("header"))
    _cookie_header(ctx, target, headers)
    call = _new_call(ctx, task_id, "downloadFile")
    started = time.perf_counter()

    async def work() -> dict[str, Any]:
        async with _session(ctx).get(target.real, headers=headers) as resp:
            status = resp.status
            header, _ = _response_headers(resp)
            if ctx.host is not None and _listening(ctx, task_id, "headersReceived"):
                ctx.host.emit(task_id, "headersReceived", {"header": header, "statusCode": status})
            raw = await resp.read()
        _report(ctx, "downloadFile", "GET", target, status, started, status < 400, len(raw),
                http_error_text(status, raw) if status >= 400 else None)
        digest = hashlib.sha1(raw).hexdigest()[:16]
        ext = target.logical.split("?", 1)[0].rsplit(".", 1)[-1] if "." in target.logical.rsplit("/", 1)[-1] else "tmp"
        path = f"http://tmp/{digest}.{ext}"
        ctx.state.setdefault("files", {})[path] = raw
        if ctx.host is not None and _listening(ctx, task_id, "progressUpdate"):
            ctx.host.emit(task_id, "progressUpdate", {"progress": 100, "totalBytesWritten": len(raw),
                                                      "totalBytesExpectedToWrite": len(raw)})
        out: dict[str, Any] = {"tempFilePath": path, "statusCode": status, "header": header, "profile": call.profile}
        if isinstance(args.get("filePath"), str):
            ctx.state["files"][args["filePath"]] = raw
            out = {"filePath": args["filePath"], "statusCode": status, "profile": call.profile}
        return out

    return _run(ctx, call, _timeout_ms(ctx, args, "downloadFile"), target.logical, work)


@api("uploadFile", "task")
def upload_file(ctx: WxContext, args: dict[str, Any]) -> Any:
    """`wx.uploadFile`: multipart POST of `filePath` as field `name`, plus `formData` → `{data, statusCode}`."""
    task_id = int(args.get("__taskId", 0))
    target = resolve_url(ctx, args.get("url"))
    name, path = args.get("name"), args.get("filePath")
    if not isinstance(name, str) or not isinstance(path, str):
        raise Fail("parameter error: parameter.name and parameter.filePath should be String")
    headers = _headers(ctx, args.get("header"))
    _cookie_header(ctx, target, headers)
    content = ctx.state.get("files", {}).get(path, b"\xff\xd8wxsim-placeholder-image\xff\xd9")
    call = _new_call(ctx, task_id, "uploadFile")
    started = time.perf_counter()

    async def work() -> dict[str, Any]:
        form = aiohttp.FormData()
        for k, v in (args.get("formData") or {}).items():
            form.add_field(str(k), _js_string(v))
        form.add_field(name, content, filename=path.rsplit("/", 1)[-1])
        async with _session(ctx).post(target.real, data=form, headers=headers) as resp:
            status = resp.status
            text = await resp.text(errors="replace")
        _report(ctx, "uploadFile", "POST", target, status, started, status < 400, len(content),
                http_error_text(status, text.encode()) if status >= 400 else None)
        if ctx.host is not None and _listening(ctx, task_id, "progressUpdate"):
            ctx.host.emit(task_id, "progressUpdate", {"progress": 100, "totalBytesSent": len(content),
                                                      "totalBytesExpectedToSend": len(content)})
        return {"data": text, "statusCode": status}

    return _run(ctx, call, _timeout_ms(ctx, args, "uploadFile"), target.logical, work)
