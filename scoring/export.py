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

from .quota import QuotaFinding
from .rules import Bands, Rules
from .text import fmt_mean, fmt_pct

RESULTS_SHEET = "评议结果"
CHECKLIST_SHEET = "评议考核结果和问题整改清单"  # 002 附件2
COMMENTS_SHEET = "意见建议（匿名）"
NOTES_SHEET = "说明"
RESULT_HEADERS = ["序号", "党支部名称", "姓名及述职方式", "票数", "平均分", "好票数", "较好票数", "一般票数",
                  "差票数", "一般差占比", "建议等次", "规则", "最终等次", "调整理由"]
CHECKLIST_HEADERS = ["序号", "党支部名称", "姓名及\n述职方式", "评议考核等次", "抓党建工作中存在的问题",
                     "整改措施和整改时限"]  # 002 附件2
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
                  *, as_text: bool = True) -> pd.DataFrame:
    """The results table with the documents' Chinese headers (text cells unless `as_text=False`)."""
    people = _people(results, meta)
    bands = rules.bands if rules else Bands()
    limit = [rules.low_share] if rules and rules.low_share is not None else []
    means, shares = results["mean"], results["low_share"]
    if as_text:
        means = [fmt_mean(m, [bands.hao, bands.jiaohao, bands.yiban]) if pd.notna(m) else "" for m in means]
        shares = [fmt_pct(s, limit) if pd.notna(s) else "" for s in shares]
    return pd.DataFrame({
        "序号": range(1, len(results) + 1),
        "党支部名称": people["org"].to_numpy(),
        "姓名及述职方式": _name_and_method(people, two_lines=not as_text),
        "票数": results["votes"].to_numpy(),
        "平均分": list(means),
        "好票数": results["hao"].to_numpy(), "较好票数": results["jiaohao"].to_numpy(),
        "一般票数": results["yiban"].to_numpy(), "差票数": results["cha"].to_numpy(),
        "一般差占比": list(shares),
        "建议等次": results["grade"].to_numpy(),
        "规则": results["reason"].to_numpy(),
        "最终等次": results.get("final_grade", results["grade"]).to_numpy(),
        "调整理由": results.get("override_reason", pd.Series([""] * len(results))).to_numpy(),
    })


def results_csv(results: pd.DataFrame, meta: pd.DataFrame | None = None, rules: Rules | None = None) -> bytes:
    """UTF-8 with a byte-order mark, so Excel on Chinese Windows opens it right."""
    return results_table(results, meta, rules).to_csv(index=False).encode("utf-8-sig")


def write_results_csv(results: pd.DataFrame, path: str | Path, meta: pd.DataFrame | None = None,
                      rules: Rules | None = None) -> None:
    Path(path).write_bytes(results_csv(results, meta, rules))


def results_workbook(results: pd.DataFrame, meta: pd.DataFrame | None = None,
                     comments: pd.DataFrame | None = None, *, rules: Rules | None = None,
                     rectification: pd.DataFrame | None = None, info: Mapping[str, str] | None = None,
                     findings: list[QuotaFinding] | None = None) -> bytes:
    """An .xlsx: results, 002 附件2 checklist, anonymous comments, and notes on rules and quotas.

    `rectification`: secretary, problems, measures (the 整改清单 a secretary submitted);
    `info`: title, department (填表部门), filler (填表人), time_place, attendees (参会人员).
    """
    wb = Workbook()
    _results_sheet(wb.active, results, meta, rules)
    _checklist_sheet(wb.create_sheet(CHECKLIST_SHEET), results, meta, rectification, dict(info or {}))
    _comments_sheet(wb.create_sheet(COMMENTS_SHEET), results, meta, comments)
    if rules is not None or findings:
        _notes_sheet(wb.create_sheet(NOTES_SHEET), rules, findings or [])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _results_sheet(ws, results, meta, rules) -> None:
    ws.title = RESULTS_SHEET
    table = results_table(results, meta, rules, as_text=False)
    text = results_table(results, meta, rules)
    ws.append(RESULT_HEADERS)
    for r, row in enumerate(table.itertuples(index=False), start=2):
        ws.append([None if isinstance(v, float) and pd.isna(v) else v for v in row])
        mean_text, share_text = text.at[r - 2, "平均分"], text.at[r - 2, "一般差占比"]
        ws.cell(r, 5).number_format = _decimals_format(mean_text)
        ws.cell(r, 10).number_format = _decimals_format(share_text.rstrip("%")) + "%"
    _style(ws, [6, 18, 16, 6, 8, 6, 8, 8, 6, 10, 8, 48, 8, 24])


def _decimals_format(text: str) -> str:
    decimals = len(text.split(".")[1]) if "." in text else 0
    return "0." + "0" * decimals if decimals else "0"


def _checklist_sheet(ws, results, meta, rectification, info) -> None:
    people = _people(results, meta)
    fixes = {}
    if rectification is not None:
        for sid, p, m in zip(rectification["secretary"].astype(str), rectification["problems"], rectification["measures"]):
            fixes[sid] = ("" if pd.isna(p) else str(p), "" if pd.isna(m) else str(m))
    ws.append([info.get("title", "评议考核结果和问题整改清单")])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    ws.append([f"填表部门：{info.get('department', '')}", None, None, f"填表人：{info.get('filler', '')}"])
    ws.append([f"考核时间、地点：{info.get('time_place', '')}"])
    ws.append([f"参会人员：{info.get('attendees', '')}"])
    ws.append(CHECKLIST_HEADERS)
    finals = results.get("final_grade", results["grade"])
    names = _name_and_method(people, two_lines=True)
    for i, (sid, org, name, final) in enumerate(zip(people["secretary"], people["org"], names, finals), start=1):
        problems, measures = fixes.get(sid, ("", ""))
        ws.append([i, org, name, final, problems, measures])
    _style(ws, [6, 20, 14, 12, 40, 40], header_row=5)


def _comments_sheet(ws, results, meta, comments) -> None:
    ws.append(COMMENT_HEADERS)
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
            ws.append([i, org, name, p, s])
    _style(ws, [6, 20, 12, 50, 50])


def _notes_sheet(ws, rules, findings) -> None:
    ws.append(["项目", "内容"])
    if rules is not None:
        ws.append(["评议规则", f"{rules.title or rules.name}（{rules.name}）"])
        if rules.ballot.note:
            ws.append(["评议表说明", rules.ballot.note])
    for f in findings:
        ws.append(["等次比例" + ("" if f.ok else "（不符合）"), f.message])
    _style(ws, [16, 90])


def _style(ws, widths, header_row: int = 1) -> None:
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for cell in ws[header_row]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=header_row):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = ws.cell(header_row + 1, 1)
