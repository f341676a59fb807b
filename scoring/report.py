"""Check a 述职报告 against the preset: its length in 字 and the shares of its parts.

Length (000 §三.2: 3000 字 分党委/党总支/直属党支部, 1500 党支部; 002 §三.2: 1500 二级党组织, 1000
党支部; 003 §六(二): 2000) and structure (002 §三.2 and 附件1: 履职主要情况 ≤ 50 %, 问题 ≥ 30 %; 003
§六(二): 三分讲成绩、七分讲问题和下步打算). The rule data are in the preset's `[report]`.

How 字 are counted: as the 字数 of Word and WPS. Every non-blank character counts one, punctuation
included, except that a run of ASCII letters and digits (“2023”, “PPT”, “3.5”) counts as one word.
Blanks and line breaks do not count.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from .errors import InputError
from .report_read import ReportError, read_report
from .rules import Rules
from .text import fmt_pct

LEVELS = ("committee", "branch")
PARTS = ("record", "problems", "plans")
PART_NAMES = {"record": "履职主要情况", "problems": "存在的问题", "plans": "下一步工作思路"}
_WORD = re.compile(r"[A-Za-z0-9]+(?:[.'’][A-Za-z0-9]+)*")
_NUMBERED = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分\s*[、．.，,：:]?|[一二三四五六七八九十]+\s*[、．.，,：:])\s*(.*)$")
_KEYWORDS = (  # checked in this order: “存在的问题及整改措施” is 问题, “下一步工作思路” is 下一步
    ("problems", ("问题", "不足", "差距", "短板", "薄弱")),
    ("plans", ("下一步", "下步", "思路", "打算", "计划", "努力方向", "措施")),
    ("record", ("履职", "情况", "成绩", "成效", "做法", "工作", "亮点", "经验")),
)
_HEADING_MAX = 30  # a longer line is body text that happens to start with “一、”
_BARE_HEADINGS = {  # unnumbered headings (Word's own numbering is not in the text)
    "履职主要情况", "主要履职情况", "履职情况", "主要工作情况", "工作成效", "主要成绩", "存在的问题", "存在问题",
    "存在的主要问题", "问题和不足", "存在的问题和不足", "存在的不足", "下一步工作思路", "下一步打算", "下步打算",
    "下一步工作打算", "工作思路", "今后工作思路", "下一步工作措施",
}
__all__ = ["ReportCheck", "ReportError", "check_report", "read_report", "count_chars", "report_parts", "LEVELS"]


@dataclass(frozen=True)
class ReportCheck:
    """One check: `ok`, its `name` (字数, 履职主要情况占比 …), the `figure` found, a Chinese
    `message` telling what to fix, and the document's `cite`. `code`: length, headings,
    record_max, problems_min, problems_plans_min."""

    code: str
    name: str
    ok: bool
    figure: str
    message: str
    cite: str

    def as_dict(self) -> dict:
        return asdict(self)


def count_chars(text: str) -> int:
    """字数 as Word/WPS count it (see the module's docstring)."""
    words = len(_WORD.findall(text))
    return words + sum(1 for ch in _WORD.sub("", text) if not ch.isspace())


def _heading(line: str) -> str | None:
    """The part a heading line opens, or None for body text.

    “一、履职主要情况”, “二、存在的问题”, “三．下一步工作思路”, “第二部分 存在问题” by their numeral and
    words; an unnumbered line that is just such a heading (“存在的问题”: Word numbered it) too.
    “（一）…” and “一是…” are body text.
    """
    text = line.strip()
    m = _NUMBERED.match(text)
    if not m and text.rstrip("：:") not in _BARE_HEADINGS:
        return None
    body = m.group(1) if m else text
    if m and count_chars(body) > _HEADING_MAX:
        return None
    for part, words in _KEYWORDS:
        if any(w in body for w in words):
            return part
    return "" if m else None  # numbered but unnamed: continues the part before


def report_parts(text: str) -> dict[str, int]:
    """字 under each part's heading (headings themselves not counted); text before the first
    heading (title, name, date) belongs to no part."""
    counts = dict.fromkeys(PARTS, 0)
    found: dict[str, bool] = dict.fromkeys(PARTS, False)
    current = None
    for line in text.splitlines():
        part = _heading(line)
        if part is not None:
            current = part or current or "record"
            found[current] = True
        elif current:
            counts[current] += count_chars(line)
    return {p: counts[p] for p in PARTS} | {f"{p}_found": found[p] for p in PARTS}


def check_report(text: str, rules: Rules, level: str | None = None, limit: int | None = None) -> list[ReportCheck]:
    """The checks of the preset's `[report]`; all `ok` means the report may be submitted as is.

    `level`: "committee" (分党委/党总支/直属党支部, 二级党组织; the default) or "branch" (党支部);
    `limit`: a 字数 limit that replaces the preset's.
    """
    level = level or "committee"
    if level not in LEVELS:
        raise InputError(f"级别“{level}”应为 committee（分党委、二级党组织）或 branch（党支部）")
    r = rules.report
    n = count_chars(text)
    checks = [_length(n, r, level, limit)]
    if r.structured:
        checks += _structure(report_parts(text), r)
    return checks


def _length(n: int, r, level: str, limit: int | None) -> ReportCheck:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InputError(f"字数上限“{limit}”应为正整数")
    cite = "本次指定" if limit is not None else r.cite
    limit = limit if limit is not None else r.limit(level)
    figure = f"{n} 字"
    if limit is None:
        return ReportCheck("length", "字数", True, figure, f"全文 {n} 字；本方案未规定述职报告字数", "")
    who = f"{r.label(level)}述职报告" if cite != "本次指定" else "述职报告"
    if n <= limit:
        return ReportCheck("length", "字数", True, figure, f"全文 {n} 字，未超过{who} {limit} 字的上限（{cite}）", cite)
    return ReportCheck("length", "字数", False, figure,
                       f"全文 {n} 字，超过{who} {limit} 字的上限 {n - limit} 字，请删减（{cite}）", cite)


def _structure(parts: dict, r) -> list[ReportCheck]:
    cite = r.structure_cite or r.cite
    needed = [p for p, share in (("record", r.record_max), ("problems", r.problems_min or r.problems_plans_min))
              if share is not None]
    missing = [p for p in needed if not parts[f"{p}_found"]]
    total = sum(parts[p] for p in PARTS)
    if missing or not total:
        names = "、".join(f"“{PART_NAMES[p]}”" for p in missing or needed)
        return [ReportCheck("headings", "结构", False, "未找到" + names,
                            f"未找到{names}部分的标题，无法核对各部分所占比例；请按“一、履职主要情况”“二、存在的问题”"
                            f"“三、下一步工作思路”分三部分撰写（{cite}）", cite)]
    checks = []
    rows = (("record_max", "履职主要情况占比", ("record",), r.record_max, False),
            ("problems_min", "存在的问题占比", ("problems",), r.problems_min, True),
            ("problems_plans_min", "问题和下步打算占比", ("problems", "plans"), r.problems_plans_min, True))
    for code, name, which, share, at_least in rows:
        if share is None:
            continue
        got = sum(parts[p] for p in which)
        ok = got * share.denominator >= total * share.numerator if at_least else \
            got * share.denominator <= total * share.numerator
        figure = fmt_pct(got / total, [share])
        what = "、".join(PART_NAMES[p] for p in which)
        bound = f"{'不少于' if at_least else '不超过'}{fmt_pct(float(share))}"
        verdict = "符合" if ok else ("偏少，请充实" if at_least else "偏多，请压缩")
        checks.append(ReportCheck(code, name, ok, figure,
                                  f"“{what}”部分 {got} 字，占三部分合计 {total} 字的 {figure}，应{bound}，{verdict}（{cite}）",
                                  cite))
    return checks
