"""The 湘西 2018 composite (003): parts, the 实地核查 sheet of its 附件, ranking and deductions."""

import pandas as pd
import pytest

import scoring
from scoring.composite import composite
from scoring.deductions import deduction_sheet, field_check, field_check_items


def test_the_sheet_is_the_documents_23_items_worth_100_points():
    """003 附件: eight sections, 23 items, 合计 100."""
    sheet = deduction_sheet()
    items = sheet.drop_duplicates("item")
    assert len(items) == 23 and items["base"].sum() == 100
    assert items["section"].nunique() == 8
    bonus = sheet[sheet["points"] > 0]
    assert bonus["clause"].tolist() == ["1.2d"] and bonus["points"].tolist() == [5]  # +5 示范点


def test_deductions_stop_at_the_items_base_points():
    """Item 2.1 (base 6): three failures × 3 = 9 > 6 -> the item scores 0, not -3 (直至扣完基分).

    Field score 100 - 6 = 94.
    """
    findings = pd.DataFrame({"secretary": ["A"], "clause": ["2.1a"], "times": [3]})
    items = field_check_items(findings, ["A"]).set_index("item")
    assert (items.at["2.1", "deducted"], items.at["2.1", "score"]) == (6, 0)
    assert field_check(findings, ["A"])["field"].tolist() == [94]


def test_bonus_is_added_after_the_capped_deductions():
    """Item 1.2 (base 6): no 五化 plan -2, five irregular records ×1 = -5 -> -7, capped at 6 -> 0;
    its 示范点 bonus +5 -> 5. Item 1.1: two missing meetings -2 of base 4 -> 2.
    Field 100 - 6 - 2 + 5 = 97; B was inspected and clean: 100."""
    findings = pd.DataFrame({"secretary": ["A"] * 4, "clause": ["1.2a", "1.2b", "1.2d", "1.1a"],
                             "times": [1, 5, 1, 2]})
    items = field_check_items(findings, ["A", "B"]).set_index(["secretary", "item"])
    assert items.loc[("A", "1.2"), "score"] == 5
    assert items.loc[("A", "1.1"), "score"] == 2
    assert field_check(findings, ["A", "B"]).set_index("secretary")["field"].to_dict() == {"A": 97, "B": 100}


def test_discretionary_and_once_only_clauses_are_checked():
    """2.2e “视情节轻重扣分” needs the points chosen; 1.1b “无计划扣1分” counts once."""
    with pytest.raises(scoring.ScoringError, match="须填写扣分"):
        field_check(pd.DataFrame({"secretary": ["A"], "clause": ["2.2e"]}), ["A"])
    assert field_check(pd.DataFrame({"secretary": ["A"], "clause": ["2.2e"], "points": [1.5]}), ["A"])["field"][0] == 98.5
    with pytest.raises(scoring.ScoringError, match="只计一次"):
        field_check(pd.DataFrame({"secretary": ["A"], "clause": ["1.1b"], "times": [2]}), ["A"])
    with pytest.raises(scoring.ScoringError, match="没有条款“9.9z”"):
        field_check(pd.DataFrame({"secretary": ["A"], "clause": ["9.9z"]}), ["A"])


def test_weights_20_50_10_20_and_the_meeting_scaled_to_20_points():
    """003 §三(一), §四(四). 日常管理 85 × 20 % = 17; 实地核查 92 × 50 % = 46; 民意调查 78 × 10 % = 7.8;
    述职测评 mean 8.6 of 10 -> 17.2 of 20. Total 88 -> 较好 under the default 90/70/40 lines."""
    row = composite(pd.DataFrame({"secretary": ["A"], "daily": [85], "field": [92], "survey": [78],
                                  "meeting_mean": [8.6]})).iloc[0]
    assert (row.daily_points, row.field_points, row.survey_points) == pytest.approx((17, 46, 7.8))
    assert row.meeting_points == pytest.approx(17.2)
    assert row.total == pytest.approx(88)
    assert row.grade == "较好" and "003 §三(一)" in row.reason


def test_meeting_mean_comes_from_grade():
    """The 述职测评 is the meeting's ballots: ten 9s -> mean 9 -> 18 of 20 points."""
    meeting = scoring.grade(pd.DataFrame({"secretary": "A", "score": [9] * 10}), "xiangxi-2018")
    scores = pd.DataFrame({"secretary": ["A"], "daily": [100], "field": [100], "survey": [100]})
    scores["meeting_mean"] = meeting["mean"].to_numpy()
    assert composite(scores).total.iloc[0] == pytest.approx(98)


