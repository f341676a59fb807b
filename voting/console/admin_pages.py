"""The organizer's console pages. They call the admin API from the browser, authenticated by a session that
logging in with the admin token starts (admin_auth.py): the browser never keeps the token itself."""
from __future__ import annotations

from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

import scoring

from ..appkeys import CONSOLE_PAGES, MEETING_PAGES, REDIS, SETTINGS
from ..request_body import read_form
from ..meetings import list_meetings, load_meeting
from ..room.qr import qr_svg
from ..spec import DIRECTIONS, ELIGIBILITY, MODES
from .admin import describe
from .admin_auth import admin_via, end_session, holds_session, judge_token, same_site, start_session, token_ok


async def _token_right(request: web.Request, token: str) -> bool:
    """A token typed or linked by someone who already holds a session is checked without the guess limit:
    the organizer is never refused for what others on the same address tried (admin_auth.py)."""
    if await holds_session(request):
        return token_ok(request.app, token)
    return await judge_token(request, token)


def admin_page(handler):
    """Pages need an organizer session; `?token=` in a printed link logs in once and is dropped from the URL."""
    async def wrapper(request: web.Request):
        token = request.query.get("token")
        if token is not None:
            if not await _token_right(request, token):
                raise web.HTTPSeeOther("/admin/login?error=1")
            resp = web.HTTPSeeOther(request.path)
            await start_session(request, resp)
            raise resp
        if await admin_via(request) is None:
            raise web.HTTPSeeOther(f"/admin/login?next={quote(request.path)}")
        return await handler(request)
    return wrapper


def _next(target: str) -> str:
    """Only our own console pages: never an open redirect ("/admin.evil.example", "//host")."""
    return target if target == "/admin" or target.startswith("/admin/") else "/admin"


async def login_page(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("admin_login.html", request, {
        "error": "管理员令牌错误" if request.query.get("error") else "",
        "next": _next(request.query.get("next", "/admin"))})


async def login(request: web.Request) -> web.Response:
    form = await read_form(request)
    token, target = str(form.get("token", "")).strip(), _next(str(form.get("next") or "/admin"))
    if not same_site(request):
        return aiohttp_jinja2.render_template("admin_login.html", request,
                                              {"error": "请在本系统的登录页面登录", "next": target}, status=403)
    if not await _token_right(request, token):
        return aiohttp_jinja2.render_template("admin_login.html", request,
                                              {"error": "管理员令牌错误", "next": target}, status=403)
    resp = web.HTTPSeeOther(target)
    await start_session(request, resp)
    raise resp


async def logout(request: web.Request) -> web.Response:
    resp = web.HTTPSeeOther("/admin/login")
    if same_site(request):
        await end_session(request, resp)
    raise resp


@admin_page
async def index(request: web.Request) -> web.Response:
    return aiohttp_jinja2.render_template("admin_index.html", request, {
        "meetings": await list_meetings(request.app[REDIS]), "modes": MODES, "eligibility": ELIGIBILITY,
        "presets": [(p, scoring.load_rules(p).label) for p in scoring.PRESETS], "default_preset": scoring.DEFAULT_PRESET, "directions": DIRECTIONS,
        "pages": request.app.get(CONSOLE_PAGES, [])})


@admin_page
async def meeting_page(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    info = describe(request.app[SETTINGS], meeting)
    return aiohttp_jinja2.render_template("admin_meeting.html", request, {
        "meeting": meeting, "info": info, "modes": MODES, "ballot_qr": qr_svg(info["ballot_url"]),
        "pages": meeting_pages(request.app, meeting)})


def meeting_pages(app: web.Application, meeting) -> list[tuple[str, str]]:
    """The extensions' pages of this meeting (label, path): those whose `shows` predicate accepts it."""
    return [(label, path.replace("{id}", meeting.id)) for label, path, *shows in app.get(MEETING_PAGES, [])
            if not shows or shows[0](meeting)]


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
    r.add_post("/admin/logout", logout)
    r.add_get("/admin/meetings/{id}", meeting_page)
    r.add_get("/admin/meetings/{id}/invites", invites)
