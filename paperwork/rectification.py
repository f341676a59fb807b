"""整改清单: each secretary's items (存在的问题, 整改措施, 整改时限: the columns of 002 附件2 / 附件3), after feedback.

002 §三.6, 004 §五(六), 000 §三.5, 001 第七条: 列出整改清单，认真抓好整改落实; 003 §四(五): 提出整改措施，明确整改时限.
- Open to a secretary once their item is closed and either the organizer opened the lists or the result was
  fed back to them (bot/web/feedback.py); never while their item is still being assessed.
- An item whose 整改时限 (a date, to the end of that day, China time) passed without being marked done is
  overdue: the list falls back to `returned` (paperwork.status), so the reminders' `no_rectification`
  audience includes that secretary again, until they resubmit it.
"""
from __future__ import annotations

import datetime as dt
import re
import time

import redis.asyncio as aioredis

from bot.web.feedback import snapshot_key
from voting.clock import CHINA
from voting.errors import ApiError
from voting.meetings import Meeting
from voting.store.keys import meeting_keys

from . import documents, keys

MAX_ITEMS = 30
MAX_PROBLEM, MAX_MEASURE = 500, 1000
_FIELD = re.compile(r"^(problem|measure|deadline|done)_(\d{1,2})$")
_DATE = re.compile(r"^\s*(\d{4})\s*(?:[-/.年])\s*(\d{1,2})\s*(?:[-/.月])\s*(\d{1,2})\s*日?\s*(?:前|之前)?\s*$")


def parse_deadline(text: str) -> dt.date | None:
    """2024-03-31 (the date field), 2024/3/31, 2024.3.31, 2024年3月31日(前); None when it is none of these."""
    m = _DATE.match(text or "")
    if not m:
        return None
    try:
        day = dt.date(*(int(x) for x in m.groups()))
    except ValueError:
        return None
    return day if 2000 <= day.year <= 2100 else None


def deadline_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日前"


def deadline_end(iso: str) -> int:
    """The end of the deadline's day in China (unix seconds): overdue after it."""
    day = dt.date.fromisoformat(iso)
    return int(dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), CHINA).timestamp())


def parse_items(fields: dict[str, str]) -> list[dict]:
    """The items of the secretary's form (problem_N, measure_N, deadline_N, done_N); rows left blank are
    skipped. ApiError 400 naming the item (第 2 项) and what is missing."""
    rows: dict[int, dict[str, str]] = {}
    for name, value in fields.items():
        m = _FIELD.match(name)
        if m:
            rows.setdefault(int(m.group(2)), {})[m.group(1)] = " ".join(str(value).split())
    items = []
    for _, row in sorted(rows.items()):
        problem, measure, deadline = row.get("problem", ""), row.get("measure", ""), row.get("deadline", "")
        if not (problem or measure or deadline):
            continue
        where = f"第 {len(items) + 1} 项"
        if not problem:
            raise ApiError(400, f"{where}：请填写存在的问题")
        if not measure:
            raise ApiError(400, f"{where}：请填写整改措施")
        if not deadline:
            raise ApiError(400, f"{where}：请填写整改时限")
        if len(problem) > MAX_PROBLEM or len(measure) > MAX_MEASURE:
            raise ApiError(400, f"{where}：问题最多 {MAX_PROBLEM} 字，整改措施最多 {MAX_MEASURE} 字")
        day = parse_deadline(deadline)
        if day is None:
            raise ApiError(400, f"{where}：整改时限“{deadline[:20]}”不是日期，请填写如 2024-03-31")
        items.append({"problem": problem, "measure": measure, "deadline": day.isoformat(),
                      "deadline_text": deadline_text(day), "done": row.get("done", "") not in ("", "0")})
    if not items:
        raise ApiError(400, "请至少填写一项：存在的问题、整改措施和整改时限")
    if len(items) > MAX_ITEMS:
        raise ApiError(400, f"整改清单最多 {MAX_ITEMS} 项，请合并相近的问题")
    return items


def overdue(items: list[dict], now: float | None = None) -> list[int]:
    """1-based numbers of the items past their 整改时限 and not done."""
    now = time.time() if now is None else now
    return [i for i, item in enumerate(items, 1) if not item.get("done") and deadline_end(item["deadline"]) <= now]


async def availability(redis: aioredis.Redis, meeting: Meeting) -> dict[str, str]:
    """sid -> "" when that secretary may fill in the list now, else why not (Chinese)."""
    open_now = await redis.smembers(meeting_keys(meeting.id).open)
    async with redis.pipeline(transaction=False) as pipe:
        opened, told = await pipe.hget(keys.settings(meeting.id), "rectification_open") \
            .hkeys(snapshot_key(meeting.id)).execute()
    fed_back = set(told)
    return {s["id"]: "评议正在进行，结束并反馈结果后再填写整改清单" if s["id"] in open_now else
            "" if opened == "1" or s["id"] in fed_back else "组织部门反馈评议结果后即可填写整改清单"
            for s in meeting.secretaries}


async def available(redis: aioredis.Redis, meeting: Meeting, sid: str) -> str:
    return (await availability(redis, meeting))[sid]


async def submit(redis: aioredis.Redis, meeting: Meeting, sid: str, items: list[dict]) -> dict:
    """Store the list, mark it submitted, and index its earliest open 整改时限 for the overdue sweep."""
    reason = await available(redis, meeting, sid)
    if reason:
        raise ApiError(409, reason)
    previous = await documents.load(redis, meeting.id, "rectification", sid) or {}
    done_at = {(i["problem"], i["measure"]): i.get("done_at") for i in previous.get("items", []) if i.get("done")}
    now = int(time.time())
    for item in items:
        if item["done"]:
            item["done_at"] = done_at.get((item["problem"], item["measure"])) or now
    doc = await documents.submit(redis, meeting.id, "rectification", sid, {"items": items})
    await index_due(redis, meeting.id, sid, items)
    return doc


async def index_due(redis: aioredis.Redis, mid: str, sid: str, items: list[dict]) -> None:
    open_ends = [deadline_end(i["deadline"]) for i in items if not i.get("done")]
    if open_ends:
        await redis.zadd(keys.DUE, {f"{mid}|{sid}": min(open_ends)})
    else:
        await redis.zrem(keys.DUE, f"{mid}|{sid}")


def describe(doc: dict | None, state: dict, why_not: str, now: float | None = None) -> dict:
    """Status, whether it may be filled in now (`why_not` says why not), items with `overdue` marked, counts,
    the organizer's note."""
    out = {"status": state["status"], "at": state["at"], "available": not why_not, "why_not": why_not}
    if doc is None:
        return out
    late = set(overdue(doc["items"], now))
    out.update(submitted_at=doc["at"], note=doc.get("note", ""), returned_for=doc.get("returned_for", ""),
               items=[{**item, "overdue": i in late} for i, item in enumerate(doc["items"], 1)],
               done=sum(1 for i in doc["items"] if i.get("done")), overdue=len(late))
    return out


async def view(redis: aioredis.Redis, meeting: Meeting, sid: str) -> dict:
    return describe(await documents.load(redis, meeting.id, "rectification", sid),
                    await documents.state(redis, meeting.id, "rectification", sid),
                    await available(redis, meeting, sid))
