"""The organizer's side of the official account (console and JSON API, under the admin session or token):
secretaries' binding QR codes and their state, confirming bindings, the template message, the organizers.

Accounts are shown masked and named by a signed reference (`ref`), never by their openid.
"""
from __future__ import annotations

import re
import time

from aiohttp import web

from voting.appkeys import REDIS, SIGNER
from voting.errors import ApiError, json_response, read_json
from voting.meetings import Meeting, load_meeting
from voting.room.qr import qr_svg

from . import account, bindings, scenes
from .appkeys import WECHAT_API, WECHAT_CONFIG, WECHAT_HANDLER
from .messages import SCENE_PREFIX, Incoming, NewsReply
from .qr import bind_qr, wechat_qr

REF_TTL = 30 * 86400
TEMPLATE_ID = re.compile(r"[A-Za-z0-9_-]{0,64}")       # "" clears it


def account_ref(app: web.Application, openid: str, sid: str = "") -> str:
    return app[SIGNER].sign({"p": "account", "o": openid, "s": sid}, REF_TTL)


def _from_ref(app: web.Application, ref) -> tuple[str, str]:
    data = app[SIGNER].unsign(ref if isinstance(ref, str) else None)
    if not data or data.get("p") != "account":
        raise ApiError(400, "页面已过期（ref 无效），请刷新页面")
    return data["o"], data.get("s", "")


async def _meeting_and_secretary(request: web.Request) -> tuple[Meeting, str]:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    sid = request.match_info["sid"]
    if sid not in meeting.names:
        raise ApiError(404, "本次会议没有这位述职书记")
    return meeting, sid


async def bind_code(request: web.Request) -> web.Response:
    """GET /api/admin/meetings/{id}/secretaries/{sid}/bind → {scene, url, expires_at, qr_url, kind}."""
    meeting, sid = await _meeting_and_secretary(request)
    return json_response(await bind_qr(request.app, meeting, sid))


async def binding_state(app: web.Application, meeting: Meeting) -> dict:
    bound, pending = await bindings.bindings(app[REDIS], meeting.id)
    return {
        "secretaries": [{"id": s["id"], "name": s["name"], "bound": len(bound.get(s["id"], [])),
                         "accounts": [{"account": bindings.mask(o), "ref": account_ref(app, o, s["id"])}
                                      for o in bound.get(s["id"], [])]} for s in meeting.secretaries],
        "pending": [{"secretary": p.sid, "name": meeting.names.get(p.sid, p.sid), "account": bindings.mask(p.openid),
                     "reason": p.reason, "other": meeting.names.get(p.other, ""), "at": p.at,
                     "ref": account_ref(app, p.openid, p.sid)} for p in pending]}


async def binding_view(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    return json_response(await binding_state(request.app, meeting))


async def binding_change(request: web.Request) -> web.Response:
    """POST {ref, action: confirm | reject | unbind}."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    body = await read_json(request, 4096)
    openid, sid = _from_ref(request.app, body.get("ref"))
    action, redis = body.get("action"), request.app[REDIS]
    if sid not in meeting.names:
        raise ApiError(404, "本次会议没有这位述职书记")
    if action == "confirm":
        done = await bindings.confirm(redis, meeting.id, sid, openid)
    elif action == "reject":
        done = await bindings.reject(redis, meeting.id, sid, openid)
    elif action == "unbind":
        done = await bindings.unbind(redis, meeting.id, sid, openid)
    else:
        raise ApiError(400, "操作（action）须为 confirm（确认）、reject（拒绝）或 unbind（解除绑定）")
    if not done:
        raise ApiError(409, "该绑定申请或绑定已不存在，请刷新页面")
    return json_response(await binding_state(request.app, meeting))


async def account_view(request: web.Request) -> web.Response:
    app, redis = request.app, request.app[REDIS]
    config = app[WECHAT_CONFIG]
    return json_response({
        "mode": "console" if config.console else "wechat", "webhook": config.webhook,
        "safe_mode": config.safe_mode, "mini_program": config.mini_program,
        "template_id": await account.template_id(redis),
        "organizers": [{"account": bindings.mask(o), "ref": account_ref(app, o)}
                       for o in await account.organizers(redis)]})


async def account_change(request: web.Request) -> web.Response:
    """POST {template_id?, remove_organizer?: ref}."""
    body = await read_json(request, 4096)
    redis = request.app[REDIS]
    if "template_id" in body:
        value = body["template_id"]
        if not isinstance(value, str) or not TEMPLATE_ID.fullmatch(value):
            raise ApiError(400, "模板 ID（template_id）须为公众号后台“模板消息”中的模板 ID（字母、数字、- 和 _）")
        await account.set_template_id(redis, value)
    if "remove_organizer" in body:
        openid, _ = _from_ref(request.app, body["remove_organizer"])
        await account.remove_organizer(redis, openid)
    return await account_view(request)


async def organizer_invite(request: web.Request) -> web.Response:
    """POST: a one-time QR (10 minutes) that makes whoever scans it an organizer: {scene, qr_url, expires_at}."""
    invite = await account.organizer_invite(request.app[REDIS])
    scene = scenes.organizer_scene(invite)
    if request.app[WECHAT_API].console:
        return json_response({"scene": scene, "qr_url": None, "expires_at": None})
    qr = await wechat_qr(request.app, scene, account.INVITE_TTL)
    return json_response({"scene": scene, "qr_url": qr["url"], "expires_at": qr["expires_at"],
                          "qr_svg": qr_svg(qr["url"])})


async def simulate(request: web.Request) -> web.Response:
    """POST {openid, event: scan | subscribe | text, value}: what the account answers, without WeChat (the
    simulator's console-mode path, `python -m bot simulate --admin`)."""
    body = await read_json(request, 4096)
    openid, event, value = body.get("openid"), body.get("event"), body.get("value") or ""
    if not isinstance(openid, str) or not 1 <= len(openid) <= 64 or not openid.isprintable():
        raise ApiError(400, "openid 须为 1–64 个字符")
    if event not in ("scan", "subscribe", "text") or not isinstance(value, str) or len(value) > 600:
        raise ApiError(400, "event 须为 scan、subscribe 或 text，value 为场景或文字")
    fields = {"EventKey": (SCENE_PREFIX + value) if event == "subscribe" and value else value}
    message = Incoming(openid=openid, account="gh_simulator", create_time=int(time.time()),
                       msg_type="text" if event == "text" else "event", content=value if event == "text" else None,
                       event=None if event == "text" else event, event_key=value or None, fields=fields)
    reply = await request.app[WECHAT_HANDLER](request.app, message)
    if isinstance(reply, NewsReply):
        a = reply.article
        shown = {"type": "news", "title": a.title, "description": a.description, "url": a.url}
    else:
        shown = {"type": "text", "content": reply.content} if reply else None
    return json_response({"reply": shown})


def setup_routes(app: web.Application) -> None:
    r = app.router
    r.add_get("/api/admin/meetings/{id}/secretaries/{sid}/bind", bind_code)
    r.add_get("/api/admin/meetings/{id}/bindings", binding_view)
    r.add_post("/api/admin/meetings/{id}/bindings", binding_change)
    r.add_get("/api/admin/wechat", account_view)
    r.add_post("/api/admin/wechat", account_change)
    r.add_post("/api/admin/wechat/organizers", organizer_invite)
    r.add_post("/api/admin/wechat/simulate", simulate)
