"""The problems a secretary's 整改清单 starts from: the chair's 点评 and what the ballots said under 问题和不足.

002 §三.6 and 004 §五(六): 认真梳理自己查摆、领导点评、考核反馈（群众评议）指出的问题，列出整改清单. The ballots'
texts come from voting.results.comments (no voter reference, shuffled); here they are split into single
points, near-duplicates merged (the same complaint in other words is one problem), and ordered by how many
ballots named it, then by text, so that nothing in the order follows the order or time of the ballots. The
secretary edits, merges or deletes them: they are a start, not the list.
"""
from __future__ import annotations

import json
import re

import redis.asyncio as aioredis

from bot.web.feedback import snapshot_key
from voting import results

MAX_GROUPS = 20
SIMILAR = 0.5               # Dice coefficient of character bigrams at which two points are one problem
_ENUM = r"(?:\d{1,2}[.、．)）]|[（(]\d{1,2}[)）]|[一二三四五六七八九十][是、])"
_SPLIT = re.compile(r"[\n；;。！？!?]+|[\s，,]+(?=" + _ENUM + ")")
_MARKER = re.compile(r"^\s*" + _ENUM + r"\s*")
_PUNCT = re.compile(r"[\W_]+")
_NOTHING = {"无", "没有", "暂无", "无问题", "没有问题", "暂无问题", "无意见", "没意见", "好", "很好", "不清楚", "不了解"}


def _norm(text: str) -> str:
    return _PUNCT.sub("", text).lower()


def _bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1)} or {text}


def points(text: str) -> list[str]:
    """“1.学习不够深入；2.联系群众少” -> ["学习不够深入", "联系群众少"]; empty and “无” dropped."""
    out = []
    for piece in _SPLIT.split(text or ""):
        piece = _MARKER.sub("", piece).strip(" \t，,、：:")
        if len(_norm(piece)) >= 2 and _norm(piece) not in _NOTHING:
            out.append(piece)
    return out


def group_problems(texts: list[str]) -> list[dict]:
    """[{problem, count}]: each point once, similar points together under the most frequent wording (the
    shortest of those), most named first, at most MAX_GROUPS."""
    groups: list[dict] = []
    for point in (p for t in texts for p in points(t)):
        norm, grams = _norm(point), _bigrams(_norm(point))
        for g in groups:
            if norm in g["norms"] or any(norm in n or n in norm for n in g["norms"]) or \
                    2 * len(grams & g["grams"]) / (len(grams) + len(g["grams"])) >= SIMILAR:
                break
        else:
            g = {"norms": {}, "grams": grams, "count": 0}
            groups.append(g)
        g["norms"].setdefault(norm, [point, 0])[1] += 1
        g["count"] += 1
    out = []
    for g in groups:
        wording = min(g["norms"].values(), key=lambda v: (-v[1], len(v[0]), v[0]))[0]
        out.append({"problem": wording, "count": g["count"]})
    out.sort(key=lambda g: (-g["count"], g["problem"]))
    return out[:MAX_GROUPS]


async def dianping(redis: aioredis.Redis, mid: str, sid: str) -> str:
    """The chair's 点评 for this secretary, as 反馈本人 sent it (bot/web/feedback.py's snapshot), else ""."""
    snapshot = await redis.hget(snapshot_key(mid), sid)
    try:
        return str(json.loads(snapshot).get("dianping") or "").strip() if snapshot else ""
    except (ValueError, AttributeError):
        return ""


async def starting_items(redis: aioredis.Redis, mid: str, sid: str) -> list[dict]:
    """[{problem, measure: "", deadline: "", done: False, source, count?}]: the 点评 first, then the ballots'."""
    items = []
    said = await dianping(redis, mid, sid)
    if said:
        items.append({"problem": said, "source": "领导点评"})
    frame = await results.comments(redis, mid)
    mine = [p for p in frame.loc[frame["secretary"] == sid, "problems"] if p]
    items += [{"problem": g["problem"], "source": f"评议意见（{g['count']} 条）", "count": g["count"]}
              for g in group_problems(mine)]
    return [{"measure": "", "deadline": "", "done": False, **item} for item in items]
