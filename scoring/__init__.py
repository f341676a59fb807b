"""Scoring: ballots to grades by the rules of the source documents (pure; no Redis, no web).

    rules = load_rules("shanghaimiao-2022")          # or load_rules(path="my_rules.toml")
    results = grade(ballots, rules, secretaries=ids, flags=..., overrides=..., enforce_quota=False)
    findings = check_quotas(results, rules)
"""

from .ballots import read_ballots, validate_ballots
from .directions import combine_directions
from .errors import BallotError, InputError, RulesError, ScoringError
from .grade import COLUMNS, grade
from .quota import QuotaFinding, check_quotas
from .rules import DEFAULT_PRESET, PRESETS, SOURCES, Rules, load_rules
from .text import mean_text, share_text

__all__ = [
    "PRESETS", "DEFAULT_PRESET", "Rules", "load_rules", "grade", "COLUMNS", "validate_ballots",
    "read_ballots", "check_quotas", "QuotaFinding", "RulesError", "BallotError", "InputError", "ScoringError",
    "mean_text", "share_text", "combine_directions", "SOURCES",
]
