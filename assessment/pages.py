"""The organizer's console pages: a meeting's 003 composite, and the 70/30 combination of two meetings. Both
call the JSON API with the console session."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from scoring.deductions import deduction_sheet
from voting.admin_pages import admin_page
from voting.appkeys import REDIS
from voting.meetings import list_meetings, load_meeting

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
    return aiohttp_jinja2.render_template("assessment_combine.html", request, {
        "meeting": None, "meetings": await list_meetings(request.app[REDIS]),
        "up": request.query.get("up", ""), "down": request.query.get("down", "")})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/meetings/{id}/composite", composite_page)
    app.router.add_get("/admin/assessment/combine", combine_page)
