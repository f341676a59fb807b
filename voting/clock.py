"""China time: every time a person types or reads without an offset is 北京时间 (UTC+8, no daylight saving;
DESIGN.md §4 "times without an offset are China time")."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "UTC+8")


def china(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, CHINA)


def clock_text(ts: float) -> str:
    """"10:30:00": a time of day on the screen, the phones and the console."""
    return china(ts).strftime("%H:%M:%S")


def parse_china_iso(text: str) -> datetime | None:
    """ISO 8601 ("2024-01-15T10:30", "…+08:00", "…Z"); without an offset, China time. None when it is not one."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=CHINA)
