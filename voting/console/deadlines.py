"""A closing time for the open voting windows: set by the organizer, counted down on the screen and the phones,
closed by the service itself.

Closing is final, so the scheduled close must happen exactly once, whatever restarts and however many processes
serve the meeting. The deadline lives in Redis: a hash per meeting (what closes, when, and a token) and one
sorted set of due closes (`voting:deadlines`, member "<meeting id>|<token>"). Every process runs `deadline_ctx`'s
loop: it picks due members and runs lua/deadline.lua "fire", which closes only if that token
is still the meeting's current deadline and it is due by Redis's clock, and deletes it in the same step. A
second process firing the same member gets "stale"; a deadline moved or cancelled meanwhile is never fired.
"""
from __future__ import annotations

import json
import logging
import math
import secrets

import redis.asyncio as aioredis
from aiohttp import web

from ..appkeys import REDIS, SCRIPTS, SETTINGS
from ..clock import clock_text, parse_china_iso
from ..errors import ApiError
from ..request_body import read_json
from ..responses import json_response
from ..meetings import load_meeting
from ..store.background import Loop
from ..store.keys import DEADLINES, meeting_keys

log = logging.getLogger(__name__)
MAX_AHEAD_MS = 12 * 3600 * 1000               # a meeting day
WHEN_LABELS = {"minutes": "分钟数", "seconds": "秒数"}
SET_ERRORS = {
    "no_meeting": (404, "会议不存在"),
    "finalized": (409, "本次会议已归档"),
    "none_open": (409, "当前没有正在进行的测评，请先开启再设定结束时间"),
    "not_open": (409, "该书记的测评不在进行中，不能设定结束时间"),
    "past": (400, "结束时间须晚于现在"),
}


async def redis_now_ms(redis: aioredis.Redis) -> int:
    """Redis's clock: the same one lua/deadline.lua checks, whichever machine a process runs on."""
    seconds, micros = await redis.time()
    return seconds * 1000 + micros // 1000


def parse_when(body: dict, now_ms: int) -> int:
    """Exactly one of {minutes}, {seconds} or {at: ISO 8601 (China time without offset) | unix seconds}."""
    given = [k for k in ("minutes", "seconds", "at") if k in body]
    if len(given) != 1:
        raise ApiError(400, "请给出自动结束的时间：几分钟后（minutes）、几秒后（seconds）或结束时间（at，如 2024-01-15T10:30）之一")
    value = body[given[0]]
    if given[0] == "at":
        at_ms = _absolute(value)
    else:
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not math.isfinite(value):
            raise ApiError(400, f"{WHEN_LABELS[given[0]]}（{given[0]}）须为正数")
        ahead = value * (60_000 if given[0] == "minutes" else 1000)
        at_ms = now_ms + (round(ahead) if abs(ahead) <= MAX_AHEAD_MS else int(math.copysign(MAX_AHEAD_MS + 1, ahead)))
    if at_ms <= now_ms:
        raise ApiError(400, "结束时间须晚于现在")
    if at_ms - now_ms > MAX_AHEAD_MS:
        raise ApiError(400, "结束时间最多设在 12 小时之后")
    return at_ms


def _absolute(value) -> int:
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) \
            and 0 <= value < 1e11:
        return round(value * 1000)
    if isinstance(value, str) and len(value) <= 40:
        when = parse_china_iso(value)
        if when is not None:
            return round(when.timestamp() * 1000)
    raise ApiError(400, "结束时间（at）须为如 2024-01-15T10:30 的时间（不带时区按北京时间）或 Unix 秒数")


async def set_deadline(request: web.Request) -> web.Response:
    """POST /api/admin/meetings/{id}/deadline {minutes | seconds | at, secretary?}: no secretary means every
    window open now (those opened later are not included)."""
    app = request.app
    meeting = await load_meeting(app[REDIS], request.match_info["id"])
    body = await read_json(request, app[SETTINGS].max_json_body)
    sid = body["secretary"] if "secretary" in body else ""
    if "secretary" in body and (not isinstance(sid, str) or sid not in meeting.names):
        raise ApiError(400, "本次会议没有这位述职书记（secretary 须为书记编号，如 s1；不带 secretary 表示所有正在进行的测评）")
    redis, k = app[REDIS], meeting_keys(meeting.id)
    now_ms = await redis_now_ms(redis)
    at_ms = parse_when(body, now_ms)
    token = secrets.token_hex(8)
    member = f"{meeting.id}|{token}"
    await redis.zadd(DEADLINES, {member: at_ms})       # first: a crash after this leaves only a stale member
    reply = await app[SCRIPTS].deadline(keys=k.deadline_keys, args=["set", token, at_ms, sid, k.channel])
    if reply[0] != "ok":
        await redis.zrem(DEADLINES, member)
        raise ApiError(*SET_ERRORS[reply[0]])
    if reply[1]:
        await redis.zrem(DEADLINES, f"{meeting.id}|{reply[1]}")
    at = at_ms / 1000
    return json_response({"deadline": {"at": at, "at_text": clock_text(at), "secretaries": json.loads(reply[2]),
                                       "remaining": round((at_ms - now_ms) / 1000, 1)}})


async def clear_deadline(request: web.Request) -> web.Response:
    """DELETE /api/admin/meetings/{id}/deadline: the windows stay open until closed by hand."""
    app = request.app
    meeting = await load_meeting(app[REDIS], request.match_info["id"])
    k = meeting_keys(meeting.id)
    reply = await app[SCRIPTS].deadline(keys=k.deadline_keys, args=["clear", k.channel])
    if reply[1]:
        await app[REDIS].zrem(DEADLINES, f"{meeting.id}|{reply[1]}")
    return json_response({"deadline": None})


async def fire_due(app: web.Application) -> int:
    """Fire every due deadline once; returns the number of windows this process closed."""
    redis, scripts = app[REDIS], app[SCRIPTS]
    closed = 0
    for member in await redis.zrangebyscore(DEADLINES, "-inf", await redis_now_ms(redis), start=0, num=100):
        mid, _, token = member.partition("|")
        k = meeting_keys(mid)
        reply = await scripts.deadline(keys=k.deadline_keys, args=["fire", token, k.channel])
        if reply[0] == "early":             # moved later in the same instant: its new member fires it
            continue
        if reply[0] == "ok" and int(reply[1]):
            closed += int(reply[1])
            log.info("deadline closed %s voting windows of meeting %s", reply[1], mid)
        await redis.zrem(DEADLINES, member)
    return closed


async def next_due_in(redis: aioredis.Redis) -> float | None:
    """Seconds until the earliest pending deadline, or None."""
    first = await redis.zrange(DEADLINES, 0, 0, withscores=True)
    if not first:
        return None
    return (first[0][1] - await redis_now_ms(redis)) / 1000


async def deadline_ctx(app: web.Application):
    """cleanup_ctx: fire the due closes, in every process, until the app stops (voting.store.background)."""
    poll = app[SETTINGS].deadline_poll

    async def step() -> float:
        await fire_due(app)
        due_in = await next_due_in(app[REDIS])
        return poll if due_in is None else min(poll, max(0.01, due_in))

    loop = Loop("deadlines", step, log, "deadline scheduler: firing the due closes failed")
    loop.start()
    yield
    await loop.stop()


def setup(app: web.Application) -> None:
    app.router.add_post("/api/admin/meetings/{id}/deadline", set_deadline)
    app.router.add_delete("/api/admin/meetings/{id}/deadline", clear_deadline)
