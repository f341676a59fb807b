"""Joining a meeting from WeChat: the link card of a scan leads through 网页授权 (oauth.py) to
/wx/join/{meeting}, which joins the WeChat account as one voter (voting.join with `account`) and hands the
phone the same voter cookie as the H5 flow, then the ballot page.

- Open meetings: the scan proved presence (the link's signed state, 10 minutes), for the account that scanned
  only: the card forwarded to someone else asks them to scan the screen themselves (a card
  forwarded into a group chat let anyone join for 10 minutes). A new account picks its group when the meeting
  asks for one; an account that joined before goes straight to its ballot.
- Roster meetings: the invite card's code, typed once per account; later scans go straight to the ballot.
"""
from __future__ import annotations

import hmac

import aiohttp_jinja2
from aiohttp import web

from voting.appkeys import REDIS
from voting.errors import ApiError
from voting.request_body import read_form
from voting.join import join, known_account
from voting.limits import client_address
from voting.meetings import Meeting, load_meeting
from voting.room.pages import joined_response

from ..wechat_api.client import WeChatUser
from ..identity.oauth import account_of, read_meeting_state, require_user, scanner_tag

EXPIRED = "该链接已过期。请扫描会场大屏上的最新二维码。"
NOT_THE_SCANNER = "该链接来自他人的扫码，不能证明您在会场。请用您自己的微信扫描会场大屏上的二维码。"


def _absent(request: web.Request, meeting: Meeting, state: str, user: WeChatUser) -> str:
    """Why the link does not prove that `user` is in the room ("" when it does): it must come from this user's
    own scan of this meeting's current code, less than 10 minutes ago (oauth.py)."""
    joining = read_meeting_state(request.app, state)
    if joining is None or joining.meeting != meeting.id or not joining.present:
        return EXPIRED
    if not hmac.compare_digest(joining.scanner, scanner_tag(request.app, user.openid)):
        return NOT_THE_SCANNER
    return ""


def _page(request: web.Request, meeting: Meeting, present: str = "", error: str = "", code: str = "",
          status: int = 200, expired: str = "") -> web.Response:
    return aiohttp_jinja2.render_template("wx_join.html", request, {
        "meeting": meeting, "present": present, "error": error, "code": code, "expired": expired},
        status=status)


async def join_page(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    user = await require_user(request)
    account = account_of(user)
    present = request.query.get("p", "")
    if await known_account(request.app, meeting, account):
        result = await join(request.app, meeting, None, account=account)
        raise joined_response(request, meeting, result["token"])
    if meeting.eligibility == "open":
        if absent := _absent(request, meeting, present, user):
            return _page(request, meeting, expired=absent, status=403)
        if not meeting.voter_groups:
            result = await join(request.app, meeting, None, account=account, present=True,
                                remote=client_address(request))
            raise joined_response(request, meeting, result["token"])
    return _page(request, meeting, present)


async def join_form(request: web.Request) -> web.Response:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    user = await require_user(request)
    form = await read_form(request)
    present, code = str(form.get("p", "")), str(form.get("code", ""))
    absent = _absent(request, meeting, present, user) if meeting.eligibility == "open" else ""
    if absent:
        return _page(request, meeting, expired=absent, status=403)
    try:
        result = await join(request.app, meeting, code or None, form.get("group") or None,
                            remote=client_address(request), account=account_of(user),
                            present=meeting.eligibility == "open")
    except ApiError as e:
        return _page(request, meeting, present, e.message, code, e.status)
    raise joined_response(request, meeting, result["token"])


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/wx/join/{id}", join_page)
    app.router.add_post("/wx/join/{id}", join_form)
