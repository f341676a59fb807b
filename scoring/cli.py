"""`python -m scoring grade BALLOTS.csv [--preset NAME | --rules FILE.toml] [--enforce-quota] [-o OUT]`.

Bad input: exit code 2, a Chinese message naming the row and the problem, nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .ballots import read_ballots, validate_ballots
from .errors import BallotError, ScoringError
from .export import results_workbook
from .grade import grade
from .quota import check_quotas
from .rules import DEFAULT_PRESET, PRESETS, load_rules
from .text import GRADES

BAD_INPUT = 2
FORMATS = (".csv", ".xlsx", ".json")


class _Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would exit 2 in English; say it in Chinese
        raise _Usage(f"参数错误：{message}\n{self.format_usage()}")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m scoring", description="述职评议考核：由选票计算建议等次")
    sub = p.add_subparsers(dest="command", metavar="命令")
    g = sub.add_parser("grade", help="由选票计算每位书记的建议等次")
    g.add_argument("ballots", help="选票 CSV/xlsx：secretary, score，可选 count, voter, group, source, flag")
    rules = g.add_mutually_exclusive_group()
    rules.add_argument("--preset", help=f"预设规则（默认 {DEFAULT_PRESET}）：{'、'.join(PRESETS)}")
    rules.add_argument("--rules", help="用户规则文件（TOML）")
    g.add_argument("--enforce-quota", action="store_true", help="“好”等次超出比例的，按排名调整为较好")
    g.add_argument("-o", "--output", help="输出文件：.csv、.xlsx 或 .json；不指定则以 CSV 输出到屏幕")
    sub.add_parser("presets", help="列出预设规则")
    return p


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        if args.command == "presets":
            for name in PRESETS:
                print(f"{name}\t{load_rules(name).title}")
            return 0
        if args.command != "grade":
            raise _Usage(_parser().format_help())
        return _grade(args)
    except _Usage as exc:
        print(exc, file=sys.stderr)
        return BAD_INPUT
    except BallotError as exc:
        print(f"错误：选票有问题，未写出任何结果。\n{exc}", file=sys.stderr)
        return BAD_INPUT
    except ScoringError as exc:
        print(f"错误：{exc}（未写出任何结果）", file=sys.stderr)
        return BAD_INPUT
    except Exception as exc:  # a bug: say so plainly; SCORING_DEBUG=1 shows the traceback
        if os.environ.get("SCORING_DEBUG"):
            raise
        print(f"内部错误：{type(exc).__name__}: {exc}（未写出任何结果；设 SCORING_DEBUG=1 查看详情）",
              file=sys.stderr)
        return 1


def _grade(args) -> int:
    out = Path(args.output) if args.output else None
    if out is not None:
        if out.suffix.lower() not in FORMATS:
            raise _Usage(f"错误：不支持的输出格式“{out.suffix or out.name}”，请用 {'、'.join(FORMATS)}")
        if not out.parent.is_dir():
            raise _Usage(f"错误：输出目录“{out.parent}”不存在")
    rules = load_rules(path=args.rules) if args.rules else load_rules(args.preset or DEFAULT_PRESET)
    raw = read_ballots(args.ballots)
    if not len(raw):
        raise BallotError("选票文件中没有任何选票行", row=2)
    ballots = validate_ballots(raw, rules, rows=raw.index, header_row=1)
    secretaries = list(dict.fromkeys(ballots["secretary"]))  # the file's order
    results = grade(ballots, rules, secretaries=secretaries, enforce_quota=args.enforce_quota)
    findings = check_quotas(results, rules)
    data = _render(results, out, rules, findings)
    if out is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        _write_atomic(out, data)
    _summary(results, findings, out)
    return 0


def _render(results, out: Path | None, rules, findings) -> bytes:
    kind = out.suffix.lower() if out else ".csv"
    if kind == ".xlsx":
        return results_workbook(results, rules=rules, findings=findings)
    if kind == ".json":
        return results.to_json(orient="records", force_ascii=False, indent=1).encode("utf-8")
    return results.to_csv(index=False).encode("utf-8")


def _write_atomic(path: Path, data: bytes) -> None:
    """A half-written file must never be mistaken for results."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _summary(results, findings, out: Path | None) -> None:
    counts = "、".join(f"{g} {int((results['grade'] == g).sum())}" for g in GRADES)
    none = int((results["grade"] == "").sum())
    lines = [f"已评定 {len(results) - none} 人（{counts}）" + (f"，{none} 人无有效票" if none else "")]
    demoted = int(results["quota_demoted"].sum())
    if demoted:
        lines.append(f"按等次比例调整 {demoted} 人为较好")
    lines += [("提示：" if f.ok else "警告：") + f.message for f in findings]
    if out is not None:
        lines.append(f"结果已写入 {out}")
    print("\n".join(lines), file=sys.stderr if out is None else sys.stdout)
