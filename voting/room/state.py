"""The live state of a meeting that the admin console and the projector show: windows, votes, turnout.

`dist` (ballots per score) is for the organizer only: `public_state` is what the room may see before results are
released (docs/design.md §3 "Hide until release"). Turnout per voter group always goes through anonymity.merge_groups.
"""
from __future__ import annotations

import json

import redis.asyncio as aioredis

from ..clock import clock_text
from ..meetings import Meeting
from ..store.keys import meeting_keys
from .anonymity import merge_groups

WARN_SECONDS = 60        # the last minute before a deadline is announced on screen, phones and console

# Score-derived fields of meeting_state: never in anything public before release.
PRIVATE = ("dist",)


async def meeting_state(redis: aioredis.Redis, meeting: Meeting, min_group: int) -> dict:
    """`min_group`: Settings.anonymity_min_group, the smallest voter group broken out in `turnout`."""
    k = meeting_keys(meeting.id)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.smembers(k.open).smembers(k.closed).hgetall(k.tally).hgetall(k.turnout).hgetall(k.deadline)
        opened, closed, tally, turnout, deadline = await pipe.execute()
    order = [s["id"] for s in meeting.secretaries]
    votes = {sid: 0 for sid in order}
    dist = {sid: [0] * 10 for sid in order}       # index 0 = score 1 ... index 9 = score 10
    for field, n in tally.items():
        parts = field.split("|")
        if parts[0] not in votes:
            continue
        if len(parts) == 2:
            votes[parts[0]] = int(n)
        else:
            dist[parts[0]][int(parts[2]) - 1] += int(n)
    open_sids = [sid for sid in order if sid in opened]
    closed_sids = [sid for sid in order if sid in closed]
    groups = {g: int(turnout.get(g, 0)) for g in dict.fromkeys([*meeting.voter_groups, *turnout])}
    return {
        "open": open_sids,
        "closed": closed_sids,
        "over": meeting.finalized or len(closed_sids) == len(order),    # every window closed for good
        "finalized": meeting.finalized,
        "votes": votes,
        "dist": dist,
        "turnout": merge_groups(groups, min_group),
        "turnout_min_group": min_group,
        "voted": sum(groups.values()),            # each voter counts once, in their group
        "expected": meeting.expected,
        "deadline": current_deadline(deadline, open_sids),
    }


def public_state(state: dict) -> dict:
    """What the screen, the phones and the unauthenticated stream get: turnout, never scores."""
    return {k: v for k, v in state.items() if k not in PRIVATE}


def current_deadline(raw: dict, open_sids: list[str]) -> dict | None:
    """The deadline as state shows it, {at (unix seconds), at_text, secretaries still open}, or None when
    nothing it would close is open any more (closed by hand before it came)."""
    if not raw.get("at_ms"):
        return None
    targets = [sid for sid in json.loads(raw.get("sids") or "[]") if sid in open_sids]
    if not targets:
        return None
    at = int(raw["at_ms"]) / 1000
    return {"at": at, "at_text": clock_text(at), "secretaries": targets, "warn_seconds": WARN_SECONDS}
