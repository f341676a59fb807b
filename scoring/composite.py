"""The 湘西 2018 composite (003): 100 points from four parts, a ranking, bottom-rank deductions.

003 §三(一): 日常管理 20 %, 实地核查 50 %, 民意调查 10 %, 述职测评 20 %; §四(四): the meeting's
score is converted to 20 points; §五(三): 排名后7至9名扣1分，后4至6名扣2分，后3名扣3分.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import InputError
from .grade import consequence, whole_or_none
from .rules import Composite, Rules, load_rules
from .text import fmt_mean, fmt_points

PARTS = (("daily", "日常管理", 100), ("field", "实地核查", 105), ("survey", "民意调查", 100))


def composite(scores: pd.DataFrame, rules: Rules | str | None = "xiangxi-2018") -> pd.DataFrame:
    """`scores`: secretary, daily, field, survey (each out of 100; field may carry bonuses) and
    meeting_mean (the 述职测评 mean on 1–10, e.g. `grade(...)["mean"]`).

    Returns the points of each part, total, rank (1 = best), bottom position, the performance
    deduction of 003 §五(三), a proposed grade with its reason, and notes.
    """
    rules = load_rules(rules) if rules is None or isinstance(rules, str) else rules
    c = rules.composite or Composite()
    if "secretary" not in scores:
        raise InputError("综合考评缺少列“secretary”（单位或述职人）")
    df = pd.DataFrame({"secretary": scores["secretary"].astype(str).to_numpy()})
    for column, label, top in PARTS + (("meeting_mean", "述职测评平均分", 10),):
        values = pd.to_numeric(scores[column], errors="coerce").to_numpy(float) if column in scores else np.full(len(df), np.nan)
        low = 1 if column == "meeting_mean" else 0
        bad = ~np.isnan(values) & ((values < low) | (values > top))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise InputError(f"{df.secretary[i]} 的{label} {values[i]:g} 不在 {low}–{top} 之间", row=i + 1)
        df[column] = values
    df["daily_points"] = df["daily"] * c.daily / 100
    df["field_points"] = df["field"] * c.field / 100
    df["survey_points"] = df["survey"] * c.survey / 100
    df["meeting_points"] = df["meeting_mean"] / 10 * c.meeting  # 003 §四(四): 按20分折算
    df["total"] = df[["daily_points", "field_points", "survey_points", "meeting_points"]].sum(axis=1, skipna=False)
    rank = df["total"].round(9).rank(ascending=False, method="min").to_numpy()
    bottom = int(df["total"].notna().sum()) - rank + 1
    df["rank"], df["bottom_position"] = whole_or_none(rank), whole_or_none(bottom)
    # 003 §五(三) counts places from the bottom; with 9 units or fewer that reaches the first
    # place, which is “后” in no sense: the unit(s) ranked first are never deducted.
    deduction = [c.bottom_deductions[p - 1] if p is not None and p <= len(c.bottom_deductions) and r != 1 else 0
                 for p, r in zip(df["bottom_position"], df["rank"])]
    df["performance_deduction"] = -np.asarray(deduction, dtype=int)
    decided = [_decide(row, c) for row in df.itertuples(index=False)]
    df["grade"] = [d[0] for d in decided]
    df["reason"] = [d[1] for d in decided]
    df["note"] = [_note(p, d, c) for p, d in zip(df["bottom_position"], deduction)]
    df["consequence"] = [consequence(g, rules, composite=True) for g in df["grade"]]
    return df


def _decide(row, c: Composite) -> tuple[str, str]:
    missing = [label for column, label, _ in PARTS + (("meeting_mean", "述职测评", 10),)
               if np.isnan(getattr(row, column))]
    if missing:
        return "", f"缺少{'、'.join(missing)}得分，不计算综合得分"
    b, total = c.bands, row.total
    t = fmt_mean(total, [b.hao, b.jiaohao, b.yiban])
    if total >= b.hao - 1e-9:
        g, text = "好", f"综合得分 {t} ≥ {fmt_points(b.hao)}"
    elif total >= b.jiaohao - 1e-9:
        g, text = "较好", f"综合得分 {t} 不低于 {fmt_points(b.jiaohao)}、低于 {fmt_points(b.hao)}"
    elif total >= b.yiban - 1e-9:
        g, text = "一般", f"综合得分 {t} 不低于 {fmt_points(b.yiban)}、低于 {fmt_points(b.jiaohao)}"
    else:
        g, text = "差", f"综合得分 {t} 低于 {fmt_points(b.yiban)}"
    parts = (f"日常管理 {fmt_points(row.daily_points)} + 实地核查 {fmt_points(row.field_points)} + "
             f"民意调查 {fmt_points(row.survey_points)} + 述职测评 {fmt_points(row.meeting_points)}（{c.cite}）")
    return g, f"{text}（{parts}），定为{g}（{b.cite}）"


def _note(position, deduction: int, c: Composite) -> str:
    if position is None or not deduction:
        return ""
    text = f"排名后 {position} 名，年终绩效考核扣 {deduction} 分（{c.bottom_cite}）"
    if position <= 3:
        text += "；下一年度作为重点督促检查对象（003 §五(四)）"
    return text
