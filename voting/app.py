"""`create_app(settings)`: the one aiohttp application. Stateless between requests; Redis holds everything."""
from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

import aiohttp_jinja2
import jinja2
from aiohttp import web

from .appkeys import REDIS, SETTINGS
from .ballots import cast_api
from .console import admin, admin_auth, admin_pages, deadlines
from .errors import error_middleware
from .responses import json_response
from .join import join_api
from .room import live, pages, voter_api
from .settings import Settings, persistent_admin_token
from .store.lifecycle import probe, redis_ctx

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
# Packages that add to the app register a `setup(app)` under this entry-point group (pyproject.toml): the
# WeChat official account (bot/) mounts /wechat this way, so voting/ never imports bot/.
EXTENSIONS = "shuzhi_voting.extensions"


async def healthz(request: web.Request) -> web.Response:
    """200 when the service and its Redis answer (and take a write); otherwise the 503 with Retry-After every
    route gives."""
    await probe(request.app[REDIS])
    return json_response({"status": "ok", "redis": "ok"})


def create_app(settings: Settings) -> web.Application:
    if not settings.admin_token:
        settings = settings.with_(admin_token=persistent_admin_token(settings.data_dir))
    app = web.Application(middlewares=[error_middleware, admin_auth.admin_middleware],
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
    voter_api.setup(app)
    admin.setup(app)
    pages.setup(app)
    admin_pages.setup(app)
    for extension in entry_points(group=EXTENSIONS):
        extension.load()(app)
    return app
