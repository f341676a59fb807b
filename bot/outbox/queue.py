"""The durable outbox: every message the service sends (feedback, reminders, confirmations) is a record in Redis
that goes `queued → sent | failed | skipped | uncertain`, with the reason, the attempts and the channel.

Mechanism (why not Redis streams or arq): a sorted set of due times (`due`: id → ms) and one hash of messages
(`msgs`: id → JSON), changed only by the Lua scripts in lua/. One structure serves a first send, a retry with
backoff, a pause and a lease, so that claiming is one atomic script across processes, and a lease that runs
out tells apart "claimed, not yet sent" (requeued) from "the request may have left" (`uncertain`). A stream's
consumer group would redeliver both alike (at least once) and needs a second structure for delays; arq runs a
job again after a worker dies and spreads a job over keys of several Cluster slots. Every key here carries the
hash tag {ob}, so each script touches one Cluster slot and all keys it touches are declared (message records are
fields of one hash for that reason, not a key each).
"""
from __future__ import annotations

import json
import secrets
from dataclasses import asdict, dataclass
from pathlib import Path

import redis.asyncio as aioredis

from ..identity.bindings import mask

TAG = "{ob}"
KEYS_ = f"{TAG}:keys"          # hash: idempotency key -> message id
MSGS = f"{TAG}:msgs"           # hash: id -> message JSON
DUE = f"{TAG}:due"             # zset: id -> ms (queued: may be sent from; claimed/sending: lease ends)
ALL = f"{TAG}:all"             # zset: id -> created ms
SEQ = f"{TAG}:seq"             # counter of ids
PAUSE = f"{TAG}:pause"         # string with a TTL: sending paused (45009)
PAUSE_LEVEL = f"{TAG}:pause:level"
RATE = f"{TAG}:rate"           # hash: token bucket shared by every process
STATUSES = ("queued", "sent", "failed", "skipped", "uncertain")

_LUA = Path(__file__).parent / "lua"
COMMON_LUA = (_LUA / "common.lua").read_text()     # helpers prepended to each script


def meeting_index(mid: str) -> str:
    """zset: the messages about one meeting, id -> created ms."""
    return f"{TAG}:m:{mid or '-'}"


@dataclass(frozen=True)
class Outgoing:
    """One message to one WeChat account. `key` makes enqueueing idempotent: the same key is the same message.

    `text` is what a customer-service message (and the console) shows. A template message, used outside the
    48-hour window, carries three short fields (at most 20 characters each: a 类目模板's `thing` refuses more):
    `topic` (事项), the meeting's title (会议) and `summary` (内容, after the secretary's `name` when the message
    is for one), and links to `url` for the whole text."""
    key: str
    to: str                   # openid
    kind: str                 # feedback | reminder | confirmation | ...
    text: str
    meeting: str = ""         # meeting id, for the per-meeting list
    meeting_title: str = ""
    secretary: str = ""       # sid, when the message is for a secretary
    name: str = ""            # the person's name as the console shows it
    topic: str = ""
    summary: str = ""
    url: str = ""
    ref: str = ""             # what produced it, e.g. "reminder:12#2"
    quiet: bool = False       # held back during quiet hours (22:00-07:00 China time)


@dataclass(frozen=True)
class Claim:
    """A message this process may send now (`msg` is the stored record)."""
    id: str
    owner: str
    msg: dict


def public(msg: dict) -> dict:
    """What the organizer sees (docs/api.md fields first). A claimed or sending message is still `queued`
    to the organizer; `stage` says which. The openid itself is shown masked."""
    status = msg["status"] if msg["status"] in STATUSES else "queued"
    out = {"id": msg["id"], "to": mask(msg.get("to", "")), "kind": msg.get("kind", ""), "text": msg.get("text", ""),
           "status": status, "attempts": int(msg.get("attempts") or 0)}
    if msg.get("error"):
        out["error"] = msg["error"]
    out.update(stage=msg["status"], channel=msg.get("channel", ""), meeting=msg.get("meeting", ""),
               secretary=msg.get("secretary", ""), name=msg.get("name", ""), ref=msg.get("ref", ""),
               note=msg.get("note", ""), created=_s(msg.get("created")), updated=_s(msg.get("updated")),
               sent_at=_s(msg.get("sent_at")), due=_s(msg.get("due")) if status == "queued" else None,
               resends=int(msg.get("resends") or 0))
    if msg.get("last_error"):
        out["last_error"] = msg["last_error"]
    return out


def _s(ms) -> float | None:
    return ms / 1000 if isinstance(ms, (int, float)) else None


