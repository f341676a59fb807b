"""The secretary's H5 page (opened from their bound WeChat or their personal link): the 述职报告 and the 整改清单.

Plain HTML forms (any phone browser works); every POST answers with a redirect back to the page (a reload
never submits twice) or with the page and a Chinese message saying what to fix (4xx), keeping what was typed.
- `GET /paper/{id}`: the WeChat entry: 网页授权, then the page of the secretary this account is bound to.
- `GET /paper/{id}/{sid}[?t=…]`: the page; `POST …/report` (text or file, `action` check | submit,
  anything else 400); `POST …/rectification` (problem_N, measure_N, deadline_N, done_N; `action` submit or none).
"""
from __future__ import annotations

from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web

import scoring
from voting.appkeys import REDIS
from voting.errors import ApiError
from voting.meetings import Meeting, load_meeting

from . import prefill, publication, rectification, reports
from .identity import check_secretary, wechat_secretaries
from .levels import LEVELS
from .upload import Form, read_upload_form

NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
BLANK_ROWS = 2


async def _secretary(request: web.Request) -> tuple[Meeting, str]:
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    sid = request.match_info["sid"]
    await check_secretary(request, meeting, sid)
    return meeting, sid


def _page_url(request: web.Request, meeting: Meeting, sid: str, part: str = "", **extra: str) -> str:
    """The page (or its form's `part`), keeping the personal link's token."""
    query = {k: v for k, v in {"t": request.query.get("t", ""), **extra}.items() if v}
    return f"/paper/{meeting.id}/{sid}{part}" + ("?" + "&".join(f"{k}={quote(v)}" for k, v in query.items())
                                                if query else "")


def _published_url(request: web.Request, meeting: Meeting, pub: dict | None) -> str:
    """Where this secretary reads the published reports: the public link, or theirs (the page's own token)."""
    if pub is None:
        return ""
    if pub["audience"] == "public":
        return f"/reports/{meeting.id}?k={quote(pub['key'])}"
    return f"/reports/{meeting.id}" + (f"?t={quote(request.query['t'])}" if "t" in request.query else "")


def _rows_from(fields: dict[str, str]) -> list[dict]:
    """The 整改清单 rows as typed (a refused form is shown again with them)."""
    rows: dict[int, dict] = {}
    for name, value in fields.items():
        kind, _, n = name.rpartition("_")
        if kind in ("problem", "measure", "deadline", "done") and n.isdigit() and len(n) <= 2:
            rows.setdefault(int(n), {"problem": "", "measure": "", "deadline": "", "done": False})[kind] = \
                value not in ("", "0") if kind == "done" else value
    return [rows[n] for n in sorted(rows)]


async def _render(request: web.Request, meeting: Meeting, sid: str, status: int = 200, *,
                  report_error: str = "", draft: str | None = None, preview: dict | None = None,
                  rect_error: str = "", rows: list[dict] | None = None) -> web.Response:
    redis = request.app[REDIS]
    rules = meeting.rules
    report = await reports.view(redis, meeting, sid, with_text=True)
    rect = await rectification.view(redis, meeting, sid)
    if rows is None:    # the list as submitted; before that, a start from the 点评 and the ballots
        rows = rect.get("items") or (await prefill.starting_items(redis, meeting.id, sid) if rect["available"] else [])
    rows = (rows or []) + [{"problem": "", "measure": "", "deadline": "", "done": False}] * BLANK_ROWS
    level = report["level"]
    pub = await publication.published(redis, meeting.id)
    response = aiohttp_jinja2.render_template("paper_secretary.html", request, {
        "meeting": meeting, "secretary": next(s for s in meeting.secretaries if s["id"] == sid),
        "level_label": rules.report.label(level) or LEVELS[level], "limit": rules.report.limit(level),
        "cite": rules.report.cite, "report": report, "rect": rect, "rows": rows,
        "report_error": report_error, "rect_error": rect_error, "preview": preview,
        "draft": report.get("text", "") if draft is None else draft, "ok": request.query.get("ok", ""),
        "report_action": _page_url(request, meeting, sid, "/report"),
        "rect_action": _page_url(request, meeting, sid, "/rectification"),
        "published_url": _published_url(request, meeting, pub)}, status=status)
    response.headers.update(NO_STORE)
    return response


async def entry(request: web.Request) -> web.Response:
    """GET /paper/{id}: from WeChat, to the page of the secretary this account is bound to."""
    meeting = await load_meeting(request.app[REDIS], request.match_info["id"])
    sids = await wechat_secretaries(request, meeting)
    if not sids:
        raise ApiError(403, "您的微信尚未绑定为本次会议的述职书记：请扫描组织部门发放的个人绑定二维码，"
                            "或使用组织部门发放的个人链接")
    if len(sids) == 1:
        raise web.HTTPSeeOther(f"/paper/{meeting.id}/{sids[0]}")
    response = aiohttp_jinja2.render_template("paper_secretary.html", request, {
        "meeting": meeting, "choose": [s for s in meeting.secretaries if s["id"] in sids]})
    response.headers.update(NO_STORE)
    return response


async def page(request: web.Request) -> web.Response:
    meeting, sid = await _secretary(request)
    return await _render(request, meeting, sid)


REPORT_ACTIONS = ("check", "submit")     # the report form's two buttons; nothing else is a request


async def report_post(request: web.Request) -> web.Response:
    meeting, sid = await _secretary(request)
    redis = request.app[REDIS]
    form = Form()
    try:
        form = await read_upload_form(request)
        action = form.fields.get("action")
        if action not in REPORT_ACTIONS:        # "delete" was stored as a submission
            raise ApiError(400, "无法识别的操作：请用页面上的“先检查”或“提交述职报告”按钮")
        text, source, filename = reports.text_of(form)
        if action == "check":
            level = (await reports.view(redis, meeting, sid))["level"]
            return await _render(request, meeting, sid, draft=text, preview={
                "checks": reports.checks(meeting, text, level), "chars": scoring.count_chars(text),
                "filename": filename})
        await reports.submit(redis, meeting, sid, text, source, filename)
    except ApiError as e:
        return await _render(request, meeting, sid, e.status, report_error=e.message,
                             draft=form.fields.get("text", ""))
    raise web.HTTPSeeOther(_page_url(request, meeting, sid, ok="report"))


async def rectification_post(request: web.Request) -> web.Response:
    meeting, sid = await _secretary(request)
    form = Form()
    try:
        form = await read_upload_form(request)
        if form.fields.get("action", "submit") != "submit":
            raise ApiError(400, "无法识别的操作：请用页面上的“提交整改清单”按钮")
        await rectification.submit(request.app[REDIS], meeting, sid, rectification.parse_items(form.fields))
    except ApiError as e:
        return await _render(request, meeting, sid, e.status, rect_error=e.message, rows=_rows_from(form.fields))
    raise web.HTTPSeeOther(_page_url(request, meeting, sid, ok="rectification") + "#rectification")


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/paper/{id}", entry)
    app.router.add_get("/paper/{id}/{sid}", page)
    app.router.add_post("/paper/{id}/{sid}/report", report_post)
    app.router.add_post("/paper/{id}/{sid}/rectification", rectification_post)
