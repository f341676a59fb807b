"""Presets named after their documents, and user rule files in TOML (errors name the key)."""

from fractions import Fraction

import pytest

import scoring


def write(tmp_path, text, name="my_rules.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_every_preset_loads_and_names_its_document():
    documents = {"ustl-2019": "000", "central-2019": "001", "bjie-2023": "002",
                 "xiangxi-2018": "003", "shanghaimiao-2022": "004"}
    assert set(scoring.PRESETS) == set(documents)
    for name, doc in documents.items():
        rules = scoring.load_rules(name)
        assert (rules.name, rules.document) == (name, doc)
        assert rules.title
        assert rules.label.endswith(f"（{doc}）") and name not in rules.label     # the console shows this


def test_presets_carry_their_documents_quotas():
    """000 §三.4: 好 ≤ 1/3; 001 第六条 and 002 §三.5: 较好或以下 “一定比例”; 004 §五(四): 40 % 左右."""
    assert scoring.load_rules("ustl-2019").quota.hao_max == Fraction(1, 3)
    for name in ("central-2019", "bjie-2023"):
        q = scoring.load_rules(name).quota
        assert q.below_hao_required and q.below_hao_min is None
    q = scoring.load_rules("shanghaimiao-2022").quota
    assert (q.below_hao_min, q.below_hao_approx) == (Fraction(2, 5), True)


def test_only_004_has_the_10_percent_and_flag_rules_and_the_70_30_weights():
    r = scoring.load_rules("shanghaimiao-2022")
    assert r.low_share == Fraction(1, 10) and r.flags
    assert dict(r.weights.source) == {"上述": 70, "下评": 30}  # 004 §三
    for name in ("ustl-2019", "central-2019", "bjie-2023", "xiangxi-2018"):
        other = scoring.load_rules(name)
        assert other.low_share is None and not other.flags and not other.weights.source


def test_xiangxi_preset_has_the_composite_weights():
    """003 §三(一): 日常管理 20 %, 实地核查 50 %, 民意调查 10 %, 述职测评 20 %."""
    c = scoring.load_rules("xiangxi-2018").composite
    assert (c.daily, c.field, c.survey, c.meeting) == (20, 50, 10, 20)
    assert c.bottom_deductions == (3, 3, 3, 2, 2, 2, 1, 1, 1)  # 003 §五(三)


def test_unknown_preset_is_refused_in_chinese_listing_the_presets():
    with pytest.raises(scoring.RulesError, match="未知的预设“beijing”.*shanghaimiao-2022"):
        scoring.load_rules("beijing")


def test_user_file_with_every_option(tmp_path):
    path = write(tmp_path, """
title = "某单位 2024 年度方案"
[ballot]
hao = 9
[bands]
hao = 8.5
jiaohao = 6.5
yiban = 3.5
[low_share]
threshold = "15%"
cite = "本单位方案"
[flags]
enabled = true
[quota]
hao_max = "1/4"
below_hao_min = 0.3
[weights.source]
"上述" = 0.6
"下评" = 0.4
[weights.group]
"班子成员" = 40
"*" = 20
[mean]
trim = 1
""")
    r = scoring.load_rules(path=path)
    assert r.name == "my_rules"
    assert (r.ballot.hao, r.bands.hao, r.low_share, r.quota.hao_max) == (9, 8.5, Fraction(3, 20), Fraction(1, 4))
    assert r.quota.below_hao_min == Fraction(3, 10)
    assert r.weights.group_weight("群众代表") == 20
    assert r.trim.count == 1


def test_user_file_extends_a_preset_and_changes_one_thing(tmp_path):
    """An organizer who follows 004 but sets 较好及以下 to 50 % writes two lines."""
    r = scoring.load_rules(path=write(tmp_path, 'extends = "shanghaimiao-2022"\n[quota]\nbelow_hao_min = "50%"\n'))
    assert r.quota.below_hao_min == Fraction(1, 2)
    assert r.low_share == Fraction(1, 10) and r.flags  # the rest stays 004's


def test_weight_tables_are_replaced_not_merged(tmp_path):
    r = scoring.load_rules(path=write(tmp_path, 'extends = "shanghaimiao-2022"\n[weights.source]\n"上述" = 1\n'))
    assert dict(r.weights.source) == {"上述": 1}


@pytest.mark.parametrize("text, key", [
    ("[quota]\nhao_maxx = 0.3\n", "quota.hao_maxx"),
    ("[bands]\nhao = \"九\"\n", "bands.hao"),
    ("[bands]\nhao = 11\n", "bands.hao"),
    ("[bands]\njiaohao = 9.5\n", "bands.jiaohao"),
    ("[quota]\nhao_max = 40\n", "quota.hao_max"),
    ("[low_share]\nthreshold = \"110%\"\n", "low_share.threshold"),
    ("[weights.group]\n\"班子成员\" = -1\n", "weights.group.班子成员"),
    ("[mean]\ntrim = 1\ntrim_share = 0.1\n", "mean.trim_share"),
    ("[flags]\nenabled = \"yes\"\n", "flags.enabled"),
    ("bands = 3\n", "bands"),
    ("[composite]\nfield = 60\n", "composite.meeting"),
    ("[ballot_forms.\"旁听\"]\nhao = 10\n", "ballot_forms.旁听"),
    ("[ballot_forms.\"下评\"]\njiaohao = 3\nyiban = 5\n", "ballot_forms.下评.jiaohao"),
    ("[report]\ncommittee = 1500.5\n", "report.committee"),
    ("[report]\nproblems_min = \"三成\"\n", "report.problems_min"),
    ("[report]\nlimits = 3\n", "report.limits"),
    ("[composite.daily_split]\n\"优\" = 3\n", "composite.daily_split.优"),
])
def test_bad_file_names_the_key(tmp_path, text, key):
    with pytest.raises(scoring.RulesError, match=f"规则文件“my_rules.toml”：键“{key}”"):
        scoring.load_rules(path=write(tmp_path, text))


def test_file_that_is_not_toml_or_missing(tmp_path):
    with pytest.raises(scoring.RulesError, match="不是有效的 TOML"):
        scoring.load_rules(path=write(tmp_path, "[quota\n"))
    with pytest.raises(scoring.RulesError, match="找不到规则文件"):
        scoring.load_rules(path=tmp_path / "none.toml")
    with pytest.raises(scoring.RulesError, match="未知的预设"):
        scoring.load_rules(path=write(tmp_path, 'extends = "nowhere"\n'))


def test_a_toml_name_is_read_as_a_file(tmp_path):
    """The service may store the organizer's choice as one string: a preset or a file name."""
    path = write(tmp_path, 'extends = "ustl-2019"\n')
    assert scoring.load_rules(str(path)).quota.hao_max == Fraction(1, 3)


def test_ballot_forms_report_and_daily_points_in_a_rule_file(tmp_path):
    """A unit's own 下评 form, report rules and 日常管理 points, in its rule file."""
    r = scoring.load_rules(path=write(tmp_path, """extends = "ustl-2019"
[ballot_forms."下评"]
hao = 10
jiaohao = 8
yiban = 6
cite = "本单位附件2"
[report]
limit = 2500
record_max = "40%"
[composite.daily_points]
"好" = 95
"较好" = 85
"一般" = 75
"""))
    assert r.ballot_form("下评").scores(1) == (9, 8) and r.ballot_form("上述") == r.ballot
    assert (r.report.limit("committee"), r.report.limit("branch"), r.report.record_max) == (2500, 2500, Fraction(2, 5))
    assert r.report.limit("committee") and r.report.structured
    assert dict(r.composite.daily_points) == {"好": 95, "较好": 85, "一般": 75}


def test_presets_carry_the_documents_report_rules():
    """000 §三.2: 3000/1500; 002 §三.2: 1500/1000, 履职 ≤ 50 %, 问题 ≥ 30 %; 003 §六(二): 2000, 七分."""
    ustl, bjie, xx = (scoring.load_rules(n).report for n in ("ustl-2019", "bjie-2023", "xiangxi-2018"))
    assert dict(ustl.limits) == {"committee": 3000, "branch": 1500} and not ustl.structured
    assert dict(bjie.limits) == {"committee": 1500, "branch": 1000}
    assert (bjie.record_max, bjie.problems_min) == (Fraction(1, 2), Fraction(3, 10))
    assert dict(xx.limits) == {"committee": 2000, "branch": 2000} and xx.problems_plans_min == Fraction(7, 10)
    assert not scoring.load_rules("shanghaimiao-2022").report.limits
