"""A secretary's form with an uploaded 述职报告: read within limits, the file judged by its bytes, not its name.

The file may be at most 5 MB (scoring.report_read.MAX_BYTES) and must be named .docx or .txt; its content
must then be a Word document or text (a .pdf renamed .docx is refused as the PDF it is). A multipart body is
read part by part, so a 6 MB file gets its own Chinese message instead of the app's generic body limit, and
nothing beyond the limit is read. Every malformed body is a 400, never a traceback.
"""
from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import unquote

from aiohttp import MultipartReader, web

import scoring
from scoring.report_read import MAX_BYTES, TYPES
from voting.errors import ApiError
from voting.request_body import has_lone_surrogate, read_form

FIELD_LIMIT = 256 * 1024           # any text field (a pasted report is far smaller)
MAX_PARTS = 40
_CONTENT = {  # signature -> what the bytes are, said to the secretary
    b"%PDF": "PDF 文件，无法统计字数和结构",
    b"\xd0\xcf\x11\xe0": "旧版 Word（.doc）或 WPS 文件，请在 Word/WPS 中另存为 .docx",
    b"{\\rtf": "RTF 文件，请在 Word/WPS 中另存为 .docx",
    b"\x89PNG": "图片，无法读取文字", b"\xff\xd8\xff": "图片，无法读取文字", b"GIF8": "图片，无法读取文字",
    b"Rar!": "压缩包", b"7z\xbc\xaf": "压缩包", b"\x1f\x8b": "压缩包",
}
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass
class Form:
    fields: dict[str, str] = field(default_factory=dict)
    filename: str = ""
    data: bytes | None = None       # the uploaded file, None when no file was chosen


def clean_filename(name: str) -> str:
    """The file's own name for messages: no path, no control characters, at most 80 characters. A name sent
    as RFC 5987 `filename*=UTF-8''…` arrives percent-encoded: it is decoded."""
    try:
        name = unquote(name, errors="strict")
    except UnicodeDecodeError:
        pass
    base = PureWindowsPath(PurePosixPath(name).name).name
    return _CONTROL.sub("", base).strip()[-80:]


async def read_upload_form(request: web.Request) -> Form:
    """The fields and the one file of a form posted as multipart/form-data or urlencoded."""
    if request.content_type != "multipart/form-data":
        if request.content_type != "application/x-www-form-urlencoded":
            raise ApiError(415, "请通过页面上的表单提交")
        form = await read_form(request)
        return Form(fields={k: v for k, v in form.items() if isinstance(v, str)})
    try:
        return await _multipart(await request.multipart())
    except (ApiError, asyncio.CancelledError):
        raise
    except Exception:           # malformed boundaries, headers, encodings, a body cut short …
        raise ApiError(400, "提交的内容无法识别，请刷新页面后重新提交") from None


async def _multipart(reader: MultipartReader) -> Form:
    form = Form()
    for _ in range(MAX_PARTS):
        part = await reader.next()
        if part is None:
            return form
        if isinstance(part, MultipartReader):
            raise ApiError(400, "提交的内容无法识别，请刷新页面后重新提交")
        if part.filename is not None:
            data = await _read(part, MAX_BYTES, "文件超过 5 MB，请删去图片等内容后再上传，或直接粘贴文字")
            if part.filename or data:
                if form.data is not None:
                    raise ApiError(400, "一次只能上传一个文件")
                form.filename, form.data = clean_filename(part.filename) or "未命名文件", data
            continue
        raw = await _read(part, FIELD_LIMIT, "填写的内容过长")
        text = raw.decode("utf-8")      # the page is UTF-8: anything else is not from it (-> 400)
        if has_lone_surrogate(text) or "\x00" in text:
            raise ApiError(400, "填写的内容含有无效的字符")
        form.fields[part.name or ""] = text
    raise ApiError(400, "提交的内容过多")


async def _read(part, limit: int, too_large: str) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk(64 * 1024):
        data += chunk
        if len(data) > limit:
            raise ApiError(413, too_large)
    return bytes(data)


def content_kind(data: bytes) -> str:
    """docx (any zip: a broken one is judged by scoring.read_report), text, or what else the bytes are."""
    if data.startswith(b"PK\x03\x04"):
        return "docx"
    for signature, what in _CONTENT.items():
        if data.startswith(signature):
            return what
    return "text"


def report_from_file(filename: str, data: bytes) -> tuple[str, str]:
    """(text, source docx | txt) of an uploaded report; scoring.ReportError (Chinese) when it is not one."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix not in TYPES:     # scoring's message for .pdf, .doc, .wps and the rest (it always raises here)
        scoring.read_report(data, filename)
    kind = content_kind(data)
    if kind not in ("docx", "text"):
        raise scoring.ReportError(f"“{filename}”的内容是{kind}（与扩展名 {suffix} 不符）；述职报告请上传 .docx 或 .txt")
    source = "docx" if kind == "docx" else "txt"
    name = filename if suffix == f".{source}" else f"{PurePosixPath(filename).stem}.{source}"
    return scoring.read_report(data, name), source
