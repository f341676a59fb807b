"""Grades of single secretaries under the 004 rules (上海庙镇 2022, §五(四) and 附件1).

Every expected value below is worked out by hand in the comments, from the document's rules.
"""

import pandas as pd
import pytest

import scoring


def ballots(**scores):
    """{"A": [10, 9]} -> one ballot row per score."""
    return pd.DataFrame([(s, x) for s, xs in scores.items() for x in xs], columns=["secretary", "score"])


def one(df, sid="A"):
    return df.set_index("secretary").loc[sid]


RULES_004 = scoring.load_rules("shanghaimiao-2022")


def test_output_starts_with_the_contract_columns():
    """docs/api.md: the service and the CLI read these columns by name, in this order."""
    df = scoring.grade(ballots(A=[10]), RULES_004)
    assert list(df.columns[:10]) == ["secretary", "votes", "mean", "hao", "jiaohao", "yiban", "cha",
                                     "low_share", "grade", "reason"]
    assert {"final_grade", "override_reason", "quota_demoted"} <= set(df.columns)


def test_ballot_categories_follow_the_004_form():
    """004 附件1: 好=10, 较好=9–7, 一般=6–4, 差=3–1.

    Scores 10,9,8,7,6,5,4,3,2,1 -> 好 1, 较好 3, 一般 3, 差 3; mean 55/10 = 5.5.
    """
    row = one(scoring.grade(ballots(A=list(range(10, 0, -1))), RULES_004))
    assert (row.votes, row.hao, row.jiaohao, row.yiban, row.cha) == (10, 1, 3, 3, 3)
    assert row["mean"] == pytest.approx(5.5)
    assert row.low_share == pytest.approx(0.6)


def test_mean_exactly_9_is_hao_and_8_999_is_jiaohao():
    """004 §五(四): 好 9–10, 较好 7–8.999.

    Ten 9s: mean 90/10 = 9 -> 好, though each ballot is a 较好 ballot (the band is on the mean).
    999 nines and one 8: mean (8991 + 8)/1000 = 8.999 -> 较好. No 一般/差 ballots, so no 10 % rule.
    """
    assert one(scoring.grade(ballots(A=[9] * 10), RULES_004)).grade == "好"
    row = one(scoring.grade(ballots(A=[9] * 999 + [8]), RULES_004))
    assert row["mean"] == pytest.approx(8.999)
    assert row.grade == "较好"
    assert "8.999" in row.reason and "004 §五(四)" in row.reason


def test_lower_bands_at_their_edges():
    """Bands 一般 4–6.999 and 差 ≤ 3.999 (004 §五(四)), seen without the 10 % rule.

    Under 004 any mean below 7 needs many 一般/差 ballots, so the 10 % rule would decide
    first; ustl-2019 borrows the same bands without that rule (000 sets none of its own).
    7s ×1000: 7 -> 较好. 999 sevens + one 6: 6.999 -> 一般. 4s: 4 -> 一般. 999 fours + one 3:
    3.999 -> 差.
    """
    rules = scoring.load_rules("ustl-2019")
    df = scoring.grade(ballots(A=[7] * 1000, B=[7] * 999 + [6], C=[4] * 10, D=[4] * 999 + [3]), rules)
    assert list(df.grade) == ["较好", "一般", "一般", "差"]


def test_low_share_exactly_10_percent_does_not_make_cha():
    """004 §五(四): 一般、差 票“超过 10%”⇒ 差. Nine 10s and one 6: 1/10 = 10 %, not more.

    Mean (90 + 6)/10 = 9.6 -> 好.
    """
    row = one(scoring.grade(ballots(A=[10] * 9 + [6]), RULES_004))
    assert row.low_share == pytest.approx(0.10)
    assert row.grade == "好"
    assert "未超过 10%" in row.reason


def test_low_share_just_above_10_percent_makes_cha():
    """Eight 10s and one 6: 1/9 = 11.1 % > 10 % -> 差, although the mean (86/9 = 9.56) is 好.

    And at a finer grain: 101 sixes of 1000 ballots = 10.1 % -> 差; 100 of 1000 = 10 % -> 好.
    """
    row = one(scoring.grade(ballots(A=[10] * 8 + [6]), RULES_004))
    assert row.grade == "差"
    assert row.reason == "一般、差票占比 11.1%（1/9）超过 10%，定为差（004 §五(四)）"
    df = scoring.grade(ballots(A=[10] * 899 + [6] * 101, B=[10] * 900 + [6] * 100), RULES_004)
    assert list(df.grade) == ["差", "好"]
    assert list(df.rule) == ["low_share", "band"]


def test_yiban_is_reachable_under_004_only_within_the_10_percent():
    """Nine 7s and one 1: mean 64/10 = 6.4 -> 一般 band, low share 1/10 = 10 % (not more)."""
    row = one(scoring.grade(ballots(A=[7] * 9 + [1]), RULES_004))
    assert (row.grade, row.rule) == ("一般", "band")


@pytest.mark.parametrize("flag, words", [("重大失误", "重大失误造成严重影响"), ("问责", "被问责追责")])
def test_organizer_flag_makes_cha_whatever_the_ballots(flag, words):
    """004 §五(四): 重大失误造成严重影响 or 被问责追责 ⇒ 差, even with ten 10s (mean 10)."""
    row = one(scoring.grade(ballots(A=[10] * 10), RULES_004, flags={"A": flag}))
    assert (row.grade, row.rule, row.flag) == ("差", "flag", flag)
    assert words in row.reason and "004 §五(四)" in row.reason


