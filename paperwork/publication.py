"""Publishing the 述职报告 after the meeting, to the audience the organizer chooses.

000 §三.3, 001 第五条, 002 §三.4: 述职评议后，应将述职报告在一定范围内公布，接受基层党组织和党员群众监督; 004 §五(二)
"可…在一定范围公布"; 003 §四(六) 在本人所在单位网站和宣传栏公示. Two audiences:
- `public`: everyone holding the page's link (`/reports/{mid}?k=…`, a random key; unpublishing and publishing
  again makes a new one, so an old link stops working);
- `secretaries`: only this meeting's secretaries (their bound WeChat, or their personal link).
Only submitted reports are shown (a returned one is being revised). Until then no secretary sees another's.
"""
from __future__ import annotations

import secrets
import time

import redis.asyncio as aioredis

from voting.errors import ApiError
from voting.meetings import Meeting
from voting.store.keys import meeting_keys

from . import keys

AUDIENCES = {"public": "凭链接公开（任何持有链接的人可查看）", "secretaries": "仅本次会议的述职书记"}


async def published(redis: aioredis.Redis, mid: str) -> dict | None:
    """{audience, key, at} while published, else None."""
    data = await redis.hgetall(keys.publication(mid))
    return data if data.get("audience") in AUDIENCES else None


async def publish(redis: aioredis.Redis, meeting: Meeting, audience: str | None) -> dict | None:
    """Publish to `audience`, or withdraw (None). Only after the meeting: no secretary's item may be open."""
    if audience is None:
        await redis.delete(keys.publication(meeting.id))
        return None
    if audience not in AUDIENCES:
        raise ApiError(400, "公开范围（audience）须为 public（凭链接公开）、secretaries（仅本次会议的述职书记）或 null（撤回）")
    if await redis.scard(meeting_keys(meeting.id).open):
        raise ApiError(409, "测评尚未结束：述职报告在述职评议后公布（002 §三.4）")
    current = await published(redis, meeting.id)
    data = {"audience": audience, "at": str(int(time.time())),
            "key": current["key"] if current else secrets.token_urlsafe(16)}
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(keys.publication(meeting.id)).hset(keys.publication(meeting.id), mapping=data)
        await pipe.execute()
    return data
