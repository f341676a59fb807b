"""Quotas on the distribution of grades: reported always, enforced with --enforce-quota.

000 §三.4: 好 一般不超过三分之一. 001 第六条 / 002 §三.5: 较好或以下 应占一定比例.
004 §五(四): 较好及以下 应占 40% 左右.
"""

import pandas as pd
import pytest

import scoring


def meeting(means: dict[str, list[int]]) -> pd.DataFrame:
    return pd.DataFrame([(s, x) for s, xs in means.items() for x in xs], columns=["secretary", "score"])


def eighteen(hao: int) -> pd.DataFrame:
    """18 secretaries as in 004 附件1: S00… are 好 with means 10, 9.95, 9.9, … (20 ballots,
    i of them 9s), the rest all 8s (较好)."""
    return meeting({f"S{i:02d}": [10] * (20 - i) + [9] * i if i < hao else [8] * 5 for i in range(18)})


def test_000_seven_hao_of_eighteen_exceeds_one_third():
    """18 × 1/3 = 6: seven 好 is one too many; the message says so and cites 000 §三.4."""
    rules = scoring.load_rules("ustl-2019")
    (finding,) = scoring.check_quotas(scoring.grade(eighteen(7), rules), rules)
    assert not finding.ok
    assert (finding.actual, finding.limit, finding.assessed) == (7, 6, 18)
    assert finding.message == "好 等次 7 人，超过评议人数 18 人的三分之一（6 人）（000 §三.4）"
    (finding,) = scoring.check_quotas(scoring.grade(eighteen(6), rules), rules)
    assert finding.ok


def test_those_without_ballots_are_not_assessed():
    """Two graded (both 好) and one without ballots: 2 × 1/3 → 0 好 allowed, assessed = 2."""
    rules = scoring.load_rules("ustl-2019")
    df = scoring.grade(meeting({"A": [10], "B": [10]}), rules, secretaries=["A", "B", "C"])
    (finding,) = scoring.check_quotas(df, rules)
    assert (finding.assessed, finding.limit, finding.ok) == (2, 0, False)


def test_enforce_demotes_the_lowest_ranked_hao():
    """Seven 好 by mean 10, 9.9, …: cap 6 (000 §三.4) -> the seventh (mean 9.4) becomes 较好."""
    scores = {f"S{i}": [10] * (10 - i) + [9] * i for i in range(7)}  # mean 10 - i/10
    scores.update({f"T{i}": [8] for i in range(11)})
    rules = scoring.load_rules("ustl-2019")
    df = scoring.grade(meeting(scores), rules, enforce_quota=True).set_index("secretary")
    assert (df.grade == "好").sum() == 6
    assert df.at["S6", "grade"] == "较好" and df.at["S6", "quota_demoted"]
    assert df.at["S6", "rule"] == "quota"
    assert "排第 7 名" in df.at["S6", "reason"] and "000 §三.4" in df.at["S6", "reason"]
    assert not df.at["S5", "quota_demoted"]
    assert all(f.ok for f in scoring.check_quotas(df.reset_index(), rules))


def test_enforce_breaks_a_tie_on_mean_by_the_lower_low_share():
    """X: 10, 10, 10, 6 and Y: 9, 9, 9, 9 both have mean 9; X has 25 % 一般 ballots, Y none.

    With 3 assessed (Z is 较好) the cap is 1: Y keeps 好, X is demoted.
    """
    rules = scoring.load_rules("ustl-2019")
    df = scoring.grade(meeting({"X": [10, 10, 10, 6], "Y": [9] * 4, "Z": [7]}), rules, enforce_quota=True)
    assert df.set_index("secretary").grade.to_dict() == {"X": "较好", "Y": "好", "Z": "较好"}


def test_quota_tie_is_not_demoted_whole_but_left_to_the_committee_000():
    """000 §三.4 (好 一般不超过三分之一: “一般” there means “as a rule”, not the grade).

    Cap 1 of 3, and A and B are identical: neither can be preferred and demoting both would
    leave no 好 at all. Both keep 好, marked “并列，需党委研究”, one of them to go to 较好.
    """
    rules = scoring.load_rules("ustl-2019")
    df = scoring.grade(meeting({"A": [10], "B": [10], "C": [7]}), rules, enforce_quota=True)
    assert list(df.grade) == ["好", "好", "较好"]
    assert list(df.quota_tie) == [1, 1, 0] and not df.quota_demoted.any()
    assert "并列，需党委研究" in df.reason.iloc[0] and "须有 1 人评为较好" in df.reason.iloc[0]
    (finding,) = scoring.check_quotas(df, rules)
    assert not finding.ok and "需党委研究确定其中 1 人为较好" in finding.message
    decided = scoring.grade(meeting({"A": [10], "B": [10], "C": [7]}), rules, enforce_quota=True,
                            overrides={"B": ("较好", "党委研究：A 实地考核更好")})
    assert scoring.check_quotas(decided, rules)[0].ok


