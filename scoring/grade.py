"""Grade every secretary from ballots: the rules decide, each grade says which rule did."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import quota
from .ballots import FLAGS
from .errors import RulesError
from .rules import BallotForm, Rules, load_rules
from .tally import tally
from .text import GRADES, mean_text, share_text

COLUMNS = ["secretary", "votes", "mean", "hao", "jiaohao", "yiban", "cha", "low_share", "grade", "reason"]
EXTRA = ["rule", "raw_mean", "rank", "flag", "quota_demoted", "quota_tie", "final_grade", "override_reason",
         "consequence"]
NO_BALLOTS = "无有效票，不评定等次"
_FLAG_TEXT = {  # 004 §五(四)
    "重大失误": "年度基层党建工作出现重大失误造成严重影响",
    "问责": "党组织书记抓基层党建工作不力被问责追责",
}


def grade(ballots: pd.DataFrame | None, rules: Rules | str | None = None, secretaries=None,
          flags: Mapping[str, str] | None = None, overrides: Mapping | None = None,
          enforce_quota: bool = False) -> pd.DataFrame:
    """One row per secretary: counts, mean, proposed grade and the rule that decided it.

    `ballots`: secretary, score (1–10) and optionally count, group, source, flag; assumed valid
    (see `validate_ballots`). `flags`: secretary -> 重大失误 | 问责. `overrides`: secretary ->
    (final grade, written reason). `enforce_quota`: demote the 好 beyond the quota by rank.
    A meeting of one direction grades with `rules.for_direction("下评")`; ballots carrying a
    `source` column under rules with 上述/下评 weights are each counted on their direction's form.
    """
    rules = as_rules(rules)
    flag_sets = _flags(flags)
    overrides = _overrides(overrides)
    if ballots is not None and "flag" in ballots:
        marked = ballots.loc[ballots["flag"].fillna("").astype(str).str.strip() != "", ["secretary", "flag"]]
        for sid, value in zip(marked["secretary"].astype(str), marked["flag"].astype(str)):
            flag_sets.setdefault(sid, set()).add(_flag_value(value.strip()))
    t = tally(ballots, rules, secretaries, extra_ids=set(flag_sets) | set(overrides))
    known = set(t.ids)
    for sid in list(flag_sets) + list(overrides):
        if sid not in known:
            raise RulesError(f"“{sid}”不在述职人名单中，无法标记或调整等次")
    forms = [rules.ballot_form(s) for s in t.sources] or [rules.ballot]
    counts = sum(t.source_hist[:, i, :] @ _categories(form) for i, form in enumerate(forms))
    notes = _missing_direction(t, rules)
    if rules.composite is not None:  # 003: the meeting is one part of the composite
        notes = [n + composite_part_note(rules) for n in notes]
    labels = [_mean_label(w, k) for w, k in zip(t.weighted, t.trimmed)]
    df = propose(t.ids, counts, t.mean, t.raw_mean, labels, flag_sets, rules,
                 forms[0] if len(forms) == 1 else None, notes)
    return finish(df, rules, overrides, enforce_quota)


def as_rules(rules: Rules | str | None) -> Rules:
    return load_rules(rules) if rules is None or isinstance(rules, str) else rules


def _categories(form: BallotForm) -> np.ndarray:
    """(10, 4) score -> ballot column of the form (004 附件1 or 附件2)."""
    cats = np.zeros((10, 4), dtype=np.int64)
    for score in range(1, 11):
        cats[score - 1, form.category(score)] = 1
    return cats


def _missing_direction(t, rules: Rules) -> list[str]:
    """Say so when a secretary was heard in one direction only: 70/30 then cannot apply (004 §三)."""
    if not t.sources:
        return [""] * len(t.ids)
    present = t.source_hist.sum(axis=2) > 0
    weights = dict(rules.weights.source)
    notes = []
    for row in present:
        have = [s for s, p in zip(t.sources, row) if p]
        lack = [s for s in weights if s not in have]
        notes.append(missing_direction_note(have, lack, rules) if have and lack else "")
    return notes


def composite_part_note(rules: Rules) -> str:
    c = rules.composite
    return (f"；此为述职测评得分（占综合考评 {c.meeting:g}%，{c.cite}），综合评价等次由综合考评"
            f"（python -m scoring composite）确定")


def missing_direction_note(have: list[str], lack: list[str], rules: Rules) -> str:
    share = "、".join(f"“{s}”{weight_text(rules, s)}" for s in rules.weights.source_names())
    return (f"；仅有{'、'.join(have)}评议结果、无{'、'.join(lack)}评议结果：未按{share}合成，"
            f"以{'、'.join(have)}结果计（{rules.weights.source_cite or '004 §三'}）")


def weight_text(rules: Rules, source: str) -> str:
    total = sum(w for _, w in rules.weights.source)
    return f"{dict(rules.weights.source)[source] / total:.0%}"


def propose(ids, counts: np.ndarray, mean: np.ndarray, raw_mean: np.ndarray, labels, flag_sets: dict,
            rules: Rules, form: BallotForm | None, notes) -> pd.DataFrame:
    """The proposed grade of each secretary from counts per ballot column and the mean."""
    votes = counts.sum(axis=1)
    low = counts[:, 2] + counts[:, 3]
    with np.errstate(invalid="ignore", divide="ignore"):
        low_share = np.where(votes > 0, low / np.maximum(votes, 1), np.nan)
    decided = [_decide(c, m, flag_sets.get(sid, set()), rules, label, form) + (note,)
               for sid, c, m, label, note in zip(ids, counts, mean, labels, notes)]
    return pd.DataFrame({
        "secretary": pd.Series(list(ids), dtype=object),
        "votes": votes, "mean": mean,
        "hao": counts[:, 0], "jiaohao": counts[:, 1], "yiban": counts[:, 2], "cha": counts[:, 3],
        "low_share": low_share,
        "grade": [d[0] for d in decided], "reason": [d[2] + d[3] + d[4] for d in decided],
        "rule": [d[1] for d in decided],
        "raw_mean": raw_mean,
        "flag": ["、".join(sorted(flag_sets.get(sid, ()))) for sid in ids],
        "quota_demoted": False, "quota_tie": 0,
    })


def _decide(counts, mean: float, flags: set, rules: Rules, label: str, form: BallotForm | None):
    """(grade, rule code, reason, note) for one secretary, the 差 rules first (004 §五(四))."""
    votes, low = int(counts.sum()), int(counts[2] + counts[3])
    cha, note = [], ""
    if flags and rules.flags:
        cha += [f"组织方标记：{_FLAG_TEXT[f]}，定为差（{rules.flags_cite}）" for f in sorted(flags)]
    elif flags:
        note = (f"；组织方标记“{'、'.join(sorted(flags))}”，本方案（{rules.document or rules.name}）"
                f"未规定据此定等次，请党委研究确定")
    low_text = ""
    if votes and rules.low_share is not None:
        share = share_text(low / votes, rules)
        limit = share_text(float(rules.low_share))
        if low * rules.low_share.denominator > votes * rules.low_share.numerator:
            cha.append(f"一般、差票占比 {share}（{low}/{votes}）超过 {limit}，定为差（{rules.low_share_cite}）")
        elif low:
            low_text = f"；一般、差票占比 {share}（{low}/{votes}）未超过 {limit}"
    if cha:
        code = "flag" if flags and rules.flags else "low_share"
        return "差", code, "；".join(cha) + ("；" + NO_BALLOTS.split("，")[0] if not votes else ""), note
    if not votes:
        return "", "no_ballots", NO_BALLOTS, note
    b = rules.bands
    m = mean_text(mean, rules)
    eps = 1e-9  # weighted means may land a hair below an exact threshold
    if mean >= b.hao - eps:
        g, text = "好", f"{label} {m} ≥ {_n(b.hao)}"
    elif mean >= b.jiaohao - eps:
        g, text = "较好", f"{label} {m} 不低于 {_n(b.jiaohao)}、低于 {_n(b.hao)}"
    elif mean >= b.yiban - eps:
        g, text = "一般", f"{label} {m} 不低于 {_n(b.yiban)}、低于 {_n(b.jiaohao)}"
    else:
        g, text = "差", f"{label} {m} 低于 {_n(b.yiban)}"
    column = GRADES.index(g)
    if not counts[column]:  # ten 9s: 好 by the mean with no 好 ballot (004 §五(四) vs 附件1)
        where = f"（{form.span(column)}，{form.cite}）" if form else ""
        low_text += (f"；注意：没有一张“{g}”票{where}，评议表栏目与平均分分数线（{b.cite}）口径不一，"
                     f"按分数线提出，请党委研究确定")
    return g, "band", f"{text}，定为{g}（{b.cite}）{low_text}", note


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _mean_label(weighted: bool, trimmed: int) -> str:
    label = ("加权" if weighted else "") + "平均分"
    return f"去掉最高、最低共 {trimmed} 票后的{label}" if trimmed else label


def finish(df: pd.DataFrame, rules: Rules, overrides: dict, enforce_quota: bool) -> pd.DataFrame:
    """Quota (marking ties), the committee's overrides, then rank by final grade and mean."""
    if enforce_quota:
        df = quota.enforce(df, rules)
    df["final_grade"] = [overrides.get(s, (g, ""))[0] for s, g in zip(df["secretary"], df["grade"])]
    df["override_reason"] = [overrides.get(s, ("", ""))[1] for s in df["secretary"]]
    df["consequence"] = [consequence(g, rules) for g in df["final_grade"]]
    df["rank"] = rank(df["final_grade"], df["mean"].to_numpy(float), df["low_share"].to_numpy(float))
    return df[COLUMNS + EXTRA + [c for c in df if c not in COLUMNS + EXTRA]]


