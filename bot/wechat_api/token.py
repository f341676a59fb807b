"""One access_token for every process, kept in Redis.

WeChat allows 2,000 token fetches a day and each fetch replaces the previous token after a short overlap, so
processes must not each fetch their own. The first process that finds no token takes a Redis lock and fetches;
the others wait for the stored token (bounded by `wait`). A failed fetch is stored for a few seconds so the
waiting processes raise it instead of fetching again. A token that WeChat rejects is deleted only if it is
still the stored one, so two processes that both saw 40001 cause one refresh, not two.
"""
from __future__ import annotations

import asyncio
import json
import logging
import secrets
import time
from typing import Awaitable, Callable

import redis.asyncio as aioredis

from .. import keys
from .errors import Category, WeChatError

log = logging.getLogger(__name__)

# Delete KEYS[1] only when it still holds ARGV[1] (a lock we own, a token that failed).
_DELETE_IF = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
EXPIRY_MARGIN = 300        # refresh 5 minutes before WeChat's expires_in (7200 s)
ERROR_HOLD = 3             # seconds a failed fetch is shown to waiting processes
POLL = 0.05

Fetch = Callable[[], Awaitable[tuple[str, int]]]    # -> (access_token, expires_in)


class SharedToken:
    def __init__(self, redis: aioredis.Redis, appid: str, fetch: Fetch, *, wait: float, fetch_time: float):
        """`fetch_time` bounds one fetch with its retries; the lock outlives it so that only one process fetches."""
        self.redis = redis
        self.fetch = fetch
        self.wait = wait
        self.key, self.lock, self.error = keys.token(appid), keys.token_lock(appid), keys.token_error(appid)
        self.lock_ms = int((fetch_time + 2) * 1000)
        self._delete_if = redis.register_script(_DELETE_IF)

    async def get(self) -> str:
        deadline = time.monotonic() + self.wait
        while True:
            token = await self.redis.get(self.key)
            if token:
                return token
            failed = await self.redis.get(self.error)
            if failed:
                raise _stored_error(failed)
            owner = secrets.token_hex(8)
            if await self.redis.set(self.lock, owner, nx=True, px=self.lock_ms):
                try:
                    return await self._refresh()
                finally:
                    await self._delete_if(keys=[self.lock], args=[owner])
            if time.monotonic() >= deadline:
                raise WeChatError(None, "等待其他进程获取 access_token 超时", category=Category.RETRY)
            await asyncio.sleep(POLL)

    async def _refresh(self) -> str:
        token = await self.redis.get(self.key)     # stored between our GET and our lock
        if token:
            return token
        try:
            token, expires_in = await self.fetch()
        except WeChatError as e:
            await self.redis.set(self.error, json.dumps([e.code, e.message, e.category.value]), ex=ERROR_HOLD)
            raise
        ttl = max(expires_in - EXPIRY_MARGIN, expires_in // 2, 1)
        await self.redis.set(self.key, token, ex=ttl)
        log.info("WeChat access_token refreshed (valid %d s, kept %d s)", expires_in, ttl)
        return token

    async def invalidate(self, failed: str) -> bool:
        """WeChat rejected `failed` (40001/42001): forget it unless another process already replaced it."""
        return bool(await self._delete_if(keys=[self.key], args=[failed]))


def _stored_error(raw: str) -> WeChatError:
    code, message, category = json.loads(raw)
    return WeChatError(code, message, category=Category(category))
