"""One way to show a mean: `scoring.mean_text` never crosses a band edge."""

import math

import pandas as pd
import pytest

import scoring


@pytest.mark.parametrize("mean, text", [
    (79 / 9, "8.78"),           # the screen used to truncate to 8.777
    (1799 / 200, "8.99"),       # 199 nines and one 8 = 8.995: 较好, must not read 9.00
    (3.9995, "3.999"),          # 差, must not read 4.00
    (8.9995, "8.999"),
    (9.0, "9.00"),
    (6.9999, "6.9999"),
    (10.0, "10.00"),
    (9.99996, "9.99996"),       # not every ballot was a 10: never "10.00"
])
def test_mean_text_never_crosses_a_band_edge(mean, text):
    assert scoring.mean_text(mean, scoring.load_rules("shanghaimiao-2022")) == text


@pytest.mark.parametrize("missing", [None, math.nan, pd.NA])
def test_mean_text_of_no_mean_is_empty(missing):
    assert scoring.mean_text(missing) == ""


def test_mean_text_follows_the_rules_bands():
    """A rule file with 好 from 8.5: 8.4999 must not read 8.50."""
    import dataclasses

    rules = dataclasses.replace(scoring.load_rules("ustl-2019"), bands=scoring.rules.Bands(8.5, 7, 4))
    assert scoring.mean_text(8.4999, rules) == "8.4999"


def test_mean_within_float_noise_of_9_reads_as_the_grade_treats_it():
    """A weighted mean that is mathematically 9 (0.7 × 9.2 + 0.3 × 8.5333…) is 好 and reads 9.00."""
    assert scoring.mean_text(9 - 1e-12) == "9.00"


def test_reason_and_mean_text_agree():
    """The reason shows the mean through the same formatter: 199 nines and one 8."""
    df = scoring.grade(pd.DataFrame({"secretary": "A", "score": [9] * 199 + [8]}), "shanghaimiao-2022")
    assert df.grade[0] == "较好"
    assert f"平均分 {scoring.mean_text(df['mean'][0])} " in df.reason[0] and "8.99 " in df.reason[0]


@pytest.mark.parametrize("share, text", [(1 / 10000, "0.01%"), (9999 / 10000, "99.99%"), (0.1, "10%"),
                                         (1001 / 10000, "10.01%"), (0.0, "0%"), (None, "")])
def test_one_low_vote_in_10000_shows_as_0_01_percent(share, text):
    """A share above 0 never reads 0 %, one below 100 % never reads 100 %."""
    assert scoring.share_text(share, scoring.load_rules("shanghaimiao-2022")) == text


def test_one_low_vote_in_10000_in_the_reason():
    df = scoring.grade(pd.DataFrame({"secretary": ["A", "A"], "score": [10, 6], "count": [9999, 1]}),
                       "shanghaimiao-2022")
    assert "一般、差票占比 0.01%（1/10000）未超过 10%" in df.reason[0]
