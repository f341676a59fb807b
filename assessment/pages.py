"""The organizer's console pages: a meeting's 003 composite, and the 70/30 combination of two meetings. Both
call the JSON API with the console session."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from scoring.deductions import deduction_sheet
from voting.appkeys import REDIS
from voting.console.admin_pages import admin_page
from voting.meetings import list_meetings, load_meeting
from voting.store.keys import meeting_keys

from .combine import DOWN, UP
from .composite import rules_of


@admin_page
async def composite_page(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    rules = rules_of(meeting)
    sheet = deduction_sheet()
    clauses = [{"clause": r.clause, "section": r.section, "standard": r.standard, "base": int(r.base),
                "points": None if r.points != r.points else r.points, "unit": r.unit} for r in sheet.itertuples()]
    return aiohttp_jinja2.render_template("assessment_composite.html", request, {
        "meeting": meeting, "c": rules.composite, "clauses": clauses})


@admin_page
async def combine_page(request: web.Request) -> web.Response:
    """The 上述 meetings to choose from on one side, the 下评 meetings on the other (each meeting's direction)."""
    redis = request.app[REDIS]
    meetings = await list_meetings(redis)
    async with redis.pipeline(transaction=False) as pipe:
        for m in meetings:
            pipe.hget(meeting_keys(m["id"]).meta, "direction")
        directions = await pipe.execute()
    by_side = {UP: [], DOWN: []}
    for m, direction in zip(meetings, directions):
        by_side[direction or UP].append(m)
    return aiohttp_jinja2.render_template("assessment_combine.html", request, {
        "meeting": None, "ups": by_side[UP], "downs": by_side[DOWN],
        "up": request.query.get("up", ""), "down": request.query.get("down", "")})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/meetings/{id}/composite", composite_page)
    app.router.add_get("/admin/assessment/combine", combine_page)
