"""Scoring: ballots to grades by the rules of the source documents (pure; no Redis, no web).

    rules = load_rules("shanghaimiao-2022")          # or load_rules(path="my_rules.toml")
    results = grade(ballots, rules.for_direction(meeting_direction), secretaries=ids, flags=...,
                    overrides=..., enforce_quota=False)
    findings = check_quotas(results, rules)
    mean_text(results["mean"][0], rules)              # the one way a mean is shown
    combine_directions(up_results, down_results, rules)   # 004 §三: 上述 70 %, 下评 30 %
    check_report(read_report(data, "报告.docx"), rules, "branch")
    composite(scores, "xiangxi-2018"); daily_split(n); daily_grades(ranking); daily_points(grades)
"""

from .ballots import read_ballots, validate_ballots
from .composite import composite
from .daily import check_daily_split, daily_grades, daily_points, daily_split
from .directions import combine_directions
from .errors import BallotError, InputError, RulesError, ScoringError
from .grade import COLUMNS, grade
from .quota import QuotaFinding, check_quotas
from .report import ReportCheck, check_report, count_chars
from .report_read import ReportError, read_report
from .rules import DEFAULT_PRESET, PRESETS, SOURCES, Rules, load_rules
from .text import mean_text, share_text

__all__ = [
    "PRESETS", "DEFAULT_PRESET", "Rules", "load_rules", "grade", "COLUMNS", "validate_ballots",
    "read_ballots", "check_quotas", "QuotaFinding", "RulesError", "BallotError", "InputError", "ScoringError",
    "mean_text", "share_text", "combine_directions", "SOURCES", "ReportCheck", "ReportError", "check_report",
    "read_report", "count_chars", "composite", "daily_split", "daily_grades", "daily_points", "check_daily_split",
]
