"""The webhook's memory in Redis, shared by every process: nonces already accepted, and pushes already taken.

- A (timestamp, nonce) pair is accepted once. Plaintext mode signs only the query string, so without this a
  captured signature could carry any body for as long as its timestamp is in the window.
- WeChat retries a push it got no answer to within 5 s, three times, with the same MsgId (events: the same
  FromUserName + CreateTime). The first request claims the push ("P"); when its handler is done the reply is
  stored ("D" + reply XML, "" for none) and every retry gets that same reply; the handler runs once.
"""
from __future__ import annotations

import asyncio

import redis.asyncio as aioredis

from . import keys

# WeChat's retries of one push come within about 15 s (three tries, 5 s apart); two minutes covers them with
# room, and keeps Redis small at 500 scans/s (about 60,000 small keys).
DEDUPE_TTL = 120
PENDING, DONE = "P", "D"
POLL = 0.05


class ReplayGuard:
    def __init__(self, redis: aioredis.Redis, window: int):
        self.redis = redis
        self.nonce_ttl = 2 * window + 60    # a timestamp is accepted for ±window around our clock

    async def fresh_nonce(self, timestamp: str, nonce: str) -> bool:
        return bool(await self.redis.set(keys.nonce(timestamp, nonce), 1, nx=True, ex=self.nonce_ttl))

    async def lookup(self, dedupe: str) -> tuple[bool, str | None]:
        """(seen, reply XML): (False, None) never taken; (True, None) its handler still runs; (True, xml) done
        ("" when it had nothing to say)."""
        value = await self.redis.get(keys.seen(dedupe))
        if not value:
            return False, None
        return True, (value[1:] if value[0] == DONE else None)

    async def claim(self, dedupe: str) -> bool:
        """True: this request handles the push. False: another request took it first."""
        return bool(await self.redis.set(keys.seen(dedupe), PENDING, nx=True, ex=DEDUPE_TTL))

    async def store(self, dedupe: str, reply_xml: str) -> None:
        await self.redis.set(keys.seen(dedupe), DONE + reply_xml, ex=DEDUPE_TTL)

    async def wait(self, dedupe: str, timeout: float) -> str | None:
        """The reply of a push another request is handling, if it is done within `timeout`."""
        loop = asyncio.get_running_loop()
        until = loop.time() + timeout
        while True:
            _, answer = await self.lookup(dedupe)
            if answer is not None or loop.time() >= until:
                return answer
            await asyncio.sleep(POLL)
