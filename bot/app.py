"""The WeChat official account's part of the application, mounted by voting.app.create_app through the
`shuzhi_voting.extensions` entry point (pyproject.toml), so that voting/ never imports bot/."""
from __future__ import annotations

from aiohttp import web


def setup(app: web.Application) -> None:
    """Register the bot's routes and background work on the voting app (the webhook comes with issue 8)."""
