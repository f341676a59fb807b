"""003 日常管理: units graded 好/较好/一般 in the ratio 3:5:2, and the points each grade is worth.

003 §三(二)1: 各牵头单位 … 按3：5：2比例评出“好”、“较好”、“一般”等次单位报州直工委汇总评分. The document
does not say how a grade becomes points; the preset's `[composite.daily_points]` does (assumed
好 100, 较好 80, 一般 60 out of 100, labelled as the system's default).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from .errors import InputError
from .rules import Composite, Rules, load_rules


def _composite(rules: Rules | str | None) -> Composite:
    rules = load_rules(rules or "xiangxi-2018") if rules is None or isinstance(rules, str) else rules
    return rules.composite or Composite()


def daily_split(n: int, rules: Rules | str | None = None) -> dict[str, int]:
    """How many of `n` units get each grade: 10 -> {好: 3, 较好: 5, 一般: 2}.

    Largest remainders (Hamilton): every count is n × share rounded down or up and they add up
    to n; seats left on equal remainders go to 较好 first, then 一般, then 好, so rounding never
    adds a 好 the ratio does not give (7 -> 2/4/1, 5 -> 1/3/1, 3 -> 1/1/1).
    """
    if not isinstance(n, int) or isinstance(n, bool) or n < 0:
        raise InputError(f"单位数“{n}”应为非负整数")
    split = _composite(rules).daily_split
    total = sum(w for _, w in split)
    exact = {g: Fraction(n * w, total) for g, w in split}
    counts = {g: int(x) for g, x in exact.items()}
    prefer = ["较好", "一般", "好", "差"]
    order = sorted(exact, key=lambda g: (-(exact[g] - counts[g]), prefer.index(g)))
    for g in order[: n - sum(counts.values())]:
        counts[g] += 1
    return counts


def daily_grades(ranking: Sequence[str], rules: Rules | str | None = None) -> dict[str, str]:
    """Grades for units ranked best first by the 牵头单位: the first 3/10 好, next 5/10 较好, rest 一般.

    The console calls this when the organizer grades 日常管理; the organizer may still change a
    unit (ties in the organizer's own ranking are the organizer's to settle).
    """
    ids = [str(u) for u in ranking]
    if len(set(ids)) != len(ids):
        dup = next(u for u in ids if ids.count(u) > 1)
        raise InputError(f"日常管理排名中“{dup}”重复")
    grades, start = {}, 0
    for grade, count in daily_split(len(ids), rules).items():
        grades.update({u: grade for u in ids[start:start + count]})
        start += count
    return grades


def daily_points(grades: Mapping[str, str], rules: Rules | str | None = None) -> dict[str, float]:
    """unit -> 日常管理 score out of 100 from its grade (preset `[composite.daily_points]`)."""
    points = dict(_composite(rules).daily_points)
    out = {}
    for unit, grade in grades.items():
        if grade not in points:
            raise InputError(f"“{unit}”的日常管理等次“{grade}”应为 {'、'.join(points)} 之一")
        out[str(unit)] = float(points[grade])
    return out


def check_daily_split(grades: Mapping[str, str], rules: Rules | str | None = None) -> str:
    """"" when the grades follow 3:5:2, else a warning in Chinese (the organizer may deviate)."""
    want = daily_split(len(grades), rules)
    have = {g: sum(1 for x in grades.values() if x == g) for g in want}
    if have == want:
        return ""
    c = _composite(rules)
    ratio = "：".join(str(w) for _, w in c.daily_split)
    show = lambda d: "、".join(f"{g} {n}" for g, n in d.items())  # noqa: E731
    return f"日常管理等次为 {show(have)}，按 {ratio} 比例 {len(grades)} 个单位应为 {show(want)}（{c.daily_split_cite}）"
