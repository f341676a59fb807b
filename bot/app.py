"""The WeChat official account's part of the application, mounted by voting.app.create_app through the
`shuzhi_voting.extensions` entry point (pyproject.toml), so that voting/ never imports bot/."""
from __future__ import annotations

from aiohttp import web

from voting.appkeys import REDIS, SETTINGS

from . import webhook
from .appkeys import WECHAT_API, WECHAT_CONFIG, WECHAT_HANDLER
from .client import WeChatApi
from .config import WeChatConfig


def setup(app: web.Application) -> None:
    """Parse the WECHAT_* settings (ValueError names a wrong one), mount GET|POST /wechat with the default
    handler (answers "success"), and start the WeChat API facade and the webhook with Redis."""
    app[WECHAT_CONFIG] = WeChatConfig.from_env(app[SETTINGS].wechat)
    app[WECHAT_HANDLER] = webhook.no_reply
    webhook.setup_routes(app)
    app.cleanup_ctx.append(api_ctx)
    app.cleanup_ctx.append(webhook.webhook_ctx)


async def api_ctx(app: web.Application):
    api = app[WECHAT_API] = WeChatApi(app[WECHAT_CONFIG], app[REDIS])
    yield
    await api.aclose()
