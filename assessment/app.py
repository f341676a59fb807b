"""The year's assessment, mounted by voting.app.create_app through the `shuzhi_voting.extensions` entry point
(pyproject.toml); voting/ never imports assessment/."""
from __future__ import annotations

from aiohttp import web

from voting.appkeys import CONSOLE_PAGES, MEETING_PAGES

from . import combine_api, composite_api, pages
from .composite import has_composite


def setup(app: web.Application) -> None:
    """The composite's and the combination's pages (linked from each meeting's page and from the list of
    meetings) and API."""
    composite_api.setup_routes(app)
    combine_api.setup_routes(app)
    pages.setup_routes(app)
    app.setdefault(MEETING_PAGES, []).append(("综合考评（003）", "/admin/meetings/{id}/composite", has_composite))
    app.setdefault(CONSOLE_PAGES, []).append(("上述、下评合成（004）", "/admin/assessment/combine"))
