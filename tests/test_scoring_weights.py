"""Weights of 上述/下评 (004 §三: 70 % / 30 %), of voter groups, and the trimmed mean.

Weights and trimming change only `mean` (the band input); votes, category counts and the
一般差占比 always count every ballot, as the documents count 票 (004 §五(四)).
"""

import dataclasses
from fractions import Fraction

import pandas as pd
import pytest

import scoring
from scoring.rules import Trim, Weights

PLAIN = dataclasses.replace(scoring.load_rules("ustl-2019"), quota=scoring.rules.Quota())


def rows(*triples, columns=("secretary", "source", "score")):
    return pd.DataFrame(list(triples), columns=list(columns))


def test_004_weights_70_30_change_the_grade():
    """上述 10, 10 (mean 10) and 下评 8, 8, 8, 8 (mean 8): 0.7×10 + 0.3×8 = 9.4 -> 好.

    Unweighted it would be (20 + 32)/6 = 8.667 -> 较好: the document's weighting decides.
    """
    b = rows(*[("A", "上述", 10)] * 2, *[("A", "下评", 8)] * 4)
    row = scoring.grade(b, "shanghaimiao-2022").iloc[0]
    assert row["mean"] == pytest.approx(9.4)
    assert row.raw_mean == pytest.approx(52 / 6)
    assert row.grade == "好"
    assert row.votes == 6 and row.jiaohao == 4
    assert row.reason.startswith("加权平均分 9.40")


def test_weights_renormalise_when_only_one_source_voted():
    """A village secretary heard only by 上述: 9 and 8 -> 8.5, not 0.7 × 8.5."""
    row = scoring.grade(rows(("A", "上述", 9), ("A", "上述", 8)), "shanghaimiao-2022").iloc[0]
    assert row["mean"] == pytest.approx(8.5)


def test_source_missing_from_the_weights_is_refused():
    with pytest.raises(scoring.RulesError, match="评议方向“旁听”不在规则的权重表中"):
        scoring.grade(rows(("A", "旁听", 9)), "shanghaimiao-2022")


def test_group_weights_then_source_weights():
    """Groups weigh within a source, then sources weigh (004 §三).

    上述: 班子成员 [10] (weight 50) and 群众代表 [8, 8, 8] (weight 50) -> (10 + 8)/2 = 9.
    下评: 群众代表 [8] -> 8 (较好 on the 下评 form, 004 附件2). Overall 0.7 × 9 + 0.3 × 8 = 8.7 -> 较好.
    """
    rules = dataclasses.replace(scoring.load_rules("shanghaimiao-2022"),
                                weights=Weights(source=(("上述", 70), ("下评", 30)),
                                                group=(("班子成员", 50), ("群众代表", 50))))
    b = rows(("A", "上述", "班子成员", 10), *[("A", "上述", "群众代表", 8)] * 3, ("A", "下评", "群众代表", 8),
             columns=("secretary", "source", "group", "score"))
    row = scoring.grade(b, rules).iloc[0]
    assert row["mean"] == pytest.approx(8.7)
    assert row.grade == "较好"


def test_unlisted_group_takes_the_star_weight():
    """班子成员 weight 3, others ("*") weight 1: 班子 [10], 群众 [6] and 党员 [6] -> (30+6+6)/5 = 8.4."""
    rules = dataclasses.replace(PLAIN, weights=Weights(group=(("班子成员", 3),), group_default=1))
    b = rows(("A", "班子成员", 10), ("A", "群众代表", 6), ("A", "党员代表", 6), columns=("secretary", "group", "score"))
    assert scoring.grade(b, rules).iloc[0]["mean"] == pytest.approx(8.4)


def test_trim_one_from_each_end():
    """去掉一个最高分和一个最低分: 10, 9, 9, 9, 1 -> 9, 9, 9 -> 9 -> 好 (plain 38/5 = 7.6).

    The cut ballots still count as votes: 5 votes, 1 差 ballot.
    """
    rules = dataclasses.replace(PLAIN, trim=Trim(count=1))
    row = scoring.grade(pd.DataFrame({"secretary": "A", "score": [10, 9, 9, 9, 1]}), rules).iloc[0]
    assert row["mean"] == 9 and row.grade == "好"
    assert (row.votes, row.cha) == (5, 1)
    assert "去掉最高、最低共 2 票" in row.reason


def test_trim_share_rounds_down_and_small_cells_stay_whole():
    """10 % of 20 ballots = 2 from each end; 10 % of 9 ballots = 0.9 -> 0 cut.

    A: 2×1, 16×8, 2×10 -> cut both 1s and both 10s -> 8. B: 9 ballots, nothing cut.
    C: trim 1 of 2 ballots would leave none, so nothing is cut: (10 + 2)/2 = 6.
    """
    by_share = dataclasses.replace(PLAIN, trim=Trim(share=Fraction(1, 10)))
    a = pd.DataFrame({"secretary": "A", "score": [1] * 2 + [8] * 16 + [10] * 2})
    b = pd.DataFrame({"secretary": "B", "score": [1] + [9] * 8})
    df = scoring.grade(pd.concat([a, b]), by_share).set_index("secretary")
    assert df.at["A", "mean"] == 8
    assert df.at["B", "mean"] == pytest.approx(73 / 9)
    by_count = dataclasses.replace(PLAIN, trim=Trim(count=1))
    c = scoring.grade(pd.DataFrame({"secretary": "C", "score": [10, 2]}), by_count)
    assert c["mean"].iloc[0] == 6
