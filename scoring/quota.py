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
    tie = _tie_text(results, grades)
    if q.hao_max is not None:
        cap = hao_limit(q.hao_max, n)
        ok = hao <= cap
        found.append(QuotaFinding(
            "hao_max", ok, hao, cap, n,
            f"好 等次 {hao} 人，{'未超过' if ok else '超过'}评议人数 {n} 人的"
            f"{fmt_fraction(q.hao_max)}（{cap} 人）（{q.hao_max_cite}）{'' if ok else tie}", q.hao_max_cite))
    if q.below_hao_required:
        need = below_needed(rules, n)
        ok = below >= need
        share = f"，占 {fmt_pct(below / n)}" if n else ""
        verb = "达到" if ok else "少于"
        found.append(QuotaFinding(
            "below_hao_min", ok, below, need, n,
            f"较好及以下等次 {below} 人{share}，{verb}评议人数 {n} 人的{_below_text(rules)}"
            f"（至少 {need} 人）（{q.below_hao_cite}）{'' if ok else tie}", q.below_hao_cite))
    return found


def _tie_text(results: pd.DataFrame, grades: pd.Series) -> str:
    """The ties `enforce` left to the committee, while they still stand at 好."""
    if "quota_tie" not in results:
        return ""
    open_ties = results[(results["quota_tie"] > 0) & (grades == "好")]
    if not len(open_ties):
        return ""
    need = int(open_ties.drop_duplicates("quota_tie")["quota_tie"].sum())
    return f"；其中 {len(open_ties)} 人平均分并列，需党委研究确定其中 {need} 人为较好"


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

    A tie that straddles the cap is not broken: no ballot-independent order may pick among
    equals, and demoting the whole group would overshoot the quota (18 under 004, 8 at 10 and
    10 tied at 9.5: 10 较好 instead of about 7). The tied keep 好, are marked “并列，需党委研究” with
    how many of them the quota needs at 较好 (`quota_tie`), and the committee decides by override
    (the documents leave the final grade to it: 000 §三.4, 001 第六条, 004 §五(五)). A tie group
    wholly beyond the cap is demoted: the quota leaves no choice there.
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
        size = upto - b
        if b < limit:  # the cap falls inside this tied group
            df.at[i, "quota_tie"] = upto - limit
            df.at[i, "reason"] += (f"；并列，需党委研究：平均分并列第 {b + 1} 名的 {size} 人中，按“好”等次限额"
                                   f"（{what}）须有 {upto - limit} 人评为较好（{cite}），暂按好提出，由党委研究确定")
            continue
        tie = "（并列）" if size > 1 else ""
        df.at[i, "grade"] = "较好"
        df.at[i, "rule"] = "quota"
        df.at[i, "quota_demoted"] = True
        df.at[i, "reason"] += (f"；平均分在“好”等次中排第 {b + 1} 名{tie}，超出“好”等次限额"
                               f"（{what}），调整为较好（{cite}）")
    return df
