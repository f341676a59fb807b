"""Properties every rule set must keep, checked on random meetings (hypothesis).

- A grade never improves when a ballot is lowered (a voter's lower score can only hurt).
- The order of ballots never matters (the service's counters and the CLI's file must agree).
- A count row equals that many single ballots.
- With --enforce-quota the quota always holds afterwards.
"""

import dataclasses
from fractions import Fraction

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring.rules import Quota, Trim, Weights

RANK = {"好": 0, "较好": 1, "一般": 2, "差": 3, "": 4}
BASE = scoring.load_rules("shanghaimiao-2022")
RULE_SETS = [scoring.load_rules(name) for name in scoring.PRESETS] + [
    dataclasses.replace(BASE, trim=Trim(count=1)),
    dataclasses.replace(BASE, trim=Trim(share=Fraction(1, 5)),
                        weights=Weights(source=(("上述", 70), ("下评", 30)),
                                        group=(("班子成员", 3), ("群众代表", 1)))),
    dataclasses.replace(BASE, quota=Quota(hao_max=Fraction(1, 3), below_hao_min=Fraction(2, 5),
                                          below_hao_required=True)),
]
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Scores lean high, as in real meetings, so that 好 and the quotas on it come into play.
score = st.one_of(st.integers(9, 10), st.integers(7, 10), st.integers(1, 10))
ballot = st.tuples(st.sampled_from(["A", "B", "C", "D"]), score,
                   st.sampled_from(["上述", "下评"]), st.sampled_from(["班子成员", "群众代表"]))
meeting = st.lists(ballot, min_size=1, max_size=60)


def frame(rows):
    return pd.DataFrame(rows, columns=["secretary", "score", "source", "group"])


def grades(rows, rules, enforce):
    df = scoring.grade(frame(rows), rules, secretaries=["A", "B", "C", "D"], enforce_quota=enforce)
    return dict(zip(df.secretary, df.grade))


@FAST
@given(rows=meeting, rules=st.sampled_from(RULE_SETS), enforce=st.booleans(), data=st.data())
def test_lowering_a_ballot_never_improves_that_grade(rows, rules, enforce, data):
    i = data.draw(st.integers(0, len(rows) - 1))
    sid, score, source, group = rows[i]
    if score == 1:
        return
    lower = data.draw(st.one_of(st.just(score - 1), st.integers(1, score - 1)))
    lowered = rows[:i] + [(sid, lower, source, group)] + rows[i + 1:]
    before, after = grades(rows, rules, enforce)[sid], grades(lowered, rules, enforce)[sid]
    assert RANK[after] >= RANK[before], (before, after)


@FAST
@given(rows=meeting, rules=st.sampled_from(RULE_SETS), enforce=st.booleans(), data=st.data())
def test_order_of_ballots_never_matters(rows, rules, enforce, data):
    shuffled = data.draw(st.permutations(rows))
    a = scoring.grade(frame(rows), rules, enforce_quota=enforce)
    b = scoring.grade(frame(shuffled), rules, enforce_quota=enforce)
    pd.testing.assert_frame_equal(a, b)


@FAST
@given(counts=st.lists(st.tuples(st.sampled_from(["A", "B"]), st.integers(1, 10), st.integers(0, 5)),
                       min_size=1, max_size=30),
       rules=st.sampled_from(RULE_SETS))
def test_a_count_row_is_that_many_ballots(counts, rules):
    grouped = pd.DataFrame(counts, columns=["secretary", "score", "count"])
    single = pd.DataFrame([(s, x) for s, x, c in counts for _ in range(c)], columns=["secretary", "score"])
    a = scoring.grade(grouped, rules, secretaries=["A", "B"])
    b = scoring.grade(single, rules, secretaries=["A", "B"])
    pd.testing.assert_frame_equal(a, b)
    assert (a[["hao", "jiaohao", "yiban", "cha"]].sum(axis=1) == a["votes"]).all()


@FAST
@given(rows=meeting, rules=st.sampled_from(RULE_SETS))
def test_enforcing_the_quota_leaves_no_violation_but_the_ties_for_the_committee(rows, rules):
    """What the quota still needs is exactly what the tied groups were marked with."""
    df = scoring.grade(frame(rows), rules, enforce_quota=True)
    need = int(df[df.quota_tie > 0].drop_duplicates("quota_tie").quota_tie.sum())
    excess = [f.actual - f.limit if f.code == "hao_max" else f.limit - f.actual
              for f in scoring.check_quotas(df, rules)]
    assert max(excess + [0]) == need
