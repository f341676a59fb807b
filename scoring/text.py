"""Chinese display of numbers and shares: enough digits never to contradict a threshold."""

from __future__ import annotations

from fractions import Fraction

GRADES = ("好", "较好", "一般", "差")

_CN_FRACTIONS = {
    Fraction(1, 2): "二分之一",
    Fraction(1, 3): "三分之一",
    Fraction(2, 3): "三分之二",
    Fraction(1, 4): "四分之一",
    Fraction(1, 5): "五分之一",
}


def _fmt(x: float, digits: int, thresholds) -> str:
    """Round x to the fewest digits (>= `digits`) that keep it on its side of each threshold.

    A mean of 8.9995 printed as "9.00" would read as 好 while the grade is 较好.
    """
    for d in range(digits, 10):
        s = f"{x:.{d}f}"
        r = float(s)
        if all((r > t) == (x > t) and (r < t) == (x < t) for t in thresholds):
            return s
    return repr(x)


def fmt_mean(x: float, thresholds=()) -> str:
    return _fmt(x, 2, [float(t) for t in thresholds])


def fmt_pct(share: float, thresholds=()) -> str:
    """0.125 -> "12.5%"; 0.1 -> "10%"."""
    s = _fmt(share * 100, 1, [float(t) * 100 for t in thresholds])
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s + "%"


def fmt_fraction(f: Fraction) -> str:
    """1/3 -> "三分之一"; 2/5 -> "40%" (the documents speak this way)."""
    return _CN_FRACTIONS.get(f) or fmt_pct(float(f))


def fmt_points(x: float) -> str:
    s = f"{x:.2f}".rstrip("0").rstrip(".")
    return s if s != "-0" else "0"
