"""The chair's 点评 of each secretary (001 第五条, 004 §六(三): 听取述职的上级党组织书记“一述一评”逐一点评), as the
official workbook and the console read it.

Written by bot/ (反馈本人 and 保存点评 on the 发件箱 page) and met here in Redis only (voting never imports bot):
`MeetingKeys.dianping` holds what the organizer last saved, `MeetingKeys.feedback` what each secretary was told.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import redis.asyncio as aioredis

from ..store.keys import meeting_keys


@dataclass(frozen=True)
class Dianping:
    text: str            # as the organizer last saved it (the record); else as fed back; "" none
    sent: str | None     # what the secretary was told with the result; None: not fed back yet
    messaged: bool       # the result went to a bound WeChat account (a later edit is not sent again)

    @property
    def edited_after_sending(self) -> bool:
        return self.messaged and self.sent is not None and self.text != self.sent


def _snapshot(raw: str) -> dict:
    try:
        snap = json.loads(raw)
    except ValueError:
        return {}
    return snap if isinstance(snap, dict) else {}


async def load(redis: aioredis.Redis, mid: str) -> dict[str, Dianping]:
    """secretary -> Dianping, for each secretary with a saved 点评 or a fed-back result."""
    k = meeting_keys(mid)
    async with redis.pipeline(transaction=False) as pipe:
        saved, fed = await pipe.hgetall(k.dianping).hgetall(k.feedback).execute()
    out = {}
    for sid in dict.fromkeys([*saved, *fed]):
        snap = _snapshot(fed[sid]) if sid in fed else None
        sent = str(snap.get("dianping") or "") if snap is not None else None
        out[sid] = Dianping(text=saved[sid] if sid in saved else (sent or ""), sent=sent,
                            messaged=bool(snap and snap.get("messaged")))
    return out


async def save(redis: aioredis.Redis, mid: str, texts: dict[str, str]) -> None:
    """Keep the organizer's 点评; nothing is sent. An empty text is kept too: a 点评 cleared after it was fed
    back must not come back from what was sent."""
    if texts:
        await redis.hset(meeting_keys(mid).dianping, mapping=texts)
