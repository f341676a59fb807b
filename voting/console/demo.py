"""The demo meeting: 18 嘎查村社区 party branch secretaries reporting to the 镇党委, as in 004 附件1."""
from __future__ import annotations

import redis.asyncio as aioredis

from ..errors import ApiError
from ..meetings import create_meeting, load_meeting
from ..settings import Settings
from ..spec import parse_meeting
from ..store.keys import DEMO_MEETING, meeting_keys
from ..store.scripts import Scripts
from .admin import describe

# Fictional names; the units follow the kind of branches 004 assesses (嘎查村社区党支部).
DEMO_SECRETARIES = [
    ("巴音希里", "巴音希里嘎查党支部"), ("王建国", "芒哈图嘎查党支部"), ("乌云其其格", "陶利嘎查党支部"),
    ("李志强", "哈日根图嘎查党支部"), ("张海燕", "上海庙村党支部"), ("额尔敦", "布拉格嘎查党支部"),
    ("刘玉梅", "特布德嘎查党支部"), ("赵永红", "沙章图嘎查党支部"), ("那仁满都拉", "新寨子村党支部"),
    ("孙立平", "马场井村党支部"), ("高娃", "珠和嘎查党支部"), ("陈文斌", "上海庙社区党支部"),
    ("杨秀兰", "聚和社区党支部"), ("苏和", "阿日赖嘎查党支部"), ("马俊", "敖勒召其嘎查党支部"),
    ("周晓东", "大沙头村党支部"), ("图门", "巴彦淖尔嘎查党支部"), ("黄丽娟", "镇机关党支部"),
]


def demo_spec() -> dict:
    return {"title": "2022年度上海庙镇党组织书记抓基层党建述职评议会（演示）", "mode": "batch",
            "eligibility": "open", "preset": "shanghaimiao-2022", "expected": 60,
            "secretaries": [{"name": n, "org": o, "method": "现场述职"} for n, o in DEMO_SECRETARIES]}


async def ensure_demo_meeting(redis: aioredis.Redis, settings: Settings) -> dict:
    """Reuse the demo meeting of an earlier run; otherwise create it with every window open."""
    mid = await redis.get(DEMO_MEETING)
    if mid:
        try:
            return describe(settings, await load_meeting(redis, mid))
        except ApiError:
            pass
    meeting = await create_meeting(redis, parse_meeting(demo_spec()))
    k = meeting_keys(meeting.id)
    await Scripts(redis).window(keys=k.window, args=["open", "", k.channel])
    await redis.set(DEMO_MEETING, meeting.id)
    return describe(settings, meeting)
