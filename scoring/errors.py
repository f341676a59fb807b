"""Errors raised to users; every message is in Chinese and names what to fix."""

from __future__ import annotations


class ScoringError(ValueError):
    """Base of the errors a user can fix by changing their input."""


class RulesError(ScoringError):
    """A preset name, rule file, flag or override that cannot be used."""


class InputError(ScoringError):
    """Bad input data. `row` is the first bad row (None when no row is to blame)."""

    def __init__(self, message: str, row: int | None = None):
        super().__init__(message)
        self.row = row


class BallotError(InputError):
    """Bad ballots. `problems` lists every (row, message) found, to fix a file in one pass."""

    def __init__(self, message: str, row: int | None = None,
                 problems: list[tuple[int | None, str]] | None = None):
        super().__init__(message, row)
        self.problems = problems if problems is not None else [(row, message)]
