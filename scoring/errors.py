"""Errors raised to users; every message is in Chinese and names what to fix."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base of the errors a user can fix by changing their input."""


class RulesError(ScoringError):
    """A preset name, rule file, flag or override that cannot be used."""


class BallotError(ScoringError):
    """Bad ballot input. `row` is the first bad row (None when no row is to blame).

    `problems` lists every (row, message) found, so an organizer can fix a file in one pass.
    """

    def __init__(self, message: str, row: int | None = None,
                 problems: list[tuple[int | None, str]] | None = None):
        super().__init__(message)
        self.row = row
        self.problems = problems if problems is not None else [(row, message)]
