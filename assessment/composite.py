"""The 003 composite of one meeting's units (湘西 2018): what the organizer enters per unit, and the table.

003 §三(一): 日常管理 20 %, 实地核查 50 %, 民意调查 10 %, 述职测评 20 % (the meeting's mean, 按20分折算 §四(四));
§三(二)1: 日常管理 graded 好/较好/一般 3:5:2 by the 牵头单位 (scoring.daily_split offers it); 003 附件: 实地核查 from
the deduction sheet (scoring.deductions.field_check) or as a score; §五(三)、(四): ranks, bottom-rank deductions,
and the consequence, which follows the composite's 综合评价等次, never the meeting's grade alone.

Entries are kept per unit (a secretary of the meeting) in `{m:ID}:assessment:composite`, sid -> JSON
{daily, daily_grade, field, findings, survey}; a part left empty leaves that unit without a total.
"""
from __future__ import annotations

import json
import math
import re
import unicodedata

import numpy as np
import pandas as pd
import redis.asyncio as aioredis

import scoring
from scoring.deductions import field_check, field_check_items
from scoring.text import fmt_mean
from voting import results
from voting.errors import ApiError
from voting.meetings import Meeting
from voting.store.keys import meeting_keys

PARTS = {"daily": ("日常管理", 100), "field": ("实地核查", 105), "survey": ("民意调查", 100)}
FIELDS = ("daily", "daily_grade", "field", "findings", "survey")
MAX_FINDINGS = 200
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def key(mid: str) -> str:
    return f"{meeting_keys(mid).tag}:assessment:composite"


def has_composite(meeting: Meeting) -> bool:
    """003 §三(一): only rules with a composite (湘西 2018) have one; the console links it for those meetings."""
    return meeting.rules.composite is not None


def no_composite(meeting: Meeting) -> str:
    """Why this meeting has no composite, and what to do, naming the rules as the console does."""
    with_one = "、".join(f"「{r.label}」" for r in map(scoring.load_rules, scoring.PRESETS) if r.composite)
    return (f"本会议的评定规则是「{meeting.rules.label}」，没有综合考评。综合考评按 003 进行："
            f"请用{with_one}规则创建述职测评会议。")


def rules_of(meeting: Meeting) -> scoring.Rules:
    if not has_composite(meeting):
        raise ApiError(409, no_composite(meeting))
    return meeting.rules


