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
