"""The committee's word on the proposed grades: flags (重大失误 / 问责 ⇒ 差, 004 §五(四)) and overrides with a
written reason (经党委研究, 001 第六条). Both are kept beside the proposal, never instead of it."""
from __future__ import annotations

import json

from aiohttp import web

from scoring.ballots import FLAGS
from scoring.text import GRADES

from ..appkeys import REDIS, SETTINGS
from ..errors import ApiError
from ..request_body import read_json
from ..responses import json_response
from ..meetings import Meeting, load_meeting
from ..store.keys import meeting_keys

MAX_REASON = 500


async def _target(request: web.Request) -> tuple[Meeting, dict, str]:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    sid = body.get("secretary")
    if not isinstance(sid, str) or sid not in meeting.names:
        raise ApiError(404, "本次会议没有这位述职书记")
    return meeting, body, sid


async def set_flag(request: web.Request) -> web.Response:
    """{secretary, flag: 重大失误 | 问责 | null}: null clears the flag."""
    meeting, body, sid = await _target(request)
    flag = body.get("flag")
    key = meeting_keys(meeting.id).flags
    if flag in (None, ""):
        await request.app[REDIS].hdel(key, sid)
    elif isinstance(flag, str) and flag in FLAGS:
        await request.app[REDIS].hset(key, sid, FLAGS[flag])
    else:
        raise ApiError(400, "标记只能是“重大失误”或“问责”（留空为取消标记）")
    return json_response({"secretary": sid, "flag": FLAGS.get(flag or "", "")})


async def set_override(request: web.Request) -> web.Response:
    """{secretary, grade: 好 | 较好 | 一般 | 差 | null, reason}: the reason is required; null restores the proposal."""
    meeting, body, sid = await _target(request)
    grade, reason = body.get("grade"), body.get("reason")
    key = meeting_keys(meeting.id).overrides
    if grade in (None, ""):
        await request.app[REDIS].hdel(key, sid)
        return json_response({"secretary": sid, "grade": None, "reason": ""})
    if grade not in GRADES:
        raise ApiError(400, "调整等次只能是 好、较好、一般 或 差（留空为恢复建议等次）")
    reason = " ".join(reason.split()) if isinstance(reason, str) else ""
    if not reason:
        raise ApiError(400, "调整等次须写明理由（如：经党委研究……）")
    if len(reason) > MAX_REASON:
        raise ApiError(400, f"理由最多 {MAX_REASON} 字")
    await request.app[REDIS].hset(key, sid, json.dumps([grade, reason], ensure_ascii=False))
    return json_response({"secretary": sid, "grade": grade, "reason": reason})


def setup(app: web.Application) -> None:
    app.router.add_post("/api/admin/meetings/{id}/flag", set_flag)
    app.router.add_post("/api/admin/meetings/{id}/override", set_override)
