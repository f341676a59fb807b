"""004's final across two meetings: a person's 上述 result 70 %, their 下评 result 30 % (004 §三, 附件1, 附件2).

The organizer picks the 上述 meeting and the 下评 meeting and maps the people: a secretary of one to the
secretary of the other who is the same person, or to no one. Each meeting is graded on its own direction's
form (附件1 / 附件2) with its organizer flags (重大失误 / 问责, 004 §五(四)); scoring.combine_directions
combines them, and says so plainly when one side is missing (then the other counts alone, or with
`require_both` the committee decides). The mapping is kept per pair of meetings.
"""
from __future__ import annotations

import json

import pandas as pd
import redis.asyncio as aioredis

import scoring
from voting import results
from voting.errors import ApiError
from voting.meetings import Meeting
from voting.results import load_decisions

UP, DOWN = scoring.SOURCES          # 上述, 下评


def combinable(preset: str) -> bool:
    """Rules that set the 上述/下评 weights (004 §三: 70 % and 30 %); without them there is nothing to combine."""
    return preset in scoring.PRESETS and bool(scoring.load_rules(preset).weights.source)


RULES_WITH_WEIGHTS = "、".join(f"「{scoring.load_rules(p).label}」" for p in scoring.PRESETS if combinable(p))


def key(up: str, down: str) -> str:
    """string: JSON {pairs: [[上述 sid, 下评 sid], …], require_both} for this pair of meetings."""
    return f"assessment:combination:{up}:{down}"


def check_directions(up: Meeting, down: Meeting) -> None:
    """Each meeting is 上述 or 下评 (its spec, and its ballot form): it can only be used as that side."""
    if up.id == down.id:
        raise ApiError(400, "上述会议与下评会议须为两次不同的会议")
    for meeting, side in ((up, UP), (down, DOWN)):
        if meeting.direction != side:
            raise ApiError(400, f"「{meeting.title}」是{meeting.direction}会议，不能作为{side}会议")


def suggested_pairs(up: Meeting, down: Meeting) -> list[list[str]]:
    """The same name (and the same 党组织 where both give one) in both meetings: likely one person."""
    pairs, taken = [], set()
    for u in up.secretaries:
        same = [d for d in down.secretaries if d["name"] == u["name"] and d["id"] not in taken
                and (not u.get("org") or not d.get("org") or u["org"] == d["org"])]
        if len(same) == 1:
            pairs.append([u["id"], same[0]["id"]])
            taken.add(same[0]["id"])
    return pairs


def parse_pairs(value, up: Meeting, down: Meeting) -> list[list[str]]:
    if not isinstance(value, list) or len(value) > len(up.secretaries) + len(down.secretaries):
        raise ApiError(400, "人员对应（pairs）须为 [[上述会议书记编号, 下评会议书记编号], …] 的列表")
    pairs, seen_up, seen_down = [], set(), set()
    for n, pair in enumerate(value, 1):
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(s, str) for s in pair):
            raise ApiError(400, f"人员对应第 {n} 项（pairs）须为 [上述会议书记编号, 下评会议书记编号]")
        u, d = pair
        if u not in up.names or d not in down.names:
            raise ApiError(404, f"人员对应第 {n} 项：{'上述' if u not in up.names else '下评'}会议没有这位述职书记")
        if u in seen_up or d in seen_down:
            who = up.names[u] if u in seen_up else down.names[d]
            raise ApiError(400, f"人员对应第 {n} 项：“{who}”已对应了另一人，一人只能对应一人")
        seen_up.add(u)
        seen_down.add(d)
        pairs.append([u, d])
    return pairs


async def load_mapping(redis: aioredis.Redis, up: Meeting, down: Meeting) -> tuple[list[list[str]], bool, bool]:
    """(pairs, require_both, suggested): the stored mapping, or the suggestion when there is none."""
    raw = await redis.get(key(up.id, down.id))
    if raw is None:
        return suggested_pairs(up, down), False, True
    data = json.loads(raw)
    pairs = [p for p in data["pairs"] if p[0] in up.names and p[1] in down.names]
    return pairs, bool(data.get("require_both")), False


async def save_mapping(redis: aioredis.Redis, up: Meeting, down: Meeting, pairs, require_both: bool) -> None:
    await redis.set(key(up.id, down.id), json.dumps({"pairs": pairs, "require_both": require_both}))


async def _graded(redis: aioredis.Redis, meeting: Meeting, direction: str, rules) -> pd.DataFrame:
    """The meeting counted on its direction's form, with its flags; its overrides concern its own grade only."""
    flags, _ = await load_decisions(redis, meeting.id)
    return scoring.grade(await results.tally(redis, meeting.id), rules.for_direction(direction),
                         secretaries=[s["id"] for s in meeting.secretaries], flags=flags or None)


async def combined(redis: aioredis.Redis, up: Meeting, down: Meeting, pairs, require_both: bool):
    """(result of combine_directions with people, rules, notes); people: [{person, up, down, name, org}]."""
    rules = scoring.load_rules(up.preset)
    notes = [] if down.preset == up.preset else [
        f"两次会议的评定规则不同（上述「{up.rules.label}」，下评「{down.rules.label}」），按上述会议的规则合成"]
    matched = {u: d for u, d in pairs}
    people = [{"person": f"p{i}", "up": u["id"], "down": matched.get(u["id"]), "name": u["name"], "org": u.get("org", "")}
              for i, u in enumerate(up.secretaries, 1)]
    people += [{"person": f"p{len(people) + i}", "up": None, "down": d["id"], "name": d["name"], "org": d.get("org", "")}
               for i, d in enumerate((d for d in down.secretaries if d["id"] not in matched.values()), 1)]
    sides = {}
    for side, meeting, field in ((UP, up, "up"), (DOWN, down, "down")):
        person_of = {p[field]: p["person"] for p in people if p[field]}
        frame = await _graded(redis, meeting, side, rules)
        sides[side] = frame.assign(secretary=frame["secretary"].map(person_of))
    try:
        result = scoring.combine_directions(sides[UP], sides[DOWN], rules, secretaries=[p["person"] for p in people],
                                            require_both=require_both)
    except scoring.RulesError as e:
        raise ApiError(400, str(e)) from None
    return result, people, rules, notes
