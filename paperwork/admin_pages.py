"""The organizer's console page of a meeting's paperwork: `/admin/meetings/{id}/paperwork`. It calls the
JSON API (admin_api.py) with the console session."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from voting.appkeys import REDIS
from voting.console.admin_pages import admin_page
from voting.meetings import load_meeting

from .levels import LEVELS
from .publication import AUDIENCES


@admin_page
async def paperwork_page(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    rules = meeting.rules
    return aiohttp_jinja2.render_template("paper_admin.html", request, {
        "meeting": meeting, "levels": LEVELS, "audiences": AUDIENCES,
        "limits": {level: rules.report.limit(level) for level in LEVELS}, "report_cite": rules.report.cite})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/meetings/{id}/paperwork", paperwork_page)
