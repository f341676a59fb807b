"""`python -m scoring grade | composite | report | presets` (docs/api.md).

Bad input: exit code 2, a Chinese message naming the row and the problem, nothing written.
`report` exits 1 when a check fails. An internal error exits 1 with one line (SCORING_DEBUG=1
shows the traceback).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from .errors import BallotError, ScoringError
from .report_read import ReportError
from .rules import DEFAULT_PRESET, PRESETS, load_rules

BAD_INPUT = 2


class Usage(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse would exit 2 in English; say it in Chinese
        raise Usage(f"参数错误：{message}\n{self.format_usage()}")


def add_rules_options(p: argparse.ArgumentParser, default: str = DEFAULT_PRESET) -> None:
    rules = p.add_mutually_exclusive_group()
    rules.add_argument("--preset", help=f"预设规则（默认 {default}）：{'、'.join(PRESETS)}")
    rules.add_argument("--rules", help="用户规则文件（TOML）")


def rules_from(args, default: str = DEFAULT_PRESET):
    return load_rules(path=args.rules) if args.rules else load_rules(args.preset or default)


def _parser() -> argparse.ArgumentParser:
    from . import cli_composite, cli_grade, cli_report

    p = _Parser(prog="python -m scoring", description="述职评议考核：由选票计算建议等次")
    sub = p.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    cli_grade.add_parser(sub)
    cli_composite.add_parser(sub)
    cli_report.add_parser(sub)
    sub.add_parser("presets", help="列出预设规则")
    return p


def main(argv: list[str] | None = None) -> int:
    from . import cli_composite, cli_grade, cli_report

    commands = {"grade": cli_grade.run, "composite": cli_composite.run, "report": cli_report.run}
    try:
        args = _parser().parse_args(argv)
        if args.command == "presets":
            for name in PRESETS:
                print(f"{name}\t{load_rules(name).title}")
            return 0
        if args.command not in commands:
            raise Usage(_parser().format_help())
        return commands[args.command](args)
    except Usage as exc:
        print(exc, file=sys.stderr)
        return BAD_INPUT
    except ReportError as exc:
        print(f"错误：无法读取述职报告。{exc}", file=sys.stderr)
        return BAD_INPUT
    except BallotError as exc:
        print(f"错误：输入文件有问题，未写出任何结果。\n{exc}", file=sys.stderr)
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


def output_path(value: str | None, formats: tuple[str, ...]) -> Path | None:
    """Checked before any work, so a bad -o costs nothing and writes nothing."""
    out = Path(value) if value else None
    if out is not None:
        if out.suffix.lower() not in formats:
            raise Usage(f"错误：不支持的输出格式“{out.suffix or out.name}”，请用 {'、'.join(formats)}")
        if not out.parent.is_dir():
            raise Usage(f"错误：输出目录“{out.parent}”不存在")
    return out


def emit(out: Path | None, data: bytes) -> None:
    """To the file (atomically) or, without -o, to stdout."""
    if out is None:
        sys.stdout.write(data.decode("utf-8-sig"))
    else:
        write_atomic(out, data)


def write_atomic(path: Path, data: bytes) -> None:
    """A half-written file must never be mistaken for results."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
