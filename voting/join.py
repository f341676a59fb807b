"""Attendees join a meeting with the code on the screen (open) or their own invite code (roster).

Guessing is limited without locking a room out (limits.py): wrong codes are counted per device (the browser's
join cookie, where there is one) and per address, and only wrong ones count, so a right code from a hall behind
one NAT is refused only after that address made ADDRESS_GUESSES wrong guesses within a minute. With two valid
six-digit codes at a time that is at most ADDRESS_GUESSES × 2 / 10⁶ of a chance per minute per address.
"""
from __future__ import annotations

import secrets

from aiohttp import web

from .appkeys import ACCOUNT_RESOLVERS, REDIS, SETTINGS, SIGNER
from .errors import ApiError
from .request_body import read_json
from .responses import json_response
from .limits import client_address, judge
from .meetings import Meeting, load_meeting, normalize_code
from .spec import UNGROUPED
from .store.keys import meeting_keys
from .tokens import pseudonym

DEVICE_GUESSES = 30      # wrong codes per device per window: a mistyping phone, or a prankster's, is slowed
ADDRESS_GUESSES = 300    # wrong codes per address per window: a hall behind one NAT keeps joining
GUESS_WINDOW = 60


async def join(app: web.Application, meeting: Meeting, code, group=None, remote: str = "",
               device: str | None = None, account: str | None = None, present: bool = False) -> dict:
    """A voter token for this meeting. `account`: a stable identity vouched for by a trusted source (a WeChat
    unionid or openid, resolved by bot/): one account is one voter however often it joins, and once it has
    joined (with the screen's code, or once with its invite card) it needs no code again. `present`: the
    caller has seen this account scan the screen's current code (a WeChat scan event), so an open meeting
    needs no code from it now."""
    settings, redis = app[SETTINGS], app[REDIS]
    k = meeting_keys(meeting.id)
    if meeting.finalized:
        raise ApiError(409, "本次会议的评议已经结束")
    account_key = _account_key(meeting, account) if account else None
    voter_key = await redis.hget(k.accounts, account_key) if account_key else None
    if voter_key is None:
        voter_key, group = await _admit(app, meeting, code, group, remote, device, account, present)
        if account_key:
            await _link(redis, k, account_key, voter_key)
    # The same voter joining again (an invite card scanned twice) keeps its first group: the tally counts
    # a revision against the group the first ballot was counted in.
    await redis.hsetnx(k.voters, voter_key, group or UNGROUPED)
    group = await redis.hget(k.voters, voter_key)
    token = app[SIGNER].issue_voter(meeting.id, voter_key, group, settings.voter_token_ttl)
    return {"token": token, "group": group, "expires_in": settings.voter_token_ttl}


async def known_account(app: web.Application, meeting: Meeting, account: str) -> bool:
    """Has this account joined this meeting before (and so needs no code)?"""
    if meeting.finalized:
        return False
    return bool(await app[REDIS].hexists(meeting_keys(meeting.id).accounts, _account_key(meeting, account)))


def _account_key(meeting: Meeting, account: str) -> str:
    """What Redis keeps of an account: its keyed hash with the meeting's secret, never the account itself."""
    return pseudonym(meeting.secret, "account", account)


async def _admit(app, meeting: Meeting, code, group, remote: str, device: str | None,
                 account: str | None, present: bool) -> tuple[str, str]:
    """(voter key, voter group) for someone joining for the first time with a code, under the guess limits."""
    redis, k = app[REDIS], meeting_keys(meeting.id)
    present = present and bool(account) and meeting.eligibility == "open"
    code = normalize_code(code)
    if not code and not present:
        raise ApiError(400, "请输入加入码")
    if meeting.eligibility == "open" and group not in (None, "") and group not in meeting.voter_groups:
        raise ApiError(400, f"身份类别须为：{'、'.join(meeting.voter_groups)}")
    if await redis.scard(k.closed) >= len(meeting.secretaries):
        raise ApiError(409, "本次评议已全部结束，不能再加入")
    if meeting.eligibility == "open":
        right = present or meeting.join_code_valid(code, app[SETTINGS].join_code_period)
        identity = "account:" + account if account else "open:" + secrets.token_urlsafe(16)
        group = group or UNGROUPED
    else:
        group = await redis.hget(k.invites, pseudonym(meeting.secret, "invite", code))
        right = group is not None
        identity = "invite:" + code
    counters = [(k.join_failures("a:" + remote), ADDRESS_GUESSES)]
    if device:
        counters.append((k.join_failures("d:" + device), DEVICE_GUESSES))
    if not await judge(app, counters, right, GUESS_WINDOW, "尝试次数过多，请一分钟后再试"):
        if meeting.eligibility == "open":
            raise ApiError(403, "加入码错误或已过期，请扫描现场大屏上的最新二维码")
        raise ApiError(403, "邀请码无效，请核对您的邀请卡")
    return pseudonym(meeting.secret, "voter", identity), group


async def _link(redis, k, account_key: str, voter_key: str) -> None:
    """One account, one voter; one invite card, one account (two people must not share a card)."""
    if not await redis.hsetnx(k.linked, voter_key, account_key) and \
            await redis.hget(k.linked, voter_key) != account_key:
        raise ApiError(409, "这张邀请卡已由另一个微信账号使用，请核对您的邀请卡")
    await redis.hset(k.accounts, account_key, voter_key)


async def join_api(request: web.Request) -> web.Response:
    """{code, group?} or, where an extension resolves one (ACCOUNT_RESOLVERS), an account such as {wx_code}
    (a mini-program login; open meetings also send the screen's `code` the first time)."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    data = await read_json(request, request.app[SETTINGS].max_json_body)
    account = None
    for field, resolve in request.app.get(ACCOUNT_RESOLVERS, {}).items():
        if field in data:
            account = await resolve(request.app, data[field])
            break
    result = await join(request.app, meeting, data.get("code"), data.get("group"), client_address(request),
                        account=account)
    return json_response(result)
