"""Limits of what an organizer may schedule, and the scheduler's tuning (a test may shorten them before the app
starts: `app[REMINDER_CONFIG] = app[REMINDER_CONFIG].with_(min_every=1, poll=0.05)`)."""
from __future__ import annotations

from dataclasses import dataclass, replace

MAX_TEXT = 500              # characters: a reminder is a few sentences; a customer-service text allows ~2 KB


@dataclass(frozen=True)
class ReminderConfig:
    min_every: int = 600             # a repeat more often than every 10 minutes would be spam
    max_every: int = 30 * 86400
    max_times: int = 30              # "at most M times": a month of daily reminders
    horizon: int = 400 * 86400       # how far ahead a reminder may be scheduled
    past_grace: int = 60             # "now" typed a minute ago is still now
    poll: float = 0.5                # the scheduler looks for due occurrences this often

    def with_(self, **changes) -> "ReminderConfig":
        return replace(self, **changes)
