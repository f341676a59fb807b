"""When a person last wrote to the official account or scanned one of its QR codes: WeChat accepts a
customer-service message (客服消息) only within 48 hours of that; outside it a template message is needed."""
from __future__ import annotations

import redis.asyncio as aioredis
from redis.asyncio.client import Pipeline

from .. import keys

WINDOW = 48 * 3600
MARGIN = 600            # stop a little early: our clock and WeChat's need not agree to the second


def _key(openid: str) -> str:
    return keys.per_account("active", openid)


def touch(writes: Pipeline, openid: str) -> None:
    """For every push from this person (a message, a scan, a subscribe, a menu click): queued on the
    handler's pipeline of writes."""
    writes.set(_key(openid), "1", ex=WINDOW - MARGIN)


async def active(redis: aioredis.Redis, openid: str) -> bool:
    """True while a customer-service message may still reach this person."""
    return bool(await redis.exists(_key(openid)))
