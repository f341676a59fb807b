"""The organizer's 003 composite of a meeting (JSON under /api/admin; a console page calls it).

GET  /api/admin/meetings/{id}/composite               the units' entries, the composite table, the 3:5:2 split
POST /api/admin/meetings/{id}/composite               {units: {sid: {daily?, daily_grade?, field?, findings?, survey?}}}
POST /api/admin/meetings/{id}/composite/daily-split   {ranking: [sid, …]} -> {grades: {sid: 好|较好|一般}} (003 §三(二)1)
GET  /api/admin/meetings/{id}/composite.xlsx | .csv   the table (and the 实地核查 items) to file
"""
from __future__ import annotations

from aiohttp import web

import scoring
from scoring.cells import csv_bytes
from scoring.export import COMPOSITE_HEADERS, composite_workbook
from voting.appkeys import REDIS, SETTINGS
from voting.errors import ApiError
from voting.request_body import read_json
from voting.responses import download, json_response
from voting.meetings import Meeting, load_meeting

from . import composite


async def _meeting(request: web.Request) -> Meeting:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    composite.rules_of(meeting)                  # 409 unless the preset has a composite (003)
    return meeting


async def state(request: web.Request, meeting: Meeting) -> dict:
    redis = request.app[REDIS]
    rules = composite.rules_of(meeting)
    c = rules.composite
    result, _, notes = await composite.table(redis, meeting)
    kept = await composite.entries(redis, meeting)
    return {"id": meeting.id, "title": meeting.title, "preset": meeting.preset,
            "weights": {"daily": c.daily, "field": c.field, "survey": c.survey, "meeting": c.meeting, "cite": c.cite},
            "split": scoring.daily_split(len(meeting.secretaries), rules), "split_cite": c.daily_split_cite,
            "daily_points": dict(c.daily_points), "daily_points_cite": c.daily_points_cite, "notes": notes,
            "units": [{"id": s["id"], "name": s["name"], "org": s.get("org", ""), **kept[s["id"]]}
                      for s in meeting.secretaries],
            "result": composite.rows_json(result, rules)}


async def view(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    return json_response(await state(request, meeting))


async def update(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    rules = composite.rules_of(meeting)
    body = await read_json(request, request.app[SETTINGS].max_json_body * 64)
    units = body.get("units")
    if not isinstance(units, dict) or not units:
        raise ApiError(400, "各单位得分（units）须为对象：{书记编号: {daily, daily_grade, field, findings, survey}}")
    kept = await composite.entries(request.app[REDIS], meeting)
    changes = {}
    for sid, entry in units.items():
        if sid not in meeting.names:
            raise ApiError(404, f"本次会议没有这位述职书记（{sid[:20]}）")
        changes[sid] = composite.parse_entry(meeting, sid, entry, kept[sid], rules)
    await composite.save(request.app[REDIS], meeting, changes)      # only when every unit's data is good
    return json_response(await state(request, meeting))


async def daily_split(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    ranking = body.get("ranking")
    if not isinstance(ranking, list) or not ranking or not all(isinstance(s, str) and s in meeting.names for s in ranking):
        raise ApiError(400, "日常管理排名（ranking）须为本次会议书记编号的列表，按日常管理由好到差排列")
    twice = next((sid for i, sid in enumerate(ranking) if sid in ranking[:i]), None)
    if twice:
        raise ApiError(400, f"日常管理排名中“{meeting.names[twice]}”重复")
    grades = scoring.daily_grades(ranking, composite.rules_of(meeting))
    return json_response({"grades": grades, "split": scoring.daily_split(len(ranking), composite.rules_of(meeting))})


def _frames(result, items, meeting: Meeting):
    """The table as the organizer reads it: the 述职人 by name, the unit by its 党组织."""
    names = meeting.names
    shown = result.drop(columns="secretary").rename(columns={"name": "secretary"})
    if items is not None:
        items = items.assign(secretary=items["secretary"].map(names))
    return shown, items


async def export_xlsx(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    result, items, notes = await composite.table(request.app[REDIS], meeting)
    shown, items = _frames(result, items, meeting)
    body = composite_workbook(shown, items, composite.rules_of(meeting), notes)
    return download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"{meeting.title}-综合考评.xlsx", "composite")


async def export_csv(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    result, _, _ = await composite.table(request.app[REDIS], meeting)
    shown, _ = _frames(result, None, meeting)
    columns = [c for c in COMPOSITE_HEADERS if c in shown]
    return download(csv_bytes(shown[columns].rename(columns=COMPOSITE_HEADERS)), "text/csv; charset=utf-8",
                    f"{meeting.title}-综合考评.csv", "composite")


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/admin/meetings/{id}/composite", view)
    r.add_post("/api/admin/meetings/{id}/composite", update)
    r.add_post("/api/admin/meetings/{id}/composite/daily-split", daily_split)
    r.add_get("/api/admin/meetings/{id}/composite.xlsx", export_xlsx)
    r.add_get("/api/admin/meetings/{id}/composite.csv", export_csv)
