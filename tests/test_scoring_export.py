"""Official tables: results table (.xlsx, .csv), 002 附件2 checklist, anonymous comments."""

import io

import pandas as pd
from openpyxl import load_workbook

import scoring
from scoring import export

from .scoring_support import excel_text

BALLOTS = pd.DataFrame({"secretary": ["s1"] * 8 + ["s2"] * 9,
                        "score": [10] * 7 + [6] + [10] * 7 + [9, 6]})
META = pd.DataFrame({"secretary": ["s1", "s2"], "name": ["张三", "李四"], "org": ["第一党支部", "第二党支部"],
                     "method": ["现场述职", "书面述职"]})


def results(**kw):
    return scoring.grade(BALLOTS, "shanghaimiao-2022", **kw)


def test_results_table_has_the_documents_columns_and_values():
    """s1: 7×10 + 6 -> mean 76/8 = 9.5, 一般 1/8 = 12.5 % > 10 % -> 差 (004 §五(四)).
    s2: 7×10 + 9 + 6 -> 85/9 = 9.44, 一般 1/9 = 11.1 % -> 差."""
    table = export.results_table(results(), META)
    assert list(table.columns) == ["序号", "党支部名称", "姓名及述职方式", "票数", "平均分", "好票数", "较好票数",
                                   "一般票数", "差票数", "一般差占比", "建议等次", "规则", "最终等次", "调整理由",
                                   "平均分（未舍入）", "一般差占比（未舍入）"]
    first = table.iloc[0]
    assert (first["序号"], first["党支部名称"], first["姓名及述职方式"]) == (1, "第一党支部", "张三（现场述职）")
    assert (first["票数"], first["平均分"], first["一般差占比"], first["建议等次"]) == (8, "9.50", "12.5%", "差")
    assert table.iloc[1]["一般差占比"] == "11.1%"


def test_csv_opens_in_excel_with_chinese_headers():
    data = export.results_csv(results(), META)
    assert data.startswith("\ufeff".encode("utf-8"))  # BOM: Excel reads UTF-8
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert back.columns[0] == "序号" and back["最终等次"].tolist() == ["差", "差"]


def test_without_meta_the_id_is_the_name():
    table = export.results_table(results())
    assert table["姓名及述职方式"].tolist() == ["s1", "s2"]


def test_override_shows_both_grades_and_the_reason():
    table = export.results_table(results(overrides={"s2": ("较好", "党委研究：一般票来自误填")}), META)
    row = table.iloc[1]
    assert (row["建议等次"], row["最终等次"], row["调整理由"]) == ("差", "较好", "党委研究：一般票来自误填")


def workbook(**kw):
    return load_workbook(io.BytesIO(export.results_workbook(**kw)))


def test_workbook_sheets_and_the_002_checklist():
    """002 附件2: 序号, 党支部名称, 姓名及述职方式, 评议考核等次, 存在的问题, 整改措施和整改时限."""
    fixes = pd.DataFrame({"secretary": ["s2"], "problems": ["组织生活不规范"], "measures": ["2024年3月前整改"]})
    wb = workbook(results=results(), meta=META, rectification=fixes,
                  info={"title": "2023年度在职党支部书记评议考核结果和问题整改清单", "department": "党委组织部"})
    assert wb.sheetnames == ["评议结果", "评议考核结果和问题整改清单", "意见建议（匿名）"]
    ws = wb["评议考核结果和问题整改清单"]
    assert ws["A1"].value == "2023年度在职党支部书记评议考核结果和问题整改清单"
    assert ws["A2"].value == "填表部门：党委组织部"
    header = [c.value for c in ws[5]]
    assert header == ["序号", "党支部名称", "姓名及\n述职方式", "评议考核等次", "抓党建工作中存在的问题", "整改措施和整改时限"]
    assert [c.value for c in ws[7]] == [2, "第二党支部", "李四\n书面述职", "差", "组织生活不规范", "2024年3月前整改"]


def test_mean_and_share_are_numbers_not_text_in_xlsx_shown_as_on_the_page():
    """平均分 held the text "9.50", which Excel flags "number stored as text" and cannot sum or
    sort; now a number whose format shows exactly the page's text."""
    ws = workbook(results=results(), meta=META)["评议结果"]
    header = [c.value for c in ws[1]]
    row = {h: c for h, c in zip(header, ws[2])}
    assert (row["平均分"].value, row["平均分"].data_type, row["平均分"].number_format) == (9.5, "n", "0.00")
    assert (row["一般差占比"].value, row["一般差占比"].data_type, row["一般差占比"].number_format) == \
        (0.125, "n", "0.0%")
    assert excel_text(row["平均分"]) == "9.50" and excel_text(row["一般差占比"]) == "12.5%"
    assert (row["平均分（未舍入）"].value, row["一般差占比（未舍入）"].value) == (9.5, 0.125)
    assert row["平均分（未舍入）"].number_format == "General"


def test_comments_are_anonymous_grouped_by_secretary_in_the_callers_order():
    """Only secretary, problems, suggestions are read: a stray voter column never leaks."""
    comments = pd.DataFrame({"secretary": ["s2", "s1", "s2", "s1"],
                             "problems": ["问题甲", "问题乙", "", None],
                             "suggestions": ["建议甲", "", "建议丙", ""],
                             "voter": ["openid-1", "openid-2", "openid-3", "openid-4"]})
    ws = workbook(results=results(), meta=META, comments=comments)["意见建议（匿名）"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert rows[0] == ["序号", "党支部名称", "姓名", "存在的问题和不足", "意见建议"]
    assert [r[2:] for r in rows[1:]] == [["张三", "问题乙", None], ["李四", "问题甲", "建议甲"], ["李四", None, "建议丙"]]
    assert not any("openid" in str(v) for r in rows for v in r)


def test_notes_sheet_reports_quota_findings():
    rules = scoring.load_rules("ustl-2019")
    df = scoring.grade(pd.DataFrame({"secretary": ["a", "b"], "score": [10, 10]}), rules)
    ws = workbook(results=df, rules=rules, findings=scoring.check_quotas(df, rules))["说明"]
    texts = [c.value for c in ws["B"]]
    assert any("超过评议人数 2 人的三分之一" in str(t) for t in texts)


def test_a_tiny_share_is_a_number_that_still_reads_above_zero():
    """One 一般 ballot in 10,000: 0.01 % (share_text), stored as 0.0001 under "0.00%", not 0 %."""
    r = pd.DataFrame({"secretary": ["s1"], "votes": [10000], "mean": [9.9996], "hao": [9999], "jiaohao": [0],
                      "yiban": [1], "cha": [0], "low_share": [0.0001], "grade": ["好"], "reason": [""]})
    ws = workbook(results=r)["评议结果"]
    row = {c.value: v for c, v in zip(ws[1], ws[2])}
    assert (row["一般差占比"].value, row["一般差占比"].number_format) == (0.0001, "0.00%")
    assert excel_text(row["一般差占比"]) == "0.01%" and row["平均分"].data_type == "n"


