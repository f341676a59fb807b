"""The year's assessment, mounted by voting.app.create_app through the `shuzhi_voting.extensions` entry point
(pyproject.toml); voting/ never imports assessment/."""
from __future__ import annotations

from aiohttp import web

from . import combine_api, composite_api, pages

MOUNTED = web.AppKey("assessment_mounted", bool)


def setup(app: web.Application) -> None:
    """The composite's and the combination's pages and API. Calling it again on the same app does nothing."""
    if app.get(MOUNTED):
        return
    app[MOUNTED] = True
    composite_api.setup_routes(app)
    combine_api.setup_routes(app)
    pages.setup_routes(app)
