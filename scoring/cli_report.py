"""`python -m scoring report FILE.docx|.txt [--preset NAME] [--level committee|branch] [--limit N]`.

Exit 0 when every check passes, 1 when one fails (each named with its figure and the document's
rule), 2 when the file cannot be read (docs/api.md).
"""

from __future__ import annotations

import argparse

from .cli import add_rules_options, rules_from
from .report import LEVELS, check_report, count_chars, read_report

FAILED = 1


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{value}”不是正整数") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"“{value}”不是正整数")
    return n


def add_parser(sub) -> None:
    r = sub.add_parser("report", help="检查述职报告的字数与结构（.docx 或 .txt）")
    r.add_argument("file", help="述职报告：.docx 或 .txt（不超过 5 MB）")
    add_rules_options(r)
    r.add_argument("--level", choices=LEVELS,
                   help="述职人级别：committee 分党委/党总支/直属党支部、二级党组织书记（默认）；branch 党支部书记")
    r.add_argument("--limit", type=_positive, help="字数上限，替代预设的规定")


def run(args) -> int:
    rules = rules_from(args)
    text = read_report(args.file)
    checks = check_report(text, rules, level=args.level, limit=args.limit)
    limits = dict(rules.report.limits)
    lines = [f"述职报告：{args.file}（{count_chars(text)} 字；规则 {rules.name}）"]
    if args.level is None and args.limit is None and len(set(limits.values())) > 1:
        lines.append(f"按{rules.report.label('committee')}的要求检查；{rules.report.label('branch')}请加 --level branch")
    lines += [f"{'通过' if c.ok else '不通过'}  {c.name}：{c.message}" for c in checks]
    failed = [c for c in checks if not c.ok]
    lines.append("全部检查通过" if not failed else f"{len(failed)} 项未通过：{'、'.join(c.name for c in failed)}")
    print("\n".join(lines))
    return FAILED if failed else 0
