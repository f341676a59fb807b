"""The reminder scheduler: one task per service process. It claims a due occurrence (a lease in Redis), works
out the audience now, queues one outbox message per bound account of each secretary in it (idempotency key
per reminder, occurrence, secretary and account), records the deliveries, and schedules the next occurrence,
or ends the reminder when it has run `max_times` or nobody is left to remind.

Quiet hours (22:00-07:00 China time): a reminder that is not `urgent` is postponed to 07:00; its messages are
marked quiet so that the sender, too, holds them back if a retry falls into the night. Redis away: the loop
waits quietly and tries again (voting.store.outage logs the outage once).
"""
from __future__ import annotations

import logging
import secrets
import time

from aiohttp import web

from bot.identity.bindings import bindings
from bot.outbox.config import OutboxConfig
from bot.outbox.queue import Outgoing
from bot.outbox.quiet import quiet_until
from bot.outbox.service import queue_messages
from bot.appkeys import OUTBOX
from voting.appkeys import REDIS, SETTINGS, SIGNER
from voting.errors import ApiError
from voting.store.background import Loop
from paperwork.identity import entry_url
from voting.meetings import load_meeting

from . import audience as audiences
from .config import ReminderConfig
from .store import Delivery, Reminders, message_key

log = logging.getLogger("reminders")
PAGE_TTL = 120 * 86400


def page_url(app: web.Application, rid: str) -> str:
    """The reminder's whole text, for template messages whose keywords WeChat cuts at 20 characters."""
    return f"{app[SETTINGS].base_url}/reminders/{rid}/text?t=" + app[SIGNER].sign({"rr": rid}, PAGE_TTL)


def next_time(ts: float, urgent: bool, outbox: OutboxConfig) -> float:
    return ts if urgent else quiet_until(ts, outbox.quiet_start, outbox.quiet_end)


def addressed_to(name: str, text: str) -> str:
    """"张三同志：请于…": each message names the secretary it is about. One account may be bound to several
    (a clerk for two secretaries) and got the same text twice with no way to tell them apart; the name comes
    first so that it survives a template message's 20-character keyword."""
    return f"{name}同志：{text}" if name else text


class Scheduler:
    def __init__(self, app: web.Application, store: Reminders, config: ReminderConfig, outbox: OutboxConfig):
        self.app, self.store, self.config, self.outbox = app, store, config, outbox
        self.owner = secrets.token_hex(8)
        # an occurrence under way finishes (up to 10 s); one waiting on a hung Redis is cancelled
        self.loop = Loop("reminder-scheduler", self.step, log, "reminder scheduler: an occurrence failed", grace=10)

    def start(self) -> None:
        self.loop.start()

    async def stop(self) -> None:
        await self.loop.stop()

    def notify(self) -> None:
        self.loop.wake()

    async def step(self) -> float:
        """Deliver the next due occurrence (and look again at once), or wait until one is due."""
        got = await self.store.claim(self.owner, self.outbox.lease)
        if isinstance(got, dict):
            await self.occurrence(got)
            return 0
        return min(got or self.config.poll, self.config.poll)

    async def occurrence(self, rec: dict) -> None:
        rid, now = rec["id"], time.time()
        later = next_time(now, rec.get("urgent", False), self.outbox)
        if later > now + 1:
            quiet = f"{self.outbox.quiet_start}:00–{self.outbox.quiet_end:02d}:00"
            await self.store.advance(rid, self.owner, next_at=later, note=f"免打扰时段（{quiet}），推迟到 "
                                     f"{self.outbox.quiet_end:02d}:00 发送")
            return
        redis = self.app[REDIS]
        try:
            meeting = await load_meeting(redis, rec["meeting"])
        except ApiError:
            await self.store.advance(rid, self.owner, done_reason="会议已不存在")
            return
        sids = await audiences.members(redis, meeting, rec["audience"])
        if not sids:
            await self.store.advance(rid, self.owner, done_reason="没有需要提醒的人（均已提交）")
            return
        n = int(rec.get("fired") or 0) + 1
        bound, _ = await bindings(redis, meeting.id)
        items, deliveries = [], []
        # A reminder about paperwork leads to where it is submitted; any other to its full text.
        paper = audiences.kind(rec["audience"]) is not None
        url = entry_url(self.app, meeting.id) if paper else page_url(self.app, rid)
        for sid in sids:
            accounts = bound.get(sid, [])
            if not accounts:
                deliveries.append(Delivery(n, sid, "", ""))
            name = meeting.names.get(sid, "")
            addressed = addressed_to(name, rec["text"])
            text = f"【提醒】{meeting.title}\n{addressed}" + (f"\n提交入口：{url}" if paper else "")
            items += [Outgoing(key=message_key(rid, n, sid, openid), to=openid, kind="reminder",
                               text=text, meeting=meeting.id,
                               meeting_title=meeting.title, secretary=sid, name=name,
                               topic=audiences.topic(rec["audience"]), summary=addressed, url=url,
                               ref=f"reminder:{rid}#{n}", quiet=not rec.get("urgent", False))
                      for openid in accounts]
        queued = await queue_messages(self.app, items)
        deliveries += [Delivery(n, item.secretary, item.to, ident) for item, (ident, _) in zip(items, queued)]
        await self.store.record_deliveries(rid, deliveries)
        times, every = int(rec.get("max_times") or 1), rec.get("every_s")
        if n >= times or not every:
            result = await self.store.advance(rid, self.owner, fired=n, done_reason=f"已提醒 {n} 次")
        else:
            planned = float(rec["next_at"]) / 1000 + every
            upcoming = next_time(planned if planned > now else now + every, rec.get("urgent", False), self.outbox)
            result = await self.store.advance(rid, self.owner, fired=n, next_at=upcoming)
        if result == "cancelled":       # the organizer cancelled while this occurrence was being delivered
            for ident, _ in queued:
                await self.app[OUTBOX].cancel(ident, "已取消")
        log.info("reminder %s occurrence %d: %d messages to %d secretaries (%s)", rid, n, len(items), len(sids),
                 result)
