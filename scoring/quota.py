"""Distribution quotas on grades: check and report, or demote the 好 beyond the cap by rank."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from .rules import Rules
from .text import fmt_fraction, fmt_pct


@dataclass(frozen=True)
class QuotaFinding:
    """One quota checked. `code`: "hao_max" (好 at most) or "below_hao_min" (较好-or-below at least)."""

    code: str
    ok: bool
    actual: int
    limit: int
    assessed: int
    message: str
    cite: str


def hao_limit(share: Fraction, assessed: int) -> int:
    """好 at most `share` of those assessed: 18 × 1/3 = 6 (000 §三.4)."""
    return assessed * share.numerator // share.denominator


def below_needed(rules: Rules, assessed: int) -> int:
    """较好-or-below at least: ceil(n × share); "左右" rounds to nearest (004 §五(四): 18 × 40% ≈ 7)."""
    q = rules.quota
    if q.below_hao_min:
        exact = assessed * q.below_hao_min
        return int(exact + Fraction(1, 2)) if q.below_hao_approx else -(-exact.numerator // exact.denominator)
    return 1 if q.below_hao_required and assessed else 0


def _below_text(rules: Rules) -> str:
    q = rules.quota
    if not q.below_hao_min:
        return "“一定比例”"
    return fmt_fraction(q.below_hao_min) + ("左右" if q.below_hao_approx else "")


def check_quotas(results: pd.DataFrame, rules: Rules, column: str | None = None) -> list[QuotaFinding]:
    """Findings on the final grades (or `column`) of those assessed, i.e. with a grade."""
    column = column or ("final_grade" if "final_grade" in results else "grade")
    grades = results[column].fillna("")
    n = int((grades != "").sum())
    hao = int((grades == "好").sum())
    below = n - hao
    q, found = rules.quota, []
    if q.hao_max is not None:
        cap = hao_limit(q.hao_max, n)
        ok = hao <= cap
        found.append(QuotaFinding(
            "hao_max", ok, hao, cap, n,
            f"好 等次 {hao} 人，{'未超过' if ok else '超过'}评议人数 {n} 人的"
            f"{fmt_fraction(q.hao_max)}（{cap} 人）（{q.hao_max_cite}）", q.hao_max_cite))
    if q.below_hao_required:
        need = below_needed(rules, n)
        ok = below >= need
        share = f"，占 {fmt_pct(below / n)}" if n else ""
        verb = "达到" if ok else "少于"
        found.append(QuotaFinding(
            "below_hao_min", ok, below, need, n,
            f"较好及以下等次 {below} 人{share}，{verb}评议人数 {n} 人的{_below_text(rules)}"
            f"（至少 {need} 人）（{q.below_hao_cite}）", q.below_hao_cite))
    return found


def hao_cap(rules: Rules, assessed: int) -> tuple[int, str, str] | None:
    """The tightest cap on 好 from both quotas: (cap, what it is, cite)."""
    q, caps = rules.quota, []
    if q.hao_max is not None:
        cap = hao_limit(q.hao_max, assessed)
        caps.append((cap, f"评议人数 {assessed} 人的{fmt_fraction(q.hao_max)}，{cap} 人", q.hao_max_cite))
    if q.below_hao_required:
        need = below_needed(rules, assessed)
        caps.append((assessed - need, f"较好及以下应占{_below_text(rules)}，至少 {need} 人", q.below_hao_cite))
    return min(caps, key=lambda c: c[0]) if caps else None


def enforce(df: pd.DataFrame, rules: Rules) -> pd.DataFrame:
    """Demote the 好 beyond the cap to 较好, ranked by mean, then lower 一般差占比.

    A tie that straddles the cap is demoted whole: the cap is a ceiling ("不超过") and no
    ballot-independent order may pick among equals; the committee can restore by override.
    """
    cap = hao_cap(rules, int((df["grade"] != "").sum()))
    hao = df.index[df["grade"] == "好"]
    if cap is None or len(hao) <= cap[0]:
        return df
    limit, what, cite = cap
    m = -df.loc[hao, "mean"].round(9).to_numpy()
    s = df.loc[hao, "low_share"].to_numpy()
    ahead = (m[None, :] < m[:, None]) | ((m[None, :] == m[:, None]) & (s[None, :] < s[:, None]))
    tied = (m[None, :] == m[:, None]) & (s[None, :] == s[:, None])
    better, at_or_better = ahead.sum(axis=1), (ahead | tied).sum(axis=1)
    df = df.copy()
    for i, b, upto in zip(hao, better, at_or_better):
        if upto <= limit:
            continue
        tie = "（并列）" if upto - b > 1 else ""
        df.at[i, "grade"] = "较好"
        df.at[i, "rule"] = "quota"
        df.at[i, "quota_demoted"] = True
        df.at[i, "reason"] += (f"；平均分在“好”等次中排第 {b + 1} 名{tie}，超出“好”等次限额"
                               f"（{what}），调整为较好（{cite}）")
    return df
