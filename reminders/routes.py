"""The reminders' API (docs/api.md), the console page /admin/reminders, and the page with a reminder's whole
text that template messages link to."""
from __future__ import annotations

import re
import time
from datetime import date

import aiohttp_jinja2
from aiohttp import web

from bot.appkeys import OUTBOX, OUTBOX_CONFIG
from bot.identity.bindings import bindings, mask
from bot.outbox.queue import public as public_message
from bot.outbox.routes import meeting_choice
from voting.appkeys import REDIS, SETTINGS, SIGNER
from voting.clock import FIRST_YEAR, LAST_YEAR, china, in_range
from voting.console.admin_pages import admin_page
from voting.errors import ApiError
from voting.request_body import read_json
from voting.responses import json_response
from voting.meetings import load_meeting

from . import audience as audiences
from .appkeys import REMINDER_CONFIG, REMINDERS, SCHEDULER
from .presets import presets
from .scheduler import next_time
from .spec import parse_reminder
from .store import Reminders

REMINDER_ID = re.compile(r"^[0-9]{1,18}$")
UNBOUND = "尚未绑定微信，无法发送（请打印通知，或请其扫描个人绑定二维码）"


def _iso(ms) -> str | None:
    return china(ms / 1000).isoformat(timespec="seconds") if isinstance(ms, (int, float)) else None


def public(rec: dict) -> dict:
    return {"id": rec["id"], "status": rec["status"], "meeting": rec["meeting"],
            "meeting_title": rec.get("meeting_title", ""), "text": rec["text"], "audience": rec["audience"],
            "audience_text": audiences.describe(rec["audience"]), "at": _iso(rec.get("at")),
            "every_s": rec.get("every_s"), "max_times": rec.get("max_times", 1), "urgent": rec.get("urgent", False),
            "fired": rec.get("fired", 0), "next_at": _iso(rec.get("next_at")) if rec["status"] == "scheduled" else None,
            "last_at": _iso(rec.get("last_at")), "created": _iso(rec.get("created")),
            "done_reason": rec.get("done_reason", ""), "note": rec.get("note", "")}


def _store(request: web.Request) -> Reminders:
    return request.app[REMINDERS]


async def create(request: web.Request) -> web.Response:
    """POST /api/admin/reminders → 201 {id, status, first_at, audience, unbound, postponed}."""
    redis, config = request.app[REDIS], request.app[REMINDER_CONFIG]
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    meeting_id = body.get("meeting")
    if not isinstance(meeting_id, str):
        raise ApiError(400, "缺少会议编号（meeting）")
    meeting = await load_meeting(redis, meeting_id)
    spec = parse_reminder(body, meeting, config)
    members = await audiences.members(redis, meeting, spec.audience)
    if not members:
        raise ApiError(400, f"提醒对象为空：目前没有{audiences.describe(spec.audience)}")
    first = next_time(spec.at, spec.urgent, request.app[OUTBOX_CONFIG])
    rid = await _store(request).create({
        "meeting": meeting.id, "meeting_title": meeting.title, "text": spec.text, "audience": spec.audience,
        "at": int(spec.at * 1000), "every_s": spec.every_s, "max_times": spec.max_times, "urgent": spec.urgent},
        first)
    request.app[SCHEDULER].notify()
    bound, _ = await bindings(redis, meeting.id)
    return json_response({
        "id": rid, "status": "scheduled", "first_at": china(first).isoformat(timespec="seconds"),
        "postponed": first > spec.at + 1, "audience": len(members),
        "unbound": [{"id": sid, "name": meeting.names[sid]} for sid in members if not bound.get(sid)]}, status=201)


async def index(request: web.Request) -> web.Response:
    mid = request.query.get("meeting") or None
    if mid is not None:
        mid = (await load_meeting(request.app[REDIS], mid)).id
    return json_response({"reminders": [public(r) for r in await _store(request).listing(mid)]})


