"""Typed application keys: every shared resource of the app, in one place."""
from __future__ import annotations

from typing import TYPE_CHECKING, Awaitable, Callable

import redis.asyncio as aioredis
from aiohttp import web

from .settings import Settings
from .store.outage import Outage
from .store.scripts import Scripts

if TYPE_CHECKING:
    from .room.live import LiveHub      # live.py imports this module
    from .meetings import Meeting
    from .tokens import Signer     # tokens.py -> errors.py -> this module

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", aioredis.Redis)
SCRIPTS = web.AppKey("scripts", Scripts)
SIGNER: web.AppKey[Signer] = web.AppKey("signer")
OUTAGE = web.AppKey("outage", Outage)
LIVE: web.AppKey[LiveHub] = web.AppKey("live")
# Extension points (bot/ fills them; voting/ never imports bot/):
# what the screen's join QR encodes: async (app, meeting, current code) -> {kind, url, scene?, expires_at?}
JOIN_QR: web.AppKey[Callable[[web.Application, Meeting, str], Awaitable[dict]]] = web.AppKey("join_qr")
# JSON fields of POST /api/meetings/{id}/join that name an account, e.g. "wx_code" (a mini-program login):
# field -> async (app, value) -> account identity (one account is one voter)
ACCOUNT_RESOLVERS: web.AppKey[dict[str, Callable[[web.Application, object], Awaitable[str]]]] = \
    web.AppKey("account_resolvers")
# Pages an extension adds to the organizer's console: (label, path); "{id}" in a path is the meeting's id.
# MEETING_PAGES are linked from each meeting's page, CONSOLE_PAGES from the list of meetings. A meeting page may
# come with a third item, shows(meeting) -> bool: the link appears only on the meetings it applies to (the 003
# composite only for rules that have one), never leading the organizer to a page that can only refuse.
MeetingPage = tuple[str, str] | tuple[str, str, Callable[["Meeting"], bool]]
MEETING_PAGES: web.AppKey[list[MeetingPage]] = web.AppKey("meeting_pages")
CONSOLE_PAGES: web.AppKey[list[tuple[str, str]]] = web.AppKey("console_pages")
