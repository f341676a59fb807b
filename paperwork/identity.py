"""Who is at a secretary's paperwork page: the secretary alone, and no other.

- Through WeChat: 网页授权 (bot.identity.oauth) gives the openid; it must be bound to that secretary in this meeting
  (bot.identity.bindings.secretary_of). The entry `/paper/{mid}` finds the secretary of the account by itself.
- In console mode (no WeChat identity exists) or for a secretary without a bound account: the personal link
  the organizer hands out, `/paper/{mid}/{sid}?t=…`, a signed token with purpose `paper`, the meeting, the
  secretary and a generation: issuing a new link for that secretary revokes the old ones.
"""
from __future__ import annotations

from aiohttp import web

from bot.appkeys import WECHAT_API
from bot.identity.bindings import secretary_of
from bot.identity.oauth import current_user, require_user
from voting.appkeys import REDIS, SETTINGS, SIGNER
from voting.errors import ApiError
from voting.meetings import Meeting

from . import keys

PURPOSE = "paper"
LINK_TTL = 180 * 86400     # from the report before the meeting to the 整改清单 weeks after it (002 §四.2)


def entry_url(app: web.Application, mid: str) -> str:
    """Where a bound secretary submits from WeChat (/paper/<meeting>, through 网页授权): the link the messages
    about paperwork carry (reminders, 反馈本人)."""
    return f"{app[SETTINGS].base_url}/paper/{mid}"


async def _generation(app: web.Application, mid: str, sid: str) -> int:
    return int(await app[REDIS].hget(keys.links(mid), sid) or 0)


def _link(app: web.Application, mid: str, sid: str, generation: int) -> str:
    token = app[SIGNER].sign({"p": PURPOSE, "m": mid, "s": sid, "g": generation}, LINK_TTL)
    return f"{app[SETTINGS].base_url}/paper/{mid}/{sid}?t={token}"


async def personal_link(app: web.Application, mid: str, sid: str, renew: bool = False) -> str:
    """The secretary's own link; `renew` revokes every link handed out before."""
    generation = (await app[REDIS].hincrby(keys.links(mid), sid, 1) if renew
                  else await _generation(app, mid, sid))
    return _link(app, mid, sid, generation)


async def personal_links(app: web.Application, meeting: Meeting) -> dict[str, str]:
    """Every secretary's current link (one read)."""
    generations = await app[REDIS].hgetall(keys.links(meeting.id))
    return {s["id"]: _link(app, meeting.id, s["id"], int(generations.get(s["id"], 0))) for s in meeting.secretaries}


async def link_holder(app: web.Application, meeting: Meeting, token: str) -> str | None:
    """The secretary a personal link of this meeting names, or None (forged, expired, revoked, other meeting)."""
    data = app[SIGNER].unsign(token)
    if not data or data.get("p") != PURPOSE or data.get("m") != meeting.id or \
            not isinstance(data.get("s"), str) or data["s"] not in meeting.names:
        return None
    return data["s"] if data.get("g") == await _generation(app, meeting.id, data["s"]) else None


def wechat_available(request: web.Request) -> bool:
    return WECHAT_API in request.app and not request.app[WECHAT_API].console


async def wechat_secretaries(request: web.Request, meeting: Meeting) -> list[str]:
    """The secretaries of this meeting bound to the WeChat account at the page (redirects through 网页授权 on a
    GET without one; a POST without one is refused, its form would be lost in the redirect)."""
    if not wechat_available(request):
        raise ApiError(403, "请使用组织部门发放的个人链接打开此页面")
    user = await require_user(request) if request.method == "GET" else current_user(request)
    if user is None:
        raise ApiError(403, "登录已过期，请返回微信重新打开此页面")
    return [sid for sid in await secretary_of(request.app[REDIS], meeting.id, user.openid) if sid in meeting.names]


async def check_secretary(request: web.Request, meeting: Meeting, sid: str) -> str:
    """'link' or 'wechat' when the page's visitor is secretary `sid`; otherwise a 403 (404: no such secretary)."""
    if sid not in meeting.names:
        raise ApiError(404, "本次会议没有这位述职书记")
    token = request.query.get("t")
    if token is not None:
        if await link_holder(request.app, meeting, token) != sid:
            raise ApiError(403, "链接无效、已过期或已被更换，请向组织部门索取新的链接")
        return "link"
    if sid not in await wechat_secretaries(request, meeting):
        raise ApiError(403, "此页面仅限述职书记本人填写（请用已绑定的微信打开，或使用组织部门发放的个人链接）")
    return "wechat"
