"""Pages for the room: the attendee's ballot (plain HTML forms, so any phone browser works) and the projector."""
from __future__ import annotations

import re
import secrets

import aiohttp_jinja2
from aiohttp import web

from ..appkeys import REDIS, SETTINGS, SIGNER
from ..errors import ApiError
from ..request_body import read_form
from ..join import join
from ..join_qr import join_qr as screen_join_qr
from ..limits import client_address
from ..meetings import Meeting, load_meeting
from . import ballot_page
from .ballot_page import NO_STORE
from .qr import qr_svg


DEVICE_COOKIE = "jd"
_DEVICE = re.compile(r"[A-Za-z0-9_-]{16,32}")


def voter_cookie(mid: str) -> str:
    return f"vt_{mid}"


def current_voter(request: web.Request, meeting: Meeting) -> dict | None:
    try:
        return request.app[SIGNER].voter(request.cookies.get(voter_cookie(meeting.id)), meeting.id)
    except ApiError:
        return None


def joined_response(request: web.Request, meeting: Meeting, token: str) -> web.HTTPSeeOther:
    """To the ballot page, the phone holding its voter token in a cookie (also bot/'s WeChat join)."""
    resp = web.HTTPSeeOther(f"/m/{meeting.id}")
    resp.set_cookie(voter_cookie(meeting.id), token, max_age=request.app[SETTINGS].voter_token_ttl,
                    httponly=True, samesite="Lax", path="/")
    return resp


def device_of(request: web.Request) -> str | None:
    """The browser's join cookie: wrong codes are also counted per device (voting/join.py), so a mistyping
    phone, or a prankster's, is slowed without slowing the rest of a hall behind one address."""
    value = request.cookies.get(DEVICE_COOKIE, "")
    return value if _DEVICE.fullmatch(value) else None


def _join_page(request, meeting: Meeting, code: str = "", error: str = "", status: int = 200):
    resp = aiohttp_jinja2.render_template("join.html", request, {
        "meeting": meeting, "code": code, "error": error,
        "ask_group": meeting.eligibility == "open" and bool(meeting.voter_groups)}, status=status)
    if device_of(request) is None:
        resp.set_cookie(DEVICE_COOKIE, secrets.token_urlsafe(16), max_age=86400, httponly=True, samesite="Lax",
                        path="/")
    return resp


async def ballot(request: web.Request) -> web.Response:
    """GET /m/{id}: the ballot for a joined attendee, else joining (automatic when the QR carries a code)."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    voter = current_voter(request, meeting)
    code = request.query.get("code", "")
    if voter:
        done = [sid for sid in request.query.get("done", "").split(",") if sid]
        return await ballot_page.render(request, meeting, voter, done=done[:len(meeting.secretaries)])
    if code and (meeting.eligibility == "roster" or not meeting.voter_groups):
        try:
            result = await join(request.app, meeting, code, remote=client_address(request),
                                device=device_of(request))
        except ApiError as e:
            return _join_page(request, meeting, code, e.message, e.status)
        raise joined_response(request, meeting, result["token"])
    return _join_page(request, meeting, code)


async def join_form(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    form = await read_form(request)
    code, group = str(form.get("code", "")), form.get("group") or None
    try:
        result = await join(request.app, meeting, code, group, remote=client_address(request),
                            device=device_of(request))
    except ApiError as e:
        return _join_page(request, meeting, code, e.message, e.status)
    raise joined_response(request, meeting, result["token"])


async def vote_form(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    voter = current_voter(request, meeting)
    if not voter:
        return _join_page(request, meeting, error="投票凭证已失效，请重新扫码加入", status=401)
    return await ballot_page.vote_form(request, meeting, voter)


async def screen(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    key = request.query.get("k", "")
    shows_join = meeting.shows_join(key)
    return aiohttp_jinja2.render_template("screen.html", request, {
        "meeting": meeting, "key": key if shows_join else "", "shows_join": shows_join,
        "ballot_url": meeting.ballot_url(request.app[SETTINGS].base_url)})


async def join_qr(request: web.Request) -> web.Response:
    """The QR of the current join URL, for the projector only (it holds the screen key)."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    if not meeting.shows_join(request.query.get("k", "")):
        raise ApiError(403, "需要大屏链接中的密钥")
    qr = await screen_join_qr(request.app, meeting)       # WeChat's QR when the account has credentials
    return web.Response(text=qr_svg(qr["url"]), content_type="image/svg+xml", headers=NO_STORE)


async def home(request: web.Request) -> web.Response:
    raise web.HTTPFound("/admin")


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/", home)
    r.add_get("/m/{id}", ballot)
    r.add_post("/m/{id}/join", join_form)
    r.add_post("/m/{id}/vote", vote_form)
    r.add_get("/meetings/{id}/screen", screen)
    r.add_get("/meetings/{id}/join-qr.svg", join_qr)
