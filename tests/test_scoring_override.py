"""The committee decides (经党委研究, 000 §三.4, 001 第六条): proposal and override are both kept."""

import pandas as pd
import pytest

import scoring

BALLOTS = pd.DataFrame({"secretary": ["A", "A", "B"], "score": [10, 10, 8]})


def test_override_keeps_the_proposal_and_the_written_reason():
    df = scoring.grade(BALLOTS, "shanghaimiao-2022", overrides={"A": ("较好", "党委研究：整改未完成")})
    a = df.set_index("secretary").loc["A"]
    assert (a.grade, a.final_grade, a.override_reason) == ("好", "较好", "党委研究：整改未完成")
    b = df.set_index("secretary").loc["B"]
    assert (b.grade, b.final_grade, b.override_reason) == ("较好", "较好", "")


def test_consequence_follows_the_final_grade():
    """Not 好 ⇒ 年度考核不得评定为“优秀”; 一般/差 ⇒ 约谈提醒、限期整改 (004 §五(五), 001 第七条)."""
    df = scoring.grade(BALLOTS, "shanghaimiao-2022", overrides={"A": ("一般", "党委研究")}).set_index("secretary")
    assert "不得评定为“优秀”" in df.at["A", "consequence"] and "约谈提醒" in df.at["A", "consequence"]
    assert "约谈" not in df.at["B", "consequence"] and "优秀" in df.at["B", "consequence"]


@pytest.mark.parametrize("value, words", [
    (("较好", ""), "须写明理由"),
    (("较好", "   "), "须写明理由"),
    (("优秀", "理由"), "应为 好、较好、一般 或 差"),
    ("较好", "应为（等次, 理由）"),
])
def test_bad_override_is_refused(value, words):
    with pytest.raises(scoring.RulesError, match=words):
        scoring.grade(BALLOTS, "shanghaimiao-2022", overrides={"A": value})


def test_override_of_someone_not_on_the_roster_is_refused():
    with pytest.raises(scoring.RulesError, match="“Z”不在述职人名单中"):
        scoring.grade(BALLOTS, "shanghaimiao-2022", secretaries=["A", "B"], overrides={"Z": ("好", "x")})


def test_override_gives_a_grade_to_someone_without_ballots():
    """E.g. a 书面述职 secretary graded by the committee on 实地考核 alone."""
    df = scoring.grade(BALLOTS, "shanghaimiao-2022", secretaries=["A", "B", "C"],
                       overrides={"C": ("较好", "书面述职，党委研究确定")})
    c = df.set_index("secretary").loc["C"]
    assert (c.grade, c.final_grade) == ("", "较好")
