"""What the organizer configures for the official account in the console, kept in Redis (shared by every
process): the template message used outside the 48-hour window, and the organizers' WeChat accounts, who may
open and close voting by text (开启 N / 结束 N / 公布)."""
from __future__ import annotations

import json
import re
import secrets

import redis.asyncio as aioredis

KEY = "wechat:account"                     # hash: template_id, template_fields (JSON)
ORGANIZERS = "wechat:organizers"           # set: the organizers' openids
INVITE_TTL = 600


def _invite_key(token: str) -> str:
    return f"wechat:organizer-invite:{token}"


async def template_id(redis: aioredis.Redis) -> str:
    return await redis.hget(KEY, "template_id") or ""


async def set_template_id(redis: aioredis.Redis, value: str) -> None:
    await redis.hset(KEY, "template_id", value)


# What a template message says, in order: 事项, 会议, 内容 (bot/outbox/transport.py fills them). Templates added
# before 2023 name their fields keyword1..3; templates of the 类目模板库 name them by type, e.g. thing1, thing2.
TEMPLATE_ROLES = ("topic", "meeting", "summary")
DEFAULT_FIELDS = {"topic": "keyword1", "meeting": "keyword2", "summary": "keyword3"}
# WeChat's field names are a type and a number (thing1, time2, character_string3): letters, digits and _.
FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,31}")


async def template_fields(redis: aioredis.Redis) -> dict[str, str]:
    """{topic, meeting, summary} -> the template's field names; keyword1..3 until the organizer says otherwise."""
    stored = await redis.hget(KEY, "template_fields")
    return {**DEFAULT_FIELDS, **(json.loads(stored) if stored else {})}


async def set_template_fields(redis: aioredis.Redis, fields: dict[str, str]) -> None:
    await redis.hset(KEY, "template_fields", json.dumps({r: fields[r] for r in TEMPLATE_ROLES}))


async def organizers(redis: aioredis.Redis) -> list[str]:
    return sorted(await redis.smembers(ORGANIZERS))


async def is_organizer(redis: aioredis.Redis, openid: str) -> bool:
    return bool(await redis.sismember(ORGANIZERS, openid))


async def remove_organizer(redis: aioredis.Redis, openid: str) -> None:
    await redis.srem(ORGANIZERS, openid)


async def organizer_invite(redis: aioredis.Redis) -> str:
    """A one-time scene suffix: whoever scans the QR made from it within 10 minutes becomes an organizer."""
    token = secrets.token_hex(8)
    await redis.set(_invite_key(token), "1", ex=INVITE_TTL)
    return token


async def accept_organizer(redis: aioredis.Redis, token: str, openid: str) -> bool:
    """Add the scanner as an organizer when the invite is fresh and unused."""
    if not await redis.getdel(_invite_key(token)):
        return False
    await redis.sadd(ORGANIZERS, openid)
    return True
