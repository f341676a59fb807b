"""Meetings from the organizer's spreadsheets (.xlsx or .csv, read with pandas).

Sheets as offices keep them: a title line may stand above the header, Chinese or English column names,
CSV saved by Excel in GB18030. A bad sheet gets a message naming the file, the row as Excel numbers it,
and the column.
"""
from __future__ import annotations

import csv
import io
import re
import unicodedata
from urllib.parse import unquote

import pandas as pd
from aiohttp import web

from scoring.decode import decode_text

from ..errors import ApiError
from ..request_body import read_form
from ..responses import json_response
from ..spec import (DEFAULT_METHOD, GROUP_MAX, METHOD_MAX, NAME_MAX, ORG_MAX, bad_group_chars, method_error,
                   method_renamed, normalize_method, parse_meeting)

# Header variants seen in organizers' sheets; the first alias found wins (党组织名称 before 单位).
SECRETARY_COLUMNS = {
    "name": ("姓名", "书记姓名", "述职人", "述职人姓名", "述职书记", "述职书记姓名", "党组织书记", "书记", "name"),
    "org": ("党组织名称", "所在党组织", "所在党组织名称", "党支部名称", "所在党支部", "党组织", "党支部", "党委名称",
            "党总支名称", "基层党组织", "单位名称", "所在单位", "单位", "工作单位", "部门", "org", "organisation",
            "organization"),
    "method": ("述职方式", "述职形式", "方式", "形式", "method"),
    "title": ("职务", "现任职务", "职务名称", "党内职务", "title", "position"),
}
ROSTER_COLUMNS = {
    "group": ("类别", "人员类别", "身份", "参会身份", "群体", "group", "voter_group"),
    "name": ("姓名", "name"),
}
# Columns the tables need but that carry nothing for the import.
IGNORED = {"序号", "编号", "no", "no."}
# A name reads as a person's when it has a Han character or a Latin letter ("１２３" or "—" does not).
LETTER = re.compile(r"[A-Za-z\u00c0-\u024f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
HEADER_SEARCH_ROWS = 10


def read_table(filename: str, data: bytes) -> pd.DataFrame:
    """All cells as text, no header yet; index i is spreadsheet row i + 1."""
    ext = filename.lower().rsplit(".", 1)[-1] if "." in filename else ""
    if ext in ("xlsx", "xlsm"):
        try:
            frame = pd.read_excel(io.BytesIO(data), header=None, dtype=str, engine="openpyxl")
        except Exception:
            raise ApiError(400, f"无法读取 {filename}：不是有效的 Excel（.xlsx）文件") from None
    elif ext in ("csv", "txt"):
        text = decode_text(data)          # UTF-8, GB18030 (Excel's "ANSI" on Chinese Windows), UTF-16
        if text is None:
            raise ApiError(400, f"无法读取 {filename}：文字编码无法识别，请另存为 UTF-8 的 CSV")
        width = max((len(r) for r in csv.reader(io.StringIO(text))), default=0)
        if width == 0:
            raise ApiError(400, f"{filename} 是空文件")
        frame = pd.read_csv(io.StringIO(text), header=None, names=range(width), dtype=str,
                            keep_default_na=False, skip_blank_lines=False)
    elif ext == "xls":
        raise ApiError(400, f"{filename} 是旧版 .xls 文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入")
    else:
        raise ApiError(400, f"{filename}：请上传 .xlsx 或 .csv 文件")
    return frame.fillna("").map(lambda v: " ".join(str(v).split()))


def header_cell(text: str) -> str:
    """"书记姓名*", "姓 名", "党组织名称（全称）" read as 书记姓名, 姓名, 党组织名称."""
    text = re.sub(r"[（(][^）)]*[）)]$", "", "".join(text.split()).replace("*", "").replace("＊", ""))
    return text.lower()


def locate(frame: pd.DataFrame, filename: str, columns: dict[str, tuple[str, ...]],
           required: str) -> tuple[int, dict[str, int]]:
    """The header row (the first that names the required column) and where each known column is."""
    for i in range(min(HEADER_SEARCH_ROWS, len(frame))):
        cells = [header_cell(c) for c in frame.iloc[i]]
        found = {}
        for key, aliases in columns.items():
            for alias in aliases:
                if alias.lower() in cells:
                    found[key] = cells.index(alias.lower())
                    break
        if required in found:
            return i, found
    names = "、".join(columns[required])
    raise ApiError(400, f"{filename} 缺少「{columns[required][0]}」列（表头可写作：{names}）")


def rows(frame: pd.DataFrame, filename: str, columns: dict, required: str, header: dict | None = None):
    """(excel row number, {key: text}) for each non-empty row under the header. `header`, when given,
    receives "found" (the keys of the columns present) and "unused" (headers of columns not read)."""
    at, where = locate(frame, filename, columns, required)
    if header is not None:
        header["found"] = set(where)
        header["unused"] = [c for j, c in enumerate(frame.iloc[at]) if c and j not in where.values()
                            and header_cell(c) not in IGNORED]
    for i in range(at + 1, len(frame)):
        values = {key: frame.iat[i, col] for key, col in where.items()}
        if any(frame.iloc[i]):
            yield i + 1, values


def as_typed(text: str) -> str:
    """NFKC and single spaces: "ＬＩ　Ｍｉｎｇ" typed with a Chinese input method is "LI Ming", and the same
    person typed two ways is one (the duplicate check compares these)."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def org_from_title(title: str) -> str:
    """职务 "上海庙村党支部书记" names the 党组织: 上海庙村党支部. Empty when it does not name one."""
    org = re.sub(r"(党组织|第一|专职|副)?书记$", "", title)
    return org if org != title and "党" in org else ""


def _rows_text(numbers: list[int]) -> str:
    shown = "、".join(map(str, numbers[:10]))
    return f"第 {shown}{' 等' if len(numbers) > 10 else ''} 行"


def secretaries(filename: str, data: bytes) -> tuple[list[dict], list[str]]:
    """The secretaries, and what the organizer should know before creating the meeting: a column the official
    tables need is missing (002 附件2 党支部名称, 述职方式), a 述职方式 read as another, columns not read."""
    out, seen, header = [], {}, {}
    blank_org, blank_method, mapped, from_title, by_name, no_letter = [], [], {}, [], {}, []
    for row, v in rows(read_table(filename, data), filename, SECRETARY_COLUMNS, "name", header):
        v = {key: as_typed(text) if key in ("name", "org", "title") else text for key, text in v.items()}
        if not v["name"]:
            raise ApiError(400, f"{filename} 第 {row} 行「姓名」为空")
        for key, label, limit in (("name", "姓名", NAME_MAX), ("org", "党组织名称", ORG_MAX),
                                  ("method", "述职方式", METHOD_MAX)):
            if len(v.get(key, "")) > limit:
                raise ApiError(400, f"{filename} 第 {row} 行「{label}」过长（最多 {limit} 个字）")
        org = v.get("org", "")
        if "org" not in v and org_from_title(v.get("title", "")):
            org = org_from_title(v["title"])
            from_title.append(row)
        elif "org" in v and not org:
            blank_org.append(row)
        written = v.get("method", "")
        method = normalize_method(written) if written else DEFAULT_METHOD
        if method is None:
            raise method_error(f"{filename} 第 {row} 行", written)
        if "method" in v and not written:
            blank_method.append(row)
        elif written and method_renamed(written, method):
            mapped.setdefault((written, method), []).append(row)
        key = (v["name"], org)
        if key in seen:
            raise ApiError(400, f"{filename} 第 {row} 行与第 {seen[key]} 行重复：{' '.join(key).strip()}")
        seen[key] = row
        by_name.setdefault(v["name"], []).append((row, org))
        if not LETTER.search(v["name"]):
            no_letter.append((row, v["name"]))
        out.append({"name": v["name"], "org": org, "method": method})
    if not out:
        raise ApiError(400, f"{filename} 中没有述职书记")
    return out, _secretary_warnings(filename, header, blank_org, blank_method, mapped, from_title) + \
        _name_warnings(filename, by_name, no_letter)


def _name_warnings(filename: str, by_name: dict[str, list[tuple[int, str]]],
                   no_letter: list[tuple[int, str]]) -> list[str]:
    """Names worth a second look before the meeting: one name on two rows (two people of one name are possible,
    one person entered twice is likelier), a name without a Han character or a letter (a number, a mark)."""
    notes = []
    for name, found in by_name.items():
        if len(found) > 1:
            orgs = "、".join(org or "未填党组织" for _, org in found)
            notes.append(f"{filename} {_rows_text([row for row, _ in found])}姓名相同：{name}（{orgs}），"
                         f"请核对是否为同一人")
    for row, name in no_letter:
        notes.append(f"{filename} 第 {row} 行姓名「{name}」没有汉字或字母，请核对")
    return notes


def _secretary_warnings(filename, header, blank_org, blank_method, mapped, from_title) -> list[str]:
    found, notes = header["found"], []
    if "org" not in found and not from_title:
        notes.append(f"{filename} 没有「党组织名称」列：官方表格（002 附件2）的「党支部名称」将为空。可补上该列后重新"
                     f"选择文件（表头可写作：党组织名称、所在党组织、党支部名称、单位）")
    if from_title:
        notes.append(f"{filename} 没有「党组织名称」列：党组织名称取自「职务」列（去掉“书记”），请核对")
    if blank_org:
        notes.append(f"{filename} {_rows_text(blank_org)}「党组织名称」为空，官方表格中将为空")
    if "method" not in found:
        notes.append(f"{filename} 没有「述职方式」列：全部按「{DEFAULT_METHOD}」记录")
    if blank_method:
        notes.append(f"{filename} {_rows_text(blank_method)}「述职方式」为空，按「{DEFAULT_METHOD}」记录")
    for (written, method), numbers in mapped.items():
        notes.append(f"{filename} {_rows_text(numbers)}述职方式「{written}」按「{method}」记录"
                     f"（004 §五(三)：线上和线下相结合或书面述职）")
    if header["unused"]:
        notes.append(f"{filename} 中以下列未导入：{'、'.join(header['unused'])}")
    return notes


def roster(filename: str, data: bytes) -> list[dict]:
    """One entry per attendee with their voter_group; names are not kept (a secret ballot needs none)."""
    out = []
    for row, v in rows(read_table(filename, data), filename, ROSTER_COLUMNS, "group"):
        if not v["group"]:
            raise ApiError(400, f"{filename} 第 {row} 行「类别」为空（如 班子成员、两代表一委员、党员代表、群众代表）")
        if len(v["group"]) > GROUP_MAX or bad_group_chars(v["group"]):
            raise ApiError(400, f"{filename} 第 {row} 行「类别」无效：{v['group'][:GROUP_MAX]}")
        out.append({"group": v["group"]})
    if not out:
        raise ApiError(400, f"{filename} 中没有参会人员")
    return out


def _name(upload: web.FileField, default: str) -> str:
    """Browsers send UTF-8 file names as they are, some clients percent-encode them."""
    return unquote(upload.filename or default)


async def read_upload(request: web.Request) -> dict:
    """A multipart form: title, mode, eligibility, preset, expected, secretaries (file), roster (file)."""
    if request.content_type not in ("multipart/form-data", "application/x-www-form-urlencoded"):
        raise ApiError(415, "请以 multipart/form-data 上传文件（字段 secretaries，可选 roster）")
    form = await read_form(request)
    upload = form.get("secretaries")
    if not isinstance(upload, web.FileField):
        raise ApiError(400, "缺少述职书记名单文件（字段 secretaries）")
    data = {k: form[k] for k in ("title", "mode", "eligibility", "preset", "direction")
            if isinstance(form.get(k), str)}
    data["secretaries"], data["warnings"] = secretaries(_name(upload, "secretaries"), upload.file.read())
    roster_file = form.get("roster")
    if isinstance(roster_file, web.FileField) and roster_file.filename:
        data["roster"] = roster(_name(roster_file, "roster"), roster_file.file.read())
    if str(form.get("expected") or "").strip():
        if not str(form["expected"]).strip().isdigit():
            raise ApiError(400, "应到人数（expected）须为整数")
        data["expected"] = int(str(form["expected"]).strip())
    return data


async def preview(request: web.Request) -> web.Response:
    """POST /api/admin/meetings/import/preview: the same form as /import, checked the same way, but nothing is
    created: the console shows what would be imported and every warning, and the organizer decides to go on."""
    data = await read_upload(request)
    spec = parse_meeting(data)
    groups: dict[str, int] = {}
    for group in spec.roster:
        groups[group] = groups.get(group, 0) + 1
    return json_response({
        "title": spec.title, "mode": spec.mode, "eligibility": spec.eligibility, "preset": spec.preset,
        "direction": spec.direction,
        "expected": spec.expected, "voter_groups": spec.voter_groups, "roster": groups,
        "secretaries": [{"name": s.name, "org": s.org, "method": s.method} for s in spec.secretaries],
        "warnings": data["warnings"] + spec.warnings})


def setup(app: web.Application) -> None:
    app.router.add_post("/api/admin/meetings/import/preview", preview)
