"""The link card into a meeting's ballot page, and which meeting an account scanned last (for 测评)."""
from __future__ import annotations

import time

from aiohttp import web
from redis.asyncio.client import Pipeline

from voting.appkeys import REDIS, SETTINGS
from voting.errors import ApiError
from voting.meetings import Meeting, load_meeting

from .. import keys
from ..appkeys import WECHAT_API
from .messages import Article, NewsReply, Reply, TextReply
from ..identity.oauth import meeting_link

LAST_TTL = 30 * 86400


def _last_key(openid: str) -> str:
    return keys.per_account("last-meeting", openid)


def remember_scan(writes: Pipeline, openid: str, mid: str, code: str, at: int) -> None:
    """The meeting an account scanned last, with the screen's code and when (测评 re-sends that scan's card)."""
    writes.set(_last_key(openid), f"{mid} {code} {at}", ex=LAST_TTL)


async def last_scan(app: web.Application, openid: str) -> tuple[Meeting, str, int] | None:
    """(meeting, code, unix time) of the account's last scan; a record from before codes were kept reads as
    (meeting, "", 0)."""
    raw = await app[REDIS].get(_last_key(openid))
    if not raw:
        return None
    mid, code, at = (raw.split(" ") + ["", "0"])[:3]
    try:
        return await load_meeting(app[REDIS], mid), code, int(at) if at.isdigit() else 0
    except ApiError:
        return None


async def last_meeting(app: web.Application, openid: str) -> Meeting | None:
    scanned = await last_scan(app, openid)
    return scanned[0] if scanned else None


async def meeting_card(app: web.Application, openid: str, meeting: Meeting, writes: Pipeline,
                       code: str = "", scanned_at: int | None = None) -> Reply:
    """The link card into the meeting, for a scan (with the screen's code) or the 测评 command (without, or with
    the code of a scan made at `scanned_at`: its presence was proven then, so the code is not checked again);
    a scan is remembered for 测评 (queued on `writes`)."""
    if meeting.finalized:
        return TextReply(f"《{meeting.title}》的评议已经结束，感谢您的参与。")
    settings = app[SETTINGS]
    if scanned_at is None:
        if code and meeting.eligibility == "open" and not meeting.join_code_valid(code, settings.join_code_period):
            return TextReply("该二维码已过期，请扫描会场大屏上的最新二维码。")
        remember_scan(writes, openid, meeting.id, code, int(time.time()))
    if app[WECHAT_API].console:           # no 网页授权 without credentials: the H5 page with the code
        url = meeting.ballot_url(settings.base_url, code)
    else:
        url = meeting_link(app, meeting.id, present=bool(code), openid=openid)   # the card proves only its own scan
    hint = "请使用您的邀请卡加入，" if meeting.eligibility == "roster" else ""
    return NewsReply(Article(title=f"进入评议：{meeting.title}",
                             description=f"无记名评议，不记录您的微信身份与评分的对应关系。{hint}点击进入评议页面。",
                             url=url))


