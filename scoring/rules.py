"""Rules of a 述职评议考核: the dataclasses, the presets and `load_rules`."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from pathlib import Path

from .errors import RulesError

PRESETS = ("shanghaimiao-2022", "ustl-2019", "central-2019", "bjie-2023", "xiangxi-2018")
DEFAULT_PRESET = "shanghaimiao-2022"


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


@dataclass(frozen=True)
class Rules:
    name: str
    title: str = ""
    document: str = ""
    ballot: BallotForm = BallotForm()
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
            out[key] = _merge(out[key], value, here)
        else:
            out[key] = value
    return out
