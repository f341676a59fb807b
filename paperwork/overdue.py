"""Overdue 整改清单 fall back to `returned`, so the reminders' `no_rectification` audience names them again.

Each submitted list with an open item is indexed by its earliest 整改时限 (keys.DUE). Every process sweeps the
index once a minute: a list still overdue and still `submitted` is given back with a note naming the items.
The sweep is idempotent, so several processes sweeping together change nothing twice.
"""
from __future__ import annotations

import logging
import time

import redis.asyncio as aioredis
from aiohttp import web

from voting.appkeys import REDIS
from voting.errors import ApiError
from voting.meetings import load_meeting
from voting.store.background import Loop

from . import documents, keys
from .rectification import index_due, overdue

log = logging.getLogger(__name__)
SWEEP_EVERY = 60.0
SWEEP_INTERVAL = web.AppKey("paperwork_sweep_interval", float)


async def sweep(redis: aioredis.Redis, now: float | None = None) -> list[tuple[str, str]]:
    """Give back every list overdue at `now`; returns the (meeting, secretary) pairs given back."""
    now = time.time() if now is None else now
    given_back = []
    for member in await redis.zrangebyscore(keys.DUE, 0, now):
        mid, _, sid = member.partition("|")
        try:
            meeting = await load_meeting(redis, mid)
        except ApiError:                       # the meeting is gone
            await redis.zrem(keys.DUE, member)
            continue
        doc = await documents.load(redis, mid, "rectification", sid)
        late = overdue(doc["items"], now) if doc else []
        state = await documents.state(redis, mid, "rectification", sid)
        if late and state["status"] == "submitted":
            names = "、".join(f"第 {i} 项（整改时限 {doc['items'][i - 1]['deadline_text']}）" for i in late)
            await documents.give_back(redis, meeting, "rectification", sid,
                                      f"{names}已过整改时限、尚未完成。请完成整改后勾选“已完成”重新提交，"
                                      "或修改措施和时限并说明情况。", reason="overdue")
            given_back.append((mid, sid))
        if doc and not late:                   # an earlier deadline was met: index the next one
            await index_due(redis, mid, sid, doc["items"])
        else:
            await redis.zrem(keys.DUE, member)
    return given_back


async def sweeper_ctx(app: web.Application):
    """cleanup_ctx: the sweep, in every process, until the app stops (voting.store.background)."""
    every = app.get(SWEEP_INTERVAL, SWEEP_EVERY)

    async def step() -> float:
        await sweep(app[REDIS])
        return every

    loop = Loop("paperwork-overdue", step, log, "paperwork overdue sweep failed")
    loop.start()
    yield
    await loop.stop()
