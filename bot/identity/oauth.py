"""Who is this WeChat user, for pages opened inside WeChat: 网页授权 with `snsapi_base` (no consent screen, no
extra tap). A page asks `current_user(request)`; when there is none it redirects through `login(...)`; WeChat
sends the browser back to /wx/oauth with a single-use code, which becomes a signed cookie (`wxu`, 12 hours)
holding the openid and the unionid, then the browser goes on to the page it wanted.

The unionid: 网页授权 returns it only for scope snsapi_userinfo, so our snsapi_base exchange
gives none, while the mini-program's jscode2session does. One person would then be `oa:<openid>` here and
`u:<unionid>` there: two voters. With a mini-program configured the callback asks 获取用户基本信息 (UnionID机制,
cgi-bin/user/info) for it; without one the unionid changes nothing and the call is saved.

The `state` WeChat carries back (a-zA-Z0-9, at most 128, as WeChat requires) says where to return: a random
key of ours naming the page, kept in Redis for a meeting day (so that a link card tapped again still works);
or, for the link card of a scan, a self-contained signed state (`j<meeting>x<expiry>p|n<scanner>s<tag>`) that
names the meeting and proves the scan (p: presence, for 10 minutes), so a scan storm writes nothing for it.
`<scanner>` is a keyed hash of the openid that scanned: the card forwarded into a group chat
proves nobody else's presence, since /wx/join compares it with the openid WeChat gives the opener. The code
WeChat adds is single-use.

Login CSRF: a callback URL with someone's unused code, forwarded to another person, would log
that person in as the sender, and one WeChat account is one voter: the sender would then see and change the
victim's ballot. So every authorization starts on our side (`/wx/enter` for a link card, the redirect of
`require_user` for a page), which sets a random nonce cookie (`wxn`, only for /wx/oauth) and binds the state to
it (`<state>z<tag of nonce and state>`); the callback takes a code only in the browser holding that nonce.
The nonce stays after success, so a reload of the callback (its code now spent) in that browser, which already
holds its `wxu`, goes on to the page instead of failing.
"""
from __future__ import annotations

import hmac
import re
import secrets
import time
from typing import NamedTuple

from aiohttp import web

from voting.appkeys import REDIS, SETTINGS, SIGNER
from voting.errors import ApiError

from ..appkeys import WECHAT_API
from ..wechat_api.client import WeChatUser
from ..wechat_api.errors import CONFIG_CODES, Category, WeChatError

COOKIE = "wxu"
COOKIE_TTL = 12 * 3600
NONCE_COOKIE = "wxn"
NONCE_TTL = 600            # WeChat's authorize page returns within seconds
BIND_SEP = "z"             # not a hex digit: <state>z<16 hex> splits unambiguously
STATE_TTL = 12 * 3600
PRESENT_TTL = 600          # a scan proves presence for this long (the link card may be opened a bit later)
# At most 1+32+1+12+1+16+1+16 = 80 characters: with the binding's 17 within WeChat's 128 for a state.
_MEETING_STATE = re.compile(r"j([a-z0-9]{4,32})x([0-9a-f]{1,12})([pn])([0-9a-f]{16})s([0-9a-f]{16})")
SPENT_CODES = frozenset({40029, 40163})     # invalid code (also an expired one), code been used
UNAVAILABLE = "微信暂时无法完成授权，请稍后返回微信重新打开"


class MeetingState(NamedTuple):
    meeting: str
    present: bool          # from a scan of the screen's current code, less than 10 minutes ago
    scanner: str           # `scanner_tag` of the account that scanned (or sent 测评)


def _state_key(state: str) -> str:
    return f"wechat:oauth:{state}"


def account_of(user: WeChatUser, app: str = "oa") -> str:
    """The voter identity of a WeChat user: the unionid when WeChat gives one (the same person in the official
    account and the mini-program), else the openid of this app (`oa` official account, `mp` mini-program)."""
    return f"u:{user.unionid}" if user.unionid else f"{app}:{user.openid}"


def scanner_tag(app: web.Application, openid: str) -> str:
    """A keyed hash of an official-account openid: names the scanner in a state without showing the openid."""
    return app[SIGNER].tag("scanner:" + openid, 16)


def meeting_state(app: web.Application, mid: str, present: bool, openid: str) -> str:
    """The state of the link card sent to `openid`; `present`: it comes from a scan of the screen's current code."""
    expires = int(time.time()) + (PRESENT_TTL if present else STATE_TTL)
    body = f"j{mid}x{expires:x}{'p' if present else 'n'}{scanner_tag(app, openid)}"
    return body + "s" + app[SIGNER].tag("state:" + body, 16)


def read_meeting_state(app: web.Application, state: str) -> MeetingState | None:
    """What a state from `meeting_state` says (presence only while still valid); None when it is not one."""
    m = _MEETING_STATE.fullmatch(state or "")
    if not m or not hmac.compare_digest(m.group(5), app[SIGNER].tag("state:" + state[:m.start(5) - 1], 16)):
        return None
    return MeetingState(m.group(1), m.group(3) == "p" and int(m.group(2), 16) >= time.time(), m.group(4))


def meeting_link(app: web.Application, mid: str, present: bool, openid: str) -> str:
    """The link of the meeting's link card sent to `openid`: /wx/enter, which starts the authorization in the
    phone's browser, then back to /wx/join/<meeting> knowing the WeChat user."""
    return f"{app[SETTINGS].base_url}/wx/enter?s={meeting_state(app, mid, present, openid)}"


def _bound(app: web.Application, state: str, nonce: str) -> str:
    return app[SIGNER].tag(f"oauth-nonce:{nonce}:{state}", 16)


