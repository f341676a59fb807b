"""Who a reminder goes to, decided again at each occurrence, so that it shrinks as people submit."""
from __future__ import annotations

import redis.asyncio as aioredis

from paperwork import status as paperwork
from voting.meetings import Meeting

# audience -> (what the console says, the paperwork kind whose missing submitters it means)
AUDIENCES = {
    "secretaries": ("本次会议全体述职书记", None),
    "no_report": ("尚未提交述职报告的书记", "report"),
    "no_rectification": ("尚未提交整改清单的书记", "rectification"),
}
TOPICS = {"no_report": "述职报告提交提醒", "no_rectification": "整改清单提交提醒"}


def describe(audience) -> str:
    if isinstance(audience, dict):
        return f"指定的 {len(audience['secretaries'])} 位书记"
    return AUDIENCES[audience][0]


def kind(audience) -> str | None:
    """The paperwork kind ("report", "rectification") an audience is about, None for any other."""
    return AUDIENCES[audience][1] if isinstance(audience, str) else None


def topic(audience) -> str:
    return TOPICS.get(audience, "述职评议工作提醒") if isinstance(audience, str) else "述职评议工作提醒"


async def members(redis: aioredis.Redis, meeting: Meeting, audience) -> list[str]:
    """The secretaries (sids, in the meeting's order) the reminder is for now."""
    if isinstance(audience, dict):
        chosen = set(audience["secretaries"])
        return [s["id"] for s in meeting.secretaries if s["id"] in chosen]
    kind = AUDIENCES[audience][1]
    if kind is None:
        return [s["id"] for s in meeting.secretaries]
    return await paperwork.missing(redis, meeting, kind)
