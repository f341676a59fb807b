"""`python -m scoring grade` as an organizer runs it (docs/api.md): subprocess, exit codes, files."""

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from .scoring_support import run, write

CONTRACT = ["secretary", "votes", "mean", "hao", "jiaohao", "yiban", "cha", "low_share", "grade", "reason"]


@pytest.mark.parametrize("bad_row, problem", [
    ("B,11", "第 3 行：分数 11 不在 1–10 之间"),
    (",9", "第 3 行：述职人为空"),
    ("B,九", "第 3 行：分数“九”不是数字"),
])
def test_bad_input_exits_2_names_row_and_problem_and_writes_nothing(tmp_path, bad_row, problem):
    """Row 1 is the header, as Excel numbers it; the bad ballot is on row 3."""
    ballots = write(tmp_path / "ballots.csv", f"secretary,score\nA,10\n{bad_row}\nC,8\n")
    out = tmp_path / "out.csv"
    result = run("grade", ballots, "-o", out, cwd=tmp_path)
    assert result.returncode == 2
    assert problem in result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["ballots.csv"]  # no temporary file left either


def test_bad_input_leaves_an_earlier_result_untouched(tmp_path):
    out = write(tmp_path / "out.csv", "earlier results\n")
    ballots = write(tmp_path / "ballots.csv", "secretary,score\nA,0\n")
    assert run("grade", ballots, "-o", out, cwd=tmp_path).returncode == 2
    assert out.read_text(encoding="utf-8") == "earlier results\n"


