"""Who may act as the organizer: the admin token (API clients) or a browser session made from it.

- The browser never holds the token: logging in (form, or the `?token=` link the service prints) creates a
  random session id kept in Redis with an idle timeout; the cookie carries only that id (HttpOnly,
  SameSite=Strict). Logging out deletes it.
- A state-changing request authenticated by the cookie must come from our own pages: `Sec-Fetch-Site` must be
  same-origin (or none) and `Origin`, when sent, our own; a request with neither header is refused. Bearer
  requests cannot be forged by another site (a browser does not add the header cross-origin), so they are not.
- Wrong tokens and unknown sessions are guesses: at most ADMIN_GUESSES per address per window, counted
  atomically; beyond that every try is refused without being checked.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from aiohttp import web

from ..appkeys import REDIS, SETTINGS
from ..ballots import bearer
from ..errors import ApiError
from ..limits import client_address, judge

SESSION_COOKIE = "admin_session"
SESSION_IDLE = 12 * 3600            # an organizer's working day; each request extends it
ADMIN_GUESSES = 20                  # wrong tokens or sessions per address per window
GUESS_WINDOW = 600
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _session_key(session: str) -> str:
    return "voting:admin-session:" + hashlib.sha256(session.encode()).hexdigest()


def _guess_key(remote: str) -> str:
    return "voting:admin-guesses:" + remote


def token_ok(app: web.Application, token: str) -> bool:
    """Constant-time; a token that is not ASCII is simply wrong (compare_digest refuses such str)."""
    expected = app[SETTINGS].admin_token
    return token.isascii() and hmac.compare_digest(token.encode(), expected.encode())


async def judge_token(request: web.Request, token: str) -> bool:
    """The admin token checked under the guess limit of the caller's address."""
    return await judge(request.app, [(_guess_key(client_address(request)), ADMIN_GUESSES)],
                       token_ok(request.app, token), GUESS_WINDOW, "管理员令牌错误次数过多，请十分钟后再试")


async def start_session(request: web.Request, response: web.StreamResponse) -> None:
    session = secrets.token_urlsafe(32)
    await request.app[REDIS].set(_session_key(session), "1", ex=SESSION_IDLE)
    response.set_cookie(SESSION_COOKIE, session, httponly=True, samesite="Strict", path="/",
                        secure=request.app[SETTINGS].base_url.startswith("https://"))


async def end_session(request: web.Request, response: web.StreamResponse) -> None:
    session = request.cookies.get(SESSION_COOKIE)
    if session and session.isascii():
        await request.app[REDIS].delete(_session_key(session))
    response.del_cookie(SESSION_COOKIE, path="/")


async def _session_ok(request: web.Request, session: str) -> bool:
    right = session.isascii() and bool(await request.app[REDIS].expire(_session_key(session), SESSION_IDLE))
    return await judge(request.app, [(_guess_key(client_address(request)), ADMIN_GUESSES)], right, GUESS_WINDOW,
                       "登录失败次数过多，请十分钟后再试")


async def admin_via(request: web.Request) -> str | None:
    """'token' or 'session' for the organizer, None for anyone else (a wrong credential counts as a guess)."""
    token = bearer(request)
    if token is not None:
        return "token" if token and await judge_token(request, token) else None
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return "session" if await _session_ok(request, session) else None
    return None


def _own_origins(request: web.Request) -> set[str]:
    public = urlsplit(request.app[SETTINGS].base_url)
    return {f"{request.scheme}://{request.host}", f"{public.scheme}://{public.netloc}"}


def same_site(request: web.Request) -> bool:
    """A browser request from our own pages (Fetch Metadata, then Origin)."""
    site = request.headers.get("Sec-Fetch-Site")
    origin = request.headers.get("Origin")
    if site is None and origin is None:
        return False
    if site is not None and site not in ("same-origin", "none"):
        return False
    return origin is None or origin in _own_origins(request)


@web.middleware
async def admin_middleware(request: web.Request, handler):
    if request.path.startswith("/api/admin/") or request.path == "/api/admin":
        via = await admin_via(request)
        if via is None:
            if bearer(request) is not None:
                raise ApiError(403, "管理员令牌错误")
            if request.cookies.get(SESSION_COOKIE):
                raise ApiError(401, "登录已过期，请重新登录管理后台")
            raise ApiError(401, "缺少管理员令牌（请求头 Authorization: Bearer <ADMIN_TOKEN>）")
        if via == "session" and request.method not in SAFE_METHODS and not same_site(request):
            raise ApiError(403, "请从管理后台页面操作（跨站请求已拒绝）")
    return await handler(request)
