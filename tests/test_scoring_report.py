"""述职报告 checks (docs/api.md `python -m scoring report`), on reports written from
002 附件1's template: 一、履职主要情况 / 二、存在的问题 / 三、下一步工作思路.

Counting: every non-blank character is one 字, punctuation included; a run of ASCII letters and
digits is one (as Word/WPS count 字数).
"""

import io
import zipfile

import docx
import pytest

import scoring
from scoring.report import check_report, count_chars, read_report, report_parts
from tests.scoring_support import run

BJIE = scoring.load_rules("bjie-2023")
SENTENCE = "一是落实三会一课制度。"  # 11 字


def template(record: int, problems: int, plans: int) -> str:
    """A report after 002 附件1 with the given number of sentences in each part (11 字 each)."""
    return "\n".join([
        "2023年度基层党建工作述职报告", "第一党总支 张三（姓名）", "（2024 年 1月）", "",
        "一、履职主要情况", "（一）抓班子带队伍", SENTENCE * record,
        "二、存在的问题", "（一）理论学习不深", SENTENCE * problems,
        "三、下一步工作思路", "（一）强化学习", SENTENCE * plans,
    ])


def test_count_chars_counts_punctuation_and_ascii_runs_as_one():
    assert count_chars("一是落实。") == 5
    assert count_chars("2023年度 PPT 3.5%") == 1 + 2 + 1 + 1 + 1  # 2023, 年, 度, PPT, 3.5, %
    assert count_chars(" \n\t　") == 0  # blanks, incl. the full-width space, do not count


def test_parts_follow_the_headings_of_002_annex_1():
    parts = report_parts(template(5, 3, 2))
    assert (parts["record"], parts["problems"], parts["plans"]) == (9 + 55, 9 + 33, 7 + 22)  # （一）… lines count
    variants = "一．主要履职情况\n甲甲\n第二部分 存在问题及原因分析\n乙乙乙\n三、下步打算\n丙\n"
    assert [report_parts(variants)[p] for p in ("record", "problems", "plans")] == [2, 3, 1]
    bare = "履职主要情况\n甲甲\n存在的问题\n乙\n下一步工作思路\n丙\n"  # Word numbered the headings itself
    assert [report_parts(bare)[p] for p in ("record", "problems", "plans")] == [2, 1, 1]


def test_report_from_the_template_passes():
    checks = check_report(template(5, 4, 2), BJIE, "committee")
    assert [c.code for c in checks] == ["length", "record_max", "problems_min"] and all(c.ok for c in checks)


def test_report_too_long_for_a_branch_secretary_fails_with_the_figure_and_the_rule():
    """002 §三.2: 在职党支部书记 1000 字以内. 100 sentences = 1100 字 + headings."""
    text = template(50, 35, 15)
    (length, *_) = check_report(text, BJIE, "branch")
    n = count_chars(text)
    assert not length.ok and length.figure == f"{n} 字"
    assert length.message == f"全文 {n} 字，超过在职党支部书记述职报告 1000 字的上限 {n - 1000} 字，请删减（002 §三.2）"
    assert check_report(text, BJIE, "committee")[0].ok  # 1500 for 二级党组织书记


def test_report_with_too_few_problems_fails_002():
    """问题 ≥ 30 % (002 §三.2): 7/3/3 sentences -> 问题 42/(86+42+40) = 25 %; 履职 51 % > 50 % too."""
    checks = {c.code: c for c in check_report(template(7, 3, 3), BJIE)}
    assert not checks["problems_min"].ok and checks["record_max"].ok is False
    assert "应不少于30%，偏少，请充实（002 §三.2、附件1）" in checks["problems_min"].message


def test_report_without_headings_fails_the_structure_check():
    (length, structure) = check_report("今年我们做了很多工作。" * 20, BJIE)
    assert length.ok and not structure.ok and structure.code == "headings"
    assert "未找到“履职主要情况”、“存在的问题”部分的标题" in structure.message


