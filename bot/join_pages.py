"""Joining a meeting from WeChat (issue 8): the link card of a scan leads through 网页授权 (oauth.py) to
/wx/join/{meeting}, which joins the WeChat account as one voter (voting.join with `account`) and hands the
phone the same voter cookie as the H5 flow, then the ballot page.

- Open meetings: the scan proved presence (the link's signed state, 10 minutes); a new account picks its
  group when the meeting asks for one; an account that joined before goes straight to its ballot.
- Roster meetings: the invite card's code, typed once per account; later scans go straight to the ballot.
"""
from __future__ import annotations

import aiohttp_jinja2
from aiohttp import web

from voting.appkeys import REDIS
from voting.errors import ApiError, read_form
from voting.join import join, known_account
from voting.limits import client_address
from voting.meetings import Meeting, load_meeting
from voting.room.pages import joined_response

from .oauth import account_of, read_meeting_state, require_user


def _present(request: web.Request, meeting: Meeting, state: str) -> bool:
    """The link came from a scan of this meeting's current code, less than 10 minutes ago (oauth.py)."""
    joining = read_meeting_state(request.app, state)
    return joining == (meeting.id, True)


def _page(request: web.Request, meeting: Meeting, present: str = "", error: str = "", code: str = "",
          status: int = 200, expired: bool = False) -> web.Response:
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
        if not _present(request, meeting, present):
            return _page(request, meeting, expired=True, status=403)
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
    is_present = meeting.eligibility == "open" and _present(request, meeting, present)
    if meeting.eligibility == "open" and not is_present:
        return _page(request, meeting, expired=True, status=403)
    try:
        result = await join(request.app, meeting, code or None, form.get("group") or None,
                            remote=client_address(request), account=account_of(user), present=is_present)
    except ApiError as e:
        return _page(request, meeting, present, e.message, code, e.status)
    raise joined_response(request, meeting, result["token"])


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/wx/join/{id}", join_page)
    app.router.add_post("/wx/join/{id}", join_form)
