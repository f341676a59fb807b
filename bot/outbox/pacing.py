"""How a background loop (the outbox sender, the reminder scheduler) waits: until a deadline or until woken
early, and ever longer (0.5 s doubling to 5 s) while Redis is away, without a log line per try: voting.store.outage
reports the outage once."""
from __future__ import annotations

import asyncio
import logging

from voting.store.outage import store_down

MAX_BACKOFF = 5.0


class Pacer:
    def __init__(self, log: logging.Logger):
        self.log = log
        self.event = asyncio.Event()
        self.backoff = 0.0

    def wake(self) -> None:
        self.event.set()

    async def sleep(self, seconds: float) -> None:
        self.event.clear()
        try:
            async with asyncio.timeout(max(seconds, 0.001)):
                await self.event.wait()
        except TimeoutError:
            pass

    def ok(self) -> None:
        self.backoff = 0.0

    async def failed(self, error: Exception, what: str) -> None:
        """A store outage waits quietly; anything else is a bug of ours and is logged with its traceback."""
        if not store_down(error):
            self.log.error("%s", what, exc_info=error)
        self.backoff = min(MAX_BACKOFF, self.backoff * 2 or 0.5)
        await self.sleep(self.backoff)
