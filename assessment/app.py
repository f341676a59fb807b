"""Mounted through the `shuzhi_voting.extensions` entry point (pyproject.toml)."""
from __future__ import annotations

from aiohttp import web

MOUNTED = web.AppKey("assessment_mounted", bool)


def setup(app: web.Application) -> None:
    if app.get(MOUNTED):
        return
    app[MOUNTED] = True
