"""The 004 final from two meetings: 上述 (70 %) and 下评 (30 %), each counted on its own form.

004 §三: “下评”与“上述”评议结果按照30%和70%的比例计入述职评议结果，作为最终评定等次结果参考.
Each meeting is graded on its own (`grade(ballots, rules.for_direction("上述"))`, 附件1; 下评 on
附件2); this module combines the two results of one person.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import RulesError
from .grade import _flags, _overrides, as_rules, finish, missing_direction_note, propose, weight_text
from .rules import Rules

UP, DOWN = "上述", "下评"
_COUNTS = ["hao", "jiaohao", "yiban", "cha"]


def combine_directions(up: pd.DataFrame | None, down: pd.DataFrame | None, rules: Rules | str | None = None,
                       *, secretaries=None, flags: Mapping[str, str] | None = None,
                       overrides: Mapping | None = None, enforce_quota: bool = False,
                       require_both: bool = False) -> pd.DataFrame:
    """One row per person, as `grade` gives, plus up_votes, up_mean, down_votes, down_mean, basis.

    `up`, `down`: results of `grade` for the 上述 and the 下评 meeting, whose `secretary` is the
    same key for the same person (the caller maps each meeting's ids, e.g. to a person id).
    - Both present: mean = 70 % of the 上述 mean + 30 % of the 下评 mean (the preset's weights);
      votes and ballot columns add up, each ballot counted on its own form, so the 10 % rule
      (004 §五(四)) sees every 一般/差 ballot of both meetings.
    - One side only (004 §三 assesses 支部书记 by 上述 and the 镇党委书记 by 下评, so this is the
      common case): the present side counts alone and the reason says the 70/30 could not apply.
      With `require_both` such a person gets no grade and the reason asks the committee.
    Flags of either meeting (and `flags`) apply; `overrides` and `enforce_quota` as in `grade`.
    """
    rules = as_rules(rules)
    weights = dict(rules.weights.source)
    if UP not in weights or DOWN not in weights:
        raise RulesError(f"本方案（{rules.document or rules.name}）未规定“上述”“下评”的合成比例，无法合成")
    frames = {UP: _indexed(up, UP), DOWN: _indexed(down, DOWN)}
    ids = [str(s) for s in secretaries] if secretaries is not None else list(
        dict.fromkeys([*frames[UP].index, *frames[DOWN].index]))
    for side, frame in frames.items():
        stray = [s for s in frame.index if s not in set(ids)]
        if stray:
            raise RulesError(f"{side}结果中的“{stray[0]}”不在述职人名单中")
    up_f, down_f = (frames[s].reindex(ids) for s in (UP, DOWN))
    up_v, down_v = (f["votes"].fillna(0).to_numpy(np.int64) for f in (up_f, down_f))
    up_m, down_m = (f["mean"].to_numpy(float) for f in (up_f, down_f))
    counts = up_f[_COUNTS].fillna(0).to_numpy(np.int64) + down_f[_COUNTS].fillna(0).to_numpy(np.int64)
    both = (up_v > 0) & (down_v > 0)
    with np.errstate(invalid="ignore"):
        mean = np.where(both, (weights[UP] * up_m + weights[DOWN] * down_m) / (weights[UP] + weights[DOWN]),
                        np.where(up_v > 0, up_m, down_m))
        votes = up_v + down_v
        raw = (np.nan_to_num(up_f["raw_mean"].to_numpy(float)) * up_v
               + np.nan_to_num(down_f["raw_mean"].to_numpy(float)) * down_v) / np.where(votes > 0, votes, 1)
    raw = np.where(votes > 0, raw, np.nan)
    flag_sets = _flags(flags)
    for frame in (up_f, down_f):
        for sid, text in zip(ids, frame["flag"].fillna("")):
            for f in filter(None, str(text).split("、")):
                flag_sets.setdefault(sid, set()).update(_flags({sid: f})[sid])
    label = f"{UP}{weight_text(rules, UP)}、{DOWN}{weight_text(rules, DOWN)}加权平均分"
    labels = [label if b else f"{UP if u else DOWN}平均分" for b, u in zip(both, up_v > 0)]
    notes = ["" if b or not (u or d) else missing_direction_note([UP if u else DOWN], [DOWN if u else UP], rules)
             for b, u, d in zip(both, up_v > 0, down_v > 0)]
    df = propose(ids, counts, mean, raw, labels, flag_sets, rules, None, notes)
    if require_both:
        _require_both(df, both, up_v > 0, down_v > 0, rules)
    df["up_votes"], df["up_mean"], df["down_votes"], df["down_mean"] = up_v, up_m, down_v, down_m
    df["basis"] = [f"{UP}+{DOWN}" if b else UP if u else DOWN if d else ""
                   for b, u, d in zip(both, up_v > 0, down_v > 0)]
    return finish(df, rules, _overrides(overrides), enforce_quota)


def _indexed(results: pd.DataFrame | None, side: str) -> pd.DataFrame:
    if results is None:
        return pd.DataFrame(columns=["votes", "mean", "raw_mean", "flag", *_COUNTS])
    missing = [c for c in ("secretary", "votes", "mean", *_COUNTS) if c not in results]
    if missing:
        raise RulesError(f"{side}结果缺少列“{missing[0]}”（应为 scoring.grade 的结果）")
    frame = results.assign(secretary=results["secretary"].astype(str))
    if frame["secretary"].duplicated().any():
        raise RulesError(f"{side}结果中“{frame['secretary'][frame['secretary'].duplicated()].iloc[0]}”重复")
    for column, default in (("raw_mean", frame["mean"]), ("flag", "")):
        if column not in frame:
            frame[column] = default
    return frame.set_index("secretary")


def _require_both(df: pd.DataFrame, both: np.ndarray, has_up: np.ndarray, has_down: np.ndarray,
                  rules: Rules) -> None:
    """A person heard in one direction only gets no grade unless a flag already made it 差."""
    lone = ~both & (has_up | has_down) & (df["rule"] != "flag").to_numpy()
    cite = rules.weights.source_cite or "004 §三"
    df.loc[lone, "grade"] = ""
    df.loc[lone, "rule"] = "missing_direction"
    df.loc[lone, "reason"] = [f"缺少{DOWN if u else UP}评议结果，不能按“{UP}”“{DOWN}”比例合成（{cite}），请党委研究确定"
                              for u in has_up[lone]]
