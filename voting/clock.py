"""China time: every time a person types or reads without an offset is 北京时间 (UTC+8, no daylight saving;
docs/api.md "times without an offset are China time")."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "UTC+8")
# The years a typed time may fall in. Beyond them Python's datetime overflows once the time is moved to UTC or
# China time or a few days on ("0001-01-01T00:00" is 0000-12-31 in UTC: ValueError, which was a 500), and
# no meeting, deadline or reminder is set there.
FIRST_YEAR, LAST_YEAR = 1971, 9998


def china(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, CHINA)


def clock_text(ts: float) -> str:
    """"10:30:00": a time of day on the screen, the phones and the console."""
    return china(ts).strftime("%H:%M:%S")


def in_range(day: date) -> bool:
    return FIRST_YEAR <= day.year <= LAST_YEAR


def parse_china_iso(text: str) -> datetime | None:
    """ISO 8601 ("2024-01-15T10:30", "…+08:00", "…Z"); without an offset, China time. None when it is not one,
    or is outside FIRST_YEAR..LAST_YEAR."""
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if not in_range(when):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=CHINA)
