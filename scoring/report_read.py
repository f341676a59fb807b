"""Read a 述职报告 (.docx or .txt) to text, whatever the bytes: every failure is a Chinese message.

A secretary uploads it to the service, or an organizer checks it with `python -m scoring report`.
Files are limited to 5 MB, and a .docx to 50 MB unpacked (a small zip can unpack to gigabytes).
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from .decode import decode_text
from .errors import InputError

MAX_BYTES = 5 * 1024 * 1024
MAX_UNPACKED = 50 * 1024 * 1024
TYPES = (".docx", ".txt")
_OTHER = {
    ".doc": "是旧版 Word（.doc）文件，请在 Word/WPS 中另存为 .docx",
    ".wps": "是 WPS 文字（.wps）文件，请另存为 .docx",
    ".pdf": "是 PDF 文件，无法统计字数和结构",
}


class ReportError(InputError):
    """The report cannot be read: wrong type, corrupt, too large, empty or undecodable."""


def read_report(source: str | Path | bytes, filename: str | None = None) -> str:
    """The report's text, one paragraph per line (table cells included, in document order).

    `source`: a path, or the uploaded bytes with their `filename` (only its suffix is used).
    Raises ReportError with a message a secretary can act on.
    """
    path = None
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), str(filename or "")
    else:
        path = Path(source)
        name = filename or path.name
    suffix = Path(name).suffix.lower()
    label = f"“{name}”" if name else "文件"
    if suffix not in TYPES:
        reason = _OTHER.get(suffix, f"类型“{suffix or '无扩展名'}”不支持")
        raise ReportError(f"{label}{reason}（述职报告请上传 .docx 或 .txt）")
    if path is not None:
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ReportError(f"{label}超过 5 MB，请精简后再上传")
            data = path.read_bytes()
        except FileNotFoundError:
            raise ReportError(f"找不到文件“{path}”") from None
        except IsADirectoryError:
            raise ReportError(f"“{path}”是目录，不是述职报告") from None
        except OSError as exc:
            raise ReportError(f"无法读取“{path}”：{exc.strerror or exc}") from None
    if len(data) > MAX_BYTES:
        raise ReportError(f"{label}超过 5 MB，请精简后再上传")
    if not data:
        raise ReportError(f"{label}是空文件")
    text = _docx(data, label) if suffix == ".docx" else _txt(data, label)
    if not text.strip():
        raise ReportError(f"{label}中没有文字")
    return text


def _txt(data: bytes, label: str) -> str:
    text = decode_text(data)
    if text is None:
        raise ReportError(f"{label}的编码无法识别，请另存为 UTF-8 或 GBK 编码的文本文件")
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\n\r\f")
    if "\x00" in text or controls > max(10, len(text) // 100):
        raise ReportError(f"{label}不是文本文件（含有二进制内容），请上传 .docx 或 .txt")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _docx(data: bytes, label: str) -> str:
    bad = f"{label}不是有效的 .docx 文件（已损坏，或不是 Word 文档），请在 Word/WPS 中重新另存为 .docx"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "word/document.xml" not in z.namelist():
                raise ReportError(bad)
            if sum(i.file_size for i in z.infolist()) > MAX_UNPACKED:
                raise ReportError(f"{label}解压后过大，请精简后再上传")
    except ReportError:
        raise
    except Exception:  # BadZipFile, LargeZipFile, struct errors …
        raise ReportError(bad) from None
    try:
        import docx  # python-docx
        from docx.table import Table

        document = docx.Document(io.BytesIO(data))
        lines = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):  # a merged cell repeats in row.cells: once each
                cells = {id(c._tc): c for row in block.rows for c in row.cells}.values()
                lines += [p.text for cell in cells for p in cell.paragraphs]
            else:
                lines.append(block.text)
    except Exception:  # lxml, KeyError, ValueError …: one message for a broken file
        raise ReportError(bad) from None
    return "\n".join(lines)