class Outbox:
    """The scripts of lua/ bound to one Redis client; every method is one round trip unless it says otherwise."""

    def __init__(self, redis: aioredis.Redis):
        self.redis = redis
        self._enqueue, self._claim, self._begin, self._finish, self._renew, self._organizer, self._pause = (
            redis.register_script(COMMON_LUA + (_LUA / f"{name}.lua").read_text())
            for name in ("enqueue", "claim", "begin", "finish", "renew", "organizer", "pause"))

    # --- producers ---------------------------------------------------------------------------------------------

    async def enqueue(self, out: Outgoing, due: float | None = None) -> tuple[str, bool]:
        """(id, True) for a new message; (id of the existing one, False) when the key is known."""
        return (await self.enqueue_many([out], due))[0]

    async def enqueue_many(self, items: list[Outgoing], due: float | None = None) -> list[tuple[str, bool]]:
        """Many messages in one pipeline (still one script, hence atomic, per message); `due`: not before."""
        async with self.redis.pipeline(transaction=False) as pipe:
            for out in items:
                body = {k: v for k, v in asdict(out).items() if k != "key"}
                await self._enqueue(keys=[KEYS_, MSGS, DUE, ALL, meeting_index(out.meeting), SEQ],
                                    args=[out.key, json.dumps(body, ensure_ascii=False), int((due or 0) * 1000)],
                                    client=pipe)
            replies = await pipe.execute()
        return [(str(i), bool(n)) for i, n in replies]

    # --- the organizer -----------------------------------------------------------------------------------------

    async def get(self, ident: str) -> dict | None:
        raw = await self.redis.hget(MSGS, ident)
        return json.loads(raw) if raw else None

    async def get_many(self, ids: list[str]) -> dict[str, dict]:
        if not ids:
            return {}
        raws = await self.redis.hmget(MSGS, ids)
        return {i: json.loads(r) for i, r in zip(ids, raws) if r}

    async def listing(self, meeting: str | None = None, limit: int = 500) -> list[dict]:
        """The newest messages first, of one meeting or of all."""
        ids = await self.redis.zrevrange(meeting_index(meeting) if meeting else ALL, 0, limit - 1)
        found = await self.get_many(ids)
        return [found[i] for i in ids if i in found]

    async def cancel(self, ident: str, reason: str = "已取消") -> tuple[str, str]:
        """('ok', 'skipped') | ('missing', '') | ('state', current status): only what is not being sent."""
        result, status = await self._organizer(keys=[DUE, MSGS], args=["cancel", ident, reason])
        return result, status

    async def resend(self, ident: str) -> tuple[str, str]:
        """Queue a failed, skipped or uncertain message again: the organizer's explicit decision."""
        result, status = await self._organizer(keys=[DUE, MSGS], args=["resend", ident, ""])
        return result, status

    async def paused_for(self) -> float:
        """Seconds the sender stays paused (WeChat's quota, 45009); 0 when it is not."""
        ms = await self.redis.pttl(PAUSE)
        return ms / 1000 if ms > 0 else 0.0

    # --- the sender --------------------------------------------------------------------------------------------

    @staticmethod
    def new_owner() -> str:
        return secrets.token_hex(8)

    async def claim(self, owner: str, lease: float, rate: float, burst: float,
                    scan: int = 50) -> Claim | tuple[str, float]:
        """A Claim, or (why, seconds to wait): ('pause'|'rate'|'idle', s); ('idle', 0) means nothing queued."""
        what, value = await self._claim(keys=[DUE, MSGS, PAUSE, RATE],
                                        args=[owner, int(lease * 1000), rate, burst, scan])
        if what == "claimed":
            msg = json.loads(value)
            return Claim(msg["id"], owner, msg)
        return what, int(value) / 1000

    async def begin(self, claim: Claim, lease: float, channel: str) -> bool:
        """Mark the message `sending` before the request leaves; False: the claim is no longer ours."""
        return bool(await self._begin(keys=[DUE, MSGS], args=[claim.id, claim.owner, int(lease * 1000), channel]))

    async def finish(self, claim: Claim, status: str, error: str = "", *, delay: float = 0, note: str = "",
                     retry: bool = False) -> bool:
        outcome = {"status": status, "delay_ms": int(delay * 1000)}
        if error:
            outcome["error"] = error
        if note:
            outcome["note"] = note
        if retry:
            outcome["retry"] = True
        return bool(await self._finish(keys=[DUE, MSGS, PAUSE_LEVEL],
                                       args=[claim.id, claim.owner, json.dumps(outcome, ensure_ascii=False)]))

    async def renew(self, owner: str, ids: list[str], lease: float) -> int:
        if not ids:
            return 0
        return int(await self._renew(keys=[DUE, MSGS], args=[owner, int(lease * 1000), *ids]))

    async def pause(self, first: float, longest: float) -> float:
        """Stop every process's sending (WeChat's 45009); returns the pause in seconds."""
        return int(await self._pause(keys=[PAUSE, PAUSE_LEVEL], args=[int(first * 1000), int(longest * 1000)])) / 1000
