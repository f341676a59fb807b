"""Redis key names. Every key of one meeting carries the hash tag {m:ID}, so a script touches one Cluster slot."""
from __future__ import annotations

from functools import lru_cache

MEETINGS = "voting:meetings"          # sorted set: meeting id -> created (unix seconds)
SIGNING_KEY = "voting:signing-key"    # HMAC key of voter tokens, shared by every process
DEMO_MEETING = "voting:demo-meeting"  # id of the demo meeting, so `demo` reuses it
DEADLINES = "voting:deadlines"        # sorted set: "<meeting id>|<token>" -> when its windows close (unix ms)
# hash: 填表部门/填表人 the organizer entered last (department, filler): the defaults of 002 附件2 (paperwork/)
PAPER_DEFAULTS = "paperwork:defaults"


class MeetingKeys:
    """Keys of one meeting. `cast` lists them in the order cast.lua expects."""

    __slots__ = ("id", "tag", "meta", "secretaries", "sids", "open", "closed", "voters", "ballots", "seen",
                 "tally", "voted", "turnout", "log", "invites", "flags", "overrides", "comments", "accounts",
                 "linked", "paper_info", "paper_rectification", "feedback", "dianping", "channel")

    def __init__(self, mid: str):
        tag = self.tag = "{m:%s}" % mid
        self.id = mid
        self.meta = f"{tag}:meta"                # hash: title, mode, eligibility, preset, secret, ...
        self.secretaries = f"{tag}:secretaries"  # string: JSON list of {id, name, org, method}
        self.sids = f"{tag}:sids"                # set of secretary ids
        self.open = f"{tag}:open"                # set: secretaries whose window is open
        self.closed = f"{tag}:closed"            # set: closed for good
        self.voters = f"{tag}:voters"            # hash: voter key (HMAC) -> voter_group
        self.ballots = f"{tag}:ballots"          # hash: "<voter key>:<sid>" -> current ballot (JSON)
        self.seen = f"{tag}:seen"                # hash: ballot_id -> sid (idempotency)
        self.tally = f"{tag}:tally"              # hash: "<sid>|<group>|<score>" -> count, "<sid>|n" -> votes
        self.voted = f"{tag}:voted"              # set of voter keys that cast at least one ballot
        self.turnout = f"{tag}:turnout"          # hash: voter_group -> voters who cast
        self.log = f"{tag}:log"                  # stream: every accepted ballot, the audit log
        self.invites = f"{tag}:invites"          # hash: HMAC of an invite code -> voter_group (roster)
        self.flags = f"{tag}:flags"              # hash: sid -> 重大失误 | 问责 (004 §五(四))
        self.overrides = f"{tag}:overrides"      # hash: sid -> JSON [final grade, written reason]
        self.comments = f"{tag}:comments"        # list: JSON [sid, problems, suggestions], once finalized
        self.accounts = f"{tag}:accounts"        # hash: HMAC of an account (WeChat) -> its voter key
        self.linked = f"{tag}:linked"            # hash: voter key -> HMAC of the account that holds it
        # Written by paperwork/, read by the export (002 附件2): voting never imports paperwork.
        self.paper_info = f"{tag}:paper:info"    # hash: department, filler, time_place, attendees
        # hash: sid -> JSON {items: [{problem, measure, deadline (ISO), deadline_text, done}], at, ...}: the
        # secretary's 整改清单 as last submitted
        self.paper_rectification = f"{tag}:paper:rectification:items"
        # Written by bot/ (反馈本人), read by the export: sid -> JSON of what the secretary was told (grade, mean,
        # votes, dianping, messaged); its presence means the result was fed back (it opens the 整改清单).
        self.feedback = f"{tag}:feedback"
        # hash: sid -> the chair's 点评 as the organizer last saved it (004 §五(四)、§六(三) 一述一评), sent or not
        self.dianping = f"{tag}:feedback:comments"
        self.channel = f"live:{mid}"             # pub/sub channel of the projector stream

    def join_failures(self, scope: str) -> str:
        """Counter of wrong codes from one scope ("a:<address>" or "d:<device>"), expiring after a minute."""
        return f"{self.tag}:joinfail:{scope}"

    @property
    def cast(self) -> list[str]:
        return [self.meta, self.sids, self.open, self.closed, self.voters, self.ballots, self.seen,
                self.tally, self.voted, self.turnout, self.log]

    @property
    def window(self) -> list[str]:
        return [self.meta, self.sids, self.open, self.closed]

    @property
    def finalize(self) -> list[str]:
        return [self.meta, self.open, self.ballots, self.voters, self.voted, self.invites, self.comments,
                self.log, self.tally, self.seen, self.accounts, self.linked]

    @property
    def deadline(self) -> str:
        """hash: at_ms, token, sids: when the open windows close by themselves (lua/deadline.lua)."""
        return f"{self.tag}:deadline"

    @property
    def screen(self) -> str:
        """hash: page: the results page the organizer put on the projector (absent: pages turn by themselves)."""
        return f"{self.tag}:screen"

    @property
    def deadline_keys(self) -> list[str]:
        return [self.meta, self.open, self.closed, self.deadline]


@lru_cache(maxsize=4096)
def meeting_keys(mid: str) -> MeetingKeys:
    return MeetingKeys(mid)
