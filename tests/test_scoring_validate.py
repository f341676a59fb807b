"""validate_ballots: every bad row is named with its number and problem, in Chinese.

The CLI reads every cell as text; the service may pass numbers. Both must be checked the same.
"""

import pandas as pd
import pytest

import scoring


def text_rows(*rows, columns=("secretary", "score")):
    return pd.DataFrame(list(rows), columns=list(columns), dtype=str)


@pytest.mark.parametrize("score, problem", [
    ("11", "分数 11 不在 1–10 之间"),
    ("0", "分数 0 不在 1–10 之间"),
    ("abc", "分数“abc”不是数字"),
    ("7.5", "分数“7.5”不是整数"),
    ("", "分数为空"),
])
def test_bad_score_is_named_with_its_row(score, problem):
    with pytest.raises(scoring.BallotError) as info:
        scoring.validate_ballots(text_rows(("A", "9"), ("B", score)))
    assert info.value.row == 2
    assert str(info.value) == f"第 2 行：{problem}"


def test_empty_secretary_is_named():
    with pytest.raises(scoring.BallotError) as info:
        scoring.validate_ballots(text_rows(("A", "9"), ("  ", "9")), first_row=2)
    assert info.value.row == 3
    assert "第 3 行：述职人为空" in str(info.value)


def test_all_problems_are_listed_in_row_order():
    """An organizer fixes a file in one pass, so every bad row is reported, first row first."""
    with pytest.raises(scoring.BallotError) as info:
        scoring.validate_ballots(text_rows(("", "9"), ("A", "12"), ("B", "x")))
    assert [row for row, _ in info.value.problems] == [1, 2, 3]
    assert info.value.row == 1


def test_missing_column_names_the_header():
    with pytest.raises(scoring.BallotError, match="第 1 行（表头）：缺少列“score”"):
        scoring.validate_ballots(text_rows(("A", "9"), columns=("secretary", "scroe")), header_row=1)


def test_chinese_headers_are_understood():
    """Organizers keep sheets with headers 述职人/分数/票数."""
    df = scoring.validate_ballots(text_rows(("张三", "9", "3"), columns=("述职人", "分数", "票数")))
    assert list(df.columns) == ["secretary", "score", "count"]
    assert df["count"].tolist() == [3]


def test_valid_rows_come_back_typed_and_trimmed():
    df = scoring.validate_ballots(text_rows((" 张三 ", "10", "被问责追责"), columns=("secretary", "score", "flag")))
    assert df.secretary.tolist() == ["张三"]
    assert df.score.dtype.kind == "i" and df.score.tolist() == [10]
    assert df.flag.tolist() == ["问责"]  # 004 §五(四) wording maps to the short flag


def test_negative_count_and_bad_source_and_flag():
    rows = text_rows(("A", "9", "-1", "旁听", "迟到"), columns=("secretary", "score", "count", "source", "flag"))
    with pytest.raises(scoring.BallotError) as info:
        scoring.validate_ballots(rows)
    message = str(info.value)
    assert "第 1 行：票数 -1 不能小于 0" in message
    assert "评议方向“旁听”应为 上述或下评" in message and "标记“迟到”" in message


def test_a_voter_scoring_one_secretary_twice_is_refused():
    """One person, one ballot per secretary (secret ballot, 004 附件1)."""
    rows = text_rows(("A", "9", "v1"), ("A", "8", "v2"), ("A", "7", "v1"), columns=("secretary", "score", "voter"))
    with pytest.raises(scoring.BallotError) as info:
        scoring.validate_ballots(rows, first_row=2)
    assert str(info.value) == "第 4 行：投票人“v1”对述职人“A”重复投票（第 2 行已投）"


def test_groups_must_be_in_the_rule_files_weights():
    rules = scoring.Rules(name="t", weights=scoring.rules.Weights(group=(("班子成员", 1.0),)))
    with pytest.raises(scoring.BallotError, match="投票人类别“路人”不在规则的权重表中"):
        scoring.validate_ballots(text_rows(("A", "9", "路人"), columns=("secretary", "score", "group")), rules)


def test_numbers_from_the_service_pass():
    df = scoring.validate_ballots(pd.DataFrame({"secretary": ["A", "B"], "score": [10, 1], "count": [5, 0]}))
    assert df.score.tolist() == [10, 1] and df["count"].tolist() == [5, 0]


def test_full_width_digits_from_a_chinese_input_method_are_numbers():
    df = scoring.validate_ballots(text_rows(("A", "１０"), ("B", "９")))
    assert df.score.tolist() == [10, 9]


@pytest.mark.parametrize("score", ["1e1", "+9", "inf", "-inf", "nan", "9.0", "0x9", "1_0", "٣", "10 ", " 9"])
def test_exponent_plus_sign_and_inf_are_not_scores(score):
    """Only plain integers (ASCII or full-width digits) are scores; “10 ” and
    “ 9” are plain integers with blanks around and pass."""
    rows = text_rows(("A", score))
    if score.strip() in ("10", "9"):
        assert scoring.validate_ballots(rows).score.tolist() == [int(score)]
        return
    with pytest.raises(scoring.BallotError) as info:
        scoring.validate_ballots(rows)
    assert str(info.value).startswith(f"第 1 行：分数“{score.strip()}”")


@pytest.mark.parametrize("columns", [("姓名", "得分"), ("Secretary", "Score"), ("SECRETARY", "score"),
                                     (" 述职人 ", "分数")])
def test_xingming_defen_and_any_case_headers_are_understood(columns):
    df = scoring.validate_ballots(text_rows(("张三", "9"), columns=columns))
    assert df.secretary.tolist() == ["张三"] and df.score.tolist() == [9]


def test_xingming_beside_shuzhiren_is_the_name_shown():
    """述职人 is the key; 姓名 then is the name for the official tables."""
    df = scoring.validate_ballots(text_rows(("s1", "张三", "9"), columns=("述职人", "姓名", "分数")))
    assert (df.secretary.tolist(), df.name.tolist()) == (["s1"], ["张三"])
