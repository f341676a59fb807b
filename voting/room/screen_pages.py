"""Pages of results on the projector: 18 rows (the demo, 004's 18 secretaries) fit one 1080p screen in letters
readable from the back of the room; longer lists (000 assesses dozens of 分党委) are split into even pages that
turn by themselves every `Settings.screen_page_seconds`, unless the organizer holds one from the console."""
from __future__ import annotations

import math

import redis.asyncio as aioredis
from aiohttp import web

from ..appkeys import REDIS, SCRIPTS, SETTINGS
from ..errors import ApiError
from ..request_body import read_json
from ..responses import json_response
from ..meetings import Meeting, load_meeting
from ..store.keys import meeting_keys

PER_PAGE = 18


def split(n: int) -> tuple[int, int]:
    """(pages, rows per page), as even as possible: 60 rows are 4 pages of 15, not 18+18+18+6."""
    pages = max(1, math.ceil(n / PER_PAGE))
    return pages, max(1, math.ceil(n / pages))


async def held_page(redis: aioredis.Redis, mid: str) -> int | None:
    page = await redis.hget(meeting_keys(mid).screen, "page")
    return int(page) if page else None


async def screen_pages(redis: aioredis.Redis, meeting: Meeting, seconds: float) -> dict:
    """The `pages` field of the live snapshot: {count, per_page, held (1-based or null: turning), seconds}."""
    count, per_page = split(len(meeting.secretaries))
    held = await held_page(redis, meeting.id)
    return {"pages": {"count": count, "per_page": per_page, "seconds": seconds,
                      "held": min(held, count) if held else None}}


async def set_page(request: web.Request) -> web.Response:
    """POST /api/admin/meetings/{id}/screen {page: n | null} or {step: 1 | -1}: hold page n of the results on
    the projector (null: turn pages by themselves again); `step` moves from the page held (or page 1), in one
    script, so that clicks sent together each count."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    body = await read_json(request, request.app[SETTINGS].max_json_body)
    count, _ = split(len(meeting.secretaries))
    redis, key = request.app[REDIS], meeting_keys(meeting.id).screen
    if "step" in body:
        step = body["step"]
        if not isinstance(step, int) or isinstance(step, bool) or step not in (1, -1):
            raise ApiError(400, "翻页（step）须为 1（下一页）或 -1（上一页）")
        page = int(await request.app[SCRIPTS].screen_step(keys=[key], args=[step, count]))
    elif "page" in body:
        page = body["page"]
        if page is not None and (not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= count):
            raise ApiError(400, f"页码（page）须为 1 到 {count}（null 为自动翻页）")
    else:
        raise ApiError(400, "请给出页码（page，null 为自动翻页）或翻页（step，1 或 -1）")
    if page is None:
        await redis.delete(key)
    elif "step" not in body:
        await redis.hset(key, "page", page)
    await redis.publish(meeting_keys(meeting.id).channel, "screen")
    return json_response({"page": page, "pages": count})


async def get_page(request: web.Request) -> web.Response:
    """GET /api/admin/meetings/{id}/screen → {page (held, or null: turning by itself), pages}."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    count, _ = split(len(meeting.secretaries))
    held = await held_page(request.app[REDIS], meeting.id)
    return json_response({"page": min(held, count) if held else None, "pages": count})


def setup(app: web.Application) -> None:
    app.router.add_get("/api/admin/meetings/{id}/screen", get_page)
    app.router.add_post("/api/admin/meetings/{id}/screen", set_page)
