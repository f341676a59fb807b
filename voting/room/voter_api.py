"""The JSON an attendee's own client needs besides joining and casting (the mini-program; docs/openapi.yaml):
the meeting as an attendee sees it, and the attendee's own current ballots. Nothing here shows anyone
else's score (docs/design.md §3 "Hide until release")."""
from __future__ import annotations

import json

from aiohttp import web

from ..appkeys import REDIS, SIGNER
from ..ballots import bearer
from ..responses import json_response
from ..meetings import check_meeting_id, load_meeting
from ..store.keys import meeting_keys


async def meeting_view(request: web.Request) -> web.Response:
    """GET /api/meetings/{id}: title, mode, groups to choose from, and each secretary's window."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    k = meeting_keys(meeting.id)
    async with request.app[REDIS].pipeline(transaction=False) as pipe:
        opened, closed = await pipe.smembers(k.open).smembers(k.closed).execute()
    return json_response({
        "id": meeting.id, "title": meeting.title, "mode": meeting.mode, "eligibility": meeting.eligibility,
        "voter_groups": meeting.voter_groups, "released": meeting.released, "finalized": meeting.finalized,
        "secretaries": [{**s, "status": "open" if s["id"] in opened else "closed" if s["id"] in closed
                         else "waiting"} for s in meeting.secretaries]})


async def stored_ballots(redis, meeting, voter_key: str) -> dict[str, dict]:
    """{sid: {score, problems, suggestions}} of one voter's current ballots, in the meeting's order."""
    sids = [s["id"] for s in meeting.secretaries]
    stored = await redis.hmget(meeting_keys(meeting.id).ballots, [f"{voter_key}:{sid}" for sid in sids])
    out = {}
    for sid, raw in zip(sids, stored):
        if raw:
            score, problems, suggestions = json.loads(raw)
            out[sid] = {"score": int(score), "problems": problems, "suggestions": suggestions}
    return out


async def my_ballots(request: web.Request) -> web.Response:
    """GET /api/meetings/{id}/ballots with the voter token: this voter's current ballots, to show and revise."""
    mid = check_meeting_id(request.match_info["id"])
    voter = request.app[SIGNER].voter(bearer(request), mid)
    meeting = await load_meeting(request.app[REDIS], mid)
    mine = await stored_ballots(request.app[REDIS], meeting, voter["v"])
    return json_response({"group": voter["g"], "ballots": [{"secretary": sid, **b} for sid, b in mine.items()]})


def setup(app: web.Application) -> None:
    app.router.add_get("/api/meetings/{id}", meeting_view)
    app.router.add_get("/api/meetings/{id}/ballots", my_ballots)
