"""Cells that stay text: no user-supplied string becomes a live formula in Excel or WPS.

Any attendee can write `=HYPERLINK("http://…"&B2,"详情")` as a comment, and titles, names and
reasons come from people too. In .xlsx every string is written as a string cell (openpyxl would
store a str starting with "=" as a formula, and "#N/A" as an error); in .csv a text cell starting
with =, +, -, @, tab or CR gets a leading single quote, as OWASP recommends for CSV injection.
"""

from __future__ import annotations

import math

import pandas as pd
from openpyxl.cell.cell import Cell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """'=1+1' -> "'=1+1"; numbers and other text unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(df: pd.DataFrame, *, bom: bool = True) -> bytes:
    """The frame as CSV with every text cell neutralised; real numbers stay numbers.

    `bom`: UTF-8 with a byte-order mark, so Excel on Chinese Windows opens it right.
    """
    safe = df.copy()
    safe.columns = [csv_safe(str(c)) for c in safe.columns]
    for column in safe.columns:
        if not pd.api.types.is_numeric_dtype(safe[column]) or pd.api.types.is_bool_dtype(safe[column]):
            safe[column] = safe[column].map(csv_safe)
    return safe.to_csv(index=False).encode("utf-8-sig" if bom else "utf-8")


def text_cell(cell: Cell) -> Cell:
    """Make a str cell a string cell whatever it starts with; quotePrefix keeps it text when edited."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if cell.value.startswith(FORMULA_START) or cell.value.startswith("#"):
            cell.quotePrefix = True
    return cell


def put_row(ws, values) -> int:
    """Append a row with every str a string cell; returns the row number."""
    ws.append(list(values))
    row = ws.max_row
    for cell in ws[row]:
        text_cell(cell)
    return row


def put(ws, row: int, column: int, value) -> Cell:
    """One cell, string-safe."""
    cell = ws.cell(row, column)
    cell.value = value
    return text_cell(cell)


def number_as_shown(cell: Cell) -> Cell:
    """A displayed number ("8.99", "3.999", "12.5%") becomes that number with a format of as many decimals, so
    Excel and WPS show the very same text and no "number stored as text" flag. The value is the shown one, not
    the unrounded one: under "0.00" Excel would round 8.995 half-up to 9.00, a 较好 mean read as 好 (scoring.text).
    Anything else ("", a word) stays as it is."""
    text = cell.value
    if not isinstance(text, str) or not text or "e" in text.lower():
        return cell
    percent = text.endswith("%")
    digits = text.removesuffix("%")
    try:
        value = float(digits)
    except ValueError:
        return cell
    if not math.isfinite(value):
        return cell
    decimals = len(digits.partition(".")[2])
    fmt = "0" + ("." + "0" * decimals if decimals else "")
    cell.value = value / 100 if percent else value
    cell.data_type = "n"
    cell.quotePrefix = False
    cell.number_format = fmt + "%" if percent else fmt
    return cell
