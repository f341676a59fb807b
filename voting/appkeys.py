"""Typed application keys: every shared resource of the app, in one place."""
from __future__ import annotations

from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from aiohttp import web

from .outage import Outage
from .scripts import Scripts
from .settings import Settings

if TYPE_CHECKING:
    from .live import LiveHub      # live.py imports this module
    from .tokens import Signer     # tokens.py -> errors.py -> this module

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", aioredis.Redis)
SCRIPTS = web.AppKey("scripts", Scripts)
SIGNER: web.AppKey[Signer] = web.AppKey("signer")
OUTAGE = web.AppKey("outage", Outage)
LIVE: web.AppKey[LiveHub] = web.AppKey("live")
