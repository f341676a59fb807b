"""Rules of a 述职评议考核: the dataclasses, the presets and `load_rules`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, replace
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import RulesError

PRESETS = ("shanghaimiao-2022", "ustl-2019", "central-2019", "bjie-2023", "xiangxi-2018")
DEFAULT_PRESET = "shanghaimiao-2022"
SOURCES = ("上述", "下评")  # 004 §三: the two directions of assessment


@dataclass(frozen=True)
class BallotForm:
    """Lowest score of each ballot category (004 附件1: 好=10, 较好=9–7, 一般=6–4, 差=3–1)."""

    hao: int = 10
    jiaohao: int = 7
    yiban: int = 4
    cite: str = "004 附件1"
    note: str = ""

    def category(self, score: int) -> int:
        """0 好, 1 较好, 2 一般, 3 差."""
        return 0 if score >= self.hao else 1 if score >= self.jiaohao else 2 if score >= self.yiban else 3

    def scores(self, category: int) -> tuple[int, ...]:
        """The scores of a column, high to low: 较好 on 004 附件1 is (9, 8, 7)."""
        return tuple(s for s in range(10, 0, -1) if self.category(s) == category)

    def span(self, category: int) -> str:
        """"10 分", "9–7 分": a column as the form prints it."""
        s = self.scores(category)
        return f"{s[0]} 分" if len(s) == 1 else f"{s[0]}–{s[-1]} 分" if s else "无"


@dataclass(frozen=True)
class Bands:
    """Half-open bands on a mean: 好 >= hao, 较好 [jiaohao, hao), 一般 [yiban, jiaohao), 差 below."""

    hao: float = 9
    jiaohao: float = 7
    yiban: float = 4
    cite: str = "004 §五(四)"


@dataclass(frozen=True)
class Quota:
    """Distribution of final grades over those assessed.

    hao_max: 好 at most this share (floor). below_hao_min: 较好-or-below at least this share
    (ceil, or nearest when `below_hao_approx`, the documents' "左右"); `below_hao_required` with
    no share means "一定比例": at least one.
    """

    hao_max: Fraction | None = None
    hao_max_cite: str = ""
    below_hao_min: Fraction | None = None
    below_hao_required: bool = False
    below_hao_approx: bool = False
    below_hao_cite: str = ""


@dataclass(frozen=True)
class Weights:
    """Relative weights of ballot sources (上述/下评) and voter groups; empty means pooled."""

    source: tuple[tuple[str, float], ...] = ()
    source_cite: str = ""
    group: tuple[tuple[str, float], ...] = ()
    group_default: float | None = None  # weight of groups not listed ("*"); None: not allowed
    group_cite: str = ""

    def group_weight(self, name: str) -> float | None:
        return dict(self.group).get(name, self.group_default)

    def source_names(self) -> list[str]:
        return [name for name, _ in self.source]


@dataclass(frozen=True)
class Trim:
    """Ballots cut from each end of every weighted cell before its mean: a count or a share."""

    count: int = 0
    share: Fraction | None = None

    @property
    def active(self) -> bool:
        return self.count > 0 or bool(self.share)


@dataclass(frozen=True)
class Composite:
    """The 100-point composite of 003 §三(一): weights in percent, bottom-rank deductions."""

    daily: float = 20
    field: float = 50
    survey: float = 10
    meeting: float = 20
    cite: str = "003 §三(一)"
    bands: Bands = Bands(90, 70, 40, "本系统默认（003 未规定分数线）")
    bottom_deductions: tuple[int, ...] = (3, 3, 3, 2, 2, 2, 1, 1, 1)
    bottom_cite: str = "003 §五(三)"
    daily_split: tuple[tuple[str, int], ...] = (("好", 3), ("较好", 5), ("一般", 2))  # 003 §三(二)1
    daily_split_cite: str = "003 §三(二)1"
    daily_points: tuple[tuple[str, float], ...] = (("好", 100), ("较好", 80), ("一般", 60))
    daily_points_cite: str = "本系统默认（003 未规定等次折算分）"


@dataclass(frozen=True)
class Report:
    """What a 述职报告 must meet: 字数 limits per level and the shares of its parts.

    `limits`: (level, 字数) with level "committee" (分党委/党总支/直属党支部, 二级党组织) or "branch"
    (党支部); shares are of the text under the 一、二、三 headings (履职情况, 问题, 下一步).
    """

    limits: tuple[tuple[str, int], ...] = ()
    labels: tuple[tuple[str, str], ...] = (("committee", "二级党组织书记"), ("branch", "党支部书记"))
    cite: str = ""
    record_max: Fraction | None = None  # 履职主要情况 at most (002 §三.2: 50 %)
    problems_min: Fraction | None = None  # 问题 at least (002 §三.2: 30 %)
    problems_plans_min: Fraction | None = None  # 问题和下步打算 at least (003 §六(二): 七分)
    structure_cite: str = ""

    def limit(self, level: str) -> int | None:
        return dict(self.limits).get(level)

    def label(self, level: str) -> str:
        return dict(self.labels).get(level, "")

    @property
    def structured(self) -> bool:
        return any(x is not None for x in (self.record_max, self.problems_min, self.problems_plans_min))


@dataclass(frozen=True)
class Rules:
    name: str
    title: str = ""
    short_title: str = ""  # "上海庙镇 2022 年度方案": the title as the console names the rules
    document: str = ""
    ballot: BallotForm = BallotForm()
    forms: tuple[tuple[str, BallotForm], ...] = ()  # ballot form per direction (上述/下评), 004 附件2
    direction: str = ""  # set by `for_direction`: the meeting is 上述 or 下评
    bands: Bands = Bands()
    low_share: Fraction | None = None  # 一般+差 share that, when exceeded, makes 差
    low_share_cite: str = ""
    flags: bool = False  # 重大失误 / 问责 make 差
    flags_cite: str = ""
    quota: Quota = Quota()
    weights: Weights = Weights()
    trim: Trim = Trim()
    composite: Composite | None = None
    consequence_cite: str = ""
    consequence_talk: bool = True  # 一般/差 ⇒ 约谈提醒、限期整改 (000 §三.5, 001 第七条; not in 003)
    report: Report = Report()

    @property
    def label(self) -> str:
        """The rules as the organizer knows them, "上海庙镇 2022 年度方案（004）"; the preset's code name
        (shanghaimiao-2022) stays in the API and the files."""
        name = self.short_title or self.title or self.name
        return f"{name}（{self.document}）" if self.document else name

    def ballot_form(self, direction: str | None = None) -> BallotForm:
        """The ballot form a meeting of this direction hands out (004: 上述 附件1, 下评 附件2).

        A direction the rules give no form of uses `ballot`, the one form of 000–003.
        """
        return dict(self.forms).get(direction or self.direction, self.ballot)

    def for_direction(self, direction: str | None) -> "Rules":
        """These rules for one meeting of `direction`: its form grades every ballot.

        `grade(ballots, rules.for_direction("下评"))` counts 9–8 as 较好 (004 附件2). The meeting's
        ballots are one direction, so the 上述/下评 weights do not apply inside it; combine two
        meetings with `scoring.combine_directions`.
        """
        if not direction:
            return self
        return replace(self, ballot=self.ballot_form(direction), direction=direction,
                       weights=replace(self.weights, source=()))


def load_rules(name: str | None = None, *, path: str | Path | None = None) -> Rules:
    """Rules by preset name, or from a user TOML file (which may `extends` a preset)."""
    from .rules_parse import parse_rules

    if name is not None and path is not None:
        raise RulesError("只能指定预设名称或规则文件之一")
    if name is not None and name.lower().endswith(".toml"):
        name, path = None, name
    if path is None:
        return _preset_rules(DEFAULT_PRESET if name is None else name)
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise RulesError(f"找不到规则文件“{path}”") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"无法读取规则文件“{path}”：{exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise RulesError(f"规则文件“{path.name}”不是有效的 TOML：{exc}") from None
    base = data.get("extends")
    if base is not None:
        if not isinstance(base, str):
            raise RulesError(f"规则文件“{path.name}”：键“extends”应为预设名称")
        data = _merge(_preset_dict(base), {k: v for k, v in data.items() if k != "extends"})
    data.setdefault("name", path.stem)
    return parse_rules(data, f"规则文件“{path.name}”")


@lru_cache(maxsize=None)
def _preset_rules(name: str) -> Rules:
    """Presets are package data and Rules is frozen: parse each once; the service grades often."""
    from .rules_parse import parse_rules

    return parse_rules(_preset_dict(name), f"预设“{name}”")


def _preset_dict(name: str) -> dict:
    if name not in PRESETS:
        raise RulesError(f"未知的预设“{name}”，可用的预设：{'、'.join(PRESETS)}")
    text = resources.files("scoring").joinpath("presets", f"{name}.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


# Weight tables replace the preset's whole table: a file listing its own groups means only those.
_REPLACED = {("weights", "source"), ("weights", "group")}


def _merge(base: dict, over: dict, prefix: tuple = ()) -> dict:
    out = dict(base)
    for key, value in over.items():
        here = prefix + (key,)
        if isinstance(value, dict) and isinstance(out.get(key), dict) and here not in _REPLACED:
            base_table = out[key]
            if here == ("report",) and "limit" in value:  # one limit for all replaces the preset's per level
                base_table = {k: v for k, v in base_table.items() if k not in ("committee", "branch")}
            out[key] = _merge(base_table, value, here)
        else:
            out[key] = value
    return out
