"""The 实地核查 sheet of 003 附件 (评分细则) as data: deductions per clause, capped per item.

Each item has base points; its deductions stop when the base is used up (“直至扣完基分”), and
bonuses (+5 for a 示范点 named by 州直工委, item 1.2) are added on top.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources

import numpy as np
import pandas as pd

from .errors import InputError

SHEET = "xiangxi-2018-deductions.csv"


@lru_cache(maxsize=1)
def _sheet() -> pd.DataFrame:
    with resources.files("scoring").joinpath("data", SHEET).open(encoding="utf-8") as f:
        return pd.read_csv(f, dtype={"item": str, "clause": str, "unit": str}, keep_default_na=False,
                           na_values={"points": [""]})


def deduction_sheet() -> pd.DataFrame:
    """item, section, content, base, clause, standard, points (signed; NaN: 视情节轻重), unit
    (次/项/人/人次/起; empty: once)."""
    return _sheet().copy()


def field_check_items(findings: pd.DataFrame | None, secretaries, rows=None) -> pd.DataFrame:
    """Score of every item for every inspected secretary (no finding: full base points).

    `findings`: secretary, clause, optional times (occurrences, default 1) and points (the
    deduction chosen for a 视情节轻重 clause, as a positive number). `rows`: the row number of each
    finding in messages (e.g. the file's); default 1, 2, ….
    """
    sheet = _sheet()
    ids = [str(s) for s in secretaries]
    f = _checked(findings, sheet, ids, rows)
    clause = sheet.set_index("clause")
    signed = np.where(f["discretionary"], -f["points"], clause.loc[f["clause"], "points"].to_numpy() * f["times"])
    f = f.assign(item=clause.loc[f["clause"], "item"].to_numpy(), signed=signed)
    items = sheet.drop_duplicates("item")[["item", "section", "base"]]
    grid = pd.MultiIndex.from_product([ids, items["item"]], names=["secretary", "item"]).to_frame(index=False)
    grid = grid.merge(items, on="item")
    lost = f[f["signed"] < 0].groupby(["secretary", "item"])["signed"].sum().rename("lost")
    gained = f[f["signed"] > 0].groupby(["secretary", "item"])["signed"].sum().rename("bonus")
    grid = grid.join(lost, on=["secretary", "item"]).join(gained, on=["secretary", "item"]).fillna({"lost": 0, "bonus": 0})
    grid["deducted"] = np.minimum(-grid["lost"], grid["base"]) + 0.0  # 003 附件: 直至扣完基分 (+0.0: no -0)
    grid["score"] = grid["base"] - grid["deducted"] + grid["bonus"]
    return grid[["secretary", "item", "section", "base", "deducted", "bonus", "score"]]


def field_check(findings: pd.DataFrame | None, secretaries, rows=None) -> pd.DataFrame:
    """secretary, field (实地核查 score out of 100, bonuses on top), deducted, bonus."""
    items = field_check_items(findings, secretaries, rows)
    total = items.groupby("secretary", sort=False)[["score", "deducted", "bonus"]].sum()
    return total.rename(columns={"score": "field"}).reset_index()


def _number(column: pd.Series) -> pd.Series:
    return pd.to_numeric(column.map(lambda v: v.strip() if isinstance(v, str) else v).replace("", np.nan),
                         errors="coerce")


def _checked(findings, sheet: pd.DataFrame, ids: list[str], rows=None) -> pd.DataFrame:
    if findings is None or not len(findings):
        return pd.DataFrame({"secretary": [], "clause": [], "times": [], "points": [], "discretionary": []})
    f = findings.copy()
    f["secretary"] = f["secretary"].astype(str).str.strip()
    f["clause"] = f["clause"].astype(str).str.strip()
    blank = f["times"].map(lambda v: str(v).strip() in ("", "nan", "None")) if "times" in f else True
    f["times"] = _number(f["times"]).where(~blank, 1.0) if "times" in f else 1.0  # blank: once
    f["points"] = _number(f["points"]) if "points" in f else np.nan
    clause = sheet.set_index("clause")
    rows = range(1, len(f) + 1) if rows is None else rows
    for i, row in zip(rows, f.itertuples(index=False)):
        where = f"核查记录第 {i} 行"
        if row.secretary not in ids:
            raise InputError(f"{where}：述职人“{row.secretary}”不在名单中", row=i)
        if row.clause not in clause.index:
            raise InputError(f"{where}：评分细则中没有条款“{row.clause}”", row=i)
        c = clause.loc[row.clause]
        if pd.isna(c["points"]):
            if not (pd.notna(row.points) and 0 < row.points <= c["base"]):
                raise InputError(f"{where}：条款 {row.clause}（{c['standard']}）须填写扣分 points，"
                                 f"在 0–{c['base']} 之间", row=i)
        elif pd.isna(row.times) or row.times < 0 or row.times != int(row.times):
            raise InputError(f"{where}：次数 times 应为非负整数", row=i)
        elif not c["unit"] and row.times > 1:
            raise InputError(f"{where}：条款 {row.clause}（{c['standard']}）只计一次", row=i)
    f["discretionary"] = clause.loc[f["clause"], "points"].isna().to_numpy()
    return f