def test_blank_lines_do_not_shift_row_numbers(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\n\nB,12\n")
    result = run("grade", ballots, cwd=tmp_path)
    assert result.returncode == 2 and "第 4 行：分数 12 不在 1–10 之间" in result.stderr


@pytest.mark.parametrize("args, words", [
    (["--preset", "beijing"], "未知的预设“beijing”"),
    (["--rules", "missing.toml"], "找不到规则文件"),
    (["-o", "out.txt"], "不支持的输出格式"),
    (["-o", "nodir/out.csv"], "输出目录"),
])
def test_bad_options_exit_2_with_a_message(tmp_path, args, words):
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\n")
    result = run("grade", ballots, *args, cwd=tmp_path)
    assert result.returncode == 2 and words in result.stderr and "Traceback" not in result.stderr


def test_bad_rule_file_names_the_key(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\n")
    rules = write(tmp_path / "r.toml", "[quota]\nhao_max = \"半数\"\n")
    result = run("grade", ballots, "--rules", rules, cwd=tmp_path)
    assert result.returncode == 2 and "键“quota.hao_max”" in result.stderr


def test_missing_file_and_missing_column(tmp_path):
    assert "找不到选票文件" in run("grade", tmp_path / "none.csv", cwd=tmp_path).stderr
    ballots = write(tmp_path / "b.csv", "secretary,points\nA,10\n")
    result = run("grade", ballots, cwd=tmp_path)
    assert result.returncode == 2 and "第 1 行（表头）：缺少列“score”" in result.stderr


def test_csv_output_follows_the_contract(tmp_path):
    """A: 10, 10, 9, 6 -> mean 35/4 = 8.75, 一般 1/4 = 25 % > 10 % -> 差 (004 §五(四)).
    B: 9, 9 -> 9 -> 好. Rows in the file's order (A first)."""
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\nB,9\nA,10\nA,9\nA,6\nB,9\n")
    result = run("grade", ballots, "-o", tmp_path / "r.csv", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    df = pd.read_csv(tmp_path / "r.csv", keep_default_na=False)
    assert list(df.columns[:10]) == CONTRACT
    assert df.secretary.tolist() == ["A", "B"]
    assert df.votes.tolist() == [4, 2] and df["mean"].tolist() == [8.75, 9.0]
    assert df.grade.tolist() == ["差", "好"]
    assert df.low_share.tolist() == [0.25, 0.0]
    assert "已评定 2 人" in result.stdout


def test_stdout_when_no_output_file(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\n")
    result = run("grade", ballots, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout.splitlines()[0].startswith(",".join(CONTRACT))


def test_json_output_and_flag_column(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score,flag\nA,10,\nA,10,重大失误\nB,8,\n")
    assert run("grade", ballots, "-o", tmp_path / "r.json", cwd=tmp_path).returncode == 0
    rows = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [(r["secretary"], r["grade"]) for r in rows] == [("A", "差"), ("B", "较好")]


def test_gbk_csv_with_chinese_headers_from_excel(tmp_path):
    """Excel on Chinese Windows saves CSV in GBK; organizers' headers are Chinese."""
    ballots = write(tmp_path / "b.csv", "述职人,分数,票数\n张三,10,9\n张三,6,1\n", encoding="gbk")
    result = run("grade", ballots, "-o", tmp_path / "r.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (row,) = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert (row["secretary"], row["votes"], row["grade"]) == ("张三", 10, "好")  # 1/10 is not > 10 %


def test_enforce_quota_and_xlsx(tmp_path):
    """ustl-2019 (000 §三.4): 3 assessed -> at most 1 好. A 10, B 9.5, C 8: B is demoted."""
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\nB,10\nB,9\nC,8\n")
    out = tmp_path / "r.xlsx"
    result = run("grade", ballots, "--preset", "ustl-2019", "--enforce-quota", "-o", out, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    wb = load_workbook(out)
    assert wb.sheetnames[:3] == ["评议结果", "评议考核结果和问题整改清单", "意见建议（匿名）"]
    finals = [row[12] for row in wb["评议结果"].iter_rows(min_row=2, values_only=True)]
    assert finals == ["好", "较好", "较好"]
    assert "按等次比例调整 1 人为较好" in result.stdout


def test_quota_warning_is_printed(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\nB,10\n")
    result = run("grade", ballots, "--preset", "ustl-2019", "-o", tmp_path / "r.csv", cwd=tmp_path)
    assert result.returncode == 0
    assert "警告：好 等次 2 人，超过评议人数 2 人的三分之一（0 人）（000 §三.4）" in result.stdout


def test_presets_command_lists_the_five():
    result = run("presets", cwd=".")
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 5


def test_header_only_file_is_bad_input(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score\n")
    result = run("grade", ballots, "-o", tmp_path / "r.csv", cwd=tmp_path)
    assert result.returncode == 2 and "没有任何选票行" in result.stderr
    assert not (tmp_path / "r.csv").exists()


def test_user_rule_file_decides(tmp_path):
    """A unit that cuts the top and bottom ballot: 10, 9, 9, 9, 2 -> 9, 9, 9 -> 9 -> 好.
    Under plain 004 the same ballots are 差 (1 差 ballot of 5 = 20 % > 10 %); the file also
    switches the 10 % rule off."""
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\nA,9\nA,9\nA,9\nA,2\n")
    rules = write(tmp_path / "r.toml", 'extends = "shanghaimiao-2022"\n[mean]\ntrim = 1\n[low_share]\nenabled = false\n')
    out = tmp_path / "r.json"
    assert run("grade", ballots, "--rules", rules, "-o", out, cwd=tmp_path).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))[0]["grade"] == "好"
    assert run("grade", ballots, "-o", out, cwd=tmp_path).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))[0]["grade"] == "差"


def test_csv_output_file_has_a_utf8_bom_for_excel(tmp_path):
    """Excel on Chinese Windows shows mojibake for UTF-8 without a BOM."""
    ballots = write(tmp_path / "b.csv", "secretary,score\n张三,9\n")
    assert run("grade", ballots, "-o", tmp_path / "r.csv", cwd=tmp_path).returncode == 0
    data = (tmp_path / "r.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "张三" in data.decode("utf-8-sig")
    assert not run("grade", ballots, cwd=tmp_path).stdout.startswith("\ufeff")  # stdout stays plain


def test_tab_separated_file_with_chinese_headers(tmp_path):
    """Excel's “文本文件（制表符分隔）” and headers 姓名/得分."""
    ballots = write(tmp_path / "b.txt", "姓名\t得分\n张三\t10\n张三\t9\n李四\t8\n")
    result = run("grade", ballots, "-o", tmp_path / "r.json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [(r["secretary"], r["votes"]) for r in rows] == [("张三", 2), ("李四", 1)]


def test_exponent_score_in_a_file_is_bad_input_with_its_row(tmp_path):
    ballots = write(tmp_path / "b.csv", "secretary,score\nA,10\nB,1e1\nC,+9\n")
    result = run("grade", ballots, cwd=tmp_path)
    assert result.returncode == 2
    assert "第 3 行：分数“1e1”不是整数的写法" in result.stderr and "第 4 行：分数“+9”" in result.stderr


def test_direction_xiaping_counts_on_the_004_annex_2_form(tmp_path):
    """--direction 下评: a 7 is 一般 (附件2); two of ten is over 10 % -> 差."""
    ballots = write(tmp_path / "b.csv", "secretary,score\n" + "A,10\n" * 8 + "A,7\n" * 2)
    out = tmp_path / "r.json"
    assert run("grade", ballots, "--direction", "下评", "-o", out, cwd=tmp_path).returncode == 0
    (row,) = json.loads(out.read_text(encoding="utf-8"))
    assert (row["yiban"], row["grade"]) == (2, "差")
    assert run("grade", ballots, "--direction", "上述", "-o", out, cwd=tmp_path).returncode == 0
    assert json.loads(out.read_text(encoding="utf-8"))[0]["grade"] == "好"
