"""反馈本人: after the committee's decision each secretary receives their result (000 §三.4, 001 第六条,
004 §五(五): "综合评价意见及等次经党委研究后，向本人反馈"), through the outbox, and a page with their own
anonymous comments.

- `POST /api/admin/meetings/{id}/feedback {comments?: {sid: "领导点评"}}`: refused (409) while a window is open;
  one message per bound account of each secretary with a result: final grade (and the proposed one with the
  committee's reason when overridden), mean, ballots, the chair's 点评, consequence, and the page's link.
  Idempotency keys per meeting/secretary/account: calling it again sends nothing twice; an account bound since
  gets the same text. Unbound secretaries are listed with a signed link the organizer can print.
- What a secretary was told is kept (`{m:ID}:feedback`, sid -> JSON) once a message was queued, so the page
  and a later account show the same; until then a new call (e.g. with the 点评 added) replaces it.
- `GET /feedback/{mid}/{sid}`: that secretary's comments (问题和不足, 意见建议) in two separately shuffled lists,
  with no voter reference and no time (docs/design.md §3). Only that secretary: with credentials, the OAuth openid
  (snsapi_base) must be one of their bound accounts; a signed `?t=` link (the printed one) also opens it.
- The `comments` given are also saved as the organizer's record of the 点评 (`MeetingKeys.dianping`, read back and
  saved without sending in feedback_console.py); a call without them uses what was saved.
- `POST /api/admin/meetings/{id}/feedback/{sid}/link`: a new printed link; the old ones stop working (each link
  carries the secretary's generation, `{m:ID}:feedback:links`), as the paperwork's personal links do.
"""
from __future__ import annotations

import json
import random
import time

import aiohttp_jinja2
from aiohttp import web

from voting import results
from voting.appkeys import REDIS, SETTINGS, SIGNER
from voting.errors import ApiError
from voting.request_body import read_json
from voting.responses import json_response
from voting.meetings import Meeting, load_meeting
from voting.console import dianping
from voting.store.keys import meeting_keys

from ..appkeys import FEEDBACK_LINES, WECHAT_API
from ..identity.bindings import bindings, bound_openids, mask
from ..identity.oauth import require_user
from ..outbox.queue import Outgoing
from ..outbox.service import queue_messages

MAX_DIANPING = 500
LINK_TTL = 90 * 86400
_shuffle = random.SystemRandom().shuffle


def snapshot_key(mid: str) -> str:
    """hash: sid -> JSON of what the secretary was told (`MeetingKeys.feedback`: the export reads it too)."""
    return meeting_keys(mid).feedback



def parse_comments(body: dict, meeting: Meeting) -> dict[str, str]:
    raw = body.get("comments")
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise ApiError(400, "领导点评（comments）须为对象：{书记编号: 领导点评}")
    out = {}
    for sid, text in raw.items():
        if sid not in meeting.names:
            raise ApiError(404, f"本次会议没有这位述职书记（{sid[:20]}）")
        if text is None:
            text = ""
        if not isinstance(text, str):
            raise ApiError(400, f"对{meeting.names[sid]}的领导点评须为文字")
        text = text.strip()
        if len(text) > MAX_DIANPING:
            raise ApiError(400, f"对{meeting.names[sid]}的领导点评过长（最多 {MAX_DIANPING} 字）")
        out[sid] = text
    return out


def _snapshot(row: dict, dianping: str) -> dict:
    overridden = bool(row.get("override_reason"))
    return {"name": row.get("name", ""), "org": row.get("org", ""),
            "grade": row.get("final_grade") or row.get("grade") or "未评定",
            "proposed": row.get("grade") if overridden else "", "override_reason": row.get("override_reason", ""),
            "mean": row["mean_text"] or "—", "votes": int(row.get("votes") or 0), "dianping": dianping,
            "consequence": row.get("consequence") or "", "at": int(time.time()), "messaged": False}


def feedback_text(meeting: Meeting, snap: dict, link: str, extra: list[str] = ()) -> str:
    lines = ["【述职评议结果反馈】", f"{snap['name']}同志：{meeting.title}的评议结果如下。",
             f"评议等次：{snap['grade']}"]
    if snap["proposed"]:
        lines.append(f"（系统建议等次：{snap['proposed']}；经党委研究调整，理由：{snap['override_reason']}）")
    lines.append(f"平均分：{snap['mean']}，有效票 {snap['votes']} 张")
    if snap["dianping"]:
        lines.append(f"领导点评：{snap['dianping']}")
    if snap["consequence"]:
        lines.append(f"按规定：{snap['consequence']}")
    lines.append(f"您的评议意见（匿名、随机排列）：{link}")
    return "\n".join([*lines, *extra])


def sheets_path(mid: str, sids: list[str] = ()) -> str:
    """The printable feedback sheets (bot/web/feedback_console.py), of these secretaries or of all fed back."""
    return f"/admin/meetings/{mid}/feedback/sheets" + (f"?secretaries={','.join(sids)}" if sids else "")


def links_key(mid: str) -> str:
    """hash: sid -> generation of that secretary's printed link (a new one revokes the old)."""
    return f"{meeting_keys(mid).tag}:feedback:links"


def page_url(app: web.Application, mid: str, sid: str, generation: int | None = None) -> str:
    """The page's link: plain (opened through the bound WeChat), or signed with the link's generation."""
    url = f"{app[SETTINGS].base_url}/feedback/{mid}/{sid}"
    if generation is not None:
        url += "?t=" + app[SIGNER].sign({"fm": mid, "fs": sid, "fg": generation}, LINK_TTL)
    return url


