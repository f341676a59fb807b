"""Response helpers: JSON in UTF-8 (Chinese as characters, not escapes), the JSON error body, a short Chinese
error page for browsers, and attachments with their Chinese file name."""
from __future__ import annotations

import json
from urllib.parse import quote

from aiohttp import web


def json_response(data, status: int = 200) -> web.Response:
    return web.Response(text=json.dumps(data, ensure_ascii=False), status=status,
                        content_type="application/json")


def error_response(status: int, message: str, **extra) -> web.Response:
    return json_response({"error": message, **extra}, status=status)


def error_page(status: int, message: str) -> web.Response:
    """The error for a browser page: one sentence in Chinese, readable on a phone."""
    html = ("<!doctype html><html lang=zh-CN><meta charset=utf-8>"
            "<meta name=viewport content='width=device-width,initial-scale=1'>"
            f"<title>{status}</title><body style='font:18px sans-serif;padding:2em'>"
            f"<p>{message}</p></body></html>")
    return web.Response(text=html, status=status, content_type="text/html")


def download(body: bytes, content_type: str, filename: str, ascii_stem: str) -> web.Response:
    """An attachment with its Chinese name (RFC 6266 `filename*`) and an ASCII one for old clients."""
    ascii_name = f"{ascii_stem}." + filename.rsplit(".", 1)[1]
    return web.Response(body=body, headers={
        "Content-Type": content_type,
        "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"})
