"""The quiet hours in which reminders are not sent (China time, voting/clock.py)."""
from __future__ import annotations

from datetime import timedelta

from voting.clock import china


def in_quiet_hours(ts: float, start: int, end: int) -> bool:
    """start=22, end=7: 22:00 (inclusive) to 07:00 (exclusive) China time. start == end: never quiet."""
    hour = china(ts).hour
    if start == end:
        return False
    return start <= hour or hour < end if start > end else start <= hour < end


def quiet_until(ts: float, start: int, end: int) -> float:
    """`ts` itself outside the quiet hours, else the end of the quiet hours that contain it."""
    if not in_quiet_hours(ts, start, end):
        return ts
    at = china(ts)
    morning = at.replace(hour=end, minute=0, second=0, microsecond=0)
    if morning <= at:
        morning += timedelta(days=1)
    return morning.timestamp()