def rank(grades: pd.Series, mean: np.ndarray, low_share: np.ndarray) -> np.ndarray:
    """1 = best: better final grade, then higher mean, then lower 一般差占比; equals share a rank
    (1, 2, 2, 4). A secretary made 差 by the 10 % rule ranks below every 好, whatever the mean."""
    order = {g: i for i, g in enumerate(GRADES)}
    g = np.array([order.get(x, -1) for x in grades], dtype=float)
    keys = pd.DataFrame({"g": g, "m": -np.nan_to_num(np.round(mean, 9), nan=np.inf),
                         "s": np.nan_to_num(low_share, nan=np.inf)})
    ranks = np.full(len(keys), np.nan)
    graded = keys[g >= 0]
    if len(graded):
        first = graded.sort_values(["g", "m", "s"]).reset_index()
        new = (first[["g", "m", "s"]] != first[["g", "m", "s"]].shift()).any(axis=1).to_numpy()
        positions = np.arange(1, len(first) + 1)
        ranks[first["index"].to_numpy()] = np.maximum.accumulate(np.where(new, positions, 0))
    return whole_or_none(ranks)


def whole_or_none(values: np.ndarray) -> np.ndarray:
    """Ranks as Python ints, None where there is none: plain in CSV and JSON (pd.NA is not)."""
    return np.array([None if np.isnan(v) else int(v) for v in values], dtype=object)


