"""Turn a TOML table into `Rules`, naming the key of any mistake (in Chinese)."""

from __future__ import annotations

import re
from fractions import Fraction

from .errors import RulesError
from .rules import SOURCES, Bands, BallotForm, Composite, Quota, Report, Rules, Trim, Weights

_SHARE_HELP = "应为 0–1 之间的小数、百分数（如“40%”）或分数（如“1/3”）"


class _Table:
    """One TOML table: typed reads by key, then `done()` rejects keys nobody read."""

    def __init__(self, data, path: str, origin: str):
        self.origin, self.path = origin, path
        if not isinstance(data, dict):
            self.fail(path.rstrip("."), "应为表（[...] 段）")
        self.data, self.seen = data, set()

    def fail(self, key: str, problem: str):
        raise RulesError(f"{self.origin}：键“{key}”{problem}")

    def has(self, key: str) -> bool:
        return key in self.data

    def get(self, key: str, kinds, default, problem: str):
        self.seen.add(key)
        if key not in self.data:
            return default
        value = self.data[key]
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in _tuple(kinds)):
            self.fail(self.path + key, problem)
        return value

    def text(self, key: str, default: str = "") -> str:
        return self.get(key, str, default, "应为文字")

    def flag(self, key: str, default: bool) -> bool:
        return self.get(key, bool, default, "应为 true 或 false")

    def number(self, key: str, default, lo=None, hi=None) -> float:
        value = self.get(key, (int, float), default, "应为数字")
        if value is not None and ((lo is not None and value < lo) or (hi is not None and value > hi)):
            self.fail(self.path + key, f"应在 {lo}–{hi} 之间")
        return value

    def share(self, key: str, default=None, allow_bool=False):
        value = self.get(key, (int, float, str, bool) if allow_bool else (int, float, str), default,
                         _SHARE_HELP)
        if value is None or isinstance(value, (bool, Fraction)):
            return value
        share = _parse_share(value)
        if share is None or not 0 <= share <= 1:
            self.fail(self.path + key, _SHARE_HELP)
        return share

    def table(self, key: str) -> "_Table":
        self.seen.add(key)
        return _Table(self.data.get(key, {}), f"{self.path}{key}.", self.origin)

    def done(self):
        for key in self.data:
            if key not in self.seen:
                self.fail(self.path + key, "不是可识别的规则项")


def _tuple(kinds):
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _parse_share(value) -> Fraction | None:
    if isinstance(value, (int, float)):
        return Fraction(str(value))
    text = value.strip()
    try:
        if text.endswith("%"):
            return Fraction(text[:-1].strip()) / 100
        if re.fullmatch(r"\d+\s*/\s*\d+|\d*\.?\d+", text):
            return Fraction(text.replace(" ", ""))
    except (ValueError, ZeroDivisionError):
        return None
    return None


def parse_rules(data: dict, origin: str) -> Rules:
    top = _Table(data, "", origin)
    rules = Rules(
        name=top.text("name") or "custom",
        title=top.text("title"),
        short_title=top.text("short_title"),
        document=top.text("document"),
        ballot=_ballot(top.table("ballot")),
        forms=_forms(top.table("ballot_forms")),
        bands=_bands(top.table("bands"), Bands()),
        **_low_share(top.table("low_share")),
        **_flags(top.table("flags")),
        quota=_quota(top.table("quota")),
        weights=_weights(top.table("weights")),
        trim=_trim(top.table("mean")),
        composite=_composite(top.table("composite")) if top.has("composite") else None,
        consequence_cite=top.text("consequence_cite"),
        consequence_talk=top.flag("consequence_talk", True),
        report=_report(top.table("report")),
    )
    top.done()
    return rules


def _ballot(t: _Table) -> BallotForm:
    d = BallotForm()
    form = BallotForm(hao=t.number("hao", d.hao, 2, 10), jiaohao=t.number("jiaohao", d.jiaohao, 2, 10),
                      yiban=t.number("yiban", d.yiban, 2, 10), cite=t.text("cite", d.cite),
                      note=t.text("note"))
    for key in ("hao", "jiaohao", "yiban"):
        if getattr(form, key) != int(getattr(form, key)):
            t.fail(t.path + key, "应为整数分值")
    if not form.hao > form.jiaohao > form.yiban:
        t.fail(t.path + "jiaohao", "应满足 好 > 较好 > 一般 的最低分")
    t.done()
    return BallotForm(int(form.hao), int(form.jiaohao), int(form.yiban), form.cite, form.note)


def _forms(t: _Table) -> tuple[tuple[str, BallotForm], ...]:
    """[ballot_forms."下评"]: the form of a direction (004 附件2), keys as in [ballot]."""
    forms = []
    for direction in list(t.data):
        if direction not in SOURCES:
            t.fail(t.path + direction, f"应为评议方向 {'或'.join(SOURCES)}")
        forms.append((direction, _ballot(t.table(direction))))
    t.done()
    return tuple(forms)


