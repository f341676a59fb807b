"""The outbox in the application: `setup(app)` (called by bot/app.py) and `queue_messages`, the one way any
part of the service sends a message (feedback, reminders, the webhook's confirmations)."""
from __future__ import annotations

from aiohttp import web

from voting.appkeys import CONSOLE_PAGES, MEETING_PAGES, REDIS, SETTINGS

from ..appkeys import OUTBOX, OUTBOX_CONFIG, OUTBOX_SENDER, WECHAT_API
from . import routes
from .config import OutboxConfig
from .queue import Outbox, Outgoing
from .sender import Sender
from .transport import Transport


def setup(app: web.Application) -> None:
    """After bot's api_ctx: the sender needs the WeChat facade, and stops before it closes."""
    settings = app[SETTINGS]
    app[OUTBOX_CONFIG] = OutboxConfig(rate=settings.outbox_rate, lease=settings.outbox_lease)
    app.setdefault(MEETING_PAGES, []).append(("反馈本人 · 发件箱", "/admin/outbox?meeting={id}"))
    app.setdefault(CONSOLE_PAGES, []).append(("发件箱", "/admin/outbox"))
    routes.setup_routes(app)
    app.cleanup_ctx.append(outbox_ctx)


async def outbox_ctx(app: web.Application):
    config = app[OUTBOX_CONFIG]
    outbox = app[OUTBOX] = Outbox(app[REDIS])
    sender = app[OUTBOX_SENDER] = Sender(outbox, Transport(app[WECHAT_API], app[REDIS], outbox, config), config)
    sender.start()
    yield
    await sender.stop()


async def queue_messages(app: web.Application, items: list[Outgoing]) -> list[tuple[str, bool]]:
    """Enqueue (idempotently, by each item's key) and wake this process's sender: [(id, new?)]."""
    if not items:
        return []
    result = await app[OUTBOX].enqueue_many(items)
    if any(new for _, new in result) and OUTBOX_SENDER in app:
        app[OUTBOX_SENDER].notify()
    return result
