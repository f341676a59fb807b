"""The head of 002 附件2 (评议考核结果和问题整改清单): 填表部门, 填表人, 考核时间、地点, 参会人员.

填表部门 and 填表人 are entered once: what the organizer last entered is the default of every later meeting
(PAPER_DEFAULTS), and each meeting may have its own. 考核时间、地点 and 参会人员 belong to one meeting. The export
(voting/console/admin.py) reads the same keys.
"""
from __future__ import annotations

import redis.asyncio as aioredis

from voting.errors import ApiError

from . import keys

FIELDS = {"department": ("填表部门", 100), "filler": ("填表人", 50), "time_place": ("考核时间、地点", 200),
          "attendees": ("参会人员", 2000)}
DEFAULTED = ("department", "filler")


async def load(redis: aioredis.Redis, mid: str) -> dict:
    """{field: value} for the meeting, 填表部门/填表人 falling back to the defaults, and `defaults` itself."""
    async with redis.pipeline(transaction=False) as pipe:
        own, defaults = await pipe.hgetall(keys.info(mid)).hgetall(keys.PAPER_DEFAULTS).execute()
    out = {f: own.get(f) or (defaults.get(f, "") if f in DEFAULTED else "") for f in FIELDS}
    return {**out, "defaults": {f: defaults.get(f, "") for f in DEFAULTED}}


def parse(body: dict) -> dict[str, str]:
    """The fields present in `body`, each text within its limit (参会人员 may be a list of names)."""
    out = {}
    for f, (label, limit) in FIELDS.items():
        if f not in body:
            continue
        value = body[f]
        if f == "attendees" and isinstance(value, list) and all(isinstance(v, str) for v in value):
            value = "、".join(v.strip() for v in value if v.strip())
        if value is None:
            value = ""
        if not isinstance(value, str):
            raise ApiError(400, f"{label}（{f}）须为文字")
        value = " ".join(value.split())
        if len(value) > limit:
            raise ApiError(400, f"{label}过长（最多 {limit} 字）")
        out[f] = value
    return out


async def save(redis: aioredis.Redis, mid: str, values: dict[str, str]) -> None:
    """This meeting's fields; a non-empty 填表部门/填表人 also becomes the default for later meetings."""
    if not values:
        return
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(keys.info(mid), mapping=values)
        defaults = {f: values[f] for f in DEFAULTED if values.get(f)}
        if defaults:
            pipe.hset(keys.PAPER_DEFAULTS, mapping=defaults)
        await pipe.execute()
