"""述职报告: pasted or uploaded, checked against the meeting's preset for the secretary's level.

A failing check never refuses the report: the secretary is told exactly what to fix, the organizer sees the
same checks and decides (return it with a note, or accept it). Checks are computed when shown, from the stored
text, the meeting's preset and the level set now, so a level the organizer corrects later applies at once.
"""
from __future__ import annotations

import redis.asyncio as aioredis

import scoring
from voting.errors import ApiError
from voting.meetings import Meeting

from . import documents, publication
from .levels import level_of
from .upload import Form, report_from_file

MAX_CHARS = 50_000          # 15 times 000's longest report (3000 字): a pasted report is never near it


def checks(meeting: Meeting, text: str, level: str) -> list[dict]:
    """[{code, name, ok, figure, message, cite}] by scoring.check_report (000 §三.2, 002 §三.2, 003 §六(二))."""
    return [c.as_dict() for c in scoring.check_report(text, meeting.rules, level)]


def text_of(form: Form) -> tuple[str, str, str]:
    """(text, source paste | docx | txt, filename) of a secretary's form: the file when one was chosen, else the
    pasted text. ApiError 400 (Chinese) when there is neither or the file cannot be read as a report."""
    if form.data is not None:
        try:
            text, source = report_from_file(form.filename, form.data)
        except scoring.ReportError as e:
            raise ApiError(400, str(e)) from None
        filename = form.filename
    else:
        text, source, filename = form.fields.get("text", ""), "paste", ""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise ApiError(400, "请粘贴述职报告全文，或选择 .docx / .txt 文件上传")
    if len(text) > MAX_CHARS:
        raise ApiError(400, f"述职报告过长（{len(text)} 个字符，最多 {MAX_CHARS} 个），请检查是否粘贴了多余的内容")
    return text, source, filename


async def submit(redis: aioredis.Redis, meeting: Meeting, sid: str, text: str, source: str, filename: str) -> dict:
    """Store the report (the previous version and any return note are replaced) and mark it submitted."""
    if await publication.published(redis, meeting.id):
        raise ApiError(409, "述职报告已公布，不能再修改；如需更正请联系组织部门")
    return await documents.submit(redis, meeting.id, "report", sid, {
        "text": text, "source": source, "filename": filename, "chars": scoring.count_chars(text)})


def describe(meeting: Meeting, doc: dict | None, state: dict, level: str, with_text: bool = False) -> dict:
    """What the secretary and the organizer see of one report: status, time, 字数, checks (and the text)."""
    out = {"status": state["status"], "at": state["at"], "level": level}
    if doc is None:
        return out
    found = checks(meeting, doc["text"], level)
    out.update(submitted_at=doc["at"], chars=doc["chars"], source=doc["source"], filename=doc["filename"],
               checks=found, ok=all(c["ok"] for c in found), note=doc.get("note", ""),
               returned_at=doc.get("returned_at"))
    if with_text:
        out["text"] = doc["text"]
    return out


async def view(redis: aioredis.Redis, meeting: Meeting, sid: str, with_text: bool = False) -> dict:
    return describe(meeting, await documents.load(redis, meeting.id, "report", sid),
                    await documents.state(redis, meeting.id, "report", sid), await level_of(redis, meeting, sid),
                    with_text)
