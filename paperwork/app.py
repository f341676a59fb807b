"""The paperwork's part of the application, mounted by voting.app.create_app through the
`shuzhi_voting.extensions` entry point (pyproject.toml); voting/ never imports paperwork/."""
from __future__ import annotations

from aiohttp import web

from bot.appkeys import FEEDBACK_LINES
from voting.appkeys import MEETING_PAGES

from . import admin_api, admin_pages, pages, published
from .identity import entry_url
from .overdue import sweeper_ctx


def setup(app: web.Application) -> None:
    """The secretary's pages, the published reports, the organizer's page (linked from each meeting's page) and
    API, the overdue sweep."""
    pages.setup_routes(app)
    published.setup_routes(app)
    admin_pages.setup_routes(app)
    admin_api.setup_routes(app)
    app.cleanup_ctx.append(sweeper_ctx)
    app.setdefault(MEETING_PAGES, []).append(("述职报告和整改清单", "/admin/meetings/{id}/paperwork"))
    app.setdefault(FEEDBACK_LINES, []).append(
        lambda app, mid: f"请据此列出整改清单（问题、整改措施、整改时限）并提交：{entry_url(app, mid)}")
