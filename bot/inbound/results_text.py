"""A secretary's own result as the official account says it (the 结果 command)."""
from __future__ import annotations

from aiohttp import web

from voting import results
from voting.appkeys import REDIS
from voting.meetings import Meeting
from voting.store.keys import meeting_keys


async def own_result(app: web.Application, meeting: Meeting, sid: str) -> str:
    """Released and closed only, as on the projector: a score that still moves with each tap would tell the
    secretary what the last person gave (docs/design.md §3 "Hide until release")."""
    name = meeting.names.get(sid, sid)
    if not meeting.released:
        # Releasing sends nothing (this once promised a notice that never came): say what happens.
        return (f"《{meeting.title}》{name}：评议结果尚未公布。组织部门公布后，请再次发送“结果”查看；"
                "组织部门反馈本人时，结果也会通过本公众号发送给您。")
    if not await app[REDIS].sismember(meeting_keys(meeting.id).closed, sid):
        return f"《{meeting.title}》{name}：测评尚未结束，结束后可查看结果。"
    rows = results.results_json(meeting, await results.graded(app[REDIS], meeting))
    row = next(r for r in rows if r["id"] == sid)
    final = row.get("final_grade") or row["grade"] or "未评定"
    text = (f"《{meeting.title}》{name}：评议等次 {final}，平均分 {row['mean_text'] or '—'}，"
            f"有效票 {row['votes']} 张。")
    if row.get("override_reason"):
        text += f"（建议等次 {row['grade']}，经研究调整：{row['override_reason']}）"
    if row.get("consequence"):
        text += f"\n{row['consequence']}"
    return text
