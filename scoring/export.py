"""Official tables: the results table (.xlsx/.csv), 002 附件2 and the anonymous comments.

Column and sheet names are the documents' Chinese. Comments are read by three columns only, so
no voter reference can reach a secretary through this module.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from .cells import csv_bytes, number_as_shown, put_row
from .checklist import HEADERS as CHECKLIST_HEADERS
from .checklist import FALLBACK_MARK, fill_checklist
from .checklist import HEADER_ROW as CHECKLIST_HEADER_ROW
from .checklist import SHEET as CHECKLIST_SHEET
from .printing import print_setup
from .quota import QuotaFinding
from .rules import Rules
from .text import mean_text, share_text

RESULTS_SHEET = "评议结果"
COMMENTS_SHEET = "意见建议（匿名）"
NOTES_SHEET = "说明"
RAW_MEAN, RAW_SHARE = "平均分（未舍入）", "一般差占比（未舍入）"
DIANPING = "领导点评"   # 001 第五条, 004 §六(三): 听取述职的上级党组织书记“一述一评”逐一点评
RESULT_HEADERS = ["序号", "党支部名称", "姓名及述职方式", "票数", "平均分", "好票数", "较好票数", "一般票数",
                  "差票数", "一般差占比", "建议等次", "规则", "最终等次", "调整理由", RAW_MEAN, RAW_SHARE]
COMPOSITE_HEADERS = {  # 003 §三(一), §五(三)
    "secretary": "述职人", "unit": "单位", "daily": "日常管理", "field": "实地核查", "survey": "民意调查",
    "meeting_mean": "述职测评平均分", "daily_points": "日常管理（20%）", "field_points": "实地核查（50%）",
    "survey_points": "民意调查（10%）", "meeting_points": "述职测评（20%）", "total": "综合得分", "rank": "排名",
    "bottom_position": "倒数名次", "performance_deduction": "年终绩效考核扣分", "grade": "综合评价等次",
    "reason": "依据", "note": "备注", "consequence": "结果运用",
}
__all__ = ["CHECKLIST_HEADERS", "CHECKLIST_SHEET", "RESULT_HEADERS", "results_table", "results_csv",
           "write_results_csv", "results_workbook", "composite_workbook"]
COMMENT_HEADERS = ["序号", "党支部名称", "姓名", "存在的问题和不足", "意见建议"]  # 004 附件1


def _people(results: pd.DataFrame, meta: pd.DataFrame | None) -> pd.DataFrame:
    """secretary -> name, org, method; without meta the id is the name."""
    people = pd.DataFrame({"secretary": results["secretary"].astype(str)})
    if meta is not None:
        m = meta.assign(secretary=meta["secretary"].astype(str)).drop_duplicates("secretary")
        people = people.merge(m[[c for c in ("secretary", "name", "org", "method") if c in m]],
                              on="secretary", how="left")
    for column in ("name", "org", "method"):
        if column not in people:
            people[column] = ""
        people[column] = people[column].fillna("").astype(str)
    people["name"] = people["name"].where(people["name"] != "", people["secretary"])
    return people


def _name_and_method(people: pd.DataFrame, two_lines: bool) -> list[str]:
    """002 附件2 “姓名及述职方式”: 张三 over 现场述职 in a cell; 张三（现场述职） on one line."""
    return [(f"{n}\n{m}" if two_lines else f"{n}（{m}）") if m else n
            for n, m in zip(people["name"], people["method"])]


def results_table(results: pd.DataFrame, meta: pd.DataFrame | None = None, rules: Rules | None = None,
                  *, two_lines: bool = False, dianping: Mapping[str, str] | None = None) -> pd.DataFrame:
    """The results table with the documents' Chinese headers.

    平均分 and 一般差占比 are the text every page shows (`mean_text`, `share_text`: 8.995 reads 8.99,
    never 9.00); the unrounded numbers follow for anyone who recomputes. `dianping` (secretary ->
    the chair's 点评) adds the column 领导点评 last.
    """
    people = _people(results, meta)
    table = pd.DataFrame({
        "序号": range(1, len(results) + 1),
        "党支部名称": people["org"].to_numpy(),
        "姓名及述职方式": _name_and_method(people, two_lines=two_lines),
        "票数": results["votes"].to_numpy(),
        "平均分": [mean_text(m, rules) for m in results["mean"]],
        "好票数": results["hao"].to_numpy(), "较好票数": results["jiaohao"].to_numpy(),
        "一般票数": results["yiban"].to_numpy(), "差票数": results["cha"].to_numpy(),
        "一般差占比": [share_text(s, rules) for s in results["low_share"]],
        "建议等次": results["grade"].to_numpy(),
        "规则": results["reason"].to_numpy(),
        "最终等次": results.get("final_grade", results["grade"]).to_numpy(),
        "调整理由": results.get("override_reason", pd.Series([""] * len(results))).to_numpy(),
        RAW_MEAN: results["mean"].to_numpy(float),
        RAW_SHARE: results["low_share"].to_numpy(float),
    })
    if dianping is not None:
        table[DIANPING] = [str(dianping.get(sid, "") or "") for sid in people["secretary"]]
    return table


def results_csv(results: pd.DataFrame, meta: pd.DataFrame | None = None, rules: Rules | None = None,
                dianping: Mapping[str, str] | None = None) -> bytes:
    """UTF-8 with a byte-order mark (Excel on Chinese Windows), text cells safe from formulas."""
    return csv_bytes(results_table(results, meta, rules, dianping=dianping))


def write_results_csv(results: pd.DataFrame, path: str | Path, meta: pd.DataFrame | None = None,
                      rules: Rules | None = None) -> None:
    Path(path).write_bytes(results_csv(results, meta, rules))


def results_workbook(results: pd.DataFrame, meta: pd.DataFrame | None = None,
                     comments: pd.DataFrame | None = None, *, rules: Rules | None = None,
                     rectification: pd.DataFrame | None = None, info: Mapping | None = None,
                     findings: list[QuotaFinding] | None = None, dianping: Mapping[str, str] | None = None,
                     notes: list[tuple[str, str]] | None = None) -> bytes:
    """An .xlsx: results, 002 附件2 checklist, anonymous comments, and notes on rules and quotas.

    `rectification`: the 整改清单 the secretaries submitted, one row per item: secretary, problem,
    measure, deadline (see `checklist.rectification_items`). `info`: title, year, assessed,
    department (填表部门), filler (填表人), time_place (or time, place), attendees (str or list),
    note; date (the page header's right side). `dianping`: secretary -> the chair's 点评: the column
    领导点评 of 评议结果, and 附件2's problems where no 整改清单 came in. `notes`: more (项目, 内容) rows
    of 说明. Every str is written as a string cell: nothing a person typed becomes a formula.
    """
    info = dict(info or {})
    wb = Workbook()
    _results_sheet(wb.active, results, meta, rules, dianping, info)
    people = _people(results, meta)
    fallback = fill_checklist(wb.create_sheet(CHECKLIST_SHEET), people, _name_and_method(people, two_lines=True),
                              results.get("final_grade", results["grade"]), rectification, info, dianping)
    _style_widths(wb[CHECKLIST_SHEET], [6, 20, 14, 12, 40, 40])
    print_setup(wb[CHECKLIST_SHEET], CHECKLIST_HEADER_ROW, {"date": info.get("date", "")})
    _comments_sheet(wb.create_sheet(COMMENTS_SHEET), results, meta, comments)
    print_setup(wb[COMMENTS_SHEET], 1, info, sheet_label=COMMENTS_SHEET)
    notes = list(notes or [])
    if dianping is not None:
        notes.append((DIANPING, "“评议结果”最后一列“领导点评”为听取述职的上级党组织书记“一述一评”逐一所作的点评"
                                "（001 第五条；004 §六(三)），按组织部门在发件箱“反馈本人”处最后保存的文字。"))
    if fallback:
        names = "、".join(fallback)
        notes.append(("整改清单未交", f"{names}尚未提交整改清单。附件2“抓党建工作中存在的问题”暂据领导点评填写（标注"
                                      f"“{FALLBACK_MARK}”）：整改清单应梳理领导点评指出的问题（002 §三.6；004 §五(六)），"
                                      "提交后以整改清单为准。"))
    if rules is not None or findings or notes:
        _notes_sheet(wb.create_sheet(NOTES_SHEET), rules, findings or [], notes)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def composite_workbook(result: pd.DataFrame, items: pd.DataFrame | None = None, rules: Rules | None = None,
                       notes: list[str] | None = None) -> bytes:
    """The 003 composite (`composite.composite`) with Chinese headers; the 实地核查 items when given."""
    wb = Workbook()
    ws = wb.active
    ws.title = "综合考评"
    columns = [c for c in COMPOSITE_HEADERS if c in result]
    put_row(ws, [COMPOSITE_HEADERS[c] for c in columns])
    for row in result[columns].itertuples(index=False):
        put_row(ws, [None if isinstance(v, float) and pd.isna(v) else v for v in row])
    _style(ws, [12 if c not in ("reason", "note", "consequence") else 40 for c in columns])
    if items is not None:
        detail = wb.create_sheet("实地核查明细")
        put_row(detail, ["述职人", "核实项目", "所属部分", "分值", "扣分", "加分", "得分"])
        for row in items.itertuples(index=False):
            put_row(detail, list(row))
        _style(detail, [12, 8, 30, 6, 6, 6, 6])
    if rules is not None or notes:
        ws = wb.create_sheet(NOTES_SHEET)
        put_row(ws, ["项目", "内容"])
        if rules is not None:
            put_row(ws, ["评议规则", f"{rules.title or rules.name}（{rules.name}）"])
        for note in notes or []:
            put_row(ws, ["提示", note])
        _style(ws, [16, 90])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _results_sheet(ws, results, meta, rules, dianping, info) -> None:
    """平均分 and 一般差占比 are numbers with as many decimals as the page shows (`number_as_shown`: 8.995 is
    8.99 under "0.00", never 9.00), the unrounded numbers beside them in General format."""
    ws.title = RESULTS_SHEET
    table = results_table(results, meta, rules, two_lines=True, dianping=dianping)
    put_row(ws, list(table.columns))
    shown = [table.columns.get_loc(c) + 1 for c in ("平均分", "一般差占比")]
    for row in table.itertuples(index=False):
        r = put_row(ws, [None if isinstance(v, float) and pd.isna(v) else v for v in row])
        for column in shown:
            number_as_shown(ws.cell(r, column))
    _style(ws, [6, 18, 16, 6, 8, 6, 8, 8, 6, 10, 8, 40, 8, 24, 12, 12] + ([40] if dianping is not None else []))
    print_setup(ws, 1, info, sheet_label=RESULTS_SHEET)


def _comments_sheet(ws, results, meta, comments) -> None:
    put_row(ws, COMMENT_HEADERS)
    if comments is not None and len(comments):
        people = _people(results, meta).set_index("secretary")
        c = pd.DataFrame({"secretary": comments["secretary"].astype(str),
                          "problems": comments["problems"].fillna("").astype(str).str.strip(),
                          "suggestions": comments["suggestions"].fillna("").astype(str).str.strip()})
        c = c[(c["problems"] != "") | (c["suggestions"] != "")]
        order = {sid: i for i, sid in enumerate(results["secretary"].astype(str))}
        c = c.assign(_o=c["secretary"].map(order).fillna(len(order))).sort_values("_o", kind="stable")
        for i, (sid, p, s) in enumerate(zip(c["secretary"], c["problems"], c["suggestions"]), start=1):
            org = people.at[sid, "org"] if sid in people.index else ""
            name = people.at[sid, "name"] if sid in people.index else sid
            put_row(ws, [i, org, name, p, s])
    _style(ws, [6, 20, 12, 50, 50])


def _notes_sheet(ws, rules, findings, notes=()) -> None:
    put_row(ws, ["项目", "内容"])
    if rules is not None:
        put_row(ws, ["评议规则", f"{rules.title or rules.name}（{rules.name}）"])
        if rules.ballot.note:
            put_row(ws, ["评议表说明", rules.ballot.note])
        put_row(ws, ["平均分显示", "“平均分”“一般差占比”为数值，显示的位数与页面一致（一般两位小数，"
                                   "需要时更多，使显示值不跨越等次分数线），未舍入的数值见“平均分（未舍入）”"
                                   "“一般差占比（未舍入）”两列"])
    for f in findings:
        put_row(ws, ["等次比例" + ("" if f.ok else "（不符合）"), f.message])
    for item, text in notes:
        put_row(ws, [item, text])
    _style(ws, [16, 90])


def _style_widths(ws, widths) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width


def _style(ws, widths, header_row: int = 1) -> None:
    _style_widths(ws, widths)
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(header_row + 1, 1)
