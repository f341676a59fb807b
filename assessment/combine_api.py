"""The organizer's 70/30 combination (004 §三) as JSON under /api/admin (the console page calls it).

GET  /api/admin/assessment/combine?up=ID&down=ID       the two meetings, the mapping (stored or suggested), the result
POST /api/admin/assessment/combine                     {up, down, pairs: [[上述 sid, 下评 sid], …], require_both?}
GET  /api/admin/assessment/combine.csv?up=ID&down=ID   the result as the results table (.csv, UTF-8 with BOM)
"""
from __future__ import annotations

import pandas as pd
from aiohttp import web

import scoring
from scoring import export
from voting.appkeys import REDIS, SETTINGS
from voting.errors import ApiError
from voting.request_body import read_json
from voting.responses import download, json_response
from voting.meetings import Meeting, load_meeting
from voting.results import json_safe

from . import combine


def _meeting_json(meeting: Meeting) -> dict:
    return {"id": meeting.id, "title": meeting.title, "preset": meeting.preset,
            "direction": meeting.direction,
            "secretaries": [{"id": s["id"], "name": s["name"], "org": s.get("org", "")} for s in meeting.secretaries]}


async def _meetings(request: web.Request, up, down) -> tuple[Meeting, Meeting]:
    if not isinstance(up, str) or not isinstance(down, str) or not up or not down:
        raise ApiError(400, "请选择上述会议（up）和下评会议（down）")
    redis = request.app[REDIS]
    meetings = await load_meeting(redis, up), await load_meeting(redis, down)
    combine.check_directions(*meetings)
    return meetings


async def state(request: web.Request, up: Meeting, down: Meeting, pairs, require_both: bool, suggested: bool) -> dict:
    result, people, rules, notes = await combine.combined(request.app[REDIS], up, down, pairs, require_both)
    rows = []
    for person, row in zip(people, result.to_dict("records")):
        item = {**person, **{k: json_safe(v) for k, v in row.items() if k != "secretary"}}
        item.update(mean_text=scoring.mean_text(row["mean"], rules), up_mean_text=scoring.mean_text(row["up_mean"], rules),
                    down_mean_text=scoring.mean_text(row["down_mean"], rules),
                    low_share_text=scoring.share_text(row["low_share"], rules))
        rows.append(item)
    return {"up": _meeting_json(up), "down": _meeting_json(down), "pairs": pairs, "suggested": suggested,
            "require_both": require_both, "rules": rules.name, "notes": notes, "people": rows,
            "quotas": [{"code": q.code, "ok": q.ok, "message": q.message} for q in scoring.check_quotas(result, rules)]}


async def view(request: web.Request) -> web.Response:
    up, down = await _meetings(request, request.query.get("up"), request.query.get("down"))
    pairs, require_both, suggested = await combine.load_mapping(request.app[REDIS], up, down)
    return json_response(await state(request, up, down, pairs, require_both, suggested))


async def update(request: web.Request) -> web.Response:
    body = await read_json(request, request.app[SETTINGS].max_json_body * 16)
    up, down = await _meetings(request, body.get("up"), body.get("down"))
    pairs = combine.parse_pairs(body.get("pairs", []), up, down)
    require_both = body.get("require_both", False)
    if not isinstance(require_both, bool):
        raise ApiError(400, "须两次会议都有结果（require_both）须为 true 或 false")
    data = await state(request, up, down, pairs, require_both, False)     # bad data never gets stored
    await combine.save_mapping(request.app[REDIS], up, down, pairs, require_both)
    return json_response(data)


async def export_csv(request: web.Request) -> web.Response:
    up, down = await _meetings(request, request.query.get("up"), request.query.get("down"))
    pairs, require_both, _ = await combine.load_mapping(request.app[REDIS], up, down)
    result, people, rules, _ = await combine.combined(request.app[REDIS], up, down, pairs, require_both)
    meta = pd.DataFrame([{"secretary": p["person"], "name": p["name"], "org": p["org"]} for p in people])
    body = export.results_csv(result, meta, rules)
    return download(body, "text/csv; charset=utf-8", f"{up.title}-{down.title}-上述下评合成.csv", "combined")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/api/admin/assessment/combine", view)
    app.router.add_post("/api/admin/assessment/combine", update)
    app.router.add_get("/api/admin/assessment/combine.csv", export_csv)
