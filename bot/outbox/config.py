"""How the sender behaves. `rate` and `lease` come from the environment (OUTBOX_RATE, OUTBOX_LEASE through
voting.settings.Settings); the rest are tuning fields a test may shorten before the app starts:
`app[OUTBOX_CONFIG] = app[OUTBOX_CONFIG].with_(backoff=0.05)`."""
from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class OutboxConfig:
    # Messages per second across all processes. 10/s: WeChat documents daily quotas (客服消息 500,000 and
    # 模板消息 100,000 a day for a verified account) and answers bursts beyond an undocumented per-minute
    # frequency with 45009/45011; 10/s drains a 500-secretary meeting's feedback within a minute, yet would
    # need about three hours at full speed to come near the template quota.
    rate: float = 10.0
    lease: float = 15.0          # a claim (and a send, renewed every lease/3) is given up after this
    concurrency: int = 4         # sends in flight per process (WeChat answers in ~0.1-0.3 s)
    idle_poll: float = 0.5       # nothing due: look again after this (a local enqueue wakes the sender at once)
    max_retries: int = 5         # -1 / network failures of a message before it is `failed` (each after the
    backoff: float = 30.0        # facade's own tries); pauses 30 s, 60 s, 120 s, ... up to max_backoff
    max_backoff: float = 1800.0
    quota_pause: float = 60.0    # 45009: everyone pauses 60 s, doubling while it recurs, up to max_pause
    max_pause: float = 3600.0
    minute_quota_pause: float = 60.0   # 45011 (per-minute quota): this message waits a minute
    stop_wait: float = 25.0      # on shutdown, sends in flight may finish this long (one WeChat call: <= 11 s)
    quiet_start: int = 22        # quiet hours, China time: reminders wait until quiet_end (issue 9 §3)
    quiet_end: int = 7

    @property
    def burst(self) -> float:
        """At most rate/5 messages ahead of the rate (one when the rate is low)."""
        return max(1.0, self.rate / 5)

    def with_(self, **changes) -> "OutboxConfig":
        return replace(self, **changes)
