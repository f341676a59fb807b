"""When Redis does not answer: every request gets 503 with Retry-After, and the log says so once per outage.

A ballot is acknowledged only after the cast script returned, i.e. after Redis wrote it to its append-only file
(`appendfsync always`), so answering 503 while Redis is away never loses an acknowledged ballot: the phone
retries with the same ballot_id and the script counts it once (docs/reliability.md).
"""
from __future__ import annotations

import logging
import time

from redis import exceptions as rx

log = logging.getLogger("voting.store.lifecycle")

# Replies by which Redis refuses work it would otherwise do: disk errors (MISCONF), a read-only replica,
# memory full, still loading its data. They mean "not now", never "done".
REFUSALS = ("MISCONF", "READONLY", "OOM", "LOADING", "NOREPLICAS", "MASTERDOWN", "CLUSTERDOWN", "TRYAGAIN")


def store_down(error: BaseException) -> bool:
    """True when the error means the store is away or refusing to store, not that our request was wrong."""
    if isinstance(error, (rx.ConnectionError, rx.TimeoutError)):
        return True
    return isinstance(error, rx.ResponseError) and any(code in str(error) for code in REFUSALS)


class Outage:
    """The service's view of its store: up, or away since when. One line when it goes, one when it is back."""

    def __init__(self, retry_after: int = 2):
        self.retry_after = retry_after
        self.since: float | None = None
        self.refused = 0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, error: BaseException) -> None:
        """The watcher's probe failed: the store is away (said once, when it goes)."""
        if self.since is None:
            self.since = time.monotonic()
            log.error("Redis is not answering (%s: %s); every request gets 503 until it is back",
                      type(error).__name__, str(error).splitlines()[0][:200] if str(error) else "")

    def refuse(self) -> None:
        """A request answered 503. Only the watcher decides that the store is away: one request's error (a
        dropped connection, the pool's wait running out under load) must not turn every request away."""
        self.refused += 1

    def recovered(self) -> None:
        if self.since is not None:
            log.warning("Redis answers again after %.1f s; %d requests were answered 503",
                        time.monotonic() - self.since, self.refused)
            self.since, self.refused = None, 0
