"""Secretaries bind their WeChat once per meeting: the account that scans a secretary's personal
binding QR receives that secretary's feedback and reminders.

A second account for the same secretary, or one account for a second secretary of the same meeting, is not
bound at once: it waits for the organizer to confirm in the console. openids are kept here and only here,
under the meeting's hash tag; never beside a ballot (a secretary is assessed, not a voter).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis

from voting.store.keys import meeting_keys

from .. import keys

BIND_LUA = (Path(__file__).parent / "lua" / "bind.lua").read_text()


def _index(openid: str) -> str:
    """set: the meetings in which this account is bound to a secretary (the 结果 command looks here)."""
    return keys.per_account("bound-meetings", openid)


def _keys(mid: str) -> list[str]:
    """Under the meeting's hash tag: deleted with the meeting, and one Cluster slot for bind.lua."""
    tag = meeting_keys(mid).tag
    return [f"{tag}:wx:bound", f"{tag}:wx:accounts", f"{tag}:wx:pending"]


@dataclass(frozen=True)
class Pending:
    sid: str
    openid: str
    reason: str          # pending_second | pending_other
    other: str           # for pending_other: the secretary this account is already bound to
    at: int


def mask(openid: str) -> str:
    """How the console shows an account: enough to tell two apart, not the openid itself."""
    return f"{openid[:4]}…{openid[-4:]}" if len(openid) > 10 else "…"


async def bind(redis: aioredis.Redis, mid: str, sid: str, openid: str, force: bool = False) -> tuple[str, str]:
    """(status, other): bound | already | pending_second | pending_other (see lua/bind.lua)."""
    status, other = await redis.eval(BIND_LUA, 3, *_keys(mid), sid, openid, int(time.time()),
                                     "force" if force else "")
    if status in ("bound", "already"):
        await redis.sadd(_index(openid), mid)
    return status, other


async def meetings_of(redis: aioredis.Redis, openid: str) -> list[str]:
    """The meetings in which this account is bound to a secretary."""
    return sorted(await redis.smembers(_index(openid)))


async def confirm(redis: aioredis.Redis, mid: str, sid: str, openid: str) -> Pending | None:
    """The organizer confirms a pending request: the request confirmed, None when there was none."""
    request = await _pending(redis, mid, sid, openid)
    if request is not None:
        await bind(redis, mid, sid, openid, force=True)
    return request


async def reject(redis: aioredis.Redis, mid: str, sid: str, openid: str) -> Pending | None:
    """The organizer rejects a pending request: the request rejected, None when there was none (or another
    organizer's click took it first)."""
    request = await _pending(redis, mid, sid, openid)
    if request is None or not await redis.hdel(_keys(mid)[2], f"{sid}|{openid}"):
        return None
    return request


async def _pending(redis: aioredis.Redis, mid: str, sid: str, openid: str) -> Pending | None:
    raw = await redis.hget(_keys(mid)[2], f"{sid}|{openid}")
    return _request(f"{sid}|{openid}", raw) if raw else None


def _request(field: str, value: str) -> Pending:
    sid, _, openid = field.partition("|")
    v = json.loads(value)
    return Pending(sid, openid, v["reason"], v.get("other", ""), int(v["at"]))


async def unbind(redis: aioredis.Redis, mid: str, sid: str, openid: str) -> bool:
    bound, accounts, _ = _keys(mid)
    openids = json.loads(await redis.hget(bound, sid) or "[]")
    if openid not in openids:
        return False
    sids = [s for s in json.loads(await redis.hget(accounts, openid) or "[]") if s != sid]
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(bound, sid, json.dumps([o for o in openids if o != openid]))
        if sids:
            pipe.hset(accounts, openid, json.dumps(sids))
        else:
            pipe.hdel(accounts, openid).srem(_index(openid), mid)
        await pipe.execute()
    return True


async def bound_openids(redis: aioredis.Redis, mid: str, sid: str) -> list[str]:
    """The accounts that receive this secretary's messages (empty: not bound)."""
    return json.loads(await redis.hget(_keys(mid)[0], sid) or "[]")


async def secretary_of(redis: aioredis.Redis, mid: str, openid: str) -> list[str]:
    """The secretaries of this meeting this account is bound to."""
    return json.loads(await redis.hget(_keys(mid)[1], openid) or "[]")


async def bindings(redis: aioredis.Redis, mid: str) -> tuple[dict[str, list[str]], list[Pending]]:
    """({sid: [openid...]}, pending requests) for the console."""
    bound, _, pending = _keys(mid)
    async with redis.pipeline(transaction=False) as pipe:
        raw_bound, raw_pending = await pipe.hgetall(bound).hgetall(pending).execute()
    waiting = [_request(field, value) for field, value in raw_pending.items()]
    return {sid: json.loads(v) for sid, v in raw_bound.items() if json.loads(v)}, sorted(waiting, key=lambda p: p.at)
