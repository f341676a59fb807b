"""Which 字数 limit a secretary's 述职报告 is held to: the level of their 党组织.

000 §一、§三.2: 分党委（党总支、直属党支部）书记 3000 字, 党支部书记 1500 字; 002 §一(一)、§三.2: 二级党组织书记 1500
字, 在职党支部书记 1000 字. The organizer sets each secretary's level in the console; until then it follows the
党组织 name: a 直属党支部 reports as a 分党委 does (000 §一), any other 党支部 is a branch, 分党委 / 党总支 /
党委 / 二级党组织 are committees. The unit named last decides (机关党委第一党支部 is a 党支部). A name that says
none of these is a committee (scoring's default level).
"""
from __future__ import annotations

import redis.asyncio as aioredis

from voting.meetings import Meeting

from . import keys

LEVELS = {"committee": "分党委（党总支、直属党支部）、二级党组织书记", "branch": "党支部书记"}
_UNITS = {"直属党支部": "committee", "分党委": "committee", "党总支": "committee", "二级党组织": "committee",
          "党委": "committee", "党组": "committee", "党工委": "committee", "党支部": "branch", "支部": "branch"}


def default_level(org: str) -> str:
    """committee | branch from the 党组织 name (000 §一, 002 §一(一)): the unit word that ends last (the longer
    one where two end together: 直属党支部 over 党支部)."""
    found = [(org.rfind(word) + len(word), len(word), level) for word, level in _UNITS.items()
             if word in (org or "")]
    return max(found)[2] if found else "committee"


async def levels_of(redis: aioredis.Redis, meeting: Meeting) -> dict[str, dict]:
    """sid -> {level, default, set}: the organizer's choice, else the default from the 党组织 name."""
    chosen = await redis.hgetall(keys.levels(meeting.id))
    out = {}
    for s in meeting.secretaries:
        default = default_level(s.get("org", ""))
        level = chosen.get(s["id"]) if chosen.get(s["id"]) in LEVELS else default
        out[s["id"]] = {"level": level, "default": default, "set": s["id"] in chosen}
    return out


async def level_of(redis: aioredis.Redis, meeting: Meeting, sid: str) -> str:
    chosen = await redis.hget(keys.levels(meeting.id), sid)
    org = next((s.get("org", "") for s in meeting.secretaries if s["id"] == sid), "")
    return chosen if chosen in LEVELS else default_level(org)


async def set_levels(redis: aioredis.Redis, meeting: Meeting, levels: dict[str, str | None]) -> None:
    """None restores the default from the 党组织 name."""
    async with redis.pipeline(transaction=True) as pipe:
        for sid, level in levels.items():
            if level is None:
                pipe.hdel(keys.levels(meeting.id), sid)
            else:
                pipe.hset(keys.levels(meeting.id), sid, level)
        await pipe.execute()
