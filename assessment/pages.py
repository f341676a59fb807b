"""The organizer's console pages: a meeting's 003 composite, and the 70/30 combination of two meetings. Both
call the JSON API with the console session."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

import scoring

from scoring.deductions import deduction_sheet
from voting.appkeys import REDIS
from voting.console.admin_pages import admin_page
from voting.meetings import list_meetings, load_meeting
from voting.store.keys import meeting_keys

from .combine import DOWN, RULES_WITH_WEIGHTS, UP, combinable
from .composite import has_composite, no_composite, rules_of


@admin_page
async def composite_page(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    if not has_composite(meeting):           # an old link or a typed address: say why, with a way back
        return aiohttp_jinja2.render_template("admin_notice.html", request, {
            "meeting": meeting, "heading": f"综合考评 · {meeting.title}", "message": no_composite(meeting),
            "back": (f"/admin/meetings/{meeting.id}", "返回会议")}, status=409)
    rules = rules_of(meeting)
    sheet = deduction_sheet()
    clauses = [{"clause": r.clause, "section": r.section, "standard": r.standard, "base": int(r.base),
                "points": None if r.points != r.points else r.points, "unit": r.unit} for r in sheet.itertuples()]
    return aiohttp_jinja2.render_template("assessment_composite.html", request, {
        "meeting": meeting, "c": rules.composite, "clauses": clauses})


@admin_page
async def combine_page(request: web.Request) -> web.Response:
    """The 上述 meetings to choose from on one side, the 下评 meetings on the other (each meeting's direction);
    only meetings whose rules set the 上述/下评 weights (004 §三): others could only be refused."""
    redis = request.app[REDIS]
    meetings = await list_meetings(redis)
    async with redis.pipeline(transaction=False) as pipe:
        for m in meetings:
            pipe.hmget(meeting_keys(m["id"]).meta, "direction", "preset")
        metas = await pipe.execute()
    by_side = {UP: [], DOWN: []}
    for m, (direction, preset) in zip(meetings, metas):
        if combinable(preset or scoring.DEFAULT_PRESET):
            by_side[direction or UP].append(m)
    return aiohttp_jinja2.render_template("assessment_combine.html", request, {
        "meeting": None, "ups": by_side[UP], "downs": by_side[DOWN], "rules_with_weights": RULES_WITH_WEIGHTS,
        "up": request.query.get("up", ""), "down": request.query.get("down", "")})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/meetings/{id}/composite", composite_page)
    app.router.add_get("/admin/assessment/combine", combine_page)
