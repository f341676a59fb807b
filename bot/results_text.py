"""A secretary's own result as the official account says it (the 结果 command)."""
from __future__ import annotations

from aiohttp import web

import scoring
from voting import results
from voting.appkeys import REDIS
from voting.meetings import Meeting


async def own_result(app: web.Application, meeting: Meeting, sid: str) -> str:
    name = meeting.names.get(sid, sid)
    if not meeting.released:
        return f"《{meeting.title}》{name}：评议结果尚未公布，公布后将通知您。"
    rows = results.results_json(meeting, await results.graded(app[REDIS], meeting))
    row = next(r for r in rows if r["id"] == sid)
    final = row.get("final_grade") or row["grade"] or "未评定"
    mean = scoring.mean_text(row["mean"], meeting.rules) or "—"
    text = (f"《{meeting.title}》{name}：评议等次 {final}，平均分 {mean}，"
            f"有效票 {row['votes']} 张。")
    if row.get("override_reason"):
        text += f"（建议等次 {row['grade']}，经研究调整：{row['override_reason']}）"
    if row.get("consequence"):
        text += f"\n{row['consequence']}"
    return text
