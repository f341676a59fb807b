"""Typed application keys of the reminders."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .config import ReminderConfig

if TYPE_CHECKING:
    from .scheduler import Scheduler
    from .store import Reminders

REMINDER_CONFIG = web.AppKey("reminder_config", ReminderConfig)
REMINDERS: web.AppKey[Reminders] = web.AppKey("reminders")          # set at startup (needs Redis)
SCHEDULER: web.AppKey[Scheduler] = web.AppKey("reminder_scheduler")
