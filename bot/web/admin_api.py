"""The organizer's side of the official account (console and JSON API, under the admin session or token):
secretaries' binding QR codes and their state, confirming bindings, the template message, the organizers.

Accounts are shown masked and named by an opaque reference (`ref`, refs.py), never by their openid.
"""
from __future__ import annotations

import re
import time

from aiohttp import web

from voting.appkeys import REDIS
from voting.errors import ApiError
from voting.request_body import read_json
from voting.responses import json_response
from voting.meetings import Meeting, load_meeting
from voting.room.qr import qr_svg

from .. import keys
from ..identity import account, binding_notices, bindings, refs, scenes
from ..wechat_api import credentials
from ..appkeys import WECHAT_API, WECHAT_CONFIG, WECHAT_HANDLER
from ..inbound.messages import SCENE_PREFIX, Incoming, NewsReply
from ..identity.qr import bind_qr, wechat_qr

REF_TTL = 30 * 86400
TEMPLATE_ID = re.compile(r"[A-Za-z0-9_-]{0,64}")       # "" clears it


def account_ref(app: web.Application, openid: str, sid: str = "") -> str:
    """Opaque (refs.py): the console never receives an openid, masked or not."""
    return refs.seal(app, {"o": openid, "s": sid}, REF_TTL)


def _from_ref(app: web.Application, ref) -> tuple[str, str]:
    data = refs.unseal(app, ref)
    if not data or not isinstance(data.get("o"), str) or not isinstance(data.get("s", ""), str):
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
    if action in ("confirm", "reject"):
        decide = bindings.confirm if action == "confirm" else bindings.reject
        asked = await decide(redis, meeting.id, sid, openid)
        if asked is not None:                # the applicant was told "确认后生效": say what was decided
            await binding_notices.tell_decision(request.app, meeting, asked, action == "confirm")
        done = asked is not None
    elif action == "unbind":
        done = await bindings.unbind(redis, meeting.id, sid, openid)
    else:
        raise ApiError(400, "操作（action）须为 confirm（确认）、reject（拒绝）或 unbind（解除绑定）")
    if not done:
        raise ApiError(409, "该绑定申请或绑定已不存在，请刷新页面")
    return json_response(await binding_state(request.app, meeting))


async def account_state(app: web.Application) -> dict:
    """What /admin/wechat shows and GET /api/admin/wechat answers."""
    redis, config = app[REDIS], app[WECHAT_CONFIG]
    refused = await redis.get(keys.plaintext_refused())
    return {
        "mode": "console" if config.console else "wechat", "webhook": config.webhook,
        "safe_mode": config.safe_mode, "mini_program": config.mini_program,
        "credentials": await credentials.status(app),
        "plaintext_refused_at": int(refused) if refused else None,
        "template_id": await account.template_id(redis), "template_fields": await account.template_fields(redis),
        "organizers": [{"account": bindings.mask(o), "ref": account_ref(app, o)}
                       for o in await account.organizers(redis)]}


async def account_view(request: web.Request) -> web.Response:
    return json_response(await account_state(request.app))


async def account_change(request: web.Request) -> web.Response:
    """POST {template_id?, template_fields?: {topic, meeting, summary}, remove_organizer?: ref}."""
    body = await read_json(request, 4096)
    redis = request.app[REDIS]
    value = body.get("template_id", "")
    if not isinstance(value, str) or not TEMPLATE_ID.fullmatch(value):
        raise ApiError(400, "模板 ID（template_id）须为公众号后台“模板消息”中的模板 ID（字母、数字、- 和 _）")
    fields = _template_fields(body["template_fields"]) if "template_fields" in body else None
    removed = _from_ref(request.app, body["remove_organizer"])[0] if "remove_organizer" in body else None
    if "template_id" in body:           # checked all before storing any: a refused request changes nothing
        await account.set_template_id(redis, value)
    if fields:
        await account.set_template_fields(redis, fields)
    if removed:
        await account.remove_organizer(redis, removed)
    return await account_view(request)


def _template_fields(value) -> dict[str, str]:
    if not isinstance(value, dict) or set(value) != set(account.TEMPLATE_ROLES):
        raise ApiError(400, "template_fields 须为 {topic, meeting, summary}：事项、会议、内容三项在模板中的字段名")
    for role, label in zip(account.TEMPLATE_ROLES, ("事项", "会议", "内容")):
        name = value[role]
        if not isinstance(name, str) or not account.FIELD_NAME.fullmatch(name):
            raise ApiError(400, f"“{label}”的字段名须为模板详情中 {{{{ }}}} 里 .DATA 之前的部分，如 thing1、keyword1"
                                "（字母开头，字母、数字或 _，至多 32 个字符）")
    if len(set(value.values())) != 3:
        raise ApiError(400, "事项、会议、内容须填三个不同的字段名")
    return dict(value)


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
