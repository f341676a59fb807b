"""China time (UTC+8, no daylight saving) and the quiet hours in which reminders are not sent."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

CHINA = timezone(timedelta(hours=8), "UTC+8")


def in_quiet_hours(ts: float, start: int, end: int) -> bool:
    """start=22, end=7: 22:00 (inclusive) to 07:00 (exclusive) China time. start == end: never quiet."""
    hour = datetime.fromtimestamp(ts, CHINA).hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def quiet_until(ts: float, start: int, end: int) -> float:
    """`ts` itself outside the quiet hours, else the end of the quiet hours that contain it."""
    if not in_quiet_hours(ts, start, end):
        return ts
    at = datetime.fromtimestamp(ts, CHINA)
    morning = at.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= at:
        morning += timedelta(days=1)
    return morning.timestamp()


def china(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, CHINA)
