"""What a person who asked to be bound to a secretary is told when the organizer decides (they
were told "确认后生效" and then heard nothing). The answer goes through the outbox, like every message the
service sends on its own: the person may have left the chat long ago."""
from __future__ import annotations

from aiohttp import web

from voting.meetings import Meeting

from .bindings import Pending
from ..outbox.queue import Outgoing
from ..outbox.service import queue_messages


def who(meeting: Meeting, sid: str) -> str:
    """A secretary as the account names them: 张三（第一党支部）."""
    secretary = next(s for s in meeting.secretaries if s["id"] == sid)
    return secretary["name"] + (f"（{secretary['org']}）" if secretary["org"] else "")


async def tell_decision(app: web.Application, meeting: Meeting, request: Pending, confirmed: bool) -> None:
    """One message per decision: the key holds the request's time, so a second click (or a second organizer)
    sends nothing twice, while a later request of the same account gets its own answer."""
    name = who(meeting, request.sid)
    if confirmed:
        text = (f"组织部门已确认您的绑定申请：您的微信已绑定为 {name}，将接收 {name} 在《{meeting.title}》中的"
                "评议结果反馈和提醒。")
    else:
        text = (f"组织部门未同意您的绑定申请：您的微信未绑定为 {name}（《{meeting.title}》）。"
                "如有疑问请联系组织部门。")
    decision = "confirm" if confirmed else "reject"
    await queue_messages(app, [Outgoing(
        key=f"bind-{decision}:{meeting.id}:{request.sid}:{request.openid}:{request.at}", to=request.openid,
        kind="confirmation", text=text, meeting=meeting.id, meeting_title=meeting.title, secretary=request.sid,
        name=meeting.names.get(request.sid, ""), topic="绑定申请结果",
        summary=("已确认绑定" if confirmed else "未同意绑定") + meeting.names.get(request.sid, ""),
        ref=f"binding:{meeting.id}")])
