"""002 附件2 “评议考核结果和问题整改清单”, every field filled from what the organizer gives.

The form: a title (“2023年度在职党支部书记评议考核结果和问题整改清单”), 填表部门 / 填表人, 考核时间、地点,
参会人员, then 序号, 党支部名称, 姓名及述职方式, 评议考核等次, 抓党建工作中存在的问题, 整改措施和整改时限, and
its note “注：可自行添加行”.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import pandas as pd
from openpyxl.styles import Alignment, Border, Font, Side

from .cells import put_row
from .errors import InputError

SHEET = "评议考核结果和问题整改清单"
HEADERS = ["序号", "党支部名称", "姓名及\n述职方式", "评议考核等次", "抓党建工作中存在的问题",
           "整改措施和整改时限"]  # 002 附件2
INFO_KEYS = {  # --info keys, Chinese or English
    "标题": "title", "年度": "year", "评议对象": "assessed", "填表部门": "department", "填表人": "filler",
    "考核时间、地点": "time_place", "考核时间地点": "time_place", "考核时间": "time", "考核地点": "place",
    "参会人员": "attendees", "注": "note",
}
_ASSESSED = ("在职党支部书记", "二级党组织书记", "党支部书记", "党总支书记", "党委书记", "党组织书记")
_COLUMNS = {"述职人": "secretary", "问题": "problem", "存在的问题": "problem", "抓党建工作中存在的问题": "problem",
            "problems": "problem", "整改措施": "measure", "measures": "measure", "整改时限": "deadline"}
_THIN = Side(style="thin")
HEADER_ROW = 5       # title, 填表部门/填表人, 考核时间、地点, 参会人员, then the table's header
# 002 §三.6, 004 §五(六): the 整改清单 lists the problems 领导点评 (上级点评) pointed out; until a secretary's list comes
# in, 附件2's problems are the 点评's, marked so that no one takes them for the secretary's own list.
FALLBACK_MARK = "（据领导点评，整改清单未交）"
NOT_IN = "（整改清单未交）"


def checklist_title(info: Mapping[str, str]) -> str:
    """“<year>年度<评议对象>评议考核结果和问题整改清单” (002 附件2), from `info`.

    A title that already is one is kept; otherwise the year and who was assessed come from
    `year` / `assessed` or the meeting's title (“2022年度上海庙镇党支部书记述职评议会”).
    """
    title = str(info.get("title", "") or "").strip()
    if title.endswith("评议考核结果和问题整改清单"):
        return title
    year = str(info.get("year", "") or "").strip().removesuffix("年度").removesuffix("年")
    if not year:
        m = re.search(r"(\d{4})\s*年", title)
        year = m.group(1) if m else ""
    assessed = str(info.get("assessed", "") or "").strip() or next((a for a in _ASSESSED if a in title), "党组织书记")
    return f"{year}年度{assessed}评议考核结果和问题整改清单" if year else f"{assessed}评议考核结果和问题整改清单"


def rectification_items(rectification: pd.DataFrame | None) -> dict[str, tuple[str, str]]:
    """secretary -> (问题 cell, 整改措施和整改时限 cell), several items numbered in their order.

    `rectification`: one row per item with secretary, problem, measure, deadline (Chinese headers
    述职人/问题/整改措施/整改时限 too; the older problems/measures columns are read as one item).
    """
    if rectification is None or not len(rectification):
        return {}
    r = rectification.rename(columns=lambda c: _COLUMNS.get(str(c).strip().lower(), str(c).strip().lower()))
    if "secretary" not in r:
        raise InputError("整改清单缺少列“secretary”（述职人）")
    items: dict[str, list[tuple[str, str]]] = {}
    for row in r.itertuples(index=False):
        sid = _text(row.secretary)
        problem, measure, deadline = (_text(getattr(row, c, "")) for c in ("problem", "measure", "deadline"))
        if not (problem or measure or deadline):
            continue
        fix = measure + (f"（整改时限：{deadline}）" if deadline else "")
        items.setdefault(sid, []).append((problem, fix))
    return {sid: tuple(_numbered([it[k] for it in its]) for k in (0, 1)) for sid, its in items.items()}


def _numbered(lines: list[str]) -> str:
    if len(lines) == 1:
        return lines[0]
    return "\n".join(f"{i}. {line}" for i, line in enumerate(lines, start=1))


def _text(value) -> str:
    return "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()


def _attendees(info: Mapping) -> str:
    value = info.get("attendees", "")
    return "、".join(map(str, value)) if isinstance(value, (list, tuple)) else _text(value)


def _time_place(info: Mapping) -> str:
    if _text(info.get("time_place")):
        return _text(info.get("time_place"))
    return "，".join(x for x in (_text(info.get("time")), _text(info.get("place"))) if x)


def fill_checklist(ws, people: pd.DataFrame, names: list[str], finals, rectification, info: Mapping,
                   dianping: Mapping[str, str] | None = None) -> list[str]:
    """Write the form on `ws`: people (secretary, org), names (“张三\\n现场述职”), final grades. A secretary with
    no 整改清单 but a 点评 (`dianping`, secretary -> text) gets the 点评 as problems, marked FALLBACK_MARK;
    returns their names."""
    fixes = rectification_items(rectification)
    stray = [sid for sid in fixes if sid not in set(people["secretary"])]
    if stray:  # a typo would silently drop a secretary's whole list
        raise InputError(f"整改清单中的述职人“{stray[0]}”不在述职人名单中")
    put_row(ws, [checklist_title(info)])
    put_row(ws, [f"填表部门：{_text(info.get('department'))}", None, None, f"填表人：{_text(info.get('filler'))}"])
    put_row(ws, [f"考核时间、地点：{_time_place(info)}"])
    put_row(ws, [f"参会人员：{_attendees(info)}"])
    for row, (a, b) in ((1, (1, 6)), (2, (1, 3)), (2, (4, 6)), (3, (1, 6)), (4, (1, 6))):
        ws.merge_cells(start_row=row, start_column=a, end_row=row, end_column=b)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    put_row(ws, HEADERS)
    fallback = []
    for i, (sid, org, name, final) in enumerate(zip(people["secretary"], people["org"], names, finals), start=1):
        problems, measures = fixes.get(sid, ("", ""))
        said = _text((dianping or {}).get(sid))
        if sid not in fixes and said:
            problems, measures = f"{said}\n{FALLBACK_MARK}", NOT_IN
            fallback.append(name.split("\n")[0])
        put_row(ws, [i, org, name, final, problems, measures])
    last = ws.max_row
    notes = ["可自行添加行"] + [n for n in [_text(info.get("note"))] if n]
    note = "注：" + ("；".join(f"{i}.{n}" for i, n in enumerate(notes, start=1)) if len(notes) > 1 else notes[0]) + "。"
    put_row(ws, [note])
    ws.merge_cells(start_row=last + 1, start_column=1, end_row=last + 1, end_column=6)
    for line in ws.iter_rows(min_row=5, max_row=last, max_col=6):
        for cell in line:
            cell.border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    for line in ws.iter_rows(min_row=2, max_row=last + 1):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    return fallback
