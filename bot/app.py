"""The WeChat official account's part of the application, mounted by voting.app.create_app through the
`shuzhi_voting.extensions` entry point (pyproject.toml), so that voting/ never imports bot/."""
from __future__ import annotations

import logging

from aiohttp import web

from voting.appkeys import ACCOUNT_RESOLVERS, CONSOLE_PAGES, JOIN_QR, MEETING_PAGES, REDIS, SETTINGS
from voting.errors import ApiError

from .identity import oauth, qr
from .inbound import webhook
from .web import admin_api, feedback, feedback_console, join_pages, pages, verify_files
from .appkeys import WECHAT_API, WECHAT_CONFIG, WECHAT_HANDLER
from .wechat_api.client import WeChatApi
from .config import WeChatConfig
from .wechat_api.errors import Category, WeChatError
from .inbound.handler import handle
from .identity.miniprogram import wx_code_account
from .outbox import service as outbox

log = logging.getLogger(__name__)


def setup(app: web.Application) -> None:
    """Parse the WECHAT_* settings (ValueError names a wrong one), mount /wechat with the account's behaviour
    (handler.py), the WeChat pages and the organizer's API, and plug the WeChat QR and the mini-program login
    into voting's extension points; start the WeChat API facade and the webhook with Redis."""
    app[WECHAT_CONFIG] = WeChatConfig.from_env(app[SETTINGS].wechat)
    app[WECHAT_HANDLER] = handle
    app[JOIN_QR] = qr.join_qr
    app[ACCOUNT_RESOLVERS] = {**app.get(ACCOUNT_RESOLVERS, {}), "wx_code": wx_code_account}
    app.middlewares.append(wechat_errors)
    app.setdefault(MEETING_PAGES, []).append(("微信绑定", "/admin/meetings/{id}/wechat"))
    app.setdefault(CONSOLE_PAGES, []).append(("微信公众号", "/admin/wechat"))
    webhook.setup_routes(app)
    oauth.setup_routes(app)
    join_pages.setup_routes(app)
    pages.setup_routes(app)
    admin_api.setup_routes(app)
    verify_files.setup_routes(app)
    app.cleanup_ctx.append(api_ctx)
    app.cleanup_ctx.append(webhook.webhook_ctx)
    outbox.setup(app)                   # the sender (after api_ctx: it sends through the facade), its routes
    feedback.setup_routes(app)
    feedback_console.setup_routes(app)


@web.middleware
async def wechat_errors(request: web.Request, handler):
    """WeChat failing is never our 500: a 503 to try again later, or a 4xx that says what WeChat refused."""
    try:
        return await handler(request)
    except WeChatError as e:
        log.warning("WeChat refused %s %s: %s", request.method, request.path, e)
        if e.category in (Category.RETRY, Category.QUOTA, Category.TOKEN):
            raise ApiError(503, "微信接口暂时不可用，请稍后重试", retry_after=5) from None
        raise ApiError(400, f"微信接口拒绝了请求：{e}") from None


async def api_ctx(app: web.Application):
    api = app[WECHAT_API] = WeChatApi(app[WECHAT_CONFIG], app[REDIS])
    yield
    await api.aclose()