def authorize(app: web.Application, state: str) -> web.HTTPFound:
    """The redirect to WeChat's authorize page, its state bound to this browser by a nonce cookie."""
    nonce = secrets.token_hex(16)
    resp = web.HTTPFound(app[WECHAT_API].oauth_url(app[SETTINGS].base_url + "/wx/oauth",
                                                   state + BIND_SEP + _bound(app, state, nonce)))
    resp.set_cookie(NONCE_COOKIE, nonce, max_age=NONCE_TTL, httponly=True, samesite="Lax", path="/wx/oauth",
                    secure=app[SETTINGS].base_url.startswith("https://"))
    return resp


async def login(app: web.Application, next_path: str) -> web.HTTPFound:
    """The redirect through WeChat's authorize page that comes back to `next_path` (a path of this service)."""
    if not next_path.startswith("/") or next_path.startswith("//"):
        raise ValueError("next_path must be a path of this service")
    state = secrets.token_hex(16)
    await app[REDIS].set(_state_key(state), next_path, ex=STATE_TTL)
    return authorize(app, state)


def current_user(request: web.Request) -> WeChatUser | None:
    data = request.app[SIGNER].unsign(request.cookies.get(COOKIE))
    if not data or not isinstance(data.get("o"), str):
        return None
    return WeChatUser(data["o"], data.get("u") or None)


async def require_user(request: web.Request) -> WeChatUser:
    """The user, or a redirect through WeChat's authorize page back to this very page (GET only)."""
    user = current_user(request)
    if user is not None:
        return user
    if request.app[WECHAT_API].console:
        raise ApiError(403, "请在微信中打开此页面（本服务尚未接入微信公众号）")
    raise await login(request.app, request.path_qs)


async def enter(request: web.Request) -> web.Response:
    """GET /wx/enter?s=<meeting state>: a meeting's link card, tapped; on to WeChat's authorize page."""
    state = request.query.get("s", "")
    if read_meeting_state(request.app, state) is None:
        raise ApiError(400, "链接无效，请重新扫描会场大屏上的二维码")
    raise authorize(request.app, state)


async def callback(request: web.Request) -> web.Response:
    """GET /wx/oauth?code=&state=: WeChat's redirect after authorization."""
    bound, code = request.query.get("state", ""), request.query.get("code", "")
    if not bound.isascii() or not bound.isalnum() or len(bound) > 128 or bound[-17:-16] != BIND_SEP:
        raise ApiError(400, "授权链接无效，请返回微信重新打开")
    state, tag = bound[:-17], bound[-16:]
    nonce = request.cookies.get(NONCE_COOKIE, "")
    if not nonce or not hmac.compare_digest(tag, _bound(request.app, state, nonce)):
        raise ApiError(403, "授权须在打开链接的同一微信中完成（授权链接不能转发他人使用），请返回微信重新打开")
    joining = read_meeting_state(request.app, state)
    if joining:
        next_path = f"/wx/join/{joining.meeting}" + (f"?p={state}" if joining.present else "")
    else:
        next_path = await request.app[REDIS].get(_state_key(state))
    if next_path is None:
        raise ApiError(400, "授权链接已过期，请返回微信重新打开")
    if not code:
        raise ApiError(403, "未获得微信授权，请返回微信重新打开")
    try:
        user = await request.app[WECHAT_API].oauth_user(code)
    except WeChatError as e:
        if e.category == Category.RETRY:        # a timeout included: the code is probably spent, never resent
            raise ApiError(503, UNAVAILABLE, retry_after=5) from None
        if e.code in SPENT_CODES:
            if current_user(request) is not None:    # this browser's own flow (its nonce fits), done before
                raise web.HTTPFound(next_path) from None
            raise ApiError(403, "授权已使用或已过期，请返回微信重新打开") from None
        if e.code in CONFIG_CODES:       # ours to fix (the facade has logged it), not the person's
            raise ApiError(503, "本服务的微信公众号配置有误，暂时无法完成授权，请联系会议组织者", retry_after=60) from None
        raise ApiError(403, "微信授权失败，请返回微信重新打开") from None
    user = await _with_unionid(request.app, user)
    resp = web.HTTPFound(next_path)
    token = request.app[SIGNER].sign({"o": user.openid, "u": user.unionid or ""}, COOKIE_TTL)
    resp.set_cookie(COOKIE, token, max_age=COOKIE_TTL, httponly=True, samesite="Lax", path="/",
                    secure=request.app[SETTINGS].base_url.startswith("https://"))
    raise resp


async def _with_unionid(app: web.Application, user: WeChatUser) -> WeChatUser:
    """The user with the unionid, when a mini-program is configured (see the module docstring).
    A transient failure is a 503 (open the link again): falling back to the openid would make this person a
    second voter as soon as user/info answers again, even within the official account. A lasting one (48001 no
    permission, a quota) falls back to the openid, logged: refusing would lock everyone out. A non-follower
    (user/info says nothing) or an account bound to no open platform has no unionid at all."""
    api = app[WECHAT_API]
    if user.unionid or not api.config.mini_program:
        return user
    try:
        return WeChatUser(user.openid, await api.unionid_of(user.openid))
    except WeChatError as e:
        if e.category in (Category.RETRY, Category.TOKEN):
            raise ApiError(503, UNAVAILABLE, retry_after=5) from None
        api.warnings.warning(("user/info", e.code), "WeChat user/info failed (errcode %s, %s): people who open a "
                             "link card now vote as the official account's openid, apart from the mini-program",
                             e.code, e.category.value)
        return user


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/wx/enter", enter)
    app.router.add_get("/wx/oauth", callback)
