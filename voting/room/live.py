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

from .. import results
from ..appkeys import LIVE, REDIS, SETTINGS
from ..errors import ApiError
from ..meetings import load_meeting
from ..store.keys import meeting_keys
from ..store.outage import store_down
from .screen_pages import screen_pages
from .state import meeting_state, public_state

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
    def __init__(self, redis: aioredis.Redis, interval: float, min_group: int = 5, page_seconds: float = 12.0):
        self.redis = redis
        self.interval = interval
        self.min_group = min_group            # Settings.anonymity_min_group
        self.page_seconds = page_seconds      # Settings.screen_page_seconds
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
        """Redis restarting: keep the screens and reconnect every second, saying so once per outage (the
        store's watcher says when it is back)."""
        lost = False
        # Not `while True`: a cancel that lands inside a Redis command can come out of redis-py as a connection
        # error, which this would take for a lost Redis and reconnect for ever (background.py says more).
        while not asyncio.current_task().cancelling():
            try:
                async with self.redis.pubsub(ignore_subscribe_messages=True) as pubsub:
                    await pubsub.psubscribe("live:*")
                    lost = False
                    async for message in pubsub.listen():
                        self.touch(message["channel"].removeprefix("live:"))
            except asyncio.CancelledError:
                raise
            except Exception as e:
                if not lost:
                    log.warning("live listener lost Redis (%s); reconnecting", e)
                lost = True
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
            if not store_down(e):            # an outage is logged once by the store's watcher
                log.warning("live snapshot of %s failed: %s", mid, e)
            return
        for box in boxes:
            box.offer(payloads)

    async def snapshot(self, mid: str, full: bool = True) -> dict[str, bytes]:
        """The room's view: turnout, windows, the countdown; scores only once released, and then only of
        secretaries whose voting is closed (docs/design.md §3 "Hide until release"). The console reads the
        organizer's own figures from /api/admin/..., never from here."""
        meeting = await load_meeting(self.redis, mid)
        state = await meeting_state(self.redis, meeting, self.min_group)
        data = {"title": meeting.title, "mode": meeting.mode, "eligibility": meeting.eligibility,
                "released": meeting.released, "at": time.time(), "secretaries": meeting.secretaries,
                **public_state(state), **await screen_pages(self.redis, meeting, self.page_seconds)}
        if meeting.released and full:
            rows = results.results_json(meeting, await results.graded(self.redis, meeting))
            data["results"] = results.public_results(rows, state["closed"], meeting.release_grades)
            data["release_grades"] = meeting.release_grades
        windows = {"open": data["open"], "closed": data["closed"]}
        if state["deadline"]:
            windows["deadline"] = state["deadline"]
        return {"full": _event("state", json.dumps(data, ensure_ascii=False)),
                "windows": _event("state", json.dumps(windows, ensure_ascii=False))}


def _event(name: str, data: str) -> bytes:
    return f"event: {name}\ndata: {data}\n\n".encode()


async def _joinable(redis: aioredis.Redis, meeting) -> bool:
    """A join code is worth showing while some window can still be voted in and results are not out."""
    k = meeting_keys(meeting.id)
    async with redis.pipeline(transaction=False) as pipe:
        closed, status, released = await pipe.scard(k.closed).hget(k.meta, "status").hget(k.meta, "released") \
            .execute()
    return closed < len(meeting.secretaries) and status != "finalized" and released != "1"


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
            if shows_join and now >= next_join and not await _joinable(app[REDIS], meeting):
                shows_join = False            # all voting closed, archived or released: the QR goes away
                await resp.write(_event("join", json.dumps({"code": None})))
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
    settings = app[SETTINGS]
    hub = LiveHub(app[REDIS], settings.live_interval, settings.anonymity_min_group, settings.screen_page_seconds)
    app[LIVE] = hub
    listener = asyncio.create_task(hub.listen())
    yield
    listener.cancel()
    for task in [listener, *hub.tasks]:
        task.cancel()
    await asyncio.gather(listener, *hub.tasks, return_exceptions=True)
