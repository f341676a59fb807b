"""Pages for the room: the attendee's ballot (plain HTML forms, so any phone browser works) and the projector."""
from __future__ import annotations

import json
import secrets

import aiohttp_jinja2
from aiohttp import web

import scoring
from scoring.text import GRADES

from . import admin_pages
from .appkeys import REDIS, SETTINGS, SIGNER
from .ballots import cast, parse_ballot
from .errors import ApiError, read_form
from .join import join
from .keys import meeting_keys
from .meetings import Meeting, load_meeting
from .qr import qr_svg
from .state import meeting_state

NO_STORE = {"Cache-Control": "no-store"}


def ballot_bands(meeting: Meeting) -> list[tuple[str, list[int]]]:
    """The form's columns, from the rules that grade this meeting (004 附件1: 好=10, 较好=9–7, 一般=6–4,
    差=3–1), so the buttons never say one thing while the grading counts another."""
    form = scoring.load_rules(meeting.preset).ballot
    columns: dict[str, list[int]] = {}
    for score in range(10, 0, -1):
        columns.setdefault(GRADES[form.category(score)], []).append(score)
    return list(columns.items())


def voter_cookie(mid: str) -> str:
    return f"vt_{mid}"


def current_voter(request: web.Request, meeting: Meeting) -> dict | None:
    try:
        return request.app[SIGNER].voter(request.cookies.get(voter_cookie(meeting.id)), meeting.id)
    except ApiError:
        return None


def _joined(request: web.Request, meeting: Meeting, token: str) -> web.HTTPSeeOther:
    resp = web.HTTPSeeOther(f"/m/{meeting.id}")
    resp.set_cookie(voter_cookie(meeting.id), token, max_age=request.app[SETTINGS].voter_token_ttl,
                    httponly=True, samesite="Lax", path="/")
    return resp


def _join_page(request, meeting: Meeting, code: str = "", error: str = "", status: int = 200):
    return aiohttp_jinja2.render_template("join.html", request, {
        "meeting": meeting, "code": code, "error": error,
        "ask_group": meeting.eligibility == "open" and bool(meeting.voter_groups)}, status=status)


async def _ballot_page(request, meeting: Meeting, voter: dict, done=(), errors=None, status=200):
    redis = request.app[REDIS]
    state = await meeting_state(redis, meeting)
    sids = [s["id"] for s in meeting.secretaries]
    stored = await redis.hmget(meeting_keys(meeting.id).ballots, [f"{voter['v']}:{sid}" for sid in sids])
    mine = dict(zip(sids, stored))
    items = []
    for s in meeting.secretaries:
        current = json.loads(mine[s["id"]]) if mine[s["id"]] else None
        items.append({**s, "status": "open" if s["id"] in state["open"] else
                      "closed" if s["id"] in state["closed"] else "waiting",
                      "score": int(current[0]) if current else None,
                      "problems": current[1] if current else "", "suggestions": current[2] if current else "",
                      "ballot_id": secrets.token_urlsafe(12)})
    by_id = {i["id"]: i for i in items}
    bands = ballot_bands(meeting)
    response = aiohttp_jinja2.render_template("ballot.html", request, {
        "meeting": meeting, "items": items, "open": [i for i in items if i["status"] == "open"],
        "done": [by_id[sid] for sid in done if sid in by_id and by_id[sid]["score"]],
        "errors": errors or {}, "bands": bands,
        "band_of": {n: band for band, scores in bands for n in scores}, "group": voter["g"]}, status=status)
    response.headers.update(NO_STORE)
    return response


async def ballot(request: web.Request) -> web.Response:
    """GET /m/{id}: the ballot for a joined attendee, else joining (automatic when the QR carries a code)."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    voter = current_voter(request, meeting)
    code = request.query.get("code", "")
    if voter:
        done = [sid for sid in request.query.get("done", "").split(",") if sid]
        return await _ballot_page(request, meeting, voter, done=done)
    if code and (meeting.eligibility == "roster" or not meeting.voter_groups):
        try:
            result = await join(request.app, meeting, code, remote=request.remote or "")
        except ApiError as e:
            return _join_page(request, meeting, code, e.message, e.status)
        raise _joined(request, meeting, result["token"])
    return _join_page(request, meeting, code)


async def join_form(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    form = await read_form(request)
    code, group = str(form.get("code", "")), form.get("group") or None
    try:
        result = await join(request.app, meeting, code, group, remote=request.remote or "")
    except ApiError as e:
        return _join_page(request, meeting, code, e.message, e.status)
    raise _joined(request, meeting, result["token"])


async def vote_form(request: web.Request) -> web.Response:
    """One form for every open secretary; each filled score is its own ballot with its own ballot_id."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    voter = current_voter(request, meeting)
    if not voter:
        return _join_page(request, meeting, error="投票凭证已失效，请重新扫码加入", status=401)
    form = await read_form(request)
    ballots, errors = [], {}
    for sid in form.getall("sid", []):
        score = str(form.get(f"score_{sid}", ""))
        data = {"ballot_id": form.get(f"ballot_{sid}"), "secretary": sid, "score": score,
                "problems": form.get(f"problems_{sid}", ""), "suggestions": form.get(f"suggestions_{sid}", "")}
        if not score:
            if str(data["problems"]).strip() or str(data["suggestions"]).strip():
                errors[sid] = "请先选择分数，再提交意见"
            continue
        try:
            ballots.append(parse_ballot(data))
        except ApiError as e:
            errors[sid] = e.message
    if not ballots and not errors:
        errors["_"] = "请至少为一位书记选择分数"
    done, status = [], 400 if errors else 200
    for b in ballots:
        try:
            await cast(request.app, meeting.id, voter["v"], b)
            done.append(b.secretary)
        except ApiError as e:
            errors[b.secretary], status = e.message, e.status
    if errors:
        return await _ballot_page(request, meeting, voter, done=done, errors=errors, status=status)
    raise web.HTTPSeeOther(f"/m/{meeting.id}?done={','.join(done)}")


async def screen(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    key = request.query.get("k", "")
    shows_join = meeting.shows_join(key)
    return aiohttp_jinja2.render_template("screen.html", request, {
        "meeting": meeting, "key": key if shows_join else "", "shows_join": shows_join,
        "ballot_url": meeting.ballot_url(request.app[SETTINGS].base_url), "bands": ballot_bands(meeting)})


async def join_qr(request: web.Request) -> web.Response:
    """The QR of the current join URL, for the projector only (it holds the screen key)."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    if not meeting.shows_join(request.query.get("k", "")):
        raise ApiError(403, "需要大屏链接中的密钥")
    settings = request.app[SETTINGS]
    url = meeting.ballot_url(settings.base_url, meeting.join_code(settings.join_code_period))
    return web.Response(text=qr_svg(url), content_type="image/svg+xml", headers=NO_STORE)


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
    admin_pages.setup(app)
