"""Whether each secretary of a meeting has submitted a document, kept per meeting and kind in one hash under
the meeting's hash tag: `{m:ID}:paper:report` and `{m:ID}:paper:rectification`, sid -> JSON {status, at}.

Kinds: `report` (述职报告: due 12月20日 下班前 in 000 §四, a week before the meeting in 004 §五(二)) and
`rectification` (整改清单 / 问题整改清单 附件3: due 1月22日 in 002 §四.2(2)). Statuses: `submitted`, and
`returned` (sent back for changes: due again). Anything but `submitted`, or no entry, is missing.
"""
from __future__ import annotations

import json
import time

import redis.asyncio as aioredis

from voting.store.keys import meeting_keys

KINDS = {"report": "述职报告", "rectification": "整改清单"}
SUBMITTED = "submitted"
STATUSES = (SUBMITTED, "returned")


def key(mid: str, kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown paperwork kind {kind!r} (one of {', '.join(KINDS)})")
    return f"{meeting_keys(mid).tag}:paper:{kind}"


async def set_status(redis: aioredis.Redis, mid: str, kind: str, sid: str, status: str,
                     at: float | None = None) -> None:
    """Record that secretary `sid` submitted (or had returned) their document of `kind` (`redis` may be a
    transaction pipeline, so that the document and its status are written together)."""
    if status not in STATUSES:
        raise ValueError(f"unknown paperwork status {status!r} (one of {', '.join(STATUSES)})")
    await redis.hset(key(mid, kind), sid, json.dumps({"status": status, "at": int(at or time.time())}))


async def statuses(redis: aioredis.Redis, mid: str, kind: str) -> dict[str, dict]:
    return {sid: json.loads(v) for sid, v in (await redis.hgetall(key(mid, kind))).items()}


async def missing(redis: aioredis.Redis, meeting, kind: str) -> list[str]:
    """The secretaries of `meeting` (a voting.meetings.Meeting) who have not submitted, in the meeting's order."""
    done = {sid for sid, v in (await statuses(redis, meeting.id, kind)).items() if v.get("status") == SUBMITTED}
    return [s["id"] for s in meeting.secretaries if s["id"] not in done]
