"""Redis key names of the secretaries' paperwork. A meeting's keys carry its hash tag `{m:ID}`.

Met elsewhere:
- `paperwork.status` (the reminders read it): `{m:ID}:paper:report`, `{m:ID}:paper:rectification`, sid -> status.
- `voting.store.keys.MeetingKeys.paper_info` and `.paper_rectification`, `voting.store.keys.PAPER_DEFAULTS`: what the
  export's 002 附件2 reads (voting never imports paperwork).
- `bot.web.feedback.snapshot_key` (`{m:ID}:feedback`, sid -> JSON with `dianping`), written by 反馈本人: the
  点评 that pre-fills the 整改清单.
"""
from __future__ import annotations

from voting.store.keys import PAPER_DEFAULTS, meeting_keys

__all__ = ["PAPER_DEFAULTS", "DUE", "tag", "reports", "levels", "links", "publication", "settings", "info",
           "rectification"]

# sorted set: "<meeting id>|<sid>" -> the end (unix seconds) of the earliest open 整改时限 of that list
DUE = "paperwork:rectification-due"


def tag(mid: str) -> str:
    return meeting_keys(mid).tag


def reports(mid: str) -> str:
    """hash: sid -> JSON {text, source (paste|docx|txt), filename, chars, at, note?, returned_at?}"""
    return f"{tag(mid)}:paper:report:texts"


def levels(mid: str) -> str:
    """hash: sid -> committee | branch, as the organizer set it (else derived from the 党组织 name)"""
    return f"{tag(mid)}:paper:levels"


def links(mid: str) -> str:
    """hash: sid -> generation of the secretary's personal link (a new link revokes the old ones)"""
    return f"{tag(mid)}:paper:links"


def publication(mid: str) -> str:
    """hash: audience (public | secretaries), key (of the public link), at"""
    return f"{tag(mid)}:paper:publication"


def settings(mid: str) -> str:
    """hash: rectification_open (1: the organizer opened the 整改清单 to every secretary whose item closed)"""
    return f"{tag(mid)}:paper:settings"


def info(mid: str) -> str:
    return meeting_keys(mid).paper_info


def rectification(mid: str) -> str:
    return meeting_keys(mid).paper_rectification
