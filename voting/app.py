"""`create_app(settings)`: the one aiohttp application. Stateless between requests; Redis holds everything."""
from __future__ import annotations

import logging
import secrets
from importlib.metadata import entry_points
from pathlib import Path

import aiohttp_jinja2
import jinja2
import redis.asyncio as aioredis
from aiohttp import web

from . import admin, deadlines, live, pages
from .appkeys import REDIS, SCRIPTS, SETTINGS, SIGNER
from .ballots import cast_api
from .embedded_redis import EmbeddedRedis
from .errors import error_middleware, error_response, json_response
from .join import join_api
from .keys import SIGNING_KEY
from .scripts import Scripts
from .settings import Settings, persistent_admin_token
from .tokens import Signer

log = logging.getLogger(__name__)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Packages that add to the app register a `setup(app)` under this entry-point group (pyproject.toml): the
# WeChat official account (bot/) mounts /wechat this way, so voting/ never imports bot/.
EXTENSIONS = "shuzhi_voting.extensions"


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
    pool = aioredis.BlockingConnectionPool.from_url(url, decode_responses=True, timeout=10,
                                                    max_connections=settings.redis_connections)
    client = aioredis.Redis(connection_pool=pool)
    try:
        await client.ping()
        await client.set(SIGNING_KEY, secrets.token_hex(32), nx=True)
        app[REDIS] = client
        app[SCRIPTS] = Scripts(client)
        app[SIGNER] = Signer((await client.get(SIGNING_KEY)).encode())
        yield
    finally:
        await client.aclose()
        await pool.aclose()
        if embedded:
            await embedded.astop()


async def healthz(request: web.Request) -> web.Response:
    try:
        await request.app[REDIS].ping()
    except Exception:
        return error_response(503, "Redis 无响应")
    return json_response({"status": "ok", "redis": "ok"})


def create_app(settings: Settings) -> web.Application:
    if not settings.admin_token:
        settings = settings.with_(admin_token=persistent_admin_token(settings.data_dir))
    app = web.Application(middlewares=[error_middleware, admin.admin_middleware],
                          client_max_size=settings.max_upload_body)
    app[SETTINGS] = settings
    aiohttp_jinja2.setup(app, loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    app.cleanup_ctx.append(redis_ctx)
    app.cleanup_ctx.append(live.live_ctx)
    app.cleanup_ctx.append(deadlines.deadline_ctx)
    app.on_shutdown.append(live.close_streams)

    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/meetings/{id}/join", join_api)
    app.router.add_post("/api/meetings/{id}/ballots", cast_api)
    app.router.add_get("/api/meetings/{id}/live", live.live_stream)
    admin.setup(app)
    pages.setup(app)
    for extension in entry_points(group=EXTENSIONS):
        extension.load()(app)
    return app
