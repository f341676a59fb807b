"""Every bad request ends as a clear JSON error in Chinese (pages get a short HTML page), never a 500 trace."""
from __future__ import annotations

import json
import logging
import re
from urllib.parse import quote

from aiohttp import web
from multidict import MultiDictProxy

from .appkeys import OUTAGE
from .store.outage import Outage, store_down

log = logging.getLogger(__name__)

GENERIC = {
    400: "请求格式错误",
    401: "未授权",
    403: "无权访问",
    404: "未找到请求的资源",
    405: "不支持该请求方法",
    409: "当前状态不允许该操作",
    413: "请求内容过大",
    415: "不支持的内容类型",
    429: "请求过于频繁，请稍后再试",
    500: "服务器内部错误，请联系会务人员",
    503: "服务暂不可用，请稍后再试",
}


class ApiError(Exception):
    def __init__(self, status: int, message: str, **extra):
        super().__init__(message)
        self.status = status
        self.message = message
        self.extra = extra


def json_response(data, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False), status=status,
                        content_type="application/json")


def error_response(status: int, message: str, **extra) -> web.Response:
    return json_response({"error": message, **extra}, status=status)


def download(body: bytes, content_type: str, filename: str, ascii_stem: str) -> web.Response:
    """An attachment with its Chinese name (RFC 6266 `filename*`) and an ASCII one for old clients."""
    ascii_name = f"{ascii_stem}." + filename.rsplit(".", 1)[1]
    return web.Response(body=body, headers={
        "Content-Type": content_type,
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"})


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/wechat") \
        or "application/json" in request.headers.get("Accept", "")


def _page(status: int, message: str) -> web.Response:
    html = ("<!doctype html><html lang=zh-CN><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{status}</title><body style='font:18px sans-serif;padding:2em'>"
            f"<p>{message}</p></body></html>")
    return web.Response(text=html, status=status, content_type="text/html")


def unavailable(outage: Outage | None) -> web.Response:
    """503 with Retry-After while the store is away (the store's watcher logs the outage, once)."""
    if outage is not None:
        outage.refuse()
    retry = outage.retry_after if outage is not None else 2
    resp = error_response(503, "服务暂时不可用（数据存储正在恢复），请稍后重试；已提交成功的评议不受影响",
                          retry_after=retry)
    resp.headers["Retry-After"] = str(retry)
    return resp


@web.middleware
async def error_middleware(request: web.Request, handler):
    outage = request.app.get(OUTAGE)
    if outage is not None and outage.down:     # known to be away: answer now, do not pile up on it
        return unavailable(outage)
    try:
        return await handler(request)
    except ApiError as e:
        resp = error_response(e.status, e.message, **e.extra) if _wants_json(request) else _page(e.status, e.message)
        if "retry_after" in e.extra:
            resp.headers["Retry-After"] = str(e.extra["retry_after"])
        return resp
    except web.HTTPException as e:
        if e.status < 400 or e.content_type == "application/json":
            raise
        message = GENERIC.get(e.status, e.reason)
        if e.status == 413:
            message = "请求内容过大（超过允许的大小）"
        if _wants_json(request):
            return error_response(e.status, message)
        return _page(e.status, message)
    except Exception as e:
        if store_down(e):
            return unavailable(request.app.get(OUTAGE))
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json(request):
            return error_response(500, GENERIC[500])
        return _page(500, GENERIC[500])


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def has_lone_surrogate(data) -> bool:
    """JSON may carry "\\ud800": a str that cannot be encoded, so Redis and every writer would fail on it."""
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _SURROGATE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


async def read_form(request: web.Request) -> MultiDictProxy:
    """The posted form; bytes that are not text in the declared charset are a 400, not a traceback."""
    try:
        return await request.post()
    except (UnicodeDecodeError, LookupError, ValueError, AssertionError):
        raise ApiError(400, "表单内容无法识别，请刷新页面后重试") from None


async def read_body(request: web.Request, limit: int) -> bytes:
    """The body, read up to `limit` bytes and no further: 413 beyond it, whatever Content-Length claims."""
    if request.content_length is not None and request.content_length > limit:
        raise ApiError(413, f"请求内容过大（上限 {limit // 1024} KB）")
    body = bytearray()
    while chunk := await request.content.readany():
        body += chunk
        if len(body) > limit:
            raise ApiError(413, f"请求内容过大（上限 {limit // 1024} KB）")
    return bytes(body)


async def read_json(request: web.Request, limit: int) -> dict:
    """The JSON object in the body, read up to `limit` bytes: 413 beyond it, 400 when it is not an object."""
    body = await read_body(request, limit)
    if not body.strip():
        return {}
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(400, "请求内容不是有效的 JSON") from None
    except RecursionError:                      # 100,000 nested "[": deeper than any request we take
        raise ApiError(400, "请求内容嵌套层次过深") from None
    if not isinstance(data, dict):
        raise ApiError(400, "请求内容须为 JSON 对象")
    if has_lone_surrogate(data):
        raise ApiError(400, "请求内容含有无效的字符（不成对的 Unicode 代理项）")
    return data
