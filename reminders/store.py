"""Reminders in Redis, all under the hash tag {rem} (one Cluster slot; scripts declare every key they touch):
`{rem}:r` id -> JSON (what the organizer asked, status scheduled | done | cancelled, occurrences fired, next
time), `{rem}:due` id -> ms of the next occurrence (or of a lease's end while one is being delivered), and
`{rem}:d:<id>` "<occurrence>|<sid>|<openid>" -> outbox message id ("" when the secretary had no bound account).

Schedules survive restarts because they are only here; each (reminder, person, occurrence) is one outbox
message because its idempotency key is `rem:<id>:<occurrence>:<sid>:<openid>`, whichever process delivers
the occurrence and however often a dead process's occurrence is taken again.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import redis.asyncio as aioredis

from bot.outbox.queue import COMMON_LUA

TAG = "{rem}"
RECORDS = f"{TAG}:r"
DUE = f"{TAG}:due"
SEQ = f"{TAG}:seq"
ALL = f"{TAG}:all"
_LUA = Path(__file__).parent / "lua"


def meeting_index(mid: str) -> str:
    return f"{TAG}:m:{mid}"


def deliveries_key(rid: str) -> str:
    return f"{TAG}:d:{rid}"


def message_key(rid: str, occurrence: int, sid: str, openid: str) -> str:
    return f"rem:{rid}:{occurrence}:{sid}:{openid}"


@dataclass(frozen=True)
class Delivery:
    occurrence: int
    sid: str
    openid: str          # "" when the secretary had no bound account at that occurrence
    message: str         # outbox id, "" with no account


class Reminders:
    def __init__(self, redis: aioredis.Redis):
        self.redis = redis
        self._create, self._claim, self._advance, self._cancel = (
            redis.register_script(COMMON_LUA + (_LUA / f"{name}.lua").read_text())
            for name in ("create", "claim", "advance", "cancel"))

    async def create(self, record: dict, first_at: float) -> str:
        return str(await self._create(keys=[RECORDS, DUE, SEQ, ALL, meeting_index(record["meeting"])],
                                      args=[json.dumps(record, ensure_ascii=False), int(first_at * 1000)]))

    async def get(self, rid: str) -> dict | None:
        raw = await self.redis.hget(RECORDS, rid)
        return json.loads(raw) if raw else None

    async def listing(self, meeting: str | None = None, limit: int = 200) -> list[dict]:
        ids = await self.redis.zrevrange(meeting_index(meeting) if meeting else ALL, 0, limit - 1)
        if not ids:
            return []
        return [json.loads(r) for r in await self.redis.hmget(RECORDS, ids) if r]

    async def claim(self, owner: str, lease: float, scan: int = 50) -> dict | float:
        """The claimed record, or seconds until the next occurrence is due (0: none scheduled)."""
        what, value = await self._claim(keys=[DUE, RECORDS], args=[owner, int(lease * 1000), scan])
        return json.loads(value) if what == "claimed" else int(value) / 1000

    async def advance(self, rid: str, owner: str, *, fired: int | None = None, next_at: float | None = None,
                      done_reason: str = "", note: str = "") -> str:
        """'ok' | 'cancelled' (by the organizer meanwhile) | 'lost' (the lease ran out; another process has it)."""
        outcome = {"next_ms": int(next_at * 1000) if next_at else 0}
        if fired is not None:
            outcome["fired"] = fired
        if done_reason:
            outcome["done_reason"] = done_reason
        if note:
            outcome["note"] = note
        return await self._advance(keys=[DUE, RECORDS], args=[rid, owner, json.dumps(outcome, ensure_ascii=False)])

    async def cancel(self, rid: str) -> tuple[str, str]:
        result, status = await self._cancel(keys=[DUE, RECORDS], args=[rid])
        return result, status

    async def record_deliveries(self, rid: str, deliveries: list[Delivery]) -> None:
        if deliveries:
            await self.redis.hset(deliveries_key(rid), mapping={
                f"{d.occurrence}|{d.sid}|{d.openid}": d.message for d in deliveries})

    async def deliveries(self, rid: str) -> list[Delivery]:
        out = []
        for field, message in (await self.redis.hgetall(deliveries_key(rid))).items():
            occurrence, sid, openid = field.split("|", 2)
            out.append(Delivery(int(occurrence), sid, openid, message))
        return sorted(out, key=lambda d: (d.occurrence, _order(d.sid), d.openid))


def _order(sid: str) -> tuple[int, str]:
    """s2 before s10."""
    digits = sid.lstrip("s")
    return (int(digits), sid) if digits.isdigit() else (1 << 30, sid)
