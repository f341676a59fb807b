"""Who may act as the organizer: the admin token (API clients) or a browser session made from it.

- The browser never holds the token: logging in (form, or the `?token=` link the service prints) creates a
  random session id kept in Redis with an idle timeout; the cookie carries only that id (HttpOnly,
  SameSite=Strict). Logging out deletes it.
- A state-changing request authenticated by the cookie must come from our own pages: `Sec-Fetch-Site` must be
  same-origin (or none) and `Origin`, when sent, our own; a request with neither header is refused. Bearer
  requests cannot be forged by another site (a browser does not add the header cross-origin), so they are not.

Guessing (docs/reliability.md "Guessing"). A limit on tries protects a secret only while the secret is weak
enough to be found by trying; its price is that whoever shares the address (the venue's Wi-Fi, one NAT) can
use it up and lock the organizer out. So:
- Sessions are 256-bit random ids: an unknown or expired one is not a guess worth counting. It is answered
  401 (the console pages then go to the login page) and never counts against the address. Before, an open
  console tab polling with an expired session used up the address's limit in a minute and locked out the
  organizer's fresh login with the right token.
- A request that holds a valid session is never judged by the limit (a `?token=` link or a Bearer header
  beside a valid session is not checked at all).
- A strong admin token (>= STRONG_BITS, as the generated one: 144 bits) is checked without a limit: at a
  million tries a second, finding it takes ~10^25 years, so a limit adds no protection, and letting the right
  token through a limit would make that limit meaningless anyway (the attacker tells 200 from 429). A venue
  attendee's 20 wrong `Bearer x` therefore cannot refuse the organizer's login.
- A weak operator-chosen ADMIN_TOKEN (< STRONG_BITS) keeps the limit: ADMIN_GUESSES wrong tries per address
  per window, counted atomically, then every try is refused without being checked. That is the only thing
  that stands between it and a dictionary, and its price (others on the address can hold up a fresh login
  for ten minutes; open sessions go on working) is announced when the service starts.
"""
from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import string
from urllib.parse import urlsplit

from aiohttp import web

from ..appkeys import REDIS, SETTINGS
from ..ballots import bearer
from ..errors import ApiError
from ..limits import client_address, judge

SESSION_COOKIE = "admin_session"
SESSION_IDLE = 12 * 3600            # an organizer's working day; each request extends it
ADMIN_GUESSES = 20                  # wrong tokens per address per window, for a weak token only
GUESS_WINDOW = 600
STRONG_BITS = 128                   # a token at least this hard to guess needs no limit on tries
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def _session_key(session: str) -> str:
    return "voting:admin-session:" + hashlib.sha256(session.encode()).hexdigest()


def _guess_key(remote: str) -> str:
    return "voting:admin-guesses:" + remote


def token_ok(app: web.Application, token: str) -> bool:
    """Constant-time; a token that is not ASCII is simply wrong (compare_digest refuses such str)."""
    expected = app[SETTINGS].admin_token
    return token.isascii() and hmac.compare_digest(token.encode(), expected.encode())


def token_bits(token: str) -> float:
    """What guessing the token takes, in bits, estimated as if its characters were drawn at random from the
    smallest usual alphabet holding them all (digits, hex, letters, base64url, printable ASCII). Generous
    to a long human-chosen phrase, exact for the generated token (base64url, 24 characters: 144 bits)."""
    for alphabet in ("0123456789", "0123456789abcdef", "0123456789ABCDEF", string.ascii_lowercase,
                     string.ascii_letters + string.digits, string.ascii_letters + string.digits + "-_"):
        if token and all(c in alphabet for c in token):
            return len(token) * math.log2(len(alphabet))
    return len(token) * math.log2(95)


def token_is_strong(token: str) -> bool:
    return token_bits(token) >= STRONG_BITS


async def judge_token(request: web.Request, token: str) -> bool:
    """The admin token; under the guess limit of the caller's address only when the token is weak."""
    right = token_ok(request.app, token)
    if token_is_strong(request.app[SETTINGS].admin_token):
        return right
    return await judge(request.app, [(_guess_key(client_address(request)), ADMIN_GUESSES)],
                       right, GUESS_WINDOW, "管理员令牌错误次数过多，请十分钟后再试")


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


async def holds_session(request: web.Request) -> bool:
    """The request's cookie names a live session (and keeps it alive). An unknown one is not counted: it is
    a 256-bit random id, so trying ids is hopeless, and counting them locked out the organizer whose tab kept
    polling after the session had expired."""
    session = request.cookies.get(SESSION_COOKIE)
    return bool(session) and session.isascii() and \
        bool(await request.app[REDIS].expire(_session_key(session), SESSION_IDLE))


async def admin_via(request: web.Request) -> str | None:
    """'session' or 'token' for the organizer, None for anyone else. A valid session comes first, so that no
    guess limit ever refuses a request that holds one."""
    if await holds_session(request):
        return "session"
    token = bearer(request)
    if token is not None:
        return "token" if token and await judge_token(request, token) else None
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
