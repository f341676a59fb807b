"""Meetings in Redis: create, load, and the codes that let attendees in.

Open meetings show a rotating join code (a photo of it stops working after two periods). Roster meetings
print one invite code per attendee; the codes are derived from the meeting secret, so they can be printed
again but are never stored: Redis holds only their keyed hashes (docs/design.md §3 Anonymity).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from functools import cached_property

import redis.asyncio as aioredis

import scoring

from .errors import ApiError
from .spec import MeetingSpec
from .store.keys import MEETINGS, meeting_keys
from .tokens import pseudonym

ID_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
MEETING_ID = re.compile(r"^[a-z0-9]{4,32}$")
# Crockford-like: no 0/O, 1/I, so a code read aloud or typed from paper is not misread.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
_B32_TO_CODE = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", CODE_ALPHABET)


@dataclass
class Meeting:
    id: str
    title: str
    mode: str
    eligibility: str
    preset: str
    secret: str
    screen_key: str
    created: int
    expected: int
    voter_groups: list[str]
    roster: list[str]
    released: bool
    secretaries: list[dict]
    release_grades: bool = True     # the projector shows 等次 with the released scores (else scores only)
    finalized: bool = False         # the secret and the voter map are gone (lua/finalize.lua)
    direction: str = "上述"          # 004 §三: which form the ballot is (上述 附件1, 下评 附件2)

    @cached_property
    def rules(self) -> scoring.Rules:
        """The rules that grade this meeting: its preset, for its direction (the ballot form's columns)."""
        return scoring.load_rules(self.preset).for_direction(self.direction)

    @property
    def names(self) -> dict[str, str]:
        return {s["id"]: s["name"] for s in self.secretaries}

    def join_code(self, period: int, at: float | None = None) -> str:
        return rotating_code(self.secret, int((at or time.time()) // period))

    def join_code_valid(self, code: str, period: int) -> bool:
        now = int(time.time() // period)
        return any(hmac.compare_digest(code, rotating_code(self.secret, i)) for i in (now, now - 1))

    def ballot_url(self, base: str, code: str = "") -> str:
        """The attendee's page; with a code it is what a QR holds (the screen's, or an invite card's)."""
        return f"{base}/m/{self.id}" + (f"?code={code}" if code else "")

    def shows_join(self, screen_key: str) -> bool:
        """Only the projector, holding the screen key, shows the current join code of an open meeting."""
        return (self.eligibility == "open" and not self.finalized
                and hmac.compare_digest(screen_key.encode(), self.screen_key.encode()))

    def invite_codes(self) -> list[tuple[str, str]]:
        """(code, voter_group) for each invited attendee, regenerated from the secret (none once finalized)."""
        if self.finalized:
            return []
        return [(invite_code(self.secret, i), group) for i, group in enumerate(self.roster)]

    def public(self) -> dict:
        return {"id": self.id, "title": self.title, "mode": self.mode, "eligibility": self.eligibility,
                "preset": self.preset, "direction": self.direction, "expected": self.expected,
                "voter_groups": self.voter_groups,
                "released": self.released, "release_grades": self.release_grades, "finalized": self.finalized,
                "secretaries": self.secretaries}


def rotating_code(secret: str, index: int) -> str:
    digest = hmac.new(secret.encode(), f"join:{index}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def invite_code(secret: str, index: int) -> str:
    digest = hmac.new(secret.encode(), f"invite:{index}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:5]).decode().translate(_B32_TO_CODE)


def normalize_code(code) -> str:
    """A code as typed: spaces and dashes dropped, full-width letters and digits (what Chinese phone keyboards
    type) read as ASCII. Anything else that is not a letter or digit is a 400, never a comparison."""
    if not isinstance(code, (str, int)) or isinstance(code, bool):
        return ""
    text = re.sub(r"[\s\-－]", "", str(code))
    text = "".join(unicodedata.normalize("NFKC", c) if "\uff01" <= c <= "\uff5e" else c for c in text)
    if not (text.isascii() and text.isalnum()) and text:
        raise ApiError(400, "加入码只能包含数字和字母，请核对后重新输入")
    return text.upper()[:32]


def check_meeting_id(mid: str) -> str:
    if not MEETING_ID.match(mid or ""):
        raise ApiError(404, "会议不存在")
    return mid


async def create_meeting(redis: aioredis.Redis, spec: MeetingSpec) -> Meeting:
    mid = "".join(secrets.choice(ID_ALPHABET) for _ in range(10))
    secret = secrets.token_urlsafe(32)
    while len({invite_code(secret, i) for i in range(len(spec.roster))}) < len(spec.roster):
        secret = secrets.token_urlsafe(32)
    meeting = Meeting(
        id=mid, title=spec.title, mode=spec.mode, eligibility=spec.eligibility, preset=spec.preset,
        direction=spec.direction,
        secret=secret, screen_key=secrets.token_urlsafe(12), created=int(time.time()),
        expected=spec.expected, voter_groups=spec.voter_groups, roster=spec.roster, released=False,
        secretaries=[{"id": f"s{i}", "name": s.name, "org": s.org, "method": s.method}
                     for i, s in enumerate(spec.secretaries, 1)])
    k = meeting_keys(mid)
    async with redis.pipeline(transaction=True) as pipe:
        pipe.hset(k.meta, mapping={
            "title": meeting.title, "mode": meeting.mode, "eligibility": meeting.eligibility,
            "preset": meeting.preset, "direction": meeting.direction, "secret": secret,
            "screen_key": meeting.screen_key,
            "created": meeting.created, "expected": meeting.expected, "released": 0,
            "voter_groups": json.dumps(meeting.voter_groups, ensure_ascii=False),
            "roster": json.dumps(meeting.roster, ensure_ascii=False)})
        pipe.set(k.secretaries, json.dumps(meeting.secretaries, ensure_ascii=False))
        pipe.sadd(k.sids, *(s["id"] for s in meeting.secretaries))
        if meeting.roster:
            pipe.hset(k.invites, mapping={pseudonym(secret, "invite", code): group
                                          for code, group in meeting.invite_codes()})
        pipe.zadd(MEETINGS, {mid: meeting.created})
        await pipe.execute()
    return meeting


async def load_meeting(redis: aioredis.Redis, mid: str) -> Meeting:
    k = meeting_keys(check_meeting_id(mid))
    async with redis.pipeline(transaction=False) as pipe:
        pipe.hgetall(k.meta)
        pipe.get(k.secretaries)
        meta, secretaries = await pipe.execute()
    if not meta:
        raise ApiError(404, "会议不存在")
    return Meeting(
        id=mid, title=meta["title"], mode=meta["mode"], eligibility=meta["eligibility"],
        preset=meta["preset"], direction=meta.get("direction") or "上述", secret=meta.get("secret", ""),
        screen_key=meta["screen_key"],
        created=int(meta["created"]), expected=int(meta.get("expected") or 0),
        voter_groups=json.loads(meta.get("voter_groups") or "[]"),
        roster=json.loads(meta.get("roster") or "[]"), released=meta.get("released") == "1",
        release_grades=meta.get("release_grades", "1") == "1",
        secretaries=json.loads(secretaries or "[]"), finalized=meta.get("status") == "finalized")


async def list_meetings(redis: aioredis.Redis, limit: int = 200) -> list[dict]:
    ids = await redis.zrevrange(MEETINGS, 0, limit - 1)
    async with redis.pipeline(transaction=False) as pipe:
        for mid in ids:
            pipe.hmget(meeting_keys(mid).meta, "title", "mode", "eligibility", "created")
        rows = await pipe.execute()
    return [{"id": mid, "title": t, "mode": m, "eligibility": e, "created": int(c)}
            for mid, (t, m, e, c) in zip(ids, rows) if t is not None]
