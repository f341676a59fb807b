"""The live state of a meeting that the admin console and the projector show: windows, votes, turnout."""
from __future__ import annotations

import redis.asyncio as aioredis

from .keys import meeting_keys
from .meetings import Meeting


async def meeting_state(redis: aioredis.Redis, meeting: Meeting) -> dict:
    k = meeting_keys(meeting.id)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.smembers(k.open).smembers(k.closed).hgetall(k.tally).hgetall(k.turnout)
        opened, closed, tally, turnout = await pipe.execute()
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
    return {
        "open": [sid for sid in order if sid in opened],
        "closed": [sid for sid in order if sid in closed],
        "votes": votes,
        "dist": dist,
        "turnout": {g: int(turnout.get(g, 0)) for g in dict.fromkeys([*meeting.voter_groups, *turnout])},
        "voted": sum(int(n) for n in turnout.values()),   # each voter counts once, in their group
        "expected": meeting.expected,
    }
