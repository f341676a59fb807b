"""The account's QR codes: the meeting's join QR on the screen, each secretary's binding QR, the organizer's.

With credentials a join QR is a temporary parametric QR (QR_STR_SCENE) made through qrcode/create and drawn
locally from the returned `url` (voting/room/qr.py); each is made once and cached in Redis for its lifetime, so a
screen refreshing every minute costs one call per code period. Without credentials, or when WeChat fails,
the screen keeps the H5 join URL: the room must never lose its way in.
"""
from __future__ import annotations

import json
import logging
import time

from aiohttp import web

from voting.appkeys import REDIS, SETTINGS, SIGNER
from voting.join_qr import h5_join_qr
from voting.meetings import Meeting

from . import scenes
from ..wechat_api.credentials import explain
from ..appkeys import WECHAT_API
from ..wechat_api.errors import WeChatError

log = logging.getLogger(__name__)
LONG = 30 * 86400 - 3600          # roster and binding QRs: WeChat's longest temporary QR, minus a margin
RENEW_BEFORE = 86400              # make a new long QR when the cached one has less than a day left


async def wechat_qr(app: web.Application, scene: str, lifetime: int) -> dict:
    """{url, scene, expires_at} of a temporary QR for `scene`, made once and cached while it lives."""
    key = f"wechat:qr:{scene}"
    cached = await app[REDIS].get(key)
    if cached:
        qr = json.loads(cached)
        if qr["expires_at"] - time.time() > min(RENEW_BEFORE, lifetime / 2):
            return qr
    made = await app[WECHAT_API].create_qr(scene, lifetime)
    qr = {"url": made.url, "scene": scene, "expires_at": made.expires_at}
    await app[REDIS].set(key, json.dumps(qr), exat=made.expires_at)
    return qr


async def join_qr(app: web.Application, meeting: Meeting, code: str) -> dict:
    """voting's JOIN_QR provider: the WeChat QR of the meeting scene, else the H5 join URL; when WeChat refused,
    with `reason` (what the organizer should fix, bot/wechat_api/credentials.py)."""
    if app[WECHAT_API].console or meeting.finalized:
        return await h5_join_qr(app, meeting, code)
    period = app[SETTINGS].join_code_period
    lifetime = 2 * period + 60 if code else LONG     # an open meeting's code is accepted for two periods
    try:
        return {"kind": "wechat", **await wechat_qr(app, scenes.meeting_scene(meeting.id, code), lifetime)}
    except WeChatError as e:
        log.warning("wechat QR for meeting %s not made (%s): the screen shows the H5 join URL", meeting.id, e)
        return {**await h5_join_qr(app, meeting, code), "reason": explain(e)}


def bind_fallback_url(app: web.Application, meeting: Meeting, sid: str) -> str:
    """The H5 page that binds the WeChat account opening it (through 网页授权): printed where a QR of the
    account cannot be made."""
    tag = scenes.bind_tag(app[SIGNER], meeting.id, sid)
    return f"{app[SETTINGS].base_url}/wx/bind/{meeting.id}/{sid}?t={tag}"


async def bind_qr(app: web.Application, meeting: Meeting, sid: str) -> dict:
    """{scene, url (the H5 fallback), expires_at, qr_url (what to print: the WeChat QR when there is one), kind,
    reason (why it is the H5 link although the account has credentials)}."""
    scene = scenes.bind_scene(app[SIGNER], meeting.id, sid)
    fallback = bind_fallback_url(app, meeting, sid)
    out = {"scene": scene, "url": fallback, "expires_at": None, "qr_url": fallback, "kind": "h5"}
    if not app[WECHAT_API].console:
        try:
            qr = await wechat_qr(app, scene, LONG)
            out.update(expires_at=qr["expires_at"], qr_url=qr["url"], kind="wechat")
        except WeChatError as e:
            log.warning("wechat binding QR for %s/%s not made (%s)", meeting.id, sid, e)
            out["reason"] = explain(e)
    return out
