"""voting/store/background.py: how every background loop of the service runs (the store's watcher, the due
closes, the outbox sender, the reminders, the paperwork sweep): it keeps going through errors and stops when
the app stops, whatever its step does with the cancel."""
import asyncio
import logging
import time

import redis

from voting.store.background import Loop


async def test_a_loop_whose_step_turns_the_cancel_into_a_connection_error_still_stops():
    """Found as a hang of the whole suite in a teardown: the store's watcher was cancelled inside its probe,
    redis-py can turn that cancel into a connection error, the watcher took it for an outage and watched on,
    and the app's cleanup waited for it for ever. A loop stops on its flag, not on the cancel alone."""
    calls = 0

    async def step() -> float:
        nonlocal calls
        calls += 1
        try:
            await asyncio.sleep(30)                    # a Redis command under way
        except asyncio.CancelledError:
            raise redis.exceptions.ConnectionError("Connection closed by server.") from None
        return 0.01

    loop = Loop("test-loop", step, logging.getLogger("test"), "step failed", grace=0.2)
    loop.start()
    await asyncio.sleep(0.05)
    started = time.monotonic()
    await asyncio.wait_for(loop.stop(), 5)
    assert time.monotonic() - started < 1 and calls == 1


async def test_a_loop_goes_on_after_a_failing_step_and_logs_a_bug_once_per_failure(caplog):
    outcomes = [RuntimeError("a bug"), redis.exceptions.ConnectionError("Redis away"), None, None]
    seen = []

    async def step() -> float:
        outcome = outcomes[min(len(seen), len(outcomes) - 1)]
        seen.append(outcome)
        if outcome is not None:
            raise outcome
        return 0.01

    loop = Loop("test-loop", step, logging.getLogger("test-loop"), "step failed")
    loop.start()
    deadline = time.monotonic() + 5
    while len(seen) < 4 and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await loop.stop()
    assert len(seen) >= 4                                   # it went on after both failures (backing off)
    errors = [r for r in caplog.records if r.name == "test-loop"]
    assert len(errors) == 1 and errors[0].exc_info          # the bug with its traceback; the outage quietly
