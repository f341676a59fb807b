"""`GET /reports/{id}`: the published 述职报告 of a meeting, read-only, for the audience the organizer chose
(publication.py): everyone with the public link (`?k=`), or only this meeting's secretaries (their bound
WeChat, or their personal link `?t=`)."""
from __future__ import annotations

import hmac

import aiohttp_jinja2
from aiohttp import web

from voting.appkeys import REDIS
from voting.errors import ApiError
from voting.meetings import load_meeting

from . import documents, status
from .identity import link_holder, wechat_available, wechat_secretaries
from .pages import NO_STORE
from .publication import published


async def reports_page(request: web.Request) -> web.Response:
    redis = request.app[REDIS]
    meeting = await load_meeting(redis, request.match_info["id"])
    pub = await published(redis, meeting.id)
    if pub is None:
        raise ApiError(404, "本次会议的述职报告尚未公布")
    if pub["audience"] == "public":
        key = request.query.get("k", "")
        if not key.isascii() or not hmac.compare_digest(key, pub["key"]):
            raise ApiError(403, "链接无效或已失效，请向组织部门索取公布链接")
    elif "t" in request.query:
        if await link_holder(request.app, meeting, request.query["t"]) is None:
            raise ApiError(403, "链接无效、已过期或已被更换，请向组织部门索取新的链接")
    elif not wechat_available(request) or not await wechat_secretaries(request, meeting):
        raise ApiError(403, "述职报告仅在本次会议的述职书记范围内公布（请用已绑定的微信或个人链接打开）")
    docs = await documents.load_all(redis, meeting.id, "report")
    states = await status.statuses(redis, meeting.id, "report")
    items = [{**s, "text": docs[s["id"]]["text"] if states.get(s["id"], {}).get("status") == status.SUBMITTED
              and s["id"] in docs else ""} for s in meeting.secretaries]
    response = aiohttp_jinja2.render_template("paper_published.html", request, {
        "meeting": meeting, "items": items, "audience": pub["audience"]})
    response.headers.update(NO_STORE)
    return response


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/reports/{id}", reports_page)
