"""Chinese display of numbers and shares: enough digits never to contradict a threshold.

`mean_text` is the one way a mean is shown: the ballot page, the projector, the console, the
reasons and the exports all call it, so no two places can disagree (a 较好 mean of 8.995 must
never read "9.00" anywhere).
"""

from __future__ import annotations

import math
from fractions import Fraction

GRADES = ("好", "较好", "一般", "差")
SCORE_RANGE = (1, 10)  # 004 附件1: a ballot is 10 … 1, so a mean never leaves [1, 10]

_CN_FRACTIONS = {
    Fraction(1, 2): "二分之一",
    Fraction(1, 3): "三分之一",
    Fraction(2, 3): "三分之二",
    Fraction(1, 4): "四分之一",
    Fraction(1, 5): "五分之一",
}
_SNAP = 1e-9  # grade.py treats a mean within this of a band edge as on it (float noise of weights)


def _fmt(x: float, digits: int, thresholds) -> str:
    """Round x to the fewest digits (>= `digits`) that keep it on its side of each threshold.

    A mean of 8.9995 printed as "9.00" would read as 好 while the grade is 较好. A value within
    float noise of a threshold is shown as the threshold, as the grade treats it.
    """
    for t in thresholds:
        if abs(x - t) <= _SNAP * max(1.0, abs(t)):
            x = t
    for d in range(digits, 12):
        s = f"{x:.{d}f}"
        r = float(s)
        if all((r > t) == (x > t) and (r < t) == (x < t) for t in thresholds):
            return s
    return repr(x)


def _missing(x) -> bool:
    """None, NaN, pd.NA: no number to show."""
    try:
        return x is None or math.isnan(float(x))
    except (TypeError, ValueError):
        return True


def fmt_mean(x: float | None, thresholds=()) -> str:
    """Two decimals, more only where two would cross a threshold; "" for a missing mean."""
    if _missing(x):
        return ""
    return _fmt(float(x), 2, [float(t) for t in thresholds])


def mean_text(mean: float | None, rules=None) -> str:
    """The displayed text of a mean under `rules` (a Rules; None: the default bands).

    Never crosses a band edge of the rules (9, 7, 4 under 004 §五(四)) nor the ends of the ballot
    scale: 79/9 -> "8.78", 8.995 -> "8.99", 3.9995 -> "3.999", 9.99996 -> "9.99996". "" for
    None/NaN (no valid ballots).
    """
    from .rules import Bands

    b = rules.bands if rules is not None else Bands()
    return fmt_mean(mean, [b.hao, b.jiaohao, b.yiban, *SCORE_RANGE])


def share_text(share: float | None, rules=None) -> str:
    """The displayed 一般差占比: never crosses the 10 % rule (004 §五(四)), 0 % or 100 %."""
    if _missing(share):
        return ""
    limit = [rules.low_share] if rules is not None and rules.low_share is not None else []
    return fmt_pct(float(share), limit)


def fmt_pct(share: float, thresholds=()) -> str:
    """0.125 -> "12.5%"; 0.1 -> "10%"; 1/10000 -> "0.01%" (a share above 0 never reads 0 %)."""
    s = _fmt(share * 100, 1, [0.0, 100.0] + [float(t) * 100 for t in thresholds])
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s + "%"


def fmt_fraction(f: Fraction) -> str:
    """1/3 -> "三分之一"; 2/5 -> "40%" (the documents speak this way)."""
    return _CN_FRACTIONS.get(f) or fmt_pct(float(f))


def fmt_points(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"
