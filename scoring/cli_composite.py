"""`python -m scoring composite UNITS [--field FINDINGS] [--meeting BALLOTS] [--preset NAME] [-o OUT]`.

The 003 composite from files (see docs/scoring.md “综合考评”):
- UNITS: one row per unit: secretary (述职人/书记/姓名, or 单位 when there is no person column),
  optional unit (单位), daily (日常管理, 0–100) or daily_grade (日常管理等次 好/较好/一般), survey
  (民意调查, 0–100), and unless given by the other files field (实地核查, 0–105), meeting_mean
  (述职测评平均分, 1–10) or meeting_points (述职测评得分, already “按20分折算”).
- FINDINGS: the 实地核查 sheet of 003 附件, one row per finding: secretary, clause (条款, e.g. 1.1a),
  times (次数, blank = 1), points (扣分, for a 视情节轻重 clause).
- BALLOTS: the 述职测评 meeting's ballots, as for `grade`; each unit's mean is its 述职测评.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import pandas as pd

from .ballots import canonical_names, read_table, validate_ballots
from .cells import csv_bytes
from .cli import Usage, add_rules_options, emit, output_path, rules_from
from .composite import composite
from .daily import check_daily_split, daily_points
from .deductions import field_check, field_check_items
from .errors import BallotError
from .export import composite_workbook
from .grade import grade
from .text import GRADES

FORMATS = (".csv", ".xlsx", ".json")
PRESET = "xiangxi-2018"
UNIT_ALIASES = {
    "述职人": "secretary", "书记": "secretary", "姓名": "secretary", "单位": "unit", "单位名称": "unit",
    "日常管理": "daily", "日常管理得分": "daily", "日常管理等次": "daily_grade", "实地核查": "field",
    "实地核查得分": "field", "民意调查": "survey", "民意调查得分": "survey", "述职测评平均分": "meeting_mean",
    "述职测评得分": "meeting_points",
}
FINDING_ALIASES = {"述职人": "secretary", "书记": "secretary", "姓名": "secretary", "单位": "secretary",
                   "条款": "clause", "次数": "times", "扣分": "points", "核查情况": "note"}
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def add_parser(sub) -> None:
    c = sub.add_parser("composite", help="湘西 2018（003）综合考评：日常管理、实地核查、民意调查、述职测评")
    c.add_argument("units", help="单位得分 CSV/xlsx：secretary, daily 或 daily_grade, survey，可选 field, meeting_mean")
    c.add_argument("--field", help="实地核查记录 CSV/xlsx：secretary, clause, times, points（003 附件评分细则）")
    c.add_argument("--meeting", help="述职测评选票 CSV/xlsx（同 grade 的输入）：平均分即述职测评得分")
    add_rules_options(c, PRESET)
    c.add_argument("-o", "--output", help="输出文件：.csv、.xlsx 或 .json；不指定则以 CSV 输出到屏幕")


def run(args) -> int:
    out = output_path(args.output, FORMATS)
    rules = rules_from(args, PRESET)
    if rules.composite is None:
        raise Usage(f"错误：规则“{rules.name}”没有综合考评（[composite]），请用 --preset {PRESET}")
    units = _units(args.units)
    ids = list(units["secretary"])
    warnings = []
    if "daily_grade" in units:
        grades = dict(zip(ids, units["daily_grade"]))
        scored = daily_points({u: g for u, g in grades.items() if g}, rules)
        units["daily"] = [scored.get(u, np.nan) for u in ids]
        warnings.append(check_daily_split({u: g for u, g in grades.items() if g}, rules))
    items = None
    if args.field:
        if "field" in units:
            raise Usage("错误：实地核查得分既在单位文件中，又由 --field 核查记录计算，请只给一处")
        raw = read_table(args.field, "实地核查记录")
        findings = raw.set_axis(canonical_names(raw.columns, FINDING_ALIASES), axis=1)
        for column in ("secretary", "clause"):
            if column not in findings:
                raise BallotError(f"实地核查记录第 1 行（表头）：缺少列“{column}”", row=1)
        units = units.drop(columns="field", errors="ignore").merge(
            field_check(findings, ids, rows=raw.index)[["secretary", "field"]], on="secretary")
        items = field_check_items(findings, ids, rows=raw.index)
    if args.meeting:
        if "meeting_mean" in units:
            raise Usage("错误：述职测评既在单位文件中，又由 --meeting 选票计算，请只给一处")
        units["meeting_mean"] = _meeting_means(args.meeting, ids, rules)
    result = composite(units, rules)
    if "unit" in units:
        result.insert(1, "unit", units["unit"].to_numpy())
    kind = out.suffix.lower() if out else ".csv"
    if kind == ".xlsx":
        data = composite_workbook(result, items, rules, [w for w in warnings if w])
    elif kind == ".json":
        data = result.to_json(orient="records", force_ascii=False, indent=1).encode("utf-8")
    else:
        data = csv_bytes(result, bom=out is not None)
    emit(out, data)
    _summary(result, [w for w in warnings if w], out)
    return 0


def _units(path: str) -> pd.DataFrame:
    raw = read_table(path, "单位得分文件")
    if not len(raw):
        raise BallotError("单位得分文件中没有任何单位", row=2)
    df = raw.set_axis(canonical_names(raw.columns, UNIT_ALIASES), axis=1)
    if "secretary" not in df and "unit" in df:
        df["secretary"] = df["unit"]
    if "secretary" not in df:
        raise BallotError("单位得分文件第 1 行（表头）：缺少列“secretary”（述职人 或 单位）", row=1)
    df["secretary"] = df["secretary"].astype(str).str.strip()
    for row, sid, dup in zip(df.index, df["secretary"], df["secretary"].duplicated()):
        if not sid or dup:
            raise BallotError(f"单位得分文件第 {row} 行：{'述职人为空' if not sid else f'“{sid}”重复'}", row=int(row))
    if "meeting_points" in df:
        if "meeting_mean" in df:
            raise BallotError("单位得分文件第 1 行（表头）：述职测评平均分与述职测评得分只能给一列", row=1)
    limits = {"daily": ("日常管理", 0, 100), "field": ("实地核查", 0, 105), "survey": ("民意调查", 0, 100),
              "meeting_mean": ("述职测评平均分", 1, 10), "meeting_points": ("述职测评得分", 2, 20)}
    for column, (label, lo, top) in limits.items():
        if column in df:
            df[column] = [_decimal(v, label, lo, top, row) for v, row in zip(df[column], df.index)]
    if "meeting_points" in df:  # 003 §四(四): reported “按20分折算”; back to the 1–10 scale
        df["meeting_mean"] = df.pop("meeting_points") / 20 * 10
    if "daily_grade" in df:
        df["daily_grade"] = df["daily_grade"].astype(str).str.strip()
        if "daily" in df:
            raise BallotError("单位得分文件第 1 行（表头）：日常管理得分与日常管理等次只能给一列", row=1)
        for row, g in zip(df.index, df["daily_grade"]):
            if g and g not in GRADES[:3]:
                raise BallotError(f"单位得分文件第 {row} 行：日常管理等次“{g}”应为 好、较好 或 一般", row=int(row))
    return df.reset_index(drop=True)


def _decimal(value, label: str, lo: float, top: float, row) -> float:
    """A plain decimal (85, 92.5, full-width digits too); blank is “not given”."""
    text = unicodedata.normalize("NFKC", str(value)).strip()
    if not text:
        return np.nan
    if not _DECIMAL.fullmatch(text):
        raise BallotError(f"单位得分文件第 {row} 行：{label}“{value}”不是数字", row=int(row))
    number = float(text)
    if not lo <= number <= top:
        raise BallotError(f"单位得分文件第 {row} 行：{label} {text} 不在 {lo}–{top} 之间", row=int(row))
    return number


def _meeting_means(path: str, ids: list[str], rules) -> np.ndarray:
    raw = read_table(path, "述职测评选票")
    ballots = validate_ballots(raw, rules, rows=raw.index, header_row=1)
    stray = (~ballots["secretary"].isin(set(ids))).to_numpy()
    if stray.any():
        i = int(stray.argmax())
        raise BallotError(f"述职测评选票第 {raw.index[i]} 行：述职人“{ballots['secretary'].iat[i]}”不在单位得分文件中",
                          row=int(raw.index[i]))
    return grade(ballots, rules, secretaries=ids)["mean"].to_numpy(float)


def _summary(result: pd.DataFrame, warnings: list[str], out) -> None:
    counts = "、".join(f"{g} {int((result['grade'] == g).sum())}" for g in GRADES)
    missing = int((result["grade"] == "").sum())
    lines = [f"综合考评 {len(result) - missing} 个单位（{counts}）" + (f"，{missing} 个缺少得分" if missing else "")]
    lines += [f"提示：{w}" for w in warnings]
    if out is not None:
        lines.append(f"结果已写入 {out}")
    print("\n".join(lines), file=sys.stderr if out is None else sys.stdout)
