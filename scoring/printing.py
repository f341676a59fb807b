"""Page setup of the sheets an official prints: A4 landscape, one page wide, the header row on every page, and
the meeting's title and date in the page header.

The title goes into the printed page header, not into a cell above the table: the first row of 评议结果 and of
意见建议（匿名） is the header row that scripts and outside checks read (docs/scoring.md, Exports), so no row is
inserted above it. 附件2 carries its own title rows (002 附件2), and its table header repeats instead.
"""
from __future__ import annotations

from collections.abc import Mapping

from openpyxl.worksheet.worksheet import Worksheet

_HF_SPECIAL = str.maketrans({"&": "&&"})      # "&" starts a page-header code in Excel (&P, &N, &D …)


def _hf(text: str, limit: int = 80) -> str:
    """Header/footer text: & escaped, one line, and short (Excel refuses a section over 255 characters)."""
    return " ".join(str(text).split())[:limit].translate(_HF_SPECIAL)


def print_setup(ws: Worksheet, header_row: int, info: Mapping | None = None, *, sheet_label: str = "") -> None:
    """A4 landscape, fit to one page wide (as many tall as needed), the header row repeated on each page;
    page header: the meeting's title (and `sheet_label`) centred, its date right; footer: page n of m."""
    info = info or {}
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = ws.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    title = " ".join(x for x in (_hf(info.get("title", "")), _hf(sheet_label, 30)) if x)
    if title:
        ws.oddHeader.center.text = title
        ws.oddHeader.center.size = 12
        ws.oddHeader.center.font = "宋体,Bold"
    date = _hf(info.get("date", ""), 40)
    if date:
        ws.oddHeader.right.text = date
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