def test_bottom_ranks_lose_1_2_3_points():
    """003 §五(三). Twelve units with totals 100 - i: ranks 1..12.
    后1–3 名 (ranks 12, 11, 10) -3; 后4–6 名 (9, 8, 7) -2; 后7–9 名 (6, 5, 4) -1; ranks 1–3 nothing."""
    n = 12
    scores = pd.DataFrame({"secretary": [f"U{i:02d}" for i in range(n)], "daily": 100, "survey": 100,
                           "meeting_mean": 10, "field": [100 - 2 * i for i in range(n)]})
    df = composite(scores)
    assert df["rank"].tolist() == list(range(1, 13))
    assert df["performance_deduction"].tolist() == [0, 0, 0, -1, -1, -1, -2, -2, -2, -3, -3, -3]
    assert "重点督促检查对象" in df["note"].iloc[-1] and "重点督促" not in df["note"].iloc[-4]


def test_a_tie_shares_the_better_position():
    """Units tied at the 3rd/4th place from the bottom are both 后4名 (-2), as in 并列 rankings.

    Seven units, ranks 1, 2, 3, 4, 4, 6, 7 -> from the bottom 7, 6, 5, 4, 4, 2, 1
    -> the first is not deducted (it is ranked first, see below), -2 (后6), -2, -2, -2, -3, -3.
    """
    totals = [100, 90, 80, 70, 70, 60, 50]  # field scores, the rest equal
    df = composite(pd.DataFrame({"secretary": list("ABCDEFG"), "daily": 100, "survey": 100,
                                 "meeting_mean": 10, "field": totals}))
    assert df["rank"].tolist() == [1, 2, 3, 4, 4, 6, 7]
    assert df["performance_deduction"].tolist() == [0, -2, -2, -2, -2, -3, -3]


def test_missing_part_means_no_total_no_rank():
    df = composite(pd.DataFrame({"secretary": ["A", "B"], "daily": [90, 90], "field": [90, None],
                                 "survey": [90, 90], "meeting_mean": [9, 9]}))
    b = df.set_index("secretary").loc["B"]
    assert b.grade == "" and pd.isna(b["rank"]) and "缺少实地核查" in b.reason
    assert df.set_index("secretary").at["A", "performance_deduction"] == 0  # the only one ranked is first


def test_out_of_range_part_is_refused():
    with pytest.raises(scoring.ScoringError, match="日常管理 120 不在 0–100 之间"):
        composite(pd.DataFrame({"secretary": ["A"], "daily": [120], "field": [90], "survey": [90], "meeting_mean": [9]}))


def test_top_unit_is_not_penalised_when_there_are_9_units_or_fewer():
    """003 §五(三): with 9 units the first is “后9名” literally; it is not 后 at all.
    Nine units with totals 100 − 2i: ranks 1..9 -> the first keeps its score, the rest as written:
    后8–7 名 −1, 后6–4 名 −2, 后3–1 名 −3."""
    scores = pd.DataFrame({"secretary": [f"U{i}" for i in range(9)], "daily": 100, "survey": 100,
                           "meeting_mean": 10, "field": [100 - 2 * i for i in range(9)]})
    assert composite(scores)["performance_deduction"].tolist() == [0, -1, -1, -2, -2, -2, -3, -3, -3]
    two_first = scores[:4].assign(field=[100, 100, 90, 80])  # tied first: neither is deducted
    assert composite(two_first)["performance_deduction"].tolist() == [0, 0, -3, -3]


def test_the_consequence_follows_the_composite_not_the_meeting():
    """The meeting alone (较好 by 004's bands) carries nothing; the composite's
    综合评价等次 does (003 §五(四))."""
    meeting = scoring.grade(pd.DataFrame({"secretary": "A", "score": [8] * 5}), "xiangxi-2018")
    assert meeting.consequence[0] == ""
    row = composite(pd.DataFrame({"secretary": ["A"], "daily": [80], "field": [80], "survey": [80],
                                  "meeting_mean": meeting["mean"]})).iloc[0]
    assert row.grade == "较好" and "年度考核不得评定为“优秀”等次（003 §五(四)）" == row.consequence


@pytest.mark.parametrize("n, split", [(10, (3, 5, 2)), (7, (2, 4, 1)), (5, (1, 3, 1)), (3, (1, 1, 1)),
                                      (1, (0, 1, 0)), (23, (7, 11, 5))])
def test_daily_split_3_5_2(n, split):
    """003 §三(二)1: 好/较好/一般 按 3:5:2; the counts add up to n and never round up a 好 on a tie."""
    from scoring.daily import daily_split

    assert tuple(daily_split(n).values()) == split


def test_daily_grades_by_ranking_and_their_points():
    from scoring.daily import check_daily_split, daily_grades, daily_points

    grades = daily_grades([f"U{i}" for i in range(10)])
    assert [grades[f"U{i}"] for i in range(10)] == ["好"] * 3 + ["较好"] * 5 + ["一般"] * 2
    assert daily_points({"U0": "好", "U9": "一般"}) == {"U0": 100.0, "U9": 60.0}
    assert check_daily_split(grades) == ""
    assert "应为 好 1、较好 1、一般 0" in check_daily_split({"A": "好", "B": "好"})
    with pytest.raises(scoring.ScoringError, match="日常管理等次“优”"):
        daily_points({"A": "优"})
