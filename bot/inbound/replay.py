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

from .. import keys

# WeChat's retries of one push come within about 15 s (three tries, 5 s apart); two minutes covers them with
# room, and keeps Redis small at 500 scans/s (about 60,000 small keys).
DEDUPE_TTL = 120
PENDING, DONE = "P", "D"
POLL = 0.05


# One round trip for a push: seen before (a retry: its reply, or that it is still running)? else a reused
# (timestamp, nonce) is a replay; else this request takes the push.
ADMIT = """
local v = redis.call('GET', KEYS[1])
if v then return {'seen', v} end
if not redis.call('SET', KEYS[2], 1, 'NX', 'EX', ARGV[2]) then return {'replay', ''} end
redis.call('SET', KEYS[1], 'P', 'EX', ARGV[1])
return {'claimed', ''}
"""


class ReplayGuard:
    def __init__(self, redis: aioredis.Redis, window: int):
        self.redis = redis
        self.nonce_ttl = 2 * window + 60    # a timestamp is accepted for ±window around our clock
        self._admit = redis.register_script(ADMIT)

    async def admit(self, dedupe: str, timestamp: str, nonce: str) -> tuple[str, str | None]:
        """("claimed", None): this request handles the push; ("replay", None): a new push with a used nonce;
        ("seen", reply XML | None): a retry, answered ("" for nothing to say) or still running (None)."""
        status, value = await self._admit(keys=[keys.seen(dedupe), keys.nonce(timestamp, nonce)],
                                          args=[DEDUPE_TTL, self.nonce_ttl])
        if status == "seen":
            return status, (value[1:] if value[0] == DONE else None)
        return status, None

    async def lookup(self, dedupe: str) -> str | None:
        """The stored reply of a push, None while its handler still runs (or when it was never taken)."""
        value = await self.redis.get(keys.seen(dedupe))
        return value[1:] if value and value[0] == DONE else None

    async def store(self, dedupe: str, reply_xml: str) -> None:
        await self.redis.set(keys.seen(dedupe), DONE + reply_xml, ex=DEDUPE_TTL)

    async def wait(self, dedupe: str, timeout: float) -> str | None:
        """The reply of a push another request is handling, if it is done within `timeout`."""
        loop = asyncio.get_running_loop()
        until = loop.time() + timeout
        while True:
            answer = await self.lookup(dedupe)
            if answer is not None or loop.time() >= until:
                return answer
            await asyncio.sleep(POLL)
