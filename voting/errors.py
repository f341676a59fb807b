"""Every bad request ends as a clear JSON error in Chinese (pages get a short HTML page), never a 500 trace."""
from __future__ import annotations

import json
import logging

from aiohttp import web

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


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/wechat") \
        or "application/json" in request.headers.get("Accept", "")


def _page(status: int, message: str) -> web.Response:
    html = ("<!doctype html><html lang=zh-CN><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{status}</title><body style='font:18px sans-serif;padding:2em'>"
            f"<p>{message}</p></body></html>")
    return web.Response(text=html, status=status, content_type="text/html")


@web.middleware
async def error_middleware(request: web.Request, handler):
    try:
        return await handler(request)
    except ApiError as e:
        if _wants_json(request):
            return error_response(e.status, e.message, **e.extra)
        return _page(e.status, e.message)
    except web.HTTPException as e:
        if e.status < 400 or e.content_type == "application/json":
            raise
        message = GENERIC.get(e.status, e.reason)
        if e.status == 413:
            message = "请求内容过大（超过允许的大小）"
        if _wants_json(request):
            return error_response(e.status, message)
        return _page(e.status, message)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json(request):
            return error_response(500, GENERIC[500])
        return _page(500, GENERIC[500])


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
    if not isinstance(data, dict):
        raise ApiError(400, "请求内容须为 JSON 对象")
    return data
