"""The organizer's API (docs/api.md): create or import meetings, open and close windows, results, exports."""
from __future__ import annotations

import json
import logging
import secrets
import time
from urllib.parse import quote

import pandas as pd
import redis.asyncio as aioredis
from aiohttp import web

import scoring
from scoring import export

from .. import results
from ..appkeys import REDIS, SCRIPTS, SETTINGS
from ..errors import ApiError
from ..request_body import read_json
from ..responses import download, json_response
from ..join_qr import join_qr
from ..meetings import Meeting, create_meeting, list_meetings, load_meeting
from ..room import screen_pages
from ..room.state import meeting_state
from ..settings import Settings
from ..spec import UNGROUPED, parse_meeting
from ..store.embedded_redis import EmbeddedRedisError
from ..store.keys import PAPER_DEFAULTS, meeting_keys
from ..store.lifecycle import forget_on_disk
from ..clock import china
from . import decisions, deadlines, deletion, dianping, importer

log = logging.getLogger(__name__)

WINDOW_ERRORS = {
    "no_meeting": (404, "会议不存在"),
    "no_secretary": (404, "本次会议没有这位述职书记"),
    "closed": (409, "该书记的测评已结束，不能重新开启"),
    "not_open": (409, "该书记的测评尚未开启"),
    "finalized": (409, "本次会议已归档，不能再开启或结束测评"),
}


def describe(settings: Settings, meeting: Meeting) -> dict:
    """The meeting with the links the organizer hands out."""
    base, mid = settings.base_url, meeting.id
    data = meeting.public()
    ballot_url = meeting.ballot_url(base)
    data.update(ballot_url=ballot_url, screen_url=f"{base}/meetings/{mid}/screen?k={quote(meeting.screen_key)}",
                admin_url=f"{base}/admin/meetings/{mid}")
    if meeting.eligibility == "open" and meeting.finalized:
        data.update(join_code=None, join_url=ballot_url)
    elif meeting.eligibility == "open":
        code = meeting.join_code(settings.join_code_period)
        data.update(join_code=code, join_url=meeting.ballot_url(base, code),
                    join_code_period=settings.join_code_period)
    else:
        data.update(join_code=None, join_url=ballot_url, invites_url=f"{base}/admin/meetings/{mid}/invites",
                    invites=[{"code": c, "group": g} for c, g in meeting.invite_codes()])
    return data


async def _meeting(request: web.Request) -> Meeting:
    return await load_meeting(request.app[REDIS], request.match_info["id"])


async def create(request: web.Request) -> web.Response:
    data = await read_json(request, request.app[SETTINGS].max_json_body * 64)
    spec = parse_meeting(data)
    meeting = await create_meeting(request.app[REDIS], spec)
    return json_response(describe(request.app[SETTINGS], meeting) | {"warnings": spec.warnings}, status=201)


async def import_files(request: web.Request) -> web.Response:
    data = await importer.read_upload(request)
    spec = parse_meeting(data)
    meeting = await create_meeting(request.app[REDIS], spec)
    return json_response(describe(request.app[SETTINGS], meeting) | {"warnings": data["warnings"] + spec.warnings},
                         status=201)


async def index(request: web.Request) -> web.Response:
    return json_response({"meetings": await list_meetings(request.app[REDIS])})


