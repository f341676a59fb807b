"""Bytes of a text file as Chinese offices save them: UTF-8 (with or without BOM), GBK, UTF-16."""

from __future__ import annotations


def decode_text(data: bytes) -> str | None:
    """The text, or None when no encoding fits.

    Excel and Notepad on Chinese Windows save “ANSI” = GBK (read as its superset GB18030);
    Notepad's “Unicode” is UTF-16 with a byte-order mark.
    """
    encodings = ("utf-16",) if data.startswith((b"\xff\xfe", b"\xfe\xff")) else ("utf-8-sig", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None
