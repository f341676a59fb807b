"""The organizer's side of the chair's 点评 (001 第五条, 004 §六(三): 一述一评) before and after 反馈本人.

- `GET /api/admin/meetings/{id}/feedback` → `{secretaries: [{id, name, org, dianping, sent_dianping, status,
  edited_after_sending, bound}], console, sheets_url}`: what the 发件箱 page pre-fills, so that a reload does not
  look as if the 点评 were lost. `status`: `none` (not fed back), `printed` (fed back, no bound WeChat: the
  printed sheet), `sent` (a message went out: editing does not send it again).
- `POST /api/admin/meetings/{id}/feedback/comments` `{comments: {sid: "领导点评"}}` → the same listing: saves
  without sending, also while voting goes on (the chair comments after each 述职). Where nothing went out yet
  (`printed`) the fed-back text follows, so the page and the sheet show the 点评 as saved.
- `GET /admin/meetings/{id}/feedback/sheets[?secretaries=s1,s2]`: one A4 page per fed-back secretary: name,
  党组织, grade, mean, ballots, 点评, and the QR and link of their comments page (console mode, or no WeChat bound).
"""
from __future__ import annotations

import json

import aiohttp_jinja2
from aiohttp import web

from voting.appkeys import REDIS, SETTINGS
from voting.console import dianping
from voting.console.admin_pages import admin_page
from voting.request_body import read_json
from voting.responses import json_response
from voting.meetings import Meeting, load_meeting
from voting.room.qr import qr_svg

from ..appkeys import WECHAT_API
from ..identity.bindings import bindings
from .feedback import links_key, page_url, parse_comments, sheets_path, snapshot_key


async def listing(app: web.Application, meeting: Meeting) -> dict:
    redis = app[REDIS]
    said = await dianping.load(redis, meeting.id)
    bound, _ = await bindings(redis, meeting.id)
    rows = []
    for s in meeting.secretaries:
        d = said.get(s["id"]) or dianping.Dianping("", None, False)
        status = "none" if d.sent is None else "sent" if d.messaged else "printed"
        rows.append({"id": s["id"], "name": s["name"], "org": s["org"], "dianping": d.text,
                     "sent_dianping": d.sent, "status": status, "edited_after_sending": d.edited_after_sending,
                     "bound": len(bound.get(s["id"], []))})
    fed = [r["id"] for r in rows if r["status"] != "none"]
    return {"secretaries": rows, "console": app[WECHAT_API].console,
            "sheets_url": sheets_path(meeting.id) if fed else None}


async def feedback_state(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    return json_response(await listing(request.app, meeting))


async def save_comments(request: web.Request) -> web.Response:
    redis = request.app[REDIS]
    meeting = await load_meeting(redis, request.match_info["id"])
    comments = parse_comments(await read_json(request, request.app[SETTINGS].max_json_body * 16), meeting)
    await dianping.save(redis, meeting.id, comments)
    snapshots = await redis.hmget(snapshot_key(meeting.id), list(comments)) if comments else []
    unsent = {}
    for (sid, text), raw in zip(comments.items(), snapshots):
        snap = json.loads(raw) if raw else None
        if snap is not None and not snap.get("messaged"):
            unsent[sid] = json.dumps({**snap, "dianping": text}, ensure_ascii=False)
    if unsent:
        await redis.hset(snapshot_key(meeting.id), mapping=unsent)
    return json_response(await listing(request.app, meeting))


@admin_page
async def sheets_page(request: web.Request) -> web.Response:
    """Printable feedback sheets: what console mode (no WeChat) tells the organizer to print and hand over."""
    app, redis = request.app, request.app[REDIS]
    meeting = await load_meeting(redis, request.match_info["id"])
    wanted = [s for s in request.query.get("secretaries", "").split(",") if s in meeting.names]
    async with redis.pipeline(transaction=False) as pipe:
        snaps, generations = await pipe.hgetall(snapshot_key(meeting.id)).hgetall(links_key(meeting.id)).execute()
    sheets, missing = [], []
    for s in meeting.secretaries:
        sid = s["id"]
        if wanted and sid not in wanted:
            continue
        if sid not in snaps:
            missing.append(s["name"])
            continue
        url = page_url(app, meeting.id, sid, int(generations.get(sid, 0)))
        sheets.append({"snap": {"org": s["org"], **json.loads(snaps[sid])}, "url": url, "qr": qr_svg(url)})
    response = aiohttp_jinja2.render_template("feedback_sheets.html", request, {
        "meeting": meeting, "sheets": sheets, "missing": missing, "console": app[WECHAT_API].console})
    response.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
    return response


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/api/admin/meetings/{id}/feedback", feedback_state)
    app.router.add_post("/api/admin/meetings/{id}/feedback/comments", save_comments)
    app.router.add_get("/admin/meetings/{id}/feedback/sheets", sheets_page)