def _number(value, what: str, top: float) -> float | None:
    """A score as typed or sent: 85, 92.5, "85", full-width digits; None/"" for not given."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ApiError(400, f"{what}须为数字")
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip()
        if not _DECIMAL.fullmatch(text):
            raise ApiError(400, f"{what}“{value[:20]}”不是数字")
        value = float(text)
    if not math.isfinite(value) or not 0 <= value <= top:
        raise ApiError(400, f"{what} {value:g} 不在 0–{top} 之间" if math.isfinite(value) else f"{what}须为数字")
    return float(value)


def _findings(value, who: str, rules) -> list[dict] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > MAX_FINDINGS:
        raise ApiError(400, f"{who}的实地核查记录须为列表 [{{clause, times?, points?}}]（最多 {MAX_FINDINGS} 条）")
    rows = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict) or not isinstance(item.get("clause"), str):
            raise ApiError(400, f"{who}的实地核查记录第 {n} 条须写明条款（clause，如 1.1a）")
        times, points = (_number(item.get(f), f"{who}的实地核查记录第 {n} 条的{label}", 1000)
                         for f, label in (("times", "次数"), ("points", "扣分")))
        rows.append({"clause": item["clause"].strip()[:10], "times": times, "points": points})
    try:                                 # the sheet's own checks: clause exists, times, 视情节轻重 points
        field_check(pd.DataFrame([{"secretary": "u", **r} for r in rows]) if rows else None, ["u"])
    except scoring.InputError as e:
        raise ApiError(400, f"{who}的{e}") from None
    return rows


def parse_entry(meeting: Meeting, sid: str, body, current: dict, rules) -> dict:
    """`current` updated by the fields in `body` (null clears one); a score and its alternative (日常管理等次,
    实地核查记录) exclude each other."""
    who = f"{meeting.names[sid]}"
    if not isinstance(body, dict) or not set(body) <= set(FIELDS):
        raise ApiError(400, f"{who}的数据须为对象，字段为 {'、'.join(FIELDS)}")
    entry = dict(current)
    for f in ("daily", "field", "survey"):
        if f in body:
            entry[f] = _number(body[f], f"{who}的{PARTS[f][0]}", PARTS[f][1])
    if "daily_grade" in body:
        grade = body["daily_grade"] or None
        points = dict(rules.composite.daily_points)
        if grade is not None and (not isinstance(grade, str) or grade not in points):
            raise ApiError(400, f"{who}的日常管理等次须为 {'、'.join(points)} 之一")
        entry["daily_grade"] = grade
    if "findings" in body:
        entry["findings"] = _findings(body["findings"], who, rules)
    for score, other, label in (("daily", "daily_grade", "日常管理得分与日常管理等次"), ("field", "findings", "实地核查得分与核查记录")):
        if entry.get(score) is not None and entry.get(other) is not None:
            if score in body and other in body:
                raise ApiError(400, f"{who}的{label}只能填一项")
            entry[other if score in body else score] = None     # the one just given replaces the other
    return {f: entry.get(f) for f in FIELDS}


async def entries(redis: aioredis.Redis, meeting: Meeting) -> dict[str, dict]:
    raw = await redis.hgetall(key(meeting.id))
    return {s["id"]: json.loads(raw[s["id"]]) if s["id"] in raw else dict.fromkeys(FIELDS)
            for s in meeting.secretaries}


async def save(redis: aioredis.Redis, meeting: Meeting, changes: dict[str, dict]) -> None:
    await redis.hset(key(meeting.id), mapping={sid: json.dumps(e, ensure_ascii=False) for sid, e in changes.items()})


async def table(redis: aioredis.Redis, meeting: Meeting) -> tuple[pd.DataFrame, pd.DataFrame | None, list[str]]:
    """(scoring.composite's result with name/org, the 实地核查 items of units with findings, notes)."""
    rules = rules_of(meeting)
    kept = await entries(redis, meeting)
    ids = [s["id"] for s in meeting.secretaries]
    graded = (await results.graded(redis, meeting)).set_index("secretary")
    grades = {sid: e["daily_grade"] for sid, e in kept.items() if e.get("daily_grade")}
    points = scoring.daily_points(grades, rules)
    scores = pd.DataFrame({
        "secretary": ids,
        "daily": [points.get(sid, kept[sid].get("daily")) for sid in ids],
        "field": [kept[sid].get("field") for sid in ids],
        "survey": [kept[sid].get("survey") for sid in ids],
        "meeting_mean": [graded.at[sid, "mean"] for sid in ids]}).astype({"daily": float, "field": float,
                                                                          "survey": float, "meeting_mean": float})
    inspected = [sid for sid in ids if kept[sid].get("findings") is not None]
    items = None
    if inspected:
        findings = pd.DataFrame([{"secretary": sid, **f} for sid in inspected for f in kept[sid]["findings"]],
                                columns=["secretary", "clause", "times", "points"])
        checked = field_check(findings, inspected).set_index("secretary")["field"]
        scores["field"] = [checked.get(sid, np.nan) if sid in inspected else v for sid, v in zip(ids, scores["field"])]
        items = field_check_items(findings, inspected)
    result = scoring.composite(scores, rules)
    people = {s["id"]: s for s in meeting.secretaries}
    result.insert(1, "name", [people[sid]["name"] for sid in ids])
    result.insert(2, "unit", [people[sid].get("org") or people[sid]["name"] for sid in ids])
    warning = scoring.check_daily_split(grades, rules) if grades else ""
    return result, items, [warning] if warning else []


def rows_json(result: pd.DataFrame, rules) -> list[dict]:
    b = rules.composite.bands
    out = []
    for row in result.to_dict("records"):
        clean = {k: (None if isinstance(v, float) and math.isnan(v) else v.item() if hasattr(v, "item") else v)
                 for k, v in row.items()}
        clean["total_text"] = fmt_mean(row["total"], [b.hao, b.jiaohao, b.yiban])
        clean["meeting_mean_text"] = scoring.mean_text(row["meeting_mean"], rules)
        out.append(clean)
    return out