async def detail(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    data = describe(request.app[SETTINGS], meeting)
    data["state"] = await meeting_state(request.app[REDIS], meeting, request.app[SETTINGS].anonymity_min_group)
    return json_response(data)


async def change_window(app: web.Application, meeting: Meeting, action: str, sid: str = "") -> dict:
    """Open or close one secretary's window (`sid`), or every one (""); closing is final (lua/window.lua).
    Also what the organizer's WeChat commands call (bot/inbound/commands.py)."""
    k = meeting_keys(meeting.id)
    reply = await app[SCRIPTS].window(keys=k.window, args=[action, sid, k.channel])
    if reply[0] == "busy":
        name = meeting.names.get(reply[1], reply[1])
        raise ApiError(409, f"一述一评：请先结束「{name}」的测评，再开启下一位", open=[reply[1]])
    if reply[0] in WINDOW_ERRORS:
        raise ApiError(*WINDOW_ERRORS[reply[0]])
    state = await meeting_state(app[REDIS], meeting, app[SETTINGS].anonymity_min_group)
    return {"changed": int(reply[1]), "open": state["open"], "closed": state["closed"]}


async def _window(request: web.Request, action: str) -> web.Response:
    meeting = await _meeting(request)
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    # Only an absent key means every secretary: closing is final, so null, 0, "" or [] must not close them all.
    sid = body["secretary"] if "secretary" in body else ""
    if "secretary" in body and (not isinstance(sid, str) or sid not in meeting.names):
        raise ApiError(400, "本次会议没有这位述职书记（secretary 须为书记编号，如 s1；不带 secretary 表示全部书记）")
    return json_response(await change_window(request.app, meeting, action, sid))


async def open_window(request: web.Request) -> web.Response:
    return await _window(request, "open")


async def close_window(request: web.Request) -> web.Response:
    return await _window(request, "close")


async def _graded(request: web.Request):
    """`?enforce_quota=1` demotes the 好 beyond the preset's cap, with the reason written down."""
    meeting = await _meeting(request)
    enforce = request.query.get("enforce_quota", "") in ("1", "true")
    graded = await results.graded(request.app[REDIS], meeting, enforce)
    return meeting, meeting.rules, graded


async def results_view(request: web.Request) -> web.Response:
    meeting, rules, graded = await _graded(request)
    return json_response({
        "id": meeting.id, "title": meeting.title, "preset": meeting.preset, "released": meeting.released,
        "release_grades": meeting.release_grades, "finalized": meeting.finalized,
        "secretaries": results.results_json(meeting, graded),
        "quotas": [{"code": q.code, "ok": q.ok, "message": q.message}
                   for q in scoring.check_quotas(graded, rules)],
        "state": await meeting_state(request.app[REDIS], meeting, request.app[SETTINGS].anonymity_min_group)})


async def qr(request: web.Request) -> web.Response:
    return json_response(await join_qr(request.app, await _meeting(request)))


async def audit(request: web.Request) -> web.Response:
    """Counters against a replay of the ballot stream: equal unless something was lost."""
    meeting = await _meeting(request)
    redis = request.app[REDIS]
    counted, replayed = await results.tally(redis, meeting.id), await results.replay(redis, meeting.id)
    key = ["secretary", "group", "score"]
    a, b = (frame.set_index(key)["count"].sort_index() for frame in (counted, replayed))
    return json_response({"consistent": a.equals(b), "ballots": int(a.sum()),
                          "log_entries": await redis.xlen(meeting_keys(meeting.id).log)})


async def paperwork(redis: aioredis.Redis, mid: str) -> tuple[dict, pd.DataFrame]:
    """What the secretaries' paperwork (written by paperwork/, met here in Redis only) adds to 002 附件2: 填表部门,
    填表人 (the organizer's defaults when this meeting has none), 考核时间、地点, 参会人员, and every 整改清单 item
    as last submitted (secretary, problem, measure, deadline)."""
    k = meeting_keys(mid)
    async with redis.pipeline(transaction=False) as pipe:
        info, defaults, lists = await pipe.hgetall(k.paper_info).hgetall(PAPER_DEFAULTS) \
            .hgetall(k.paper_rectification).execute()
    info = {**{f: v for f, v in defaults.items() if f in ("department", "filler")},
            **{f: v for f, v in info.items() if v}}
    rows = [(sid, item.get("problem", ""), item.get("measure", ""),
             item.get("deadline_text") or item.get("deadline", ""))
            for sid, raw in lists.items() for item in json.loads(raw).get("items", [])]
    return info, pd.DataFrame(rows, columns=["secretary", "problem", "measure", "deadline"])


async def export_xlsx(request: web.Request) -> web.Response:
    """The official tables: results, 002 附件2 checklist (complete with the paperwork), anonymous comments,
    notes on rules and quotas."""
    meeting, rules, graded = await _graded(request)
    info, rectification = await paperwork(request.app[REDIS], meeting.id)
    said = await dianping.load(request.app[REDIS], meeting.id)
    edited = "、".join(meeting.names.get(sid, sid) for sid, d in said.items() if d.edited_after_sending)
    notes = [("点评修改", f"{edited}的领导点评在反馈本人后修改过：本人收到的是修改前的文字，本表为修改后的文字。")] \
        if edited else []
    today = china(time.time())
    body = export.results_workbook(graded, meta=results.meta_frame(meeting),
                                   comments=await results.comments(request.app[REDIS], meeting.id),
                                   rules=rules, findings=scoring.check_quotas(graded, rules),
                                   info={**info, "title": meeting.title,
                                         "date": f"导出日期：{today.year}年{today.month}月{today.day}日"},
                                   rectification=rectification, notes=notes,
                                   dianping={sid: d.text for sid, d in said.items()})
    return download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    f"{meeting.title}-评议结果.xlsx", "results")


