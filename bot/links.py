"""The link card into a meeting's ballot page, and which meeting an account scanned last (for 测评)."""
from __future__ import annotations

from aiohttp import web
from redis.asyncio.client import Pipeline

from voting.appkeys import REDIS, SETTINGS
from voting.errors import ApiError
from voting.meetings import Meeting, load_meeting

from . import keys
from .appkeys import WECHAT_API
from .messages import Article, NewsReply, Reply, TextReply
from .oauth import meeting_link

LAST_TTL = 30 * 86400


def _last_key(openid: str) -> str:
    return keys.per_account("last-meeting", openid)


async def last_meeting(app: web.Application, openid: str) -> Meeting | None:
    mid = await app[REDIS].get(_last_key(openid))
    if not mid:
        return None
    try:
        return await load_meeting(app[REDIS], mid)
    except ApiError:
        return None


async def meeting_card(app: web.Application, openid: str, meeting: Meeting, writes: Pipeline,
                       code: str = "") -> Reply:
    """The link card into the meeting, for a scan (with the screen's code) or the 测评 command (without);
    remembers the meeting for 测评 (queued on `writes`)."""
    if meeting.finalized:
        return TextReply(f"《{meeting.title}》的评议已经结束，感谢您的参与。")
    settings = app[SETTINGS]
    if code and meeting.eligibility == "open" and not meeting.join_code_valid(code, settings.join_code_period):
        return TextReply("该二维码已过期，请扫描会场大屏上的最新二维码。")
    writes.set(_last_key(openid), meeting.id, ex=LAST_TTL)
    if app[WECHAT_API].console:           # no 网页授权 without credentials: the H5 page with the code
        url = meeting.ballot_url(settings.base_url, code)
    else:
        url = meeting_link(app, meeting.id, present=bool(code), openid=openid)   # the card proves only its own scan
    hint = "请使用您的邀请卡加入，" if meeting.eligibility == "roster" else ""
    return NewsReply(Article(title=f"进入评议：{meeting.title}",
                             description=f"无记名评议，不记录您的微信身份与评分的对应关系。{hint}点击进入评议页面。",
                             url=url))


