"""Meetings from the organizer's spreadsheets (.xlsx or .csv, read with pandas).

Sheets as offices keep them: a title line may stand above the header, Chinese or English column names,
CSV saved by Excel in GB18030. A bad sheet gets a message naming the file, the row as Excel numbers it,
and the column.
"""
from __future__ import annotations

import csv
import io
from urllib.parse import unquote

import pandas as pd
from aiohttp import web

from .errors import ApiError, read_form
from .spec import DEFAULT_METHOD, GROUP_MAX, METHOD_MAX, NAME_MAX, ORG_MAX, bad_group_chars

SECRETARY_COLUMNS = {
    "name": ("姓名", "书记姓名", "述职人", "述职书记", "name"),
    "org": ("党组织名称", "党支部名称", "党组织", "党支部", "单位名称", "单位", "org", "organisation", "organization"),
    "method": ("述职方式", "method"),
}
ROSTER_COLUMNS = {
    "group": ("类别", "人员类别", "身份", "参会身份", "群体", "group", "voter_group"),
    "name": ("姓名", "name"),
}
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
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
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


def locate(frame: pd.DataFrame, filename: str, columns: dict[str, tuple[str, ...]],
           required: str) -> tuple[int, dict[str, int]]:
    """The header row (the first that names the required column) and where each known column is."""
    for i in range(min(HEADER_SEARCH_ROWS, len(frame))):
        cells = [c.lower() for c in frame.iloc[i]]
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


def rows(frame: pd.DataFrame, filename: str, columns: dict, required: str):
    """(excel row number, {key: text}) for each non-empty row under the header."""
    header, where = locate(frame, filename, columns, required)
    for i in range(header + 1, len(frame)):
        values = {key: frame.iat[i, col] for key, col in where.items()}
        if any(frame.iloc[i]):
            yield i + 1, values


def secretaries(filename: str, data: bytes) -> list[dict]:
    out, seen = [], {}
    for row, v in rows(read_table(filename, data), filename, SECRETARY_COLUMNS, "name"):
        if not v["name"]:
            raise ApiError(400, f"{filename} 第 {row} 行「姓名」为空")
        for key, label, limit in (("name", "姓名", NAME_MAX), ("org", "党组织名称", ORG_MAX),
                                  ("method", "述职方式", METHOD_MAX)):
            if len(v.get(key, "")) > limit:
                raise ApiError(400, f"{filename} 第 {row} 行「{label}」过长（最多 {limit} 个字）")
        key = (v["name"], v.get("org", ""))
        if key in seen:
            raise ApiError(400, f"{filename} 第 {row} 行与第 {seen[key]} 行重复：{' '.join(key).strip()}")
        seen[key] = row
        out.append({"name": v["name"], "org": v.get("org", ""), "method": v.get("method") or DEFAULT_METHOD})
    if not out:
        raise ApiError(400, f"{filename} 中没有述职书记")
    return out


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
    data = {k: form[k] for k in ("title", "mode", "eligibility", "preset") if isinstance(form.get(k), str)}
    data["secretaries"] = secretaries(_name(upload, "secretaries"), upload.file.read())
    roster_file = form.get("roster")
    if isinstance(roster_file, web.FileField) and roster_file.filename:
        data["roster"] = roster(_name(roster_file, "roster"), roster_file.file.read())
    if str(form.get("expected") or "").strip():
        if not str(form["expected"]).strip().isdigit():
            raise ApiError(400, "应到人数（expected）须为整数")
        data["expected"] = int(str(form["expected"]).strip())
    return data
