"""Every bad request ends as a clear JSON error in Chinese (pages get a short HTML page), never a 500 trace:
`ApiError`, which handlers raise, and the middleware that turns it and everything else into an answer."""
from __future__ import annotations

import logging

from aiohttp import web

from .appkeys import OUTAGE
from .responses import error_page, error_response
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


def _wants_json(request: web.Request) -> bool:
    return request.path.startswith("/api/") or request.path in ("/healthz", "/wechat") \
        or "application/json" in request.headers.get("Accept", "")


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
        resp = error_response(e.status, e.message, **e.extra) if _wants_json(request) \
            else error_page(e.status, e.message)
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
        return error_page(e.status, message)
    except Exception as e:
        if store_down(e):
            return unavailable(request.app.get(OUTAGE))
        log.exception("unhandled error on %s %s", request.method, request.path)
        if _wants_json(request):
            return error_response(500, GENERIC[500])
        return error_page(500, GENERIC[500])
