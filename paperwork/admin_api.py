"""The organizer's side of the paperwork (JSON under /api/admin: the admin token or the console session).

GET  /api/admin/meetings/{id}/paperwork                     every secretary: level, link, report, 整改清单
GET  /api/admin/meetings/{id}/paperwork/{sid}/report        one report with its text and checks
POST /api/admin/meetings/{id}/paperwork/{sid}/return        {kind: report | rectification, note}
POST /api/admin/meetings/{id}/paperwork/{sid}/link          a new personal link (the old ones stop working)
POST /api/admin/meetings/{id}/paperwork/levels              {levels: {sid: committee | branch | null}}
POST /api/admin/meetings/{id}/paperwork/info                {department?, filler?, time_place?, attendees?}
POST /api/admin/meetings/{id}/paperwork/publish             {audience: public | secretaries | null}
POST /api/admin/meetings/{id}/paperwork/rectification       {open: true | false}
"""
from __future__ import annotations

from aiohttp import web

from bot.identity.bindings import bindings
from voting.appkeys import REDIS, SETTINGS
from voting.errors import ApiError
from voting.request_body import read_json
from voting.responses import json_response
from voting.meetings import Meeting, load_meeting

from . import documents, info, keys, publication, rectification, reports, status
from .identity import personal_link, personal_links
from .levels import LEVELS, levels_of, set_levels


async def _meeting(request: web.Request) -> Meeting:
    return await load_meeting(request.app[REDIS], request.match_info["id"])


async def _meeting_sid(request: web.Request) -> tuple[Meeting, str]:
    meeting = await _meeting(request)
    sid = request.match_info["sid"]
    if sid not in meeting.names:
        raise ApiError(404, "本次会议没有这位述职书记")
    return meeting, sid


def published_json(app: web.Application, meeting: Meeting, pub: dict | None) -> dict | None:
    if pub is None:
        return None
    url = f"{app[SETTINGS].base_url}/reports/{meeting.id}" + (f"?k={pub['key']}" if pub["audience"] == "public" else "")
    return {"audience": pub["audience"], "label": publication.AUDIENCES[pub["audience"]], "at": int(pub["at"]),
            "url": url}


async def overview(app: web.Application, meeting: Meeting) -> dict:
    redis = app[REDIS]
    mid = meeting.id
    docs = {kind: await documents.load_all(redis, mid, kind) for kind in status.KINDS}
    states = {kind: await status.statuses(redis, mid, kind) for kind in status.KINDS}
    levels = await levels_of(redis, meeting)
    open_to = await rectification.availability(redis, meeting)
    bound, _ = await bindings(redis, mid)
    links = await personal_links(app, meeting)
    missing = {"status": "missing", "at": None}
    rows = []
    for s in meeting.secretaries:
        sid, level = s["id"], levels[s["id"]]
        rows.append({**s, "level": level["level"], "level_default": level["default"], "level_set": level["set"],
                     "wechat_bound": len(bound.get(sid, [])), "link": links[sid],
                     "report": reports.describe(meeting, docs["report"].get(sid), states["report"].get(sid, missing),
                                                level["level"]),
                     "rectification": rectification.describe(docs["rectification"].get(sid),
                                                             states["rectification"].get(sid, missing),
                                                             open_to[sid])})
    count = lambda kind: sum(1 for r in rows if r[kind]["status"] == status.SUBMITTED)  # noqa: E731
    return {"id": mid, "title": meeting.title, "preset": meeting.preset, "levels": LEVELS,
            "info": await info.load(redis, mid), "audiences": publication.AUDIENCES,
            "published": published_json(app, meeting, await publication.published(redis, mid)),
            "rectification_open": await redis.hget(keys.settings(mid), "rectification_open") == "1",
            "submitted": {"report": count("report"), "rectification": count("rectification")},
            "secretaries": rows}


async def overview_api(request: web.Request) -> web.Response:
    return json_response(await overview(request.app, await _meeting(request)))