async def feedback_api(request: web.Request) -> web.Response:
    redis = request.app[REDIS]
    meeting = await load_meeting(redis, request.match_info["id"])
    comments = parse_comments(await read_json(request, request.app[SETTINGS].max_json_body * 16), meeting)
    if await redis.scard(meeting_keys(meeting.id).open):
        raise ApiError(409, "仍有测评正在进行，请先结束全部测评，再反馈本人")
    await dianping.save(redis, meeting.id, comments)      # the organizer's record, sent or not
    saved = {sid: d.text for sid, d in (await dianping.load(redis, meeting.id)).items()}
    rows = results.results_json(meeting, await results.graded(redis, meeting))
    bound, _ = await bindings(redis, meeting.id)
    kept = {sid: json.loads(v) for sid, v in (await redis.hgetall(snapshot_key(meeting.id))).items()}
    console = request.app[WECHAT_API].console
    generations = {sid: int(g) for sid, g in (await redis.hgetall(links_key(meeting.id))).items()}
    items, unbound, no_result, snapshots = [], [], [], {}
    extra = [line(request.app, meeting.id) for line in request.app.get(FEEDBACK_LINES, [])]
    for row in rows:
        sid = row["id"]
        if not row.get("votes") and not row.get("override_reason"):
            no_result.append({"id": sid, "name": row.get("name", "")})
            continue
        snap = kept.get(sid)
        if snap is None or not snap.get("messaged"):
            snap = _snapshot(row, saved.get(sid, ""))
        accounts = bound.get(sid, [])
        snap["messaged"] = snap["messaged"] or bool(accounts)
        snapshots[sid] = json.dumps(snap, ensure_ascii=False)
        if not accounts:
            unbound.append({"id": sid, "name": snap["name"],
                            "print_url": page_url(request.app, meeting.id, sid, generations.get(sid, 0))})
            continue
        link = page_url(request.app, meeting.id, sid, generations.get(sid, 0) if console else None)
        text = feedback_text(meeting, snap, link, extra)
        items += [Outgoing(key=f"fb:{meeting.id}:{sid}:{openid}", to=openid, kind="feedback", text=text,
                           meeting=meeting.id, meeting_title=meeting.title, secretary=sid, name=snap["name"],
                           topic="述职评议结果反馈", summary=f"等次{snap['grade']}，平均分{snap['mean']}", url=link,
                           ref=f"feedback:{meeting.id}") for openid in accounts]
    if snapshots:
        await redis.hset(snapshot_key(meeting.id), mapping=snapshots)
    queued = await queue_messages(request.app, items)
    return json_response({
        "queued": sum(new for _, new in queued), "already": sum(not new for _, new in queued),
        "messages": [{"id": ident, "secretary": item.secretary, "name": item.name, "to": mask(item.to),
                      "new": new} for item, (ident, new) in zip(items, queued)],
        "unbound": unbound, "no_result": no_result, "console": console,
        "sheets_url": sheets_path(meeting.id, [u["id"] for u in unbound]) if unbound else None})


async def _secretary(request: web.Request, meeting_part: str) -> tuple[Meeting, str]:
    """The meeting and the secretary the path names (404 for either unknown)."""
    meeting = await load_meeting(request.app[REDIS], request.match_info[meeting_part])
    sid = request.match_info["sid"]
    if sid not in meeting.names:
        raise ApiError(404, "本次会议没有这位述职书记")
    return meeting, sid


async def comments_page(request: web.Request) -> web.Response:
    redis = request.app[REDIS]
    meeting, sid = await _secretary(request, "mid")
    token = request.query.get("t")
    if token is not None:
        payload = request.app[SIGNER].unsign(token)
        if not payload or payload.get("fm") != meeting.id or payload.get("fs") != sid or \
                payload.get("fg", 0) != int(await redis.hget(links_key(meeting.id), sid) or 0):
            raise ApiError(403, "链接无效或已过期，请向组织部门索取")
    else:
        user = await require_user(request)
        if user.openid not in await bound_openids(redis, meeting.id, sid):
            raise ApiError(403, "此页面仅限述职书记本人查看（请用已绑定的微信打开）")
    raw = await redis.hget(snapshot_key(meeting.id), sid)
    if raw is None:
        raise ApiError(404, "评议结果尚未反馈，请等待组织部门通知")
    frame = await results.comments(redis, meeting.id)
    mine = frame[frame["secretary"] == sid]
    problems = [p for p in mine["problems"] if p]
    suggestions = [s for s in mine["suggestions"] if s]
    _shuffle(problems)
    _shuffle(suggestions)
    response = aiohttp_jinja2.render_template("feedback.html", request, {
        "meeting": meeting, "snap": json.loads(raw), "problems": problems, "suggestions": suggestions})
    response.headers.update({"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})
    return response


async def link_api(request: web.Request) -> web.Response:
    """A new printed link for one secretary; the links printed before stop working (a lost or leaked sheet)."""
    meeting, sid = await _secretary(request, "id")
    generation = await request.app[REDIS].hincrby(links_key(meeting.id), sid, 1)
    return json_response({"id": sid, "name": meeting.names[sid],
                          "print_url": page_url(request.app, meeting.id, sid, generation)})


def setup_routes(app: web.Application) -> None:
    app.router.add_post("/api/admin/meetings/{id}/feedback", feedback_api)
    app.router.add_post("/api/admin/meetings/{id}/feedback/{sid}/link", link_api)
    app.router.add_get("/feedback/{mid}/{sid}", comments_page)
