"""Results of a meeting: the Redis counters, or a replay of the ballot stream, graded by `scoring`."""
from __future__ import annotations

import json
import math
import random
from collections import Counter

import pandas as pd
import redis.asyncio as aioredis

import scoring

from .meetings import Meeting
from .store.keys import meeting_keys

TALLY_COLUMNS = ["secretary", "group", "score", "count"]
_shuffle = random.SystemRandom().shuffle


def _frame(counts: Counter) -> pd.DataFrame:
    rows = [(sid, group, int(score), n) for (sid, group, score), n in counts.items() if n]
    return pd.DataFrame(rows, columns=TALLY_COLUMNS).astype({"score": "int64", "count": "int64"})


async def tally(redis: aioredis.Redis, mid: str) -> pd.DataFrame:
    """Ballots as counted by cast.lua: one row per (secretary, voter_group, score) with its count."""
    counts: Counter = Counter()
    for field, n in (await redis.hgetall(meeting_keys(mid).tally)).items():
        parts = field.split("|")
        if len(parts) == 3:
            counts[tuple(parts)] = int(n)
    return _frame(counts)


async def replay(redis: aioredis.Redis, mid: str, batch: int = 10_000) -> pd.DataFrame:
    """The same rows rebuilt from the audit stream alone: +1 for each ballot, -1 for the one it replaced."""
    counts: Counter = Counter()
    log, start = meeting_keys(mid).log, "-"
    while entries := await redis.xrange(log, min=start, count=batch):
        for _, e in entries:
            counts[e["sid"], e["group"], e["score"]] += 1
            if e["prev"]:
                counts[e["sid"], e["group"], e["prev"]] -= 1
        start = "(" + entries[-1][0]
    return _frame(counts)


async def load_decisions(redis: aioredis.Redis, mid: str) -> tuple[dict, dict]:
    """(flags {sid: flag}, overrides {sid: (grade, reason)}) in the form scoring.grade takes."""
    k = meeting_keys(mid)
    async with redis.pipeline(transaction=False) as pipe:
        flags, overrides = await pipe.hgetall(k.flags).hgetall(k.overrides).execute()
    return flags, {sid: tuple(json.loads(v)) for sid, v in overrides.items()}


def grade(meeting: Meeting, ballots: pd.DataFrame, decisions: tuple[dict, dict] = ({}, {}),
          enforce_quota: bool = False) -> pd.DataFrame:
    """`decisions`: the organizer's (flags, overrides), as `load_decisions` reads them."""
    flags, overrides = decisions
    return scoring.grade(ballots, meeting.rules,
                         secretaries=[s["id"] for s in meeting.secretaries], flags=flags or None,
                         overrides=overrides or None, enforce_quota=enforce_quota)


async def graded(redis: aioredis.Redis, meeting: Meeting, enforce_quota: bool = False) -> pd.DataFrame:
    """The meeting's results now: counters, the organizer's flags and overrides, the preset's rules."""
    return grade(meeting, await tally(redis, meeting.id), await load_decisions(redis, meeting.id),
                 enforce_quota)


def json_safe(value):
    """JSON-safe, unrounded: a mean of 8.99995 is 较好 and must not read as 9.0 (004 §五(四))."""
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if hasattr(value, "item"):           # numpy scalar
        return json_safe(value.item())
    return value


def display(rules: scoring.Rules, mean: float | None, low_share: float | None) -> dict:
    """The one way a mean and a 一般/差 share are written, on every page and screen: as many digits as it takes
    never to cross a band edge (a 较好 mean of 8.995 is "8.995", never "9.00"; 004 §五(四)). Pages show these
    texts and never round by themselves."""
    return {"mean_text": scoring.mean_text(mean, rules), "low_share_text": scoring.share_text(low_share, rules)}


def results_json(meeting: Meeting, graded: pd.DataFrame) -> list[dict]:
    """The contract's rows {id, name, votes, mean, hao, jiaohao, yiban, cha, low_share, grade, reason}, plus
    `mean_text` and `low_share_text` (see `display`)."""
    info = {s["id"]: s for s in meeting.secretaries}
    rules = meeting.rules
    out = []
    for row in graded.to_dict("records"):
        sec = info.get(row["secretary"], {})
        item = {"id": row["secretary"], "name": sec.get("name", ""), "org": sec.get("org", ""),
                "method": sec.get("method", "")}
        item.update({k: json_safe(v) for k, v in row.items() if k != "secretary"})
        item.update(display(rules, item.get("mean"), item.get("low_share") if item.get("votes") else None))
        out.append(item)
    return out


# What the room sees of a released result: no counts per grade, no reasons (the organizer's console has them).
PUBLIC_RESULT = ("id", "name", "org", "votes", "mean_text", "grade", "final_grade")


def public_results(rows: list[dict], closed: list[str], grades: bool = True) -> list[dict]:
    """Released results for the projector: a secretary whose voting is still open shows no score (a score that
    moves with each tap tells the room what the last person gave, docs/design.md §3). `grades` False: scores only,
    no 等次 (the organizer's choice at release: the 等次 is the 党委's to decide and make known, 000 §三.4,
    004 §五(五) "综合评价意见及等次经镇党委研究后，向本人反馈，在一定范围内通报")."""
    done, fields = set(closed), PUBLIC_RESULT if grades else PUBLIC_RESULT[:-2]
    return [{k: r.get(k) for k in fields} | {"closed": True} if r["id"] in done else
            {"id": r["id"], "name": r["name"], "org": r["org"], "closed": False} for r in rows]


async def comments(redis: aioredis.Redis, mid: str) -> pd.DataFrame:
    """Current comments per secretary, in random order and with no voter reference (docs/design.md §3)."""
    k = meeting_keys(mid)
    rows = [tuple(json.loads(v)) for v in await redis.lrange(k.comments, 0, -1)]   # a finalized meeting
    for field, value in (await redis.hgetall(k.ballots)).items():
        _, problems, suggestions = json.loads(value)
        if problems or suggestions:
            rows.append((field.rsplit(":", 1)[1], problems, suggestions))
    _shuffle(rows)
    return pd.DataFrame(rows, columns=["secretary", "problems", "suggestions"])


def meta_frame(meeting: Meeting) -> pd.DataFrame:
    return pd.DataFrame([{"secretary": s["id"], "name": s["name"], "org": s["org"], "method": s["method"]}
                         for s in meeting.secretaries])
