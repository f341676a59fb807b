"""A warning that says the same thing at most once a minute: a wrong secret or a server IP missing from the
whitelist fails every call, and a scan storm must not bury the log under hundreds of copies of it."""
from __future__ import annotations

import logging
import time


class Throttled:
    def __init__(self, logger: logging.Logger, period: float = 60.0):
        self._log = logger
        self._period = period
        self._last: dict[object, float] = {}

    def warning(self, key: object, message: str, *args: object) -> bool:
        """Log `message % args` unless `key` was logged less than `period` seconds ago; True when logged."""
        now = time.monotonic()
        last = self._last.get(key)
        if last is not None and now - last < self._period:
            return False
        self._last[key] = now
        self._log.warning(message, *args)
        return True
