"""The two documents a secretary hands in, stored under the meeting's hash tag, one JSON per secretary:
the 述职报告 (`report`) and the 整改清单 (`rectification`). Whether each is in is kept through
paperwork.status (the reminders' audiences `no_report` / `no_rectification` read it).

Submitting replaces the previous version and clears a return note; the organizer returning a document keeps it
and adds the note, which the secretary sees (status `returned`: due again).
"""
from __future__ import annotations

import json
import time

import redis.asyncio as aioredis

from voting.meetings import Meeting

from . import keys, status

MAX_NOTE = 500


def _key(mid: str, kind: str) -> str:
    return keys.reports(mid) if kind == "report" else keys.rectification(mid)


async def load(redis: aioredis.Redis, mid: str, kind: str, sid: str) -> dict | None:
    raw = await redis.hget(_key(mid, kind), sid)
    return json.loads(raw) if raw else None


async def load_all(redis: aioredis.Redis, mid: str, kind: str) -> dict[str, dict]:
    return {sid: json.loads(v) for sid, v in (await redis.hgetall(_key(mid, kind))).items()}


async def state(redis: aioredis.Redis, mid: str, kind: str, sid: str) -> dict:
    """{status: missing | submitted | returned, at}: as the reminders see it."""
    return (await status.statuses(redis, mid, kind)).get(sid) or {"status": "missing", "at": None}


async def submit(redis: aioredis.Redis, mid: str, kind: str, sid: str, doc: dict) -> dict:
    """Store `doc` as the secretary's current version, then mark it submitted."""
    doc = {**doc, "at": int(time.time())}
    async with redis.pipeline(transaction=True) as both:       # the document and its status, together
        both.hset(_key(mid, kind), sid, json.dumps(doc, ensure_ascii=False))
        await status.set_status(both, mid, kind, sid, status.SUBMITTED, at=doc["at"])
        await both.execute()
    return doc


async def give_back(redis: aioredis.Redis, meeting: Meeting, kind: str, sid: str, note: str,
                    reason: str = "returned") -> dict | None:
    """The organizer returns the document with a note (or the 整改清单 falls overdue, reason `overdue`):
    due again. None when there is no document to return."""
    doc = await load(redis, meeting.id, kind, sid)
    if doc is None:
        return None
    doc.update(note=note, returned_at=int(time.time()), returned_for=reason)
    async with redis.pipeline(transaction=True) as both:
        both.hset(_key(meeting.id, kind), sid, json.dumps(doc, ensure_ascii=False))
        await status.set_status(both, meeting.id, kind, sid, "returned")
        await both.execute()
    return doc
