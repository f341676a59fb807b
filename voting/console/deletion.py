"""Deleting a meeting that was only a test or a mistake. A meeting that received a ballot is part of the record:
it can be archived (finalize), never deleted, so a slip in the console cannot erase a real vote."""
from __future__ import annotations

import redis.asyncio as aioredis
from aiohttp import web

from ..appkeys import REDIS, SCRIPTS
from ..errors import ApiError
from ..responses import json_response
from ..meetings import check_meeting_id
from ..store.keys import DEADLINES, DEMO_MEETING, MEETINGS, MeetingKeys, meeting_keys

DELETE_ERRORS = {
    "no_meeting": (404, "会议不存在"),
    "open": (409, "测评正在进行，不能删除会议；请先结束测评"),
    "voted": (409, "该会议已有选票，不能删除；如不再使用，请归档会议（归档后结果保留，投票人与选票的对应关系被删除）"),
}
_NOT_KEYS = {"id", "tag", "channel"}


async def meeting_key_names(redis: aioredis.Redis, k: MeetingKeys) -> list[str]:
    """Every key of the meeting: those keys.py names, and any other under its hash tag (e.g. join counters)."""
    named = [getattr(k, name) for name in MeetingKeys.__slots__ if name not in _NOT_KEYS]
    named += [k.deadline, k.screen]
    found = [key async for key in redis.scan_iter(match=f"{k.tag}:*", count=1000)]
    return list(dict.fromkeys(named + found))


async def delete_meeting(request: web.Request) -> web.Response:
    """DELETE /api/admin/meetings/{id}: only while no ballot was ever accepted and no window is open."""
    mid = check_meeting_id(request.match_info["id"])
    redis, k = request.app[REDIS], meeting_keys(mid)
    keys = [k.meta, k.open, k.log, k.seen, k.deadline, *await meeting_key_names(redis, k)]
    reply = await request.app[SCRIPTS].delete(keys=keys)
    if reply[0] in DELETE_ERRORS:
        raise ApiError(*DELETE_ERRORS[reply[0]])
    async with redis.pipeline(transaction=False) as pipe:
        pipe.zrem(MEETINGS, mid)
        if reply[1]:
            pipe.zrem(DEADLINES, f"{mid}|{reply[1]}")
        await pipe.execute()
    if await redis.get(DEMO_MEETING) == mid:
        await redis.delete(DEMO_MEETING)
    return json_response({"deleted": mid})


def setup(app: web.Application) -> None:
    app.router.add_delete("/api/admin/meetings/{id}", delete_meeting)