def test_xiangxi_wants_seven_tenths_on_problems_and_plans_003():
    """003 §六(二): 三分讲成绩、七分讲问题和下步打算; 2000 字 at every level."""
    rules = scoring.load_rules("xiangxi-2018")
    ok = {c.code: c.ok for c in check_report(template(2, 4, 3), rules)}
    bad = {c.code: c.ok for c in check_report(template(5, 3, 2), rules)}
    assert ok == {"length": True, "problems_plans_min": True} and bad["problems_plans_min"] is False


def test_000_limits_by_level_and_004_has_none():
    ustl = scoring.load_rules("ustl-2019")
    text = template(80, 40, 30)  # 1650 + headings
    assert check_report(text, ustl, "committee")[0].ok and not check_report(text, ustl, "branch")[0].ok
    (only,) = check_report(text, scoring.load_rules("shanghaimiao-2022"))
    assert only.ok and "本方案未规定述职报告字数" in only.message
    assert not check_report(text, scoring.load_rules("shanghaimiao-2022"), limit=100)[0].ok


def make_docx(text: str) -> bytes:
    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    table = d.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "表格里的字"
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()


def test_read_report_docx_and_gbk_txt():
    text = template(5, 4, 2)
    from_docx = read_report(make_docx(text), "张三述职报告.docx")
    assert from_docx.startswith("2023年度基层党建工作述职报告") and "表格里的字" in from_docx
    assert read_report(text.encode("gbk"), "r.txt") == text
    assert read_report(text.encode("utf-16"), "r.txt") == text


@pytest.mark.parametrize("data, name, words", [
    (b"%PDF-1.4 ...", "r.pdf", "是 PDF 文件"),
    (b"PK\x03\x04 broken", "r.docx", "不是有效的 .docx 文件"),
    (b"\xd0\xcf\x11\xe0", "r.doc", "另存为 .docx"),
    (b"", "r.txt", "是空文件"),
    (b"   \n", "r.txt", "没有文字"),
    (b"\x00\x01\x02" * 100, "r.txt", "不是文本文件"),
    (b"x" * (5 * 1024 * 1024 + 1), "r.txt", "超过 5 MB"),
    (b"abc", "report", "无扩展名"),
])
def test_unreadable_report_is_a_chinese_message(data, name, words):
    with pytest.raises(scoring.report.ReportError, match=words):
        read_report(data, name)


def test_docx_that_unpacks_too_large_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b" " * (60 * 1024 * 1024))
    with pytest.raises(scoring.report.ReportError, match="解压后过大"):
        read_report(out.getvalue(), "bomb.docx")


def test_cli_exit_codes_0_1_2(tmp_path):
    good = tmp_path / "good.docx"
    good.write_bytes(make_docx(template(5, 4, 2)))
    result = run("report", good, "--preset", "bjie-2023", cwd=tmp_path)
    assert result.returncode == 0 and "全部检查通过" in result.stdout

    few = tmp_path / "few.txt"
    few.write_text(template(7, 3, 3), encoding="utf-8")
    result = run("report", few, "--preset", "bjie-2023", "--level", "branch", cwd=tmp_path)
    assert result.returncode == 1
    assert "不通过  存在的问题占比" in result.stdout and "002 §三.2" in result.stdout

    long = tmp_path / "long.txt"
    long.write_text(template(50, 35, 15), encoding="utf-8")
    result = run("report", long, "--preset", "bjie-2023", "--level", "branch", cwd=tmp_path)
    assert result.returncode == 1 and "不通过  字数" in result.stdout

    for name, data in (("bad.docx", b"PK\x03\x04junk"), ("r.pdf", b"%PDF-1.4")):
        (tmp_path / name).write_bytes(data)
        result = run("report", tmp_path / name, cwd=tmp_path)
        assert result.returncode == 2 and "错误：无法读取述职报告" in result.stderr
        assert "Traceback" not in result.stderr
    gbk_bad = tmp_path / "bad.txt"
    gbk_bad.write_bytes(b"\x81\x30\xff\xff\xfe")
    result = run("report", gbk_bad, cwd=tmp_path)
    assert result.returncode == 2 and "编码无法识别" in result.stderr
