"""How the service's background loops run, all alike: the store's watcher (lifecycle.py), the due closes
(voting/console/deadlines.py), the outbox sender (bot/outbox/sender.py), the reminder scheduler
(reminders/scheduler.py) and the paperwork overdue sweep.

- A loop waits until its next due time or until woken early (`wake()`: something was queued in this process).
- Redis away: it waits ever longer (0.5 s doubling to 5 s) without a log line per try (voting.store.outage reports
  the outage once); any other error is a bug of ours, logged with its traceback, and the loop goes on.
- Stopping is a flag, not only a cancel: a cancel that lands inside a Redis command can come out of redis-py as a
  connection error, which a loop would take for an outage and sleep on. A step under way may finish (up to
  `grace` seconds: one waiting on a hung Redis must not hold the shutdown up), then it is cancelled.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable

from .outage import store_down

MAX_BACKOFF = 5.0


class Pacer:
    """The waiting of one loop: until a deadline or a wake-up, and the backoff while Redis is away."""

    def __init__(self, log: logging.Logger):
        self.log = log
        self.event = asyncio.Event()
        self.backoff = 0.0
        self.stopped = False

    def wake(self) -> None:
        self.event.set()

    def stop(self) -> None:
        self.stopped = True
        self.event.set()

    async def sleep(self, seconds: float) -> None:
        if self.stopped:
            return
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


class Loop:
    """One background task that calls `step()` until stopped; `step` returns the seconds to wait before the
    next call (a `wake()` cuts the wait short). `what` names the loop in the log line of a failure."""

    def __init__(self, name: str, step: Callable[[], Awaitable[float]], log: logging.Logger, what: str,
                 grace: float = 5.0):
        self.name, self.step, self.what, self.grace = name, step, what, grace
        self.pace = Pacer(log)
        self._task: asyncio.Task | None = None

    @property
    def stopping(self) -> bool:
        return self.pace.stopped

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name=self.name)

    def wake(self) -> None:
        self.pace.wake()

    async def stop(self) -> None:
        self.pace.stop()
        if self._task:
            if not (await asyncio.wait({self._task}, timeout=self.grace))[0]:
                self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _run(self) -> None:
        while not self.pace.stopped:
            try:
                wait = await self.step()
            except asyncio.CancelledError:
                raise
            except Exception as e:
                await self.pace.failed(e, self.what)
                continue
            self.pace.ok()
            await self.pace.sleep(wait)
