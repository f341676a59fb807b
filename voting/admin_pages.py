"""The organizer's console pages. They call the admin API from the browser; auth is the same token, kept in
an HttpOnly SameSite=Strict cookie after login (or after opening the link `python -m voting` prints)."""
from __future__ import annotations

from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

import scoring

from .admin import ADMIN_COOKIE, admin_token_ok, describe, is_admin
from .appkeys import REDIS, SETTINGS
from .meetings import list_meetings, load_meeting
from .qr import qr_svg
from .spec import ELIGIBILITY, MODES


def _login_cookie(resp: web.StreamResponse, token: str):
    resp.set_cookie(ADMIN_COOKIE, token, httponly=True, samesite="Strict", path="/", max_age=30 * 86400)


def admin_page(handler):
    """Pages need the admin token; `?token=` in a printed link logs in once and is dropped from the URL."""
    async def wrapper(request: web.Request):
        token = request.query.get("token")
        if token is not None:
            if not admin_token_ok(request.app, token):
                raise web.HTTPSeeOther("/admin/login?error=1")
            resp = web.HTTPSeeOther(request.path)
            _login_cookie(resp, token)
            raise resp
        if not is_admin(request):
            raise web.HTTPSeeOther(f"/admin/login?next={quote(request.path)}")
        return await handler(request)
    return wrapper


async def login_page(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("admin_login.html", request, {
        "error": "管理员令牌错误" if request.query.get("error") else "",
        "next": request.query.get("next", "/admin")})


async def login(request: web.Request) -> web.Response:
    form = await request.post()
    token, target = str(form.get("token", "")).strip(), str(form.get("next") or "/admin")
    if not target.startswith("/admin"):
        target = "/admin"
    if not admin_token_ok(request.app, token):
        return aiohttp_jinja2.render_template("admin_login.html", request,
                                              {"error": "管理员令牌错误", "next": target}, status=403)
    resp = web.HTTPSeeOther(target)
    _login_cookie(resp, token)
    raise resp


@admin_page
async def index(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("admin_index.html", request, {
        "meetings": await list_meetings(request.app[REDIS]), "modes": MODES, "eligibility": ELIGIBILITY,
        "presets": scoring.PRESETS, "default_preset": scoring.DEFAULT_PRESET})


@admin_page
async def meeting_page(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    info = describe(request.app[SETTINGS], meeting)
    return aiohttp_jinja2.render_template("admin_meeting.html", request, {
        "meeting": meeting, "info": info, "modes": MODES, "ballot_qr": qr_svg(info["ballot_url"])})


@admin_page
async def invites(request: web.Request) -> web.Response:
    """A printable sheet: one card per attendee with their QR. Cards carry the group, never a name."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    base = request.app[SETTINGS].base_url
    cards = [{"code": code, "group": group, "qr": qr_svg(meeting.ballot_url(base, code))}
             for code, group in meeting.invite_codes()]
    return aiohttp_jinja2.render_template("invites.html", request, {"meeting": meeting, "cards": cards})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin", index)
    r.add_get("/admin/login", login_page)
    r.add_post("/admin/login", login)
    r.add_get("/admin/meetings/{id}", meeting_page)
    r.add_get("/admin/meetings/{id}/invites", invites)