def _report(t: _Table) -> Report:
    """[report]: 字数 limit for every level (`limit`) or per level (`committee`, `branch`)."""
    every = t.number("limit", None, 1, 1_000_000)
    limits = []
    for level in ("committee", "branch"):
        value = t.number(level, every, 1, 1_000_000)
        if value is not None:
            if value != int(value):
                t.fail(t.path + level, "应为整数（字数）")
            limits.append((level, int(value)))
    d = Report()
    labels = tuple((level, t.text(f"{level}_label", d.label(level))) for level in ("committee", "branch"))
    report = Report(limits=tuple(limits), labels=labels, cite=t.text("cite"), record_max=t.share("record_max"),
                    problems_min=t.share("problems_min"), problems_plans_min=t.share("problems_plans_min"),
                    structure_cite=t.text("structure_cite"))
    t.done()
    return report


def _bands(t: _Table, d: Bands, hi: float = 10) -> Bands:
    bands = Bands(hao=t.number("hao", d.hao, 0, hi), jiaohao=t.number("jiaohao", d.jiaohao, 0, hi),
                  yiban=t.number("yiban", d.yiban, 0, hi), cite=t.text("cite", d.cite))
    if not bands.hao > bands.jiaohao > bands.yiban:
        t.fail(t.path + "jiaohao", "应满足 好 > 较好 > 一般 的分数线")
    t.done()
    return bands


def _low_share(t: _Table) -> dict:
    enabled = t.flag("enabled", t.has("threshold"))
    threshold = t.share("threshold", Fraction(1, 10) if enabled else None)
    if threshold is not None and threshold >= 1:
        t.fail(t.path + "threshold", "应小于 100%")
    cite = t.text("cite")
    t.done()
    return {"low_share": threshold if enabled else None, "low_share_cite": cite}


def _flags(t: _Table) -> dict:
    out = {"flags": t.flag("enabled", False), "flags_cite": t.text("cite")}
    t.done()
    return out


def _quota(t: _Table) -> Quota:
    hao_max = t.share("hao_max", None, allow_bool=True)
    if hao_max is True:
        t.fail(t.path + "hao_max", _SHARE_HELP + "，或 false 表示不限")
    below = t.share("below_hao_min", None, allow_bool=True)
    quota = Quota(hao_max=hao_max or None, hao_max_cite=t.text("hao_max_cite"),
                  below_hao_min=None if isinstance(below, bool) else below,
                  below_hao_required=below is not None and below is not False,
                  below_hao_approx=t.flag("below_hao_approx", False),
                  below_hao_cite=t.text("below_hao_cite"))
    t.done()
    return quota


def _weight_table(t: _Table, star: bool) -> tuple[tuple[tuple[str, float], ...], float | None]:
    pairs, default = [], None
    for key in t.data:
        value = t.number(key, None)
        if value <= 0:
            t.fail(t.path + key, "应为正数（权重）")
        if star and key == "*":
            default = float(value)
        else:
            pairs.append((key, float(value)))
    t.done()
    return tuple(pairs), default


def _weights(t: _Table) -> Weights:
    source, _ = _weight_table(t.table("source"), star=False)
    group, default = _weight_table(t.table("group"), star=True)
    weights = Weights(source=source, source_cite=t.text("source_cite"), group=group,
                      group_default=default, group_cite=t.text("group_cite"))
    t.done()
    return weights


def _trim(t: _Table) -> Trim:
    count = t.number("trim", 0, 0, 1000)
    share = t.share("trim_share", None)
    if count != int(count):
        t.fail(t.path + "trim", "应为整数（每端去掉的票数）")
    if count and share:
        t.fail(t.path + "trim_share", "不能与“mean.trim”同时设置")
    if share is not None and share >= Fraction(1, 2):
        t.fail(t.path + "trim_share", "应小于 50%")
    t.done()
    return Trim(int(count), share or None)


def _grade_table(t: _Table, default, lo, hi) -> tuple:
    """{好 = 3, 较好 = 5, 一般 = 2}: a number per grade, in the grades' order."""
    if not t.data:
        t.done()
        return default
    pairs = []
    for key in t.data:
        if key not in ("好", "较好", "一般", "差"):
            t.fail(t.path + key, "应为等次 好、较好、一般 或 差")
        pairs.append((key, t.number(key, None, lo, hi)))
    t.done()
    return tuple(sorted(pairs, key=lambda p: ("好", "较好", "一般", "差").index(p[0])))


def _composite(t: _Table) -> Composite:
    d = Composite()
    parts = {k: t.number(k, getattr(d, k), 0, 100) for k in ("daily", "field", "survey", "meeting")}
    if abs(sum(parts.values()) - 100) > 1e-9:
        t.fail(t.path + "meeting", "与 daily、field、survey 的权重之和应为 100")
    deductions = t.get("bottom_deductions", list, list(d.bottom_deductions), "应为整数列表")
    if not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in deductions):
        t.fail(t.path + "bottom_deductions", "应为非负整数列表")
    composite = Composite(**parts, cite=t.text("cite", d.cite), bands=_bands(t.table("bands"), d.bands, 100),
                          bottom_deductions=tuple(deductions), bottom_cite=t.text("bottom_cite", d.bottom_cite),
                          daily_split=_grade_table(t.table("daily_split"), d.daily_split, 0, 100),
                          daily_split_cite=t.text("daily_split_cite", d.daily_split_cite),
                          daily_points=_grade_table(t.table("daily_points"), d.daily_points, 0, 100),
                          daily_points_cite=t.text("daily_points_cite", d.daily_points_cite))
    t.done()
    return composite
