"""The reminders' part of the application, mounted by voting.app.create_app through the
`shuzhi_voting.extensions` entry point (pyproject.toml), listed after bot's: the scheduler queues messages in
bot's outbox, so its cleanup context starts after the outbox's and stops before it."""
from __future__ import annotations

from aiohttp import web

from bot.appkeys import OUTBOX_CONFIG
from voting.appkeys import CONSOLE_PAGES, MEETING_PAGES, REDIS

from . import routes
from .appkeys import REMINDER_CONFIG, REMINDERS, SCHEDULER
from .config import ReminderConfig
from .scheduler import Scheduler
from .store import Reminders


def setup(app: web.Application) -> None:
    """Routes and the scheduler (one task per process, started after Redis and the outbox, stopped first)."""
    app[REMINDER_CONFIG] = ReminderConfig()
    app.setdefault(MEETING_PAGES, []).append(("提醒", "/admin/reminders?meeting={id}"))
    app.setdefault(CONSOLE_PAGES, []).append(("提醒", "/admin/reminders"))
    routes.setup_routes(app)
    app.cleanup_ctx.append(scheduler_ctx)


async def scheduler_ctx(app: web.Application):
    store = app[REMINDERS] = Reminders(app[REDIS])
    scheduler = app[SCHEDULER] = Scheduler(app, store, app[REMINDER_CONFIG], app[OUTBOX_CONFIG])
    scheduler.start()
    yield
    await scheduler.stop()