async def _record(request: web.Request) -> dict:
    rid = request.match_info["id"]
    rec = await _store(request).get(rid) if REMINDER_ID.match(rid) else None
    if rec is None:
        raise ApiError(404, "提醒不存在")
    return rec


async def detail(request: web.Request) -> web.Response:
    """{…, deliveries: [{to, occurrence, status, reason?, secretary, name, message, channel}]}."""
    rec = await _record(request)
    deliveries = await _store(request).deliveries(rec["id"])
    messages = await request.app[OUTBOX].get_many([d.message for d in deliveries if d.message])
    try:
        names = (await load_meeting(request.app[REDIS], rec["meeting"])).names
    except ApiError:
        names = {}
    out = []
    for d in deliveries:
        item = {"to": mask(d.openid) if d.openid else "", "occurrence": d.occurrence, "secretary": d.sid,
                "name": names.get(d.sid, "")}
        msg = messages.get(d.message)
        if msg is None:
            item.update(status="skipped", reason=UNBOUND if not d.message else "消息记录已不存在", message=None)
        else:
            shown = public_message(msg)
            item.update(status=shown["status"], message=shown["id"], channel=shown["channel"])
            if shown.get("error") or shown["note"]:
                item["reason"] = shown.get("error") or shown["note"]
        out.append(item)
    return json_response({**public(rec), "deliveries": out})


async def cancel(request: web.Request) -> web.Response:
    """DELETE /api/admin/reminders/{id}: no further occurrence; its messages not yet sent become skipped "已取消".
    A reminder that has run its course can still have messages waiting (a retry): those are cancelled."""
    rec = await _record(request)
    result, status = await _store(request).cancel(rec["id"])
    if status == "cancelled" and result == "state":
        raise ApiError(409, "该提醒已取消")
    cancelled = 0
    for d in await _store(request).deliveries(rec["id"]):
        if d.message and (await request.app[OUTBOX].cancel(d.message, "已取消"))[0] == "ok":
            cancelled += 1
    if result == "state" and not cancelled:
        raise ApiError(409, "该提醒已结束，消息均已处理，无可取消")
    return json_response({"id": rec["id"], "status": "cancelled" if result == "ok" else status,
                          "cancelled_messages": cancelled})


async def preset_list(request: web.Request) -> web.Response:
    """GET /api/admin/reminders/presets?meeting_date=YYYY-MM-DD: the documents' deadlines as suggestions."""
    raw = request.query.get("meeting_date", "")
    wrong = ApiError(400, f"会议日期（meeting_date）须为 {FIRST_YEAR}–{LAST_YEAR} 年间的日期，如 2026-12-28")
    try:
        day = date.fromisoformat(raw) if raw else None
    except ValueError:
        raise wrong from None
    if day is not None and not in_range(day):      # year 1 or 9999: the presets' arithmetic overflowed (a 500)
        raise wrong
    return json_response({"presets": presets(time.time(), day)})


async def text_page(request: web.Request) -> web.Response:
    """The reminder's text as the template message's link shows it (a signed link: no login)."""
    rid = request.match_info["id"]
    payload = request.app[SIGNER].unsign(request.query.get("t"))
    if not payload or payload.get("rr") != rid:
        raise ApiError(403, "链接无效或已过期")
    rec = await _record(request)
    return aiohttp_jinja2.render_template("reminder.html", request, {"rec": public(rec)})


@admin_page
async def console_page(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("admin_reminders.html", request, {
        **await meeting_choice(request), "audiences": {k: v[0] for k, v in audiences.AUDIENCES.items()},
        "config": request.app[REMINDER_CONFIG]})


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_post("/api/admin/reminders", create)
    r.add_get("/api/admin/reminders", index)
    r.add_get("/api/admin/reminders/presets", preset_list)
    r.add_get("/api/admin/reminders/{id}", detail)
    r.add_delete("/api/admin/reminders/{id}", cancel)
    r.add_get("/admin/reminders", console_page)
    r.add_get("/reminders/{id}/text", text_page)
