"""002 附件2 “评议考核结果和问题整改清单”, complete, read back with openpyxl."""

import io
import json

import pandas as pd
from openpyxl import load_workbook

import scoring
from scoring import export
from scoring.checklist import checklist_title
from tests.scoring_support import run, write

BALLOTS = pd.DataFrame({"secretary": ["s1"] * 3 + ["s2"] * 3, "score": [10, 10, 10, 9, 8, 8]})
META = pd.DataFrame({"secretary": ["s1", "s2"], "name": ["张三", "李四"], "org": ["第一党支部", "第二党支部"],
                     "method": ["现场述职", "书面述职"]})
FIXES = pd.DataFrame({
    "secretary": ["s2", "s1", "s2"],
    "problem": ["组织生活不规范", "理论学习不深入", "发展党员程序不严"],
    "measure": ["每月检查“三会一课”记录", "制定学习计划", "逐项复核发展材料"],
    "deadline": ["2024年3月底前", "2024年2月底前", ""],
})
INFO = {"title": "2023年度在职党支部书记述职评议会", "department": "党委组织部", "filler": "王延梅",
        "time_place": "2024年1月10日，学院第一会议室", "attendees": ["学院党建工作领导小组成员", "两代表一委员"]}


def sheet(**kw):
    results = scoring.grade(BALLOTS, "bjie-2023")
    body = export.results_workbook(results, META, **kw)
    return load_workbook(io.BytesIO(body))["评议考核结果和问题整改清单"]


def test_checklist_fills_every_field_of_002_annex_2():
    ws = sheet(rectification=FIXES, info=INFO)
    assert ws["A1"].value == "2023年度在职党支部书记评议考核结果和问题整改清单"
    assert (ws["A2"].value, ws["D2"].value) == ("填表部门：党委组织部", "填表人：王延梅")
    assert ws["A3"].value == "考核时间、地点：2024年1月10日，学院第一会议室"
    assert ws["A4"].value == "参会人员：学院党建工作领导小组成员、两代表一委员"
    assert [c.value for c in ws[5]][2] == "姓名及\n述职方式"
    first, second = [c.value for c in ws[6]], [c.value for c in ws[7]]
    assert first == [1, "第一党支部", "张三\n现场述职", "好", "理论学习不深入", "制定学习计划（整改时限：2024年2月底前）"]
    assert second[:4] == [2, "第二党支部", "李四\n书面述职", "较好"]
    assert second[4] == "1. 组织生活不规范\n2. 发展党员程序不严"           # several items, all of them
    assert second[5] == "1. 每月检查“三会一课”记录（整改时限：2024年3月底前）\n2. 逐项复核发展材料"
    assert ws["A8"].value == "注：可自行添加行。"
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A1:F1", "A2:C2", "D2:F2", "A3:F3", "A4:F4", "A8:F8"} <= merged


def test_checklist_title_is_derived_as_the_document_titles_it():
    assert checklist_title({"title": "2022年度上海庙镇党支部书记述职评议会"}) == \
        "2022年度党支部书记评议考核结果和问题整改清单"
    assert checklist_title({"title": "年终述职会", "year": "2024"}) == "2024年度党组织书记评议考核结果和问题整改清单"
    assert checklist_title({"year": "2023年", "assessed": "二级党组织书记"}) == \
        "2023年度二级党组织书记评议考核结果和问题整改清单"
    assert checklist_title({}) == "党组织书记评议考核结果和问题整改清单"


def test_checklist_takes_the_older_problems_measures_columns():
    old = pd.DataFrame({"secretary": ["s2"], "problems": ["组织生活不规范"], "measures": ["2024年3月前整改"]})
    row = [c.value for c in sheet(rectification=old)[7]]
    assert row[4:] == ["组织生活不规范", "2024年3月前整改"]


def test_checklist_item_for_someone_not_assessed_is_refused():
    import pytest

    with pytest.raises(scoring.InputError, match="整改清单中的述职人“s9”不在述职人名单中"):
        sheet(rectification=pd.DataFrame({"secretary": ["s9"], "problem": ["x"]}))


def test_cli_fills_org_and_name_and_method_and_the_checklist(tmp_path):
    """党支部名称 was blank and the id stood in 姓名及述职方式."""
    ballots = write(tmp_path / "b.csv", "述职人,姓名,党支部名称,述职方式,分数\n"
                    "s1,张三,第一党支部,现场述职,10\ns1,,,,10\ns2,李四,第二党支部,书面述职,8\n")
    fixes = write(tmp_path / "fix.csv", "述职人,问题,整改措施,整改时限\ns2,组织生活不规范,每月检查,2024年3月底前\n"
                  "s2,发展党员程序不严,逐项复核,2024年4月底前\n")
    out = tmp_path / "r.xlsx"
    result = run("grade", ballots, "--preset", "bjie-2023", "--rectification", fixes, "--info", "填表部门=党委组织部",
                 "--info", "填表人=王延梅", "--info", "考核时间、地点=2024年1月10日，第一会议室",
                 "--info", "参会人员=两代表一委员", "--info", "年度=2023", "--info", "评议对象=在职党支部书记",
                 "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    wb = load_workbook(out)
    ws = wb["评议考核结果和问题整改清单"]
    assert ws["A1"].value == "2023年度在职党支部书记评议考核结果和问题整改清单"
    assert (ws["A2"].value, ws["D2"].value, ws["A4"].value) == ("填表部门：党委组织部", "填表人：王延梅", "参会人员：两代表一委员")
    assert [c.value for c in ws[6]][:4] == [1, "第一党支部", "张三\n现场述职", "好"]
    assert [c.value for c in ws[7]][1:5] == ["第二党支部", "李四\n书面述职", "较好", "1. 组织生活不规范\n2. 发展党员程序不严"]
    results = [[c.value for c in r] for r in wb["评议结果"].iter_rows(min_row=2, max_col=3)]
    assert results == [[1, "第一党支部", "张三\n现场述职"], [2, "第二党支部", "李四\n书面述职"]]


def test_cli_secretaries_file_sets_order_names_and_those_without_ballots(tmp_path):
    roster = write(tmp_path / "名单.csv", "姓名,党支部名称,述职方式\n王五,第三党支部,现场述职\n张三,第一党支部,书面述职\n")
    ballots = write(tmp_path / "b.csv", "姓名,得分\n张三,9\n张三,10\n")
    out = tmp_path / "r.json"
    result = run("grade", ballots, "--secretaries", roster, "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["secretary"], r["org"], r["grade"]) for r in rows] == [("王五", "第三党支部", ""), ("张三", "第一党支部", "好")]
    stray = write(tmp_path / "b2.csv", "姓名,得分\n张三,9\n赵六,9\n")
    result = run("grade", stray, "--secretaries", roster, "-o", out, cwd=tmp_path)
    assert result.returncode == 2 and "第 3 行：述职人“赵六”不在述职人名单中" in result.stderr


def test_cli_bad_info_key_is_bad_input(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,9\n")
    result = run("grade", ballots, "--info", "部门", cwd=tmp_path)
    assert result.returncode == 2 and "--info “部门”应为 键=值" in result.stderr
