"""`python -m scoring grade BALLOTS [--preset NAME | --rules FILE] [--direction 上述|下评]
[--secretaries FILE] [--enforce-quota] [--rectification FILE] [--info KEY=VALUE …] [-o OUT]`.

Input columns `secretary`, `score`, optional `count`, `voter`, `group`, `source`, `flag` (docs/api.md)
and, for complete official tables, `name`, `org` (党支部名称), `method` (述职方式).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from .ballots import META, canonical_names, read_table, validate_ballots
from .cells import csv_bytes
from .checklist import INFO_KEYS
from .cli import Usage, add_rules_options, emit, output_path, rules_from
from .errors import BallotError
from .export import results_workbook
from .grade import grade
from .quota import check_quotas
from .rules import SOURCES
from .text import GRADES

FORMATS = (".csv", ".xlsx", ".json")


def add_parser(sub) -> None:
    g = sub.add_parser("grade", help="由选票计算每位书记的建议等次")
    g.add_argument("ballots", help="选票 CSV/TSV/xlsx：secretary, score，可选 count, voter, group, source, flag, "
                                   "name, org, method")
    add_rules_options(g)
    g.add_argument("--direction", choices=SOURCES, help="本次会议的评议方向：按该方向的评议表计票（004 附件1/附件2）")
    g.add_argument("--secretaries", help="述职人名单 CSV/xlsx：secretary（或 姓名）, 党支部名称, 述职方式；定行序")
    g.add_argument("--enforce-quota", action="store_true", help="“好”等次超出比例的，按排名调整为较好")
    g.add_argument("--rectification", help="整改清单 CSV/xlsx：secretary, problem, measure, deadline（每项一行）")
    g.add_argument("--info", action="append", default=[], metavar="键=值",
                   help="附件2 表头：填表部门=…、填表人=…、考核时间、地点=…、参会人员=…、年度=…、评议对象=…")
    g.add_argument("-o", "--output", help="输出文件：.csv、.xlsx 或 .json；不指定则以 CSV 输出到屏幕")


def run(args) -> int:
    out = output_path(args.output, FORMATS)
    info = _info(args.info)
    rules = rules_from(args).for_direction(args.direction)
    raw = read_table(args.ballots, "选票文件")
    if not len(raw):
        raise BallotError("选票文件中没有任何选票行", row=2)
    ballots = validate_ballots(raw, rules, rows=raw.index, header_row=1)
    roster = _roster(args.secretaries) if args.secretaries else None
    if roster is not None:
        stray = (~ballots["secretary"].isin(set(roster["secretary"]))).to_numpy()
        if stray.any():
            i = int(stray.argmax())
            raise BallotError(f"第 {raw.index[i]} 行：述职人“{ballots['secretary'].iat[i]}”不在述职人名单中",
                              row=int(raw.index[i]))
    meta = _meta(ballots, roster)
    secretaries = list(roster["secretary"]) if roster is not None else list(dict.fromkeys(ballots["secretary"]))
    results = grade(ballots, rules, secretaries=secretaries, enforce_quota=args.enforce_quota)
    findings = check_quotas(results, rules)
    fixes = read_table(args.rectification, "整改清单") if args.rectification else None
    kind = out.suffix.lower() if out else ".csv"
    if kind == ".xlsx":
        data = results_workbook(results, meta, rules=rules, findings=findings, rectification=fixes, info=info)
    else:
        table = results if meta is None else results.merge(meta, on="secretary", how="left")
        if kind == ".json":
            data = table.to_json(orient="records", force_ascii=False, indent=1).encode("utf-8")
        else:  # with -o: a BOM for Excel on Chinese Windows; on stdout plain UTF-8 for pipes
            data = csv_bytes(table, bom=out is not None)
    emit(out, data)
    _summary(results, findings, out)
    return 0


def _info(pairs: list[str]) -> dict[str, str]:
    info = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        name = INFO_KEYS.get(key, key)
        if not sep or name not in set(INFO_KEYS.values()):
            raise Usage(f"错误：--info “{pair}”应为 键=值，键为 {'、'.join(INFO_KEYS)} 之一")
        info[name] = value.strip()
    return info


def _roster(path: str) -> pd.DataFrame:
    """The list of those assessed, in its order, with 党支部名称 and 述职方式 for the tables."""
    raw = read_table(path, "述职人名单")
    df = raw.set_axis(canonical_names(raw.columns), axis=1)
    if "secretary" not in df:
        raise BallotError("述职人名单第 1 行（表头）：缺少列“secretary”（述职人 或 姓名）", row=1)
    df = df.assign(secretary=df["secretary"].astype(str).str.strip())
    empty = df.index[df["secretary"] == ""]
    if len(empty):
        raise BallotError(f"述职人名单第 {empty[0]} 行：述职人为空", row=int(empty[0]))
    dup = df.index[df["secretary"].duplicated()]
    if len(dup):
        raise BallotError(f"述职人名单第 {dup[0]} 行：“{df.at[dup[0], 'secretary']}”重复", row=int(dup[0]))
    return df[["secretary"] + [c for c in META if c in df]].reset_index(drop=True)


def _meta(ballots: pd.DataFrame, roster: pd.DataFrame | None) -> pd.DataFrame | None:
    """secretary, name, org, method: the roster's, else the first non-empty value in the ballots."""
    columns = [c for c in META if c in ballots]
    if roster is None and not columns:
        return None
    meta = pd.DataFrame({"secretary": list(dict.fromkeys(ballots["secretary"]))})
    for c in columns:
        first = ballots.loc[ballots[c] != "", ["secretary", c]].drop_duplicates("secretary")
        meta = meta.merge(first, on="secretary", how="left")
    if roster is not None:
        meta = roster.merge(meta, on="secretary", how="left", suffixes=("", "_ballots"))
        for c in columns:
            if f"{c}_ballots" in meta:
                filled = meta[c].fillna("").astype(str) if c in meta else pd.Series("", index=meta.index)
                meta[c] = filled.where(filled != "", meta[f"{c}_ballots"])
                meta = meta.drop(columns=f"{c}_ballots")
    return meta.fillna("")


def _summary(results, findings, out: Path | None) -> None:
    counts = "、".join(f"{g} {int((results['grade'] == g).sum())}" for g in GRADES)
    none = int((results["grade"] == "").sum())
    lines = [f"已评定 {len(results) - none} 人（{counts}）" + (f"，{none} 人无有效票" if none else "")]
    demoted = int(results["quota_demoted"].sum())
    if demoted:
        lines.append(f"按等次比例调整 {demoted} 人为较好")
    tied = int((results["quota_tie"] > 0).sum())
    if tied:
        lines.append(f"{tied} 人平均分并列、跨越等次比例限额，需党委研究（见“规则”列）")
    lines += [("提示：" if f.ok else "警告：") + f.message for f in findings]
    if out is not None:
        lines.append(f"结果已写入 {out}")
    print("\n".join(lines), file=sys.stderr if out is None else sys.stdout)
