"""Ballot input: reading a CSV/xlsx file and validating rows with their numbers (for the CLI)."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from .decode import decode_text
from .errors import BallotError
from .rules import SOURCES, Rules

SCORE_MIN, SCORE_MAX = 1, 10  # 004 附件1: 10 … 1
FLAGS = {  # 004 §五(四): 重大失误造成严重影响 / 被问责追责
    "重大失误": "重大失误", "重大失误造成严重影响": "重大失误",
    "问责": "问责", "问责追责": "问责", "被问责追责": "问责",
}
ALIASES = {  # compared after strip + lower case: Secretary, SCORE, 姓名, 得分 …
    "述职人": "secretary", "书记": "secretary", "姓名": "secretary", "书记姓名": "secretary",
    "分数": "score", "评分": "score", "得分": "score", "测评得分": "score", "票数": "count",
    "投票人": "voter", "投票人类别": "group", "类别": "group", "评议方向": "source", "方向": "source",
    "标记": "flag", "direction": "source",
    # 002 附件2's columns, so the official tables name each secretary (meta, not ballots)
    "党支部名称": "org", "党组织": "org", "所在党组织": "org", "党组织名称": "org", "单位": "org",
    "述职方式": "method", "述职形式": "method", "显示姓名": "name",
}
LABELS = {"secretary": "述职人", "score": "分数", "count": "票数", "voter": "投票人",
          "group": "投票人类别", "source": "评议方向", "flag": "标记", "name": "姓名", "org": "党支部名称",
          "method": "述职方式"}
META = ("name", "org", "method")
_MAX_LISTED = 20


def read_ballots(path: str | Path) -> pd.DataFrame:
    """Every cell as text; the index is the row number an organizer sees in Excel (header = 1)."""
    return read_table(path, "选票文件")


def read_table(path: str | Path, what: str) -> pd.DataFrame:
    """A CSV (comma or tab separated, UTF-8 or GBK), TSV or .xlsx as text cells; `what` names the
    file in messages (选票文件, 单位得分文件 …)."""
    path = Path(path)
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            df = pd.read_excel(path, dtype=str, keep_default_na=False)
        else:
            df = _read_csv(path.read_bytes(), what, tab=path.suffix.lower() in (".tsv", ".tab"))
    except FileNotFoundError:
        raise BallotError(f"找不到{what}“{path}”") from None
    except IsADirectoryError:
        raise BallotError(f"“{path}”是目录，不是{what}") from None
    except BallotError:
        raise
    except Exception as exc:  # openpyxl/zip errors have many types; the user needs one message
        raise BallotError(f"无法读取{what}“{path.name}”：{exc}") from None
    df.columns = [str(c).strip() for c in df.columns]
    df.index = np.arange(2, len(df) + 2)
    blank = (df.astype(str).apply(lambda c: c.str.strip()) == "").all(axis=1)
    return df[~blank]


def _read_csv(raw: bytes, what: str, tab: bool) -> pd.DataFrame:
    text = decode_text(raw)
    if text is None:
        raise BallotError(f"{what}编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")
    if not text.strip():
        raise BallotError(f"{what}为空", row=1)
    header = next(line for line in text.splitlines() if line.strip())
    sep = "\t" if tab or ("\t" in header and "," not in header) else ","  # Excel's “文本文件(制表符分隔)”
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skip_blank_lines=False, sep=sep)
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
    for column in ("voter", "group", "source", "flag", *META):
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


def canonical_names(columns, aliases: dict = ALIASES) -> list[str]:
    """Headers to column names: aliases after strip and lower case (Score, SECRETARY, 得分).

    姓名 is the secretary unless another column already is (述职人 + 姓名: 姓名 is the name shown).
    """
    keys = [str(c).strip().lower() for c in columns]
    names = [aliases.get(k, k) for k in keys]
    if names.count("secretary") > 1:
        names = ["name" if k in ("姓名", "书记姓名") else n for k, n in zip(keys, names)]
    return names


def _canonical_columns(df: pd.DataFrame, header: int | None) -> pd.DataFrame:
    where = f"第 {header} 行（表头）：" if header else ""
    renamed = canonical_names(df.columns)
    for name in set(renamed):
        if name in LABELS and renamed.count(name) > 1:
            raise BallotError(f"{where}列“{name}”（{LABELS[name]}）出现了不止一次", row=header)
    for name in ("secretary", "score"):
        if name not in renamed:
            raise BallotError(f"{where}缺少列“{name}”（{LABELS[name]}）", row=header)
    return df.set_axis(renamed, axis=1).reset_index(drop=True)


def _text(column: pd.Series) -> pd.Series:
    return column.astype("string").fillna("").str.strip().astype(object)


_PLAIN = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]*\.[0-9]+")
_NUMBER_KINDS = ("ok", "empty", "decimal", "spelling", "text")


def _integers(column: pd.Series, label: str, lo: int, hi: int | None, problems) -> pd.Series:
    """Plain integers only: “10”, or “１０” typed with a Chinese input method. “1e1”, “+9”, “inf”,
    “9.0” are not how anyone writes a score: refused, not guessed. Numbers (the service) pass.

    Each distinct text is judged once (a million ballots hold a handful of spellings)."""
    if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
        v = column.to_numpy(float)
        raw = column.astype(str)
        kind = np.where(~np.isfinite(v) | (np.nan_to_num(v) % 1 != 0), 2, 0)
    else:
        raw = column.astype("string").fillna("").str.strip()
        codes, uniques = pd.factorize(raw)
        judged = [_judge(str(u)) for u in uniques]
        values = np.array([j[0] for j in judged] + [np.nan], dtype=float)
        kinds = np.array([j[1] for j in judged] + [1], dtype=np.int64)
        v, kind = values[codes], kinds[codes]  # code -1 (missing) picks the appended "empty"
    problems.add(kind == 1, lambda i: f"{label}为空")
    problems.add(kind == 2, lambda i: f"{label}“{raw.iat[i]}”不是整数")
    problems.add(kind == 3, lambda i: f"{label}“{raw.iat[i]}”不是整数的写法，请写成如“9”的整数")
    problems.add(kind == 4, lambda i: f"{label}“{raw.iat[i]}”不是数字")
    span = f"不在 {lo}–{hi} 之间" if hi is not None else f"不能小于 {lo}"
    with np.errstate(invalid="ignore"):
        out_of_range = (kind == 0) & ((v < lo) | (v > hi if hi is not None else False))
    problems.add(out_of_range, lambda i: f"{label} {raw.iat[i]} {span}")
    return pd.Series(np.where(kind == 0, np.nan_to_num(v), 0), index=column.index)


def _judge(text: str) -> tuple[float, int]:
    """(value, kind) with kind an index of _NUMBER_KINDS."""
    if _PLAIN.fullmatch(text):
        return float(text), 0
    if not text:
        return np.nan, 1
    wide = unicodedata.normalize("NFKC", text)  # “１０” -> “10”; Arabic-Indic digits stay
    if _PLAIN.fullmatch(wide):
        return float(wide), 0
    if _DECIMAL.fullmatch(wide):
        return np.nan, 2
    try:
        float(wide)
        return np.nan, 3
    except ValueError:
        return np.nan, 4


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
