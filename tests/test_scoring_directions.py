"""上述 and 下评 (004 §三, 附件1, 附件2): a form per direction, and 70/30 across two meetings.

004 附件1 (党支部书记, 上述): 好 10, 较好 9–7, 一般 6–4, 差 3–1.
004 附件2 (党委书记, 下评): 好 10, 较好 9–8, 一般 7–6, 差 5–1.
"""

import pandas as pd
import pytest

import scoring

RULES = scoring.load_rules("shanghaimiao-2022")


def ballots(**scores):
    return pd.DataFrame([(s, x) for s, xs in scores.items() for x in xs], columns=["secretary", "score"])


def test_xiaping_form_has_its_own_bands_004_annex_2():
    """The 下评 meeting's buttons and counts follow 附件2."""
    form = RULES.ballot_form("下评")
    assert [form.scores(c) for c in range(4)] == [(10,), (9, 8), (7, 6), (5, 4, 3, 2, 1)]
    assert form.cite == "004 附件2"
    up = RULES.ballot_form("上述")
    assert [up.scores(c) for c in range(4)] == [(10,), (9, 8, 7), (6, 5, 4), (3, 2, 1)]


def test_ballot_form_falls_back_to_the_one_form():
    """000–003 have one form (borrowed from 004 附件1): every direction uses it."""
    rules = scoring.load_rules("ustl-2019")
    assert rules.ballot_form("下评") == rules.ballot_form("上述") == rules.ballot == rules.ballot_form(None)


def test_a_xiaping_meeting_counts_a_7_as_yiban():
    """Ten ballots 10 ×9 and one 7 on the 下评 form: 7 is 一般 there; 1/10 is not over 10 % -> 好.
    Two 7s of ten: 20 % > 10 % -> 差 (004 §五(四)); on the 上述 form the same would be 好."""
    down = RULES.for_direction("下评")
    row = scoring.grade(ballots(A=[10] * 9 + [7]), down).iloc[0]
    assert (row.hao, row.jiaohao, row.yiban, row.grade) == (9, 0, 1, "好")
    assert scoring.grade(ballots(A=[10] * 8 + [7] * 2), down).grade[0] == "差"
    assert scoring.grade(ballots(A=[10] * 8 + [7] * 2), RULES.for_direction("上述")).grade[0] == "好"


def up_down():
    up = scoring.grade(ballots(A=[10, 10], B=[9, 9, 9]), RULES.for_direction("上述"))
    down = scoring.grade(ballots(A=[8] * 4, C=[10]), RULES.for_direction("下评"))
    return up, down


def test_70_30_combines_two_meetings_004_section_3():
    """A: 上述 mean 10, 下评 mean 8 -> 0.7 × 10 + 0.3 × 8 = 9.4 -> 好 (pooled it would be 8.67)."""
    df = scoring.combine_directions(*up_down(), RULES).set_index("secretary")
    a = df.loc["A"]
    assert a["mean"] == pytest.approx(9.4) and a.grade == "好" and a.basis == "上述+下评"
    assert (a.votes, a.hao, a.jiaohao, a.up_votes, a.down_votes) == (6, 2, 4, 2, 4)
    assert a.reason.startswith("上述70%、下评30%加权平均分 9.40 ≥ 9")


def test_70_30_does_not_silently_renormalise_when_one_side_is_missing():
    """B was heard only by 上述, C only by 下评 (004 §三 assesses 支部书记 by 上述
    and the 镇党委书记 by 下评). The present side counts alone and the reason says so; with
    require_both there is no grade and the committee decides."""
    df = scoring.combine_directions(*up_down(), RULES).set_index("secretary")
    assert df.at["B", "mean"] == 9 and df.at["B", "basis"] == "上述"
    assert "仅有上述评议结果、无下评评议结果：未按“上述”70%、“下评”30%合成，以上述结果计（004 §三）" in df.at["B", "reason"]
    assert "仅有下评评议结果" in df.at["C", "reason"]
    strict = scoring.combine_directions(*up_down(), RULES, require_both=True).set_index("secretary")
    assert strict.at["A", "grade"] == "好"
    assert (strict.at["B", "grade"], strict.at["B", "rule"]) == ("", "missing_direction")
    assert "缺少下评评议结果" in strict.at["B", "reason"]


def test_ten_percent_rule_counts_the_ballots_of_both_meetings():
    """上述 10 ×5; 下评 10 ×4 and one 7 (一般 on 附件2). 1/10 is not over 10 %; a second 7 is: 差."""
    up = scoring.grade(ballots(A=[10] * 5), RULES.for_direction("上述"))
    one = scoring.grade(ballots(A=[10] * 4 + [7]), RULES.for_direction("下评"))
    two = scoring.grade(ballots(A=[10] * 3 + [7] * 2), RULES.for_direction("下评"))
    assert scoring.combine_directions(up, one, RULES).grade[0] == "好"
    assert scoring.combine_directions(up, two, RULES).grade[0] == "差"


def test_a_flag_in_either_meeting_makes_cha():
    up = scoring.grade(ballots(A=[10] * 5), RULES.for_direction("上述"), flags={"A": "问责"})
    down = scoring.grade(ballots(A=[10] * 5), RULES.for_direction("下评"))
    row = scoring.combine_directions(up, down, RULES).iloc[0]
    assert (row.grade, row.rule) == ("差", "flag")


def test_combining_needs_the_documents_weights():
    with pytest.raises(scoring.RulesError, match="未规定“上述”“下评”的合成比例"):
        scoring.combine_directions(*up_down(), "ustl-2019")


def test_a_ballot_file_with_both_directions_counts_each_on_its_form():
    """The CLI's `source` column: 下评 8s are 较好 on 附件2; a 下评 7 is 一般 (附件2), 上述 7 较好."""
    b = pd.DataFrame({"secretary": "A", "source": ["上述"] * 9 + ["下评"] * 3, "score": [7] * 9 + [8, 8, 7]})
    row = scoring.grade(b, RULES).iloc[0]
    assert (row.jiaohao, row.yiban) == (11, 1)