def test_flag_column_in_ballots_counts_as_the_organizers_flag():
    """The CLI's optional `flag` column (docs/api.md) marks the secretary, on any one row."""
    b = ballots(A=[10, 10], B=[10])
    b["flag"] = ["", "问责", ""]
    df = scoring.grade(b, RULES_004)
    assert list(df.grade) == ["差", "好"]


def test_unknown_flag_is_refused_in_chinese():
    with pytest.raises(scoring.RulesError, match="重大失误"):
        scoring.grade(ballots(A=[10]), RULES_004, flags={"A": "迟到"})


def test_flag_is_only_noted_where_the_document_has_no_such_rule():
    """000 has no flag rule: the grade stays 好 and the reason asks the committee to decide."""
    row = one(scoring.grade(ballots(A=[10] * 3), scoring.load_rules("ustl-2019"), flags={"A": "问责"}))
    assert row.grade == "好"
    assert "请党委研究" in row.reason


def test_no_ballots_means_no_grade_with_a_reason_and_roster_order_kept():
    """A secretary nobody scored gets no grade and says why; rows follow the roster given."""
    df = scoring.grade(ballots(B=[8]), RULES_004, secretaries=["C", "B", "A"])
    assert list(df.secretary) == ["C", "B", "A"]
    c = one(df, "C")
    assert (c.votes, c.grade, c.final_grade) == (0, "", "")
    assert pd.isna(c["mean"]) and pd.isna(c.low_share)
    assert c.reason == "无有效票，不评定等次"


def test_flagged_secretary_without_ballots_is_still_cha():
    """004 §五(四) makes 差 on the flag alone; the missing ballots are stated too."""
    row = one(scoring.grade(None, RULES_004, secretaries=["A"], flags={"A": "重大失误"}))
    assert row.grade == "差"
    assert "无有效票" in row.reason


def test_count_column_stands_for_identical_ballots_exactly():
    """The service sends Redis counters as (secretary, score, count) rows.

    A: 10 ×3, 6 ×1, 9 ×0 -> votes 4, mean 36/4 = 9, low share 1/4 -> 差 (25 % > 10 %).
    """
    b = pd.DataFrame({"secretary": ["A", "A", "A"], "score": [10, 6, 9], "count": [3, 1, 0]})
    row = one(scoring.grade(b, RULES_004))
    assert (row.votes, row.hao, row.yiban, row.jiaohao) == (4, 3, 1, 0)
    assert row["mean"] == 9
    assert row.grade == "差"


def test_only_zero_counts_is_no_ballots():
    b = pd.DataFrame({"secretary": ["A"], "score": [10], "count": [0]})
    assert one(scoring.grade(b, RULES_004)).grade == ""


def test_ballot_for_someone_not_on_the_roster_is_an_error_not_dropped():
    with pytest.raises(scoring.BallotError, match="不在述职人名单中"):
        scoring.grade(ballots(A=[10], Z=[9]), RULES_004, secretaries=["A"])


def test_default_preset_is_004():
    assert scoring.DEFAULT_PRESET == "shanghaimiao-2022"
    assert scoring.grade(ballots(A=[10] * 8 + [6]), None).grade.iloc[0] == "差"


def test_rows_turn_into_json_for_the_service():
    """The service sends rows as JSON: no pandas-only missing values (pd.NA) may appear.

    B has no ballots, so its mean, share and rank are missing: NaN floats or None.
    """
    import json

    records = scoring.grade(ballots(A=[9]), RULES_004, secretaries=["A", "B"]).to_dict("records")
    text = json.dumps(records, default=lambda v: v.item(), allow_nan=True)
    assert json.loads(text)[1]["rank"] is None


def test_rank_of_a_secretary_made_cha_by_the_10_percent_rule_is_not_1():
    """004 §五(四). A: 10 ×8 and one 6 -> mean 9.56 but 1/9 > 10 % -> 差. B: 9 ×3 -> 好.
    Rank follows the grade first, then the mean: B 1, A 2."""
    df = scoring.grade(ballots(A=[10] * 8 + [6], B=[9] * 3), RULES_004).set_index("secretary")
    assert (df.at["A", "grade"], df.at["A", "rank"]) == ("差", 2)
    assert df.at["B", "rank"] == 1


def test_rank_follows_the_committees_final_grade():
    df = scoring.grade(ballots(A=[10] * 3, B=[9] * 3), RULES_004,
                       overrides={"A": ("较好", "党委研究：年度考核发现问题")}).set_index("secretary")
    assert df["rank"].to_dict() == {"A": 2, "B": 1}


def test_ten_nines_hao_without_a_hao_ballot_names_the_conflict():
    """004 附件1 puts 9 in the 较好 column, 004 §五(四) makes a mean of 9 好."""
    row = one(scoring.grade(ballots(A=[9] * 10), RULES_004))
    assert row.grade == "好" and row.hao == 0
    assert "没有一张“好”票（10 分，004 附件1）" in row.reason and "请党委研究" in row.reason
    assert "没有一张" not in one(scoring.grade(ballots(A=[10, 9]), RULES_004)).reason


def test_xiangxi_meeting_grade_carries_no_consequence_of_its_own():
    """003 §五(四) ties 优秀 to the composite's 综合评价等次, not to the 20 % 述职测评."""
    row = one(scoring.grade(ballots(A=[8] * 5), "xiangxi-2018"))
    assert row.grade == "较好" and row.consequence == ""
    assert "此为述职测评得分（占综合考评 20%，003 §三(一)）" in row.reason
