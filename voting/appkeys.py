"""Typed application keys: every shared resource of the app, in one place."""
from __future__ import annotations

from typing import TYPE_CHECKING

import redis.asyncio as aioredis
from aiohttp import web

from .settings import Settings

if TYPE_CHECKING:
    from .live import LiveHub
    from .scripts import Scripts
    from .tokens import Signer

SETTINGS = web.AppKey("settings", Settings)
REDIS = web.AppKey("redis", aioredis.Redis)
SCRIPTS = web.AppKey("scripts", "Scripts")
SIGNER = web.AppKey("signer", "Signer")
LIVE = web.AppKey("live", "LiveHub")
