"""Typed application keys of the official account (voting/appkeys.py holds the service's own)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Awaitable, Callable

from aiohttp import web

from .config import WeChatConfig
from .inbound.messages import Incoming, Reply
from .outbox.config import OutboxConfig

if TYPE_CHECKING:
    from .wechat_api.client import WeChatApi
    from .outbox.queue import Outbox
    from .outbox.sender import Sender
    from .inbound.webhook import Webhook

# What a push to /wechat does: `async def handle(app, incoming) -> Reply | None` (None: answer "success").
Handler = Callable[[web.Application, Incoming], Awaitable[Reply | None]]

WECHAT_CONFIG = web.AppKey("wechat_config", WeChatConfig)
WECHAT_HANDLER: web.AppKey[Handler] = web.AppKey("wechat_handler")
WECHAT_API: web.AppKey[WeChatApi] = web.AppKey("wechat_api")        # set at startup (needs Redis)
WEBHOOK: web.AppKey[Webhook] = web.AppKey("wechat_webhook")         # set at startup (needs Redis)
OUTBOX_CONFIG = web.AppKey("outbox_config", OutboxConfig)
OUTBOX: web.AppKey[Outbox] = web.AppKey("outbox")                   # set at startup (needs Redis)
OUTBOX_SENDER: web.AppKey[Sender] = web.AppKey("outbox_sender")     # set at startup, one per process
# Lines other packages add to each 反馈本人 message: `(app, meeting id) -> str` (paperwork/: where the 整改清单
# is submitted); bot/ itself knows nothing of them.
FEEDBACK_LINES: web.AppKey[list[Callable[[web.Application, str], str]]] = web.AppKey("feedback_lines")
