"""Attendees join a meeting with the code on the screen (open) or their own invite code (roster)."""
from __future__ import annotations

import secrets

from aiohttp import web

from .appkeys import REDIS, SETTINGS, SIGNER
from .errors import ApiError, json_response, read_json
from .keys import meeting_keys
from .meetings import Meeting, load_meeting, normalize_code
from .spec import UNGROUPED
from .tokens import pseudonym

MAX_FAILED_JOINS = 30   # per address and meeting per minute: a six-digit code is not brute-forced


async def join(app: web.Application, meeting: Meeting, code, group=None, remote: str = "") -> dict:
    settings, redis = app[SETTINGS], app[REDIS]
    k = meeting_keys(meeting.id)
    if meeting.finalized:
        raise ApiError(409, "本次会议的评议已经结束")
    code = normalize_code(code)
    if not code:
        raise ApiError(400, "请输入加入码")
    fails_key = k.join_failures(remote)
    if int(await redis.get(fails_key) or 0) >= MAX_FAILED_JOINS:
        raise ApiError(429, "尝试次数过多，请一分钟后再试")

    if meeting.eligibility == "open":
        valid = meeting.join_code_valid(code, settings.join_code_period)
        identity = "open:" + secrets.token_urlsafe(16)
        if group in (None, ""):
            group = UNGROUPED
        elif group not in meeting.voter_groups:
            raise ApiError(400, f"身份类别须为：{'、'.join(meeting.voter_groups)}")
    else:
        group = await redis.hget(k.invites, pseudonym(meeting.secret, "invite", code))
        valid = group is not None
        identity = "invite:" + code
    if not valid:
        async with redis.pipeline(transaction=True) as pipe:
            pipe.incr(fails_key).expire(fails_key, 60)
            await pipe.execute()
        if meeting.eligibility == "open":
            raise ApiError(403, "加入码错误或已过期，请扫描现场大屏上的最新二维码")
        raise ApiError(403, "邀请码无效，请核对您的邀请卡")

    voter_key = pseudonym(meeting.secret, "voter", identity)
    await redis.hset(k.voters, voter_key, group)
    token = app[SIGNER].issue_voter(meeting.id, voter_key, group, settings.voter_token_ttl)
    return {"token": token, "group": group, "expires_in": settings.voter_token_ttl}


async def join_api(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    data = await read_json(request, request.app[SETTINGS].max_json_body)
    result = await join(request.app, meeting, data.get("code"), data.get("group"), request.remote or "")
    return json_response(result)