async def report_api(request: web.Request) -> web.Response:
    meeting, sid = await _meeting_sid(request)
    view = await reports.view(request.app[REDIS], meeting, sid, with_text=True)
    if "text" not in view:
        raise ApiError(404, f"{meeting.names[sid]}尚未提交述职报告")
    return json_response({"id": sid, "name": meeting.names[sid], **view})


async def return_api(request: web.Request) -> web.Response:
    meeting, sid = await _meeting_sid(request)
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    kind, note = body.get("kind"), body.get("note")
    if not isinstance(kind, str) or kind not in status.KINDS:
        raise ApiError(400, "材料类别（kind）须为 report（述职报告）或 rectification（整改清单）")
    note = " ".join(note.split()) if isinstance(note, str) else ""
    if not note:
        raise ApiError(400, "退回须写明意见（note），述职书记将看到它")
    if len(note) > documents.MAX_NOTE:
        raise ApiError(400, f"退回意见最多 {documents.MAX_NOTE} 字")
    if kind == "report" and await publication.published(request.app[REDIS], meeting.id):
        raise ApiError(409, "述职报告已公布：请先撤回公布，再退回修改")
    if await documents.give_back(request.app[REDIS], meeting, kind, sid, note) is None:
        raise ApiError(404, f"{meeting.names[sid]}尚未提交{status.KINDS[kind]}，无可退回")
    return json_response({"id": sid, "kind": kind, "status": "returned", "note": note})


async def link_api(request: web.Request) -> web.Response:
    meeting, sid = await _meeting_sid(request)
    return json_response({"id": sid, "link": await personal_link(request.app, meeting.id, sid, renew=True)})


async def levels_api(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    body = await read_json(request, request.app[SETTINGS].max_json_body * 16)
    chosen = body.get("levels")
    if not isinstance(chosen, dict) or not chosen:
        raise ApiError(400, "书记层级（levels）须为对象：{书记编号: committee（分党委、二级党组织）| branch（党支部）| null（按党组织名称）}")
    for sid, level in chosen.items():
        if sid not in meeting.names:
            raise ApiError(404, f"本次会议没有这位述职书记（{sid[:20]}）")
        if level is not None and (not isinstance(level, str) or level not in LEVELS):
            raise ApiError(400, f"{meeting.names[sid]}的级别须为 committee、branch 或 null")
    await set_levels(request.app[REDIS], meeting, chosen)
    return json_response({"levels": await levels_of(request.app[REDIS], meeting)})


async def info_api(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    values = info.parse(await read_json(request, request.app[SETTINGS].max_json_body))
    await info.save(request.app[REDIS], meeting.id, values)
    return json_response(await info.load(request.app[REDIS], meeting.id))


async def publish_api(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    if "audience" not in body:
        raise ApiError(400, "缺少 audience：public（凭链接公开）、secretaries（仅本次会议的述职书记）或 null（撤回）")
    audience = body["audience"]
    if audience is not None and not isinstance(audience, str):
        raise ApiError(400, "公开范围（audience）须为 public、secretaries 或 null")
    pub = await publication.publish(request.app[REDIS], meeting, audience)
    return json_response({"published": published_json(request.app, meeting, pub)})


async def open_rectification_api(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    opened = body.get("open")
    if not isinstance(opened, bool):
        raise ApiError(400, "开放填写（open）须为 true（开放整改清单填写）或 false")
    await request.app[REDIS].hset(keys.settings(meeting.id), "rectification_open", int(opened))
    return json_response({"rectification_open": opened})


def setup_routes(app: web.Application) -> None:
    r = app.router
    base = "/api/admin/meetings/{id}/paperwork"
    r.add_get(base, overview_api)
    r.add_post(base + "/levels", levels_api)
    r.add_post(base + "/info", info_api)
    r.add_post(base + "/publish", publish_api)
    r.add_post(base + "/rectification", open_rectification_api)
    r.add_get(base + "/{sid}/report", report_api)
    r.add_post(base + "/{sid}/return", return_api)
    r.add_post(base + "/{sid}/link", link_api)
