"""Ballot input: reading a CSV/xlsx file and validating rows with their numbers (for the CLI)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import BallotError
from .rules import SOURCES, Rules

SCORE_MIN, SCORE_MAX = 1, 10  # 004 附件1: 10 … 1
FLAGS = {  # 004 §五(四): 重大失误造成严重影响 / 被问责追责
    "重大失误": "重大失误", "重大失误造成严重影响": "重大失误",
    "问责": "问责", "问责追责": "问责", "被问责追责": "问责",
}
ALIASES = {
    "述职人": "secretary", "书记": "secretary", "分数": "score", "评分": "score", "票数": "count",
    "投票人": "voter", "投票人类别": "group", "类别": "group", "评议方向": "source", "方向": "source",
    "标记": "flag",
}
LABELS = {"secretary": "述职人", "score": "分数", "count": "票数", "voter": "投票人",
          "group": "投票人类别", "source": "评议方向", "flag": "标记"}
_MAX_LISTED = 20


def read_ballots(path: str | Path) -> pd.DataFrame:
    """Every cell as text; the index is the row number an organizer sees in Excel (header = 1)."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            df = _read_csv(path.read_bytes())
    except FileNotFoundError:
        raise BallotError(f"找不到选票文件“{path}”") from None
    except IsADirectoryError:
        raise BallotError(f"“{path}”是目录，不是选票文件") from None
    except BallotError:
        raise
    except Exception as exc:  # openpyxl/zip errors have many types; the user needs one message
        raise BallotError(f"无法读取选票文件“{path.name}”：{exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = np.arange(2, len(df) + 2)
    blank = (df.astype(str).apply(lambda c: c.str.strip()) == "").all(axis=1)
    return df[~blank]


def _read_csv(raw: bytes) -> pd.DataFrame:
    for encoding in ("utf-8-sig", "gb18030"):  # Excel on Chinese Windows saves CSV as GBK
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise BallotError("选票文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
    if not text.strip():
        raise BallotError("选票文件为空", row=1)
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if m:
            row = int(m.group(2))
            raise BallotError(f"第 {row} 行：有 {m.group(3)} 个字段，多于表头的 {m.group(1)} 列", row=row) from None
        m = re.search(r"row (\d+)", str(exc))
        row = int(m.group(1)) + 1 if m else None
        where = f"第 {row} 行附近" if row else "文件中"
        raise BallotError(f"{where}：CSV 格式错误（引号未闭合？）", row=row) from None


def validate_ballots(ballots: pd.DataFrame, rules: Rules | None = None, *, first_row: int = 1,
                     rows=None, header_row: int | None = None) -> pd.DataFrame:
    """Check every row; return clean columns (secretary str, score int, …) or raise BallotError.

    Row numbers are `rows` (e.g. the file's row numbers) or `first_row` + position; column
    problems name `header_row` when there is one.
    """
    rows = np.arange(first_row, first_row + len(ballots)) if rows is None else np.asarray(rows)
    df = _canonical_columns(ballots, header_row)
    problems = _Problems(rows)
    out = pd.DataFrame(index=df.index)
    out["secretary"] = _text(df["secretary"])
    problems.add(out["secretary"] == "", lambda i: "述职人为空")
    out["score"] = _integers(df["score"], "分数", SCORE_MIN, SCORE_MAX, problems)
    if "count" in df:
        out["count"] = _integers(df["count"], "票数", 0, None, problems)
    for column in ("voter", "group", "source", "flag"):
        if column in df:
            out[column] = _text(df[column])
    if "source" in out:
        allowed = [k for k, _ in rules.weights.source] if rules and rules.weights.source else SOURCES
        blank_ok = not (rules and rules.weights.source)
        bad = ~out["source"].isin(allowed) & ~((out["source"] == "") & blank_ok)
        problems.add(bad, lambda i: f"评议方向“{out['source'].iat[i]}”应为 {'或'.join(allowed)}")
    if "group" in out and rules and rules.weights.group and rules.weights.group_default is None:
        names = [k for k, _ in rules.weights.group]
        problems.add(~out["group"].isin(names),
              lambda i: f"投票人类别“{out['group'].iat[i]}”不在规则的权重表中（{'、'.join(names)}）")
    if "flag" in out:
        problems.add(~out["flag"].isin(list(FLAGS) + [""]),
              lambda i: f"标记“{out['flag'].iat[i]}”应为“重大失误”或“问责”，或留空")
        out["flag"] = out["flag"].map(lambda v: FLAGS.get(v, v))
    if "voter" in out:
        _duplicate_voters(out, problems)
    if problems.total:
        raise problems.error()
    out["score"] = out["score"].astype(np.int64)
    if "count" in out:
        out["count"] = out["count"].astype(np.int64)
    return out


def _canonical_columns(df: pd.DataFrame, header: int | None) -> pd.DataFrame:
    where = f"第 {header} 行（表头）：" if header else ""
    renamed = [ALIASES.get(str(c).strip(), str(c).strip()) for c in df.columns]
    for name in set(renamed):
        if name in LABELS and renamed.count(name) > 1:
            raise BallotError(f"{where}列“{name}”（{LABELS[name]}）出现了不止一次", row=header)
    for name in ("secretary", "score"):
        if name not in renamed:
            raise BallotError(f"{where}缺少列“{name}”（{LABELS[name]}）", row=header)
    return df.set_axis(renamed, axis=1).reset_index(drop=True)


def _text(column: pd.Series) -> pd.Series:
    return column.astype("string").fillna("").str.strip().astype(object)


def _integers(column: pd.Series, label: str, lo: int, hi: int | None, problems) -> pd.Series:
    raw = column.astype("string").fillna("").str.strip()
    values = pd.to_numeric(raw.where(raw != ""), errors="coerce").astype(float)
    retry = values.isna() & (raw != "")
    if retry.any():  # full-width digits typed with a Chinese input method: “１０”
        values[retry] = pd.to_numeric(raw[retry].str.normalize("NFKC"), errors="coerce").astype(float)
    empty = (raw == "").to_numpy()
    nonnumber = np.isnan(values.to_numpy()) & ~empty
    fractional = ~np.isnan(values.to_numpy()) & (values.to_numpy() % 1 != 0)
    v = values.to_numpy()
    with np.errstate(invalid="ignore"):
        out_of_range = ~fractional & ((v < lo) | (v > hi if hi is not None else False))
    span = f"不在 {lo}–{hi} 之间" if hi is not None else f"不能小于 {lo}"
    problems.add(empty, lambda i: f"{label}为空")
    problems.add(nonnumber, lambda i: f"{label}“{raw.iat[i]}”不是数字")
    problems.add(fractional, lambda i: f"{label}“{raw.iat[i]}”不是整数")
    problems.add(out_of_range, lambda i: f"{label} {raw.iat[i]} {span}")
    return values.fillna(0)


def _duplicate_voters(out: pd.DataFrame, problems: "_Problems") -> None:
    dup = (out["voter"] != "") & out.duplicated(["voter", "secretary"], keep="first")
    if dup.any():
        firsts = out[~out.duplicated(["voter", "secretary"], keep="first")]
        first_pos = {key: i for i, key in zip(firsts.index, zip(firsts["voter"], firsts["secretary"]))}
        problems.add(dup, lambda i: "投票人“{0}”对述职人“{1}”重复投票（第 {2} 行已投）".format(
            out["voter"].iat[i], out["secretary"].iat[i],
            problems.rows[first_pos[(out["voter"].iat[i], out["secretary"].iat[i])]]))


class _Problems:
    """Every bad row counted; the first few described (a million bad rows must stay fast)."""

    def __init__(self, rows):
        self.rows, self.found, self.total = rows, [], 0

    def add(self, mask, message) -> None:
        hits = np.flatnonzero(np.asarray(mask))
        self.total += len(hits)
        self.found += [(int(self.rows[i]), message(int(i))) for i in hits[:_MAX_LISTED]]

    def error(self) -> BallotError:
        found = sorted(self.found, key=lambda p: p[0])
        lines = [f"第 {row} 行：{msg}" for row, msg in found[:_MAX_LISTED]]
        if self.total > len(lines):
            lines.append(f"……另有 {self.total - len(lines)} 处错误未列出")
        return BallotError("\n".join(lines), row=found[0][0], problems=found)
