"""The bot's pages: the organizer's account settings and printable sheet of binding QR codes, and the H5
binding page that a binding link opens inside WeChat (the fallback where no account QR can be made)."""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from voting.appkeys import REDIS, SIGNER
from voting.console.admin_pages import admin_page
from voting.errors import ApiError
from voting.meetings import load_meeting
from voting.room.qr import qr_svg

from ..identity import bindings, scenes
from .admin_api import account_state
from ..appkeys import WECHAT_API
from ..inbound.handler import bind_reply
from ..identity.oauth import require_user
from ..identity.qr import bind_qr


@admin_page
async def account_page(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("admin_wechat.html", request, await account_state(request.app))


@admin_page
async def bindings_page(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    return aiohttp_jinja2.render_template("admin_bindings.html", request, {
        "meeting": meeting, "console": request.app[WECHAT_API].console})


@admin_page
async def bind_sheet(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    bound, _ = await bindings.bindings(request.app[REDIS], meeting.id)
    cards = []
    for s in meeting.secretaries:
        code = await bind_qr(request.app, meeting, s["id"])
        cards.append({**s, "qr": qr_svg(code["qr_url"]), "bound": bool(bound.get(s["id"]))})
    return aiohttp_jinja2.render_template("bind_sheet.html", request, {
        "meeting": meeting, "cards": cards, "console": request.app[WECHAT_API].console})


async def bind_page(request: web.Request) -> web.Response:
    """GET /wx/bind/{id}/{sid}?t=: bind the WeChat account that opens this link to that secretary."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    sid, tag = request.match_info["sid"], request.query.get("t", "")
    if sid not in meeting.names or not scenes.bind_tag_ok(request.app[SIGNER], meeting.id, sid, tag):
        raise ApiError(404, "绑定链接无效，请联系组织部门")
    user = await require_user(request)
    reply = await bind_reply(request.app, user.openid, meeting, sid)
    return aiohttp_jinja2.render_template("wx_bound.html", request, {
        "meeting": meeting, "message": reply.content, "ok": reply.content.startswith(("绑定成功", "您的微信已绑定为"))})


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/admin/wechat", account_page)
    app.router.add_get("/admin/meetings/{id}/bind-sheet", bind_sheet)
    app.router.add_get("/admin/meetings/{id}/wechat", bindings_page)
    app.router.add_get("/wx/bind/{id}/{sid}", bind_page)
