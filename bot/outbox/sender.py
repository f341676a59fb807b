"""The sender: one task per service process (started by bot/app.py through cleanup_ctx) that claims due messages
from the outbox and hands each to the transport, a few at a time, at the configured rate across all processes.

- A claim is leased: the process renews the leases of what it holds every lease/3 seconds; when it dies, a
  claimed message is taken again and a message being sent becomes `uncertain` (lua/claim.lua).
- Quiet messages (reminders) claimed during quiet hours go back to the queue until the morning.
- Redis away: the sender waits quietly and tries again (voting.store.outage logs the outage once); an outcome that
  could not be written is retried until it is written or the service stops.
- Stopping: no new claims; sends in flight may finish for up to `stop_wait` seconds, then are cancelled (a
  cancelled send stays `sending` and becomes `uncertain`: it may have reached WeChat).
"""
from __future__ import annotations

import asyncio
import logging
import time

from voting.store.background import Pacer
from voting.store.outage import store_down

from .config import OutboxConfig
from .queue import Claim, Outbox
from .quiet import quiet_until
from .transport import Outcome, Transport

log = logging.getLogger("bot.outbox")
FINAL = ("sent", "failed", "skipped", "uncertain", "queued")


class Sender:
    def __init__(self, outbox: Outbox, transport: Transport, config: OutboxConfig):
        self.outbox, self.transport, self.config = outbox, transport, config
        self.owner = outbox.new_owner()
        self.pace = Pacer(log)
        self.stopping = False
        self.held: dict[str, Claim] = {}          # claims of this process, by id
        self.tasks: set[asyncio.Task] = set()
        self.paused_logged = False
        self._loop_task: asyncio.Task | None = None
        self._renew_task: asyncio.Task | None = None

    # --- lifecycle ---------------------------------------------------------------------------------------------

    def start(self) -> None:
        self._loop_task = asyncio.create_task(self.run(), name="outbox-sender")
        self._renew_task = asyncio.create_task(self.renew_leases(), name="outbox-leases")

    async def stop(self) -> None:
        self.stopping = True
        self.pace.stop()
        if self._loop_task:            # a claim waiting on a hung Redis must not hold the shutdown up
            if not (await asyncio.wait({self._loop_task}, timeout=5))[0]:
                self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        if self.tasks:
            done, pending = await asyncio.wait(self.tasks, timeout=self.config.stop_wait)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._renew_task:
            self._renew_task.cancel()
            await asyncio.gather(self._renew_task, return_exceptions=True)

    def notify(self) -> None:
        """Something was queued in this process: look now rather than at the next poll."""
        self.pace.wake()

    # --- the loop ----------------------------------------------------------------------------------------------

    async def run(self) -> None:
        while not self.stopping:
            if len(self.tasks) >= self.config.concurrency:
                await asyncio.wait(self.tasks, return_when=asyncio.FIRST_COMPLETED)
                continue
            try:
                got = await self.outbox.claim(self.owner, self.config.lease, self.config.rate, self.config.burst)
            except Exception as e:
                await self.pace.failed(e, "outbox sender: claiming failed")
                continue
            self.pace.ok()
            if isinstance(got, Claim):
                self.held[got.id] = got
                task = asyncio.create_task(self.handle(got))
                self.tasks.add(task)
                task.add_done_callback(self.tasks.discard)
                continue
            why, wait = got
            if why == "pause" and not self.paused_logged:
                log.warning("outbox: sending paused for %.0f s (WeChat quota, 45009)", wait)
            elif why != "pause" and self.paused_logged:
                log.info("outbox: sending resumed")
            self.paused_logged = why == "pause"
            if why == "idle":          # 0: nothing queued at all
                wait = min(wait or self.config.idle_poll, self.config.idle_poll)
            elif why == "pause":
                wait = min(wait, 5.0)
            await self.pace.sleep(wait)

    async def handle(self, claim: Claim) -> None:
        try:
            outcome = await self._outcome(claim)
            if outcome is not None:
                await self._record(claim, outcome)
        except asyncio.CancelledError:
            raise
        except Exception as e:
            # Before `begin`, the claim's lease runs out and the message is taken again; after it, the message
            # becomes `uncertain`. Nothing is lost and nothing is sent twice.
            if not store_down(e):
                log.exception("outbox: message #%s could not be handled", claim.id)
        finally:
            self.held.pop(claim.id, None)

    async def _outcome(self, claim: Claim) -> Outcome | None:
        cfg = self.config
        if claim.msg.get("quiet"):
            morning = quiet_until(time.time(), cfg.quiet_start, cfg.quiet_end)
            if morning > time.time():
                return Outcome("queued", claim.msg.get("error", ""), delay=morning - time.time(),
                               note=f"免打扰时段（{cfg.quiet_start}:00–{cfg.quiet_end:02d}:00），到时再发")
        return await self.transport.deliver(claim)

    async def _record(self, claim: Claim, outcome: Outcome) -> None:
        if outcome.pause:
            seconds = await self.outbox.pause(self.config.quota_pause, self.config.max_pause)
            outcome = Outcome("queued", outcome.error, delay=0)
            log.warning("outbox: WeChat quota reached (45009); every process pauses %.0f s", seconds)
        status = outcome.status if outcome.status in FINAL else "failed"
        delay = 0
        while True:
            try:
                await self.outbox.finish(claim, status, outcome.error or (
                    "" if status != "failed" else f"无法发送（{outcome.status}）"), delay=outcome.delay,
                    note=outcome.note, retry=outcome.retry)
                break
            except Exception as e:
                if not store_down(e) or self.stopping:
                    raise
                delay = min(5.0, delay * 2 or 0.5)
                await asyncio.sleep(delay)

    async def renew_leases(self) -> None:
        every = self.config.lease / 3
        while not asyncio.current_task().cancelling():      # a cancel inside renew may come out as an outage
            await asyncio.sleep(every)
            try:
                await self.outbox.renew(self.owner, list(self.held), self.config.lease)
            except Exception as e:
                if not store_down(e):
                    log.exception("outbox: renewing leases failed")
