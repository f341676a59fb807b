"""The projector stream (GET /api/meetings/{id}/live, Server-Sent Events).

One Redis pub/sub listener per process. Every cast or window change marks its meeting; at most one snapshot
per meeting per `live_interval` is built and handed to all of that meeting's open screens, so a room voting
at once costs a few updates a second, not one per ballot.
"""
from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict

import redis.asyncio as aioredis
from aiohttp import web

from . import results
from .appkeys import LIVE, REDIS, SETTINGS
from .errors import ApiError
from .meetings import load_meeting
from .state import meeting_state

log = logging.getLogger(__name__)
PING_EVERY = 15.0


class Mailbox:
    """The latest event frame for one client; a slow client skips to the newest instead of queueing.
    view "full" (projector) gets every snapshot; "windows" (phones) only a change of open/closed.
    Frames are encoded once per push and shared: 500 screens cost one encoding, not 500."""
    __slots__ = ("event", "data", "view")

    def __init__(self, view: str):
        self.event = asyncio.Event()
        self.data = b""
        self.view = view

    def offer(self, payloads: dict[str, bytes]):
        data = payloads[self.view]
        if self.data is not None and data != self.data:     # None: closed for good
            self.data = data
            self.event.set()

    async def get(self, timeout: float) -> bytes | None:
        """The newest frame; None once the service is shutting down."""
        async with asyncio.timeout(timeout):      # no task per wake-up, unlike asyncio.wait_for
            await self.event.wait()
        self.event.clear()
        return self.data

    def close(self):
        self.data = None
        self.event.set()


class LiveHub:
    def __init__(self, redis: aioredis.Redis, interval: float):
        self.redis = redis
        self.interval = interval
        self.boxes: dict[str, set[Mailbox]] = defaultdict(set)
        self.last_push: dict[str, float] = {}
        self.pending: set[str] = set()
        self.tasks: set[asyncio.Task] = set()
        self.closing = False

    def subscribe(self, mid: str, view: str = "full") -> Mailbox:
        box = Mailbox(view)
        self.boxes[mid].add(box)
        if self.closing:                # a stream that started as the service stops ends at once
            box.close()
        return box

    def close(self):
        self.closing = True
        for boxes in self.boxes.values():
            for box in boxes:
                box.close()

    def unsubscribe(self, mid: str, box: Mailbox):
        self.boxes[mid].discard(box)
        if not self.boxes[mid]:
            del self.boxes[mid]
            self.last_push.pop(mid, None)

    async def listen(self):
        while True:
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.psubscribe("live:*")
                    async for message in pubsub.listen():
                        self.touch(message["channel"].removeprefix("live:"))
            except asyncio.CancelledError:
                raise
            except Exception as e:  # Redis restarting: keep the screens, reconnect
                log.warning("live listener lost Redis (%s); reconnecting", e)
                await asyncio.sleep(1)

    def touch(self, mid: str):
        if mid not in self.boxes or mid in self.pending:
            return
        self.pending.add(mid)
        loop = asyncio.get_running_loop()
        delay = max(0.0, self.last_push.get(mid, 0.0) + self.interval - loop.time())
        loop.call_later(delay, self._spawn, mid)

    def _spawn(self, mid: str):
        task = asyncio.ensure_future(self._push(mid))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _push(self, mid: str):
        self.pending.discard(mid)
        self.last_push[mid] = asyncio.get_running_loop().time()
        boxes = list(self.boxes.get(mid, ()))
        try:
            payloads = await self.snapshot(mid, full=any(b.view == "full" for b in boxes))
        except Exception as e:
            log.warning("live snapshot of %s failed: %s", mid, e)
            return
        for box in boxes:
            box.offer(payloads)

    async def snapshot(self, mid: str, full: bool = True) -> dict[str, bytes]:
        meeting = await load_meeting(self.redis, mid)
        state = await meeting_state(self.redis, meeting)
        data = {"title": meeting.title, "mode": meeting.mode, "eligibility": meeting.eligibility,
                "released": meeting.released, "at": time.time(), "secretaries": meeting.secretaries, **state}
        if meeting.released and full:
            data["results"] = results.results_json(meeting, await results.graded(self.redis, meeting))
        return {"full": _event("state", json.dumps(data, ensure_ascii=False)),
                "windows": _event("state", json.dumps({"open": data["open"], "closed": data["closed"]}))}


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


async def live_stream(request: web.Request) -> web.StreamResponse:
    app = request.app
    meeting = await load_meeting(app[REDIS], request.match_info["id"])
    settings, hub = app[SETTINGS], app[LIVE]
    shows_join = meeting.shows_join(request.query.get("k", ""))
    period = settings.join_code_period
    resp = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache",
                                       "X-Accel-Buffering": "no"})
    view = "windows" if request.query.get("view") == "windows" else "full"
    box = hub.subscribe(meeting.id, view)
    try:
        await resp.prepare(request)
        box.offer(await hub.snapshot(meeting.id, full=view == "full"))
        next_join = 0.0
        while True:
            now = time.time()
            if shows_join and now >= next_join:
                code = meeting.join_code(period, now)
                next_join = (now // period + 1) * period
                await resp.write(_event("join", json.dumps({
                    "code": code, "url": meeting.ballot_url(settings.base_url, code),
                    "expires_in": round(next_join - now)})))
            wait = min(PING_EVERY, next_join - now) if shows_join else PING_EVERY
            try:
                data = await box.get(max(wait, 0.05))
            except TimeoutError:
                await resp.write(b": ping\n\n")
                continue
            if data is None:
                break
            await resp.write(data)
    except (ConnectionResetError, ApiError):
        pass
    finally:
        hub.unsubscribe(meeting.id, box)
    return resp


async def close_streams(app: web.Application):
    """on_shutdown: end every open stream now, instead of the server waiting for them to time out."""
    app[LIVE].close()


async def live_ctx(app: web.Application):
    hub = LiveHub(app[REDIS], app[SETTINGS].live_interval)
    app[LIVE] = hub
    listener = asyncio.create_task(hub.listen())
    yield
    listener.cancel()
    for task in [listener, *hub.tasks]:
        task.cancel()
    await asyncio.gather(listener, *hub.tasks, return_exceptions=True)
