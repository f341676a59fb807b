"""Limits on guessing secrets (join codes, invite codes, the admin token), counted atomically in Redis.

A limit is checked and counted in one script (lua/attempt.lua): a burst of 1,000 wrong guesses gets exactly the
allowed number evaluated. Only wrong guesses count, so a right code from a busy address is refused only once
that address has made the limit's worth of wrong guesses within the window.
"""
from __future__ import annotations

from aiohttp import web

from .appkeys import SCRIPTS, SETTINGS
from .errors import ApiError

ACCEPTED, WRONG, REFUSED = 1, -1, 0


def client_address(request: web.Request) -> str:
    """Whom a guess is counted against: the peer, or behind a proxy we trust (TRUSTED_PROXIES) the address the
    proxy reports (the last X-Forwarded-For entry that is not itself a trusted proxy). Without this, every
    phone behind nginx would share the proxy's one address and its limits."""
    remote = request.remote or ""
    trusted = request.app[SETTINGS].trusted_proxies
    if remote not in trusted:
        return remote
    forwarded = [a.strip() for a in request.headers.get("X-Forwarded-For", "").split(",") if a.strip()]
    while forwarded and forwarded[-1] in trusted:
        forwarded.pop()
    return forwarded[-1][:64] if forwarded else remote


async def judge(app: web.Application, counters: list[tuple[str, int]], right: bool, window: int,
                message: str) -> bool:
    """True for a right guess, False for a wrong one (counted); 429 when a counter had reached its limit."""
    keys = [key for key, _ in counters]
    verdict = await app[SCRIPTS].attempt(keys=keys, args=[window, int(right), *(n for _, n in counters)])
    if verdict == REFUSED:
        raise ApiError(429, message, retry_after=window)
    return verdict == ACCEPTED
