"""Request readers: the body, a form or a JSON object, read within a size limit; bytes that are not what they
claim to be are a 400 or 413 `ApiError` in Chinese, never a traceback."""
from __future__ import annotations

import json
import re

from aiohttp import web
from multidict import MultiDictProxy

from .errors import ApiError

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
