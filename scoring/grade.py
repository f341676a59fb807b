"""Grade every secretary from ballots: the rules decide, each grade says which rule did."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import quota
from .ballots import FLAGS
from .errors import RulesError
from .rules import Rules, load_rules
from .tally import tally
from .text import GRADES, fmt_mean, fmt_pct

COLUMNS = ["secretary", "votes", "mean", "hao", "jiaohao", "yiban", "cha", "low_share", "grade", "reason"]
EXTRA = ["rule", "raw_mean", "rank", "flag", "quota_demoted", "final_grade", "override_reason",
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
    """
    rules = load_rules(rules) if rules is None or isinstance(rules, str) else rules
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

    cats = np.zeros((10, 4), dtype=np.int64)
    for score in range(1, 11):
        cats[score - 1, rules.ballot.category(score)] = 1  # 004 附件1
    counts = t.hist @ cats
    votes = counts.sum(axis=1)
    low = counts[:, 2] + counts[:, 3]
    with np.errstate(invalid="ignore", divide="ignore"):
        low_share = np.where(votes > 0, low / np.maximum(votes, 1), np.nan)
    decided = [_decide(int(v), m, int(lo), flag_sets.get(sid, set()), rules, _mean_label(w, k))
               for sid, v, m, lo, w, k in zip(t.ids, votes, t.mean, low, t.weighted, t.trimmed)]
    df = pd.DataFrame({
        "secretary": pd.Series(t.ids, dtype=object),
        "votes": votes, "mean": t.mean,
        "hao": counts[:, 0], "jiaohao": counts[:, 1], "yiban": counts[:, 2], "cha": counts[:, 3],
        "low_share": low_share,
        "grade": [d[0] for d in decided], "reason": [d[2] for d in decided], "rule": [d[1] for d in decided],
        "raw_mean": t.raw_mean,
        "rank": _rank(t.mean, low_share),
        "flag": ["、".join(sorted(flag_sets.get(sid, ()))) for sid in t.ids],
        "quota_demoted": False,
    })
    if enforce_quota:
        df = quota.enforce(df, rules)
    return _final(df, overrides, rules)


def _decide(votes: int, mean: float, low: int, flags: set, rules: Rules, label: str):
    """(grade, rule code, reason) for one secretary, the 差 rules first (004 §五(四))."""
    cha, note = [], ""
    if flags and rules.flags:
        cha += [f"组织方标记：{_FLAG_TEXT[f]}，定为差（{rules.flags_cite}）" for f in sorted(flags)]
    elif flags:
        note = (f"；组织方标记“{'、'.join(sorted(flags))}”，本方案（{rules.document or rules.name}）"
                f"未规定据此定等次，请党委研究确定")
    low_text = ""
    if votes and rules.low_share is not None:
        share = fmt_pct(low / votes, [rules.low_share])
        limit = fmt_pct(float(rules.low_share))
        if low * rules.low_share.denominator > votes * rules.low_share.numerator:
            cha.append(f"一般、差票占比 {share}（{low}/{votes}）超过 {limit}，定为差（{rules.low_share_cite}）")
        elif low:
            low_text = f"；一般、差票占比 {share}（{low}/{votes}）未超过 {limit}"
    if cha:
        code = "flag" if flags and rules.flags else "low_share"
        return "差", code, "；".join(cha) + ("；" + NO_BALLOTS.split("，")[0] if not votes else "")
    if not votes:
        return "", "no_ballots", NO_BALLOTS + note
    b = rules.bands
    m = fmt_mean(mean, [b.hao, b.jiaohao, b.yiban])
    eps = 1e-9  # weighted means may land a hair below an exact threshold
    if mean >= b.hao - eps:
        g, text = "好", f"{label} {m} ≥ {_n(b.hao)}"
    elif mean >= b.jiaohao - eps:
        g, text = "较好", f"{label} {m} 不低于 {_n(b.jiaohao)}、低于 {_n(b.hao)}"
    elif mean >= b.yiban - eps:
        g, text = "一般", f"{label} {m} 不低于 {_n(b.yiban)}、低于 {_n(b.jiaohao)}"
    else:
        g, text = "差", f"{label} {m} 低于 {_n(b.yiban)}"
    return g, "band", f"{text}，定为{g}（{b.cite}）{low_text}{note}"


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _mean_label(weighted: bool, trimmed: int) -> str:
    label = ("加权" if weighted else "") + "平均分"
    return f"去掉最高、最低共 {trimmed} 票后的{label}" if trimmed else label


def _rank(mean: np.ndarray, low_share: np.ndarray) -> np.ndarray:
    """1 = best: higher mean, then lower 一般差占比; equals share a rank (1, 2, 2, 4)."""
    keys = pd.DataFrame({"m": -np.round(mean, 9), "s": low_share})
    ranks = np.full(len(keys), np.nan)
    graded = keys[~np.isnan(mean)]
    if len(graded):
        first = graded.sort_values(["m", "s"]).reset_index()
        new = (first[["m", "s"]] != first[["m", "s"]].shift()).any(axis=1).to_numpy()
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


def _final(df: pd.DataFrame, overrides: dict, rules: Rules) -> pd.DataFrame:
    """The committee's word: final grade = proposed unless overridden, both kept (001 第六条)."""
    df["final_grade"] = [overrides.get(s, (g, ""))[0] for s, g in zip(df["secretary"], df["grade"])]
    df["override_reason"] = [overrides.get(s, ("", ""))[1] for s in df["secretary"]]
    df["consequence"] = [consequence(g, rules) for g in df["final_grade"]]
    return df[COLUMNS + EXTRA]


def consequence(final: str, rules: Rules) -> str:
    """未达到“好”⇒ 年度考核不得评定为“优秀”; 一般/差 ⇒ 约谈提醒、限期整改 (001 第七条 and the others)."""
    if final in ("", "好"):
        return ""
    text = "年度考核不得评定为“优秀”等次"
    if final in ("一般", "差") and rules.consequence_talk:
        text += "；约谈提醒、限期整改"
    return f"{text}（{rules.consequence_cite}）" if rules.consequence_cite else text
