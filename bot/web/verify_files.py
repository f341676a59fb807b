"""The domain verification files of the 公众平台 (WECHAT_VERIFY_FILES), served at the root of this service.

Setting the 网页授权域名 (and the JS接口安全域名, 业务域名) makes WeChat fetch `MP_verify_<x>.txt` from the
domain's root before it accepts the domain; PUBLIC_URL's host is this service, so it must answer that file.
Only the configured names are mounted: every other path at the root stays as it was.
"""
from __future__ import annotations

from aiohttp import web

from ..appkeys import WECHAT_CONFIG


def setup_routes(app: web.Application) -> None:
    for name, content in app[WECHAT_CONFIG].verify_files:
        app.router.add_get(f"/{name}", _serve(content))


def _serve(content: str):
    async def verify_file(request: web.Request) -> web.Response:
        return web.Response(text=content, content_type="text/plain")
    return verify_file
