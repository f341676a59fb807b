"""What the screen's QR encodes now (docs/api.md `GET /api/admin/meetings/{id}/qr`).

By default the H5 join URL with the current code; an extension may put its own provider under JOIN_QR (bot/
does, with the official account's temporary parametric QR), so voting/ never needs to know about WeChat.
"""
from __future__ import annotations

from aiohttp import web

from .appkeys import JOIN_QR, SETTINGS
from .meetings import Meeting


async def h5_join_qr(app: web.Application, meeting: Meeting, code: str) -> dict:
    return {"kind": "h5", "url": meeting.ballot_url(app[SETTINGS].base_url, code)}


def current_code(app: web.Application, meeting: Meeting) -> str:
    """The code the screen shows: open meetings only, none once finalized."""
    if meeting.eligibility != "open" or meeting.finalized:
        return ""
    return meeting.join_code(app[SETTINGS].join_code_period)


async def join_qr(app: web.Application, meeting: Meeting) -> dict:
    """{kind: "wechat"|"h5", url, scene?, expires_at?}: what the QR on the screen holds now."""
    return await app.get(JOIN_QR, h5_join_qr)(app, meeting, current_code(app, meeting))
