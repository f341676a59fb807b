"""`python -m scoring composite`: the 003 composite from files, as an organizer runs it."""

import json

import pytest
from openpyxl import load_workbook

from tests.scoring_support import run, write


def units(tmp_path, text=None):
    return write(tmp_path / "units.csv", text or
                 "单位,日常管理等次,民意调查\n州财政局,好,90\n州教育局,较好,80\n州民政局,一般,70\n")


def test_composite_from_units_findings_and_meeting_ballots(tmp_path):
    """州财政局: 日常管理 好 -> 100 × 20 % = 20; 实地核查 100 − 1.1a ×2 (−2) = 98 × 50 % = 49; 民意调查 90 ×
    10 % = 9; 述职测评 ten 9s -> 9 -> 18 of 20. Total 96 -> 好 (default 90/70/40 lines).
    Three units: the first is not deducted, the other two are 后2/后1 名: −3 (003 §五(三))."""
    findings = write(tmp_path / "field.csv", "单位,条款,次数,扣分\n州财政局,1.1a,2,\n州民政局,2.2e,,3\n")
    ballots = write(tmp_path / "meeting.csv", "述职人,分数\n" + "州财政局,9\n" * 10 + "州教育局,8\n" * 10
                    + "州民政局,7\n" * 10)
    out = tmp_path / "r.json"
    result = run("composite", units(tmp_path), "--field", findings, "--meeting", ballots, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {r["secretary"]: r for r in json.loads(out.read_text(encoding="utf-8"))}
    first = rows["州财政局"]
    assert (first["daily"], first["field"], first["meeting_mean"]) == (100, 98, 9)
    assert first["total"] == pytest.approx(96) and first["grade"] == "好" and first["rank"] == 1
    assert first["performance_deduction"] == 0 and first["consequence"] == ""
    assert [rows[u]["performance_deduction"] for u in ("州教育局", "州民政局")] == [-3, -3]
    assert rows["州民政局"]["field"] == 97 and "年度考核不得评定为“优秀”等次" in rows["州民政局"]["consequence"]
    assert "综合考评 3 个单位" in result.stdout


def test_composite_xlsx_and_the_3_5_2_warning(tmp_path):
    """Three units graded 好/好/一般: 3:5:2 of 3 is 1/1/1, said as a hint, not refused."""
    u = units(tmp_path, "单位,日常管理等次,实地核查,民意调查,述职测评得分\nA,好,90,90,18\nB,好,80,80,16\nC,一般,70,70,14\n")
    out = tmp_path / "r.xlsx"
    result = run("composite", u, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "按 3：5：2 比例 3 个单位应为 好 1、较好 1、一般 1" in result.stdout
    ws = load_workbook(out)["综合考评"]
    header = [c.value for c in ws[1]]
    assert header[:2] == ["述职人", "单位"] and "综合评价等次" in header and "年终绩效考核扣分" in header
    a = dict(zip(header, [c.value for c in ws[2]]))
    assert a["述职测评平均分"] == 9 and a["述职测评（20%）"] == pytest.approx(18)


@pytest.mark.parametrize("text, words", [
    ("单位,日常管理,民意调查\nA,abc,90\n", "单位得分文件第 2 行：日常管理“abc”不是数字"),
    ("单位,日常管理,民意调查\nA,90,120\n", "第 2 行：民意调查 120 不在 0–100 之间"),
    ("单位,日常管理,民意调查\nA,90,90\nA,80,80\n", "第 3 行：“A”重复"),
    ("单位,日常管理等次,民意调查\nA,优,90\n", "第 2 行：日常管理等次“优”应为 好、较好 或 一般"),
    ("名称,日常管理\nA,90\n", "缺少列“secretary”"),
])
def test_composite_bad_units_file_exits_2_naming_the_row(tmp_path, text, words):
    out = tmp_path / "r.csv"
    result = run("composite", units(tmp_path, text), "-o", out, cwd=tmp_path)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr
    assert not out.exists()


def test_composite_bad_finding_names_the_files_row(tmp_path):
    findings = write(tmp_path / "field.csv", "单位,条款\n州财政局,1.1a\n州财政局,9.9z\n")
    result = run("composite", units(tmp_path), "--field", findings, cwd=tmp_path)
    assert result.returncode == 2 and "核查记录第 3 行：评分细则中没有条款“9.9z”" in result.stderr


def test_composite_needs_a_preset_with_a_composite(tmp_path):
    result = run("composite", units(tmp_path), "--preset", "shanghaimiao-2022", cwd=tmp_path)
    assert result.returncode == 2 and "没有综合考评" in result.stderr


def test_composite_csv_has_a_bom_and_keeps_negative_deductions_numbers(tmp_path):
    u = units(tmp_path, "单位,日常管理,实地核查,民意调查,述职测评平均分\nA,90,90,90,9\nB,80,80,80,8\n")
    out = tmp_path / "r.csv"
    assert run("composite", u, "-o", out, cwd=tmp_path).returncode == 0
    text = out.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff") and ",-3," in text and "'-3" not in text
