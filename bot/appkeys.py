"""Typed application keys of the official account (voting/appkeys.py holds the service's own)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from .config import WeChatConfig

if TYPE_CHECKING:
    from .client import WeChatApi

WECHAT_CONFIG = web.AppKey("wechat_config", WeChatConfig)
WECHAT_API: web.AppKey[WeChatApi] = web.AppKey("wechat_api")        # set at startup (needs Redis)
