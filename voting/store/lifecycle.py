"""The store's lifecycle: connect to Redis (REDIS_URL, or our own embedded server), watch it, heal it.

- While Redis does not answer, requests get 503 with Retry-After (voting/errors.py); `Outage` logs one line when it
  goes and one when it is back. The health probe is a small write with a deadline, so a Redis that answers
  PING but refuses writes (MISCONF, READONLY) or hangs (stopped) counts as away; while it is known to be away,
  new requests are answered 503 at once instead of piling up on it.
- The embedded server is our child: when it dies (kill -9, a crash, a full disk with `appendfsync always`),
  the watcher reaps it and starts it again on the same data (its append-only file) and the same socket, so
  the connection pool reconnects by itself and the service serves again within seconds. An external
  REDIS_URL is only watched: the pool reconnects when that server is back.
- `forget_on_disk` rewrites the append-only file after a meeting is finalized, so that no copy of what was
  destroyed survives in DATA_DIR (docs/design.md §3).
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import time

import redis.asyncio as aioredis
from aiohttp import web
from redis import exceptions as rx

from ..appkeys import OUTAGE, REDIS, SCRIPTS, SETTINGS, SIGNER
from ..tokens import Signer
from .background import Loop
from .embedded_redis import EmbeddedRedis, EmbeddedRedisError
from .keys import SIGNING_KEY
from .outage import Outage, store_down
from .scripts import Scripts

log = logging.getLogger("voting.store.lifecycle")
WATCH_EVERY = 0.5          # seconds between health checks
PROBE_DEADLINE = 2.0       # a probe not answered within this (a hung Redis) counts as a failure
HEALTH_KEY = "voting:health"
REWRITE_TIMEOUT = 120


async def redis_ctx(app: web.Application):
    """The store: REDIS_URL when given, else our own redis-server under DATA_DIR, stopped with the app."""
    settings = app[SETTINGS]
    embedded = None
    url = settings.redis_url
    if not url:
        embedded = EmbeddedRedis(settings.data_dir, settings.appendfsync)
        url = await embedded.astart()
        log.info("embedded Redis at %s (AOF appendfsync %s, data in %s)", url, settings.appendfsync,
                 embedded.data_dir)
    # Bounded and blocking: a room voting at once queues for a connection instead of failing.
    # No socket_timeout: redis-py then wraps every command in asyncio.wait_for, a task each (the probe below
    # finds a hung Redis instead).
    pool = aioredis.BlockingConnectionPool.from_url(url, decode_responses=True, timeout=10,
                                                    max_connections=settings.redis_connections,
                                                    socket_connect_timeout=2)
    client = aioredis.Redis(connection_pool=pool)
    app[OUTAGE] = outage = Outage()
    watcher = None
    try:
        await client.ping()
        await client.set(SIGNING_KEY, secrets.token_hex(32), nx=True)
        app[REDIS] = client
        app[SCRIPTS] = Scripts(client)
        app[SIGNER] = Signer((await client.get(SIGNING_KEY)).encode())
        watcher = Loop("store-watcher", Watcher(client, outage, embedded).step, log, "store watcher failed")
        watcher.start()
        yield
    finally:
        if watcher:
            await watcher.stop()
        await client.aclose()
        await pool.aclose()
        if embedded:
            await embedded.astop()


class Watcher:
    """Ping the store; restart the embedded server when it has died; say once when the store is back. It runs
    as a background Loop (background.py), which stops on a flag: a stop that landed inside a probe came out of
    redis-py as a connection error, which this took for an outage, so it watched on and the app's cleanup
    waited for it for ever (a hung test suite)."""

    def __init__(self, client: aioredis.Redis, outage: Outage, embedded: EmbeddedRedis | None):
        self.client, self.outage, self.embedded = client, outage, embedded
        self.restarts = 0

    async def step(self) -> float:
        """One look; returns the seconds until the next."""
        if self.embedded is not None and not self.embedded.running():
            self.outage.failed(EmbeddedRedisError("redis-server exited"))
            try:
                await self.embedded.arestart()
                self.restarts = 0
                log.warning("embedded Redis restarted on %s", self.embedded.data_dir)
            except EmbeddedRedisError as e:
                self.restarts += 1
                if self.restarts in (1, 10, 100) or self.restarts % 1000 == 0:
                    log.error("embedded Redis does not start (attempt %d): %s", self.restarts, e)
                return WATCH_EVERY + min(5.0, 0.2 * self.restarts)
        try:
            await probe(self.client)
        except Exception as e:
            if not store_down(e):
                raise
            self.outage.failed(e)
        else:
            self.outage.recovered()
        return WATCH_EVERY


async def probe(client: aioredis.Redis) -> None:
    """A write, answered within PROBE_DEADLINE: what the service needs of its store. Raises when it is not."""
    try:
        async with asyncio.timeout(PROBE_DEADLINE):
            await client.set(HEALTH_KEY, int(time.time()), ex=60)
    except TimeoutError:
        raise rx.TimeoutError(f"Redis did not answer within {PROBE_DEADLINE} s") from None


async def forget_on_disk(redis: aioredis.Redis, timeout: float = REWRITE_TIMEOUT) -> bool:
    """Rewrite the append-only file from memory and wait until the rewritten file is in place.

    Redis appends every write to its AOF; a deleted key is still in the file until the file is rewritten from
    the data in memory. Returns False when this server keeps no AOF (an external REDIS_URL may keep RDB
    snapshots or replicas instead: docs/reliability.md says what its operator must do).
    """
    if not int((await redis.info("persistence")).get("aof_enabled", 0)):
        return False
    deadline = time.monotonic() + timeout
    while True:          # a rewrite already running started before our deletions: wait for it, then ours
        try:
            await redis.bgrewriteaof()
            break
        except aioredis.ResponseError as e:
            if "already in progress" not in str(e) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)
    while True:
        info = await redis.info("persistence")
        if not int(info["aof_rewrite_in_progress"]) and not int(info["aof_rewrite_scheduled"]):
            if info.get("aof_last_bgrewrite_status") != "ok":
                raise EmbeddedRedisError("Redis could not rewrite its append-only file (see redis.log)")
            return True
        if time.monotonic() > deadline:
            raise TimeoutError("append-only file rewrite did not finish in time")
        await asyncio.sleep(0.05)