def test_quota_tie_straddling_the_004_cap_keeps_the_tied_and_counts_what_is_needed():
    """004 §五(四): 18 secretaries, 8 at 10 and 10 tied at 9.5.

    较好及以下 about 40 %: 18 × 0.4 = 7.2 -> 7, so at most 11 好. The 8 at 10 keep 好; the 10 tied
    straddle the cap (places 9–18): demoting all would give 10 较好 (55.6 %). Instead they stay 好,
    marked with 7 of them needed at 较好.
    """
    scores = {f"T{i:02d}": [10, 10] for i in range(8)}
    scores.update({f"N{i:02d}": [10, 9] for i in range(10)})
    rules = scoring.load_rules("shanghaimiao-2022")
    df = scoring.grade(meeting(scores), rules, enforce_quota=True).set_index("secretary")
    assert (df.grade == "好").sum() == 18 and not df.quota_demoted.any()
    tied = df[df.index.str.startswith("N")]
    assert (tied.quota_tie == 7).all() and (df.quota_tie > 0).sum() == 10
    assert "平均分并列第 9 名的 10 人中" in tied.reason.iloc[0] and "须有 7 人评为较好" in tied.reason.iloc[0]


def test_a_tie_wholly_beyond_the_cap_is_demoted():
    """Cap 1 of 4 (000 §三.4): A alone first keeps 好; B and C tie behind it: no choice, both 较好."""
    rules = scoring.load_rules("ustl-2019")
    df = scoring.grade(meeting({"A": [10], "B": [9], "C": [9], "D": [7]}), rules, enforce_quota=True)
    assert list(df.grade) == ["好", "较好", "较好", "较好"]
    assert "（并列）" in df.reason.iloc[1] and df.quota_tie.sum() == 0


def test_004_forty_percent_or_so():
    """18 × 40 % = 7.2 -> about 7 较好及以下. Twelve 好 leaves 6: too few; eleven leaves 7: enough."""
    rules = scoring.load_rules("shanghaimiao-2022")
    (finding,) = scoring.check_quotas(scoring.grade(eighteen(12), rules), rules)
    assert (finding.ok, finding.actual, finding.limit) == (False, 6, 7)
    assert "40%左右" in finding.message and "004 §五(四)" in finding.message
    df = scoring.grade(eighteen(12), rules, enforce_quota=True).set_index("secretary")
    assert (df.grade == "好").sum() == 11
    assert df.at["S11", "quota_demoted"]  # the lowest mean, 10 - 11/20 = 9.45
    (finding,) = scoring.check_quotas(df, rules)
    assert finding.ok


@pytest.mark.parametrize("preset, cite", [("central-2019", "001 第六条"), ("bjie-2023", "002 §三.5")])
def test_some_share_means_at_least_one_below_hao(preset, cite):
    """“应占一定比例” with no share set: all 好 is a violation; enforcing demotes the lowest."""
    rules = scoring.load_rules(preset)
    df = scoring.grade(meeting({"A": [10, 10], "B": [10, 9]}), rules)
    (finding,) = scoring.check_quotas(df, rules)
    assert not finding.ok and finding.limit == 1 and cite in finding.message
    enforced = scoring.grade(meeting({"A": [10, 10], "B": [10, 9]}), rules, enforce_quota=True)
    assert list(enforced.grade) == ["好", "较好"]


def test_quota_is_checked_on_final_grades_after_overrides():
    """The committee decides the final grade; an override to 好 can break the cap and is reported."""
    rules = scoring.load_rules("ustl-2019")
    b = meeting({"A": [10], "B": [8], "C": [8]})
    assert scoring.check_quotas(scoring.grade(b, rules), rules)[0].ok
    df = scoring.grade(b, rules, overrides={"B": ("好", "党委研究：实地考核成绩突出")})
    assert not scoring.check_quotas(df, rules)[0].ok


def test_no_quota_no_findings():
    assert scoring.check_quotas(scoring.grade(meeting({"A": [10]}), "xiangxi-2018"), scoring.load_rules("xiangxi-2018")) == []