async def export_csv(request: web.Request) -> web.Response:
    meeting, rules, graded = await _graded(request)
    said = await dianping.load(request.app[REDIS], meeting.id)
    return download(export.results_csv(graded, meta=results.meta_frame(meeting), rules=rules,
                                       dianping={sid: d.text for sid, d in said.items()}),
                    "text/csv; charset=utf-8", f"{meeting.title}-评议结果.csv", "results")


async def release_results(app: web.Application, meeting: Meeting, released: bool = True,
                          grades: bool | None = None) -> None:
    """Show (or hide) the results on the projector; the organizer's WeChat command 公布 calls this too.
    `grades`: with the 等次 or scores only (None: as chosen before, at first with)."""
    k = meeting_keys(meeting.id)
    fields = {"released": int(released)} | ({} if grades is None else {"release_grades": int(grades)})
    await app[REDIS].hset(k.meta, mapping=fields)
    await app[REDIS].publish(k.channel, "release")


async def release(request: web.Request) -> web.Response:
    meeting = await _meeting(request)
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    released, grades = body.get("released", True), body.get("grades")
    if not isinstance(released, bool):
        raise ApiError(400, "公布结果（released）须为 true 或 false")
    if grades is not None and not isinstance(grades, bool):
        raise ApiError(400, "是否在大屏显示等次（grades）须为 true 或 false")
    await release_results(request.app, meeting, released, grades)
    return json_response({"released": released,
                          "grades": meeting.release_grades if grades is None else grades})


async def finalize(request: web.Request) -> web.Response:
    """Archive a meeting: every window must be closed. Afterwards no one can tell who cast which ballot, not
    even from the files under DATA_DIR (lua/finalize.lua, then the append-only file is rewritten)."""
    meeting = await _meeting(request)
    k = meeting_keys(meeting.id)
    merge_groups = not meeting.rules.weights.group    # groups no rule needs are merged
    reply = await request.app[SCRIPTS].finalize(keys=k.finalize, args=[
        k.channel, int(time.time()), secrets.randbelow(2**31 - 1) + 1, int(merge_groups), UNGROUPED])
    if reply[0] == "open":
        raise ApiError(409, "请先结束所有正在进行的测评，再归档会议")
    if reply[0] == "no_meeting":
        raise ApiError(404, "会议不存在")
    try:
        on_disk = await forget_on_disk(request.app[REDIS])
    except (TimeoutError, EmbeddedRedisError) as e:
        log.error("finalize %s: the append-only file was not rewritten: %s", meeting.id, e)
        raise ApiError(503, "会议已归档，但数据文件尚未完成清理，请稍后再点一次“归档会议”") from None
    return json_response({"finalized": True, "comments": int(reply[1]), "rewritten_on_disk": on_disk})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/admin/meetings", index)
    r.add_post("/api/admin/meetings", create)
    r.add_post("/api/admin/meetings/import", import_files)
    r.add_get("/api/admin/meetings/{id}", detail)
    r.add_post("/api/admin/meetings/{id}/open", open_window)
    r.add_post("/api/admin/meetings/{id}/close", close_window)
    r.add_get("/api/admin/meetings/{id}/results", results_view)
    r.add_get("/api/admin/meetings/{id}/audit", audit)
    r.add_get("/api/admin/meetings/{id}/qr", qr)
    r.add_get("/api/admin/meetings/{id}/export.xlsx", export_xlsx)
    r.add_get("/api/admin/meetings/{id}/export.csv", export_csv)
    r.add_post("/api/admin/meetings/{id}/release", release)
    r.add_post("/api/admin/meetings/{id}/finalize", finalize)
    decisions.setup(app)
    importer.setup(app)
    deadlines.setup(app)
    screen_pages.setup(app)
    deletion.setup(app)
