"""The organizer's view of the outbox (docs/api.md): every message with its status, reason, attempts and
channel, per meeting or all; resend (a failed, skipped or uncertain message, explicitly) and cancel (a message
not yet being sent). The console page /admin/outbox shows the same through these routes."""
from __future__ import annotations

import re

import aiohttp_jinja2
from aiohttp import web

from voting.appkeys import REDIS
from voting.console.admin_pages import admin_page
from voting.errors import ApiError
from voting.responses import json_response
from voting.meetings import list_meetings, load_meeting

from ..identity import account
from ..appkeys import OUTBOX, OUTBOX_CONFIG, OUTBOX_SENDER, WECHAT_API
from .queue import STATUSES, Outbox, public

MESSAGE_ID = re.compile(r"^[0-9]{1,18}$")
MAX_LIST = 2000


def _outbox(request: web.Request) -> Outbox:
    return request.app[OUTBOX]


async def _meeting_filter(request: web.Request) -> str | None:
    mid = request.query.get("meeting", "")
    if not mid:
        return None
    return (await load_meeting(request.app[REDIS], mid)).id      # 404 会议不存在


def _limit(request: web.Request) -> int:
    raw = request.query.get("limit", "")
    if not raw:
        return 500
    if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= MAX_LIST:
        raise ApiError(400, f"条数（limit）须为 1 到 {MAX_LIST} 的整数")
    return int(raw)


async def list_messages(request: web.Request) -> web.Response:
    """GET /api/admin/outbox?meeting=ID&status=failed&limit=N → {messages: [...], counts, paused_for, ...}."""
    mid = await _meeting_filter(request)
    status = request.query.get("status", "")
    if status and status not in STATUSES:
        raise ApiError(400, "状态（status）须为 queued、sent、failed、skipped 或 uncertain")
    messages = [public(m) for m in await _outbox(request).listing(mid, _limit(request))]
    counts = {s: 0 for s in STATUSES}
    for m in messages:
        counts[m["status"]] += 1
    if status:
        messages = [m for m in messages if m["status"] == status]
    redis = request.app[REDIS]
    return json_response({
        "messages": messages, "counts": counts, "paused_for": await _outbox(request).paused_for(),
        "rate": request.app[OUTBOX_CONFIG].rate, "console": request.app[WECHAT_API].console,
        "template_configured": bool(await account.template_id(redis))})


async def _message_id(request: web.Request) -> str:
    ident = request.match_info["id"]
    if not MESSAGE_ID.match(ident):
        raise ApiError(404, "消息不存在")
    return ident


async def one_message(request: web.Request) -> web.Response:
    msg = await _outbox(request).get(await _message_id(request))
    if msg is None:
        raise ApiError(404, "消息不存在")
    return json_response(public(msg))


STATE_TEXT = {"queued": "尚在队列中", "sending": "正在发送", "claimed": "正在发送", "sent": "已发送",
              "failed": "发送失败", "skipped": "已跳过", "uncertain": "状态不确定"}


async def resend(request: web.Request) -> web.Response:
    """A failed, skipped or uncertain message goes out again: the organizer has checked it did not arrive."""
    ident = await _message_id(request)
    result, status = await _outbox(request).resend(ident)
    if result == "missing":
        raise ApiError(404, "消息不存在")
    if result == "state":
        raise ApiError(409, f"该消息{STATE_TEXT.get(status, status)}，只有发送失败、已跳过或状态不确定的消息可以重发")
    request.app[OUTBOX_SENDER].notify()
    return json_response(public(await _outbox(request).get(ident)))


async def cancel(request: web.Request) -> web.Response:
    ident = await _message_id(request)
    result, status = await _outbox(request).cancel(ident, "已取消")
    if result == "missing":
        raise ApiError(404, "消息不存在")
    if result == "state":
        raise ApiError(409, f"该消息{STATE_TEXT.get(status, status)}，只能取消尚未发送的消息")
    return json_response(public(await _outbox(request).get(ident)))


async def meeting_choice(request: web.Request) -> dict:
    """The console pages' meeting filter: every meeting, and the one `?meeting=` names when it exists."""
    meetings = await list_meetings(request.app[REDIS])
    selected = request.query.get("meeting", "")
    return {"meetings": meetings, "selected": selected if any(m["id"] == selected for m in meetings) else ""}


@admin_page
async def console_page(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("admin_outbox.html", request, {
        **await meeting_choice(request), "console": request.app[WECHAT_API].console})


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/admin/outbox", list_messages)
    r.add_get("/api/admin/outbox/{id}", one_message)
    r.add_post("/api/admin/outbox/{id}/resend", resend)
    r.add_post("/api/admin/outbox/{id}/cancel", cancel)
    r.add_get("/admin/outbox", console_page)