def _flag_value(value: str) -> str:
    if value not in FLAGS:
        raise RulesError(f"标记“{value}”应为“重大失误”或“问责”")
    return FLAGS[value]


def _flags(flags) -> dict[str, set]:
    return {str(sid): {_flag_value(str(v).strip())} for sid, v in (flags or {}).items() if v}


def _overrides(overrides) -> dict[str, tuple[str, str]]:
    out = {}
    for sid, value in (overrides or {}).items():
        try:
            final, reason = value if not isinstance(value, str) else ()
        except (TypeError, ValueError):
            raise RulesError(f"对“{sid}”的等次调整应为（等次, 理由）") from None
        if final not in GRADES:
            raise RulesError(f"对“{sid}”调整的等次“{final}”应为 好、较好、一般 或 差")
        if not str(reason or "").strip():
            raise RulesError(f"对“{sid}”调整等次须写明理由（经党委研究的依据）")
        out[str(sid)] = (final, str(reason).strip())
    return out


def consequence(final: str, rules: Rules, composite: bool = False) -> str:
    """未达到“好”⇒ 年度考核不得评定为“优秀”; 一般/差 ⇒ 约谈提醒、限期整改 (001 第七条 and the others).

    Under a composite (003) only the composite's 综合评价等次 carries it (003 §五(四)): the
    meeting's 述职测评 is one part of that, so its grade alone has no consequence.
    """
    if final in ("", "好") or (rules.composite is not None and not composite):
        return ""
    text = "年度考核不得评定为“优秀”等次"
    if final in ("一般", "差") and rules.consequence_talk:
        text += "；约谈提醒、限期整改"
    return f"{text}（{rules.consequence_cite}）" if rules.consequence_cite else text
