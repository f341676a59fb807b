"""The attendee's ballot page and its form (plain HTML, so any phone browser works, with or without script).

What it must never do: look complete when it is not (batch mode: "还有 15 位未评"), or lose a change without a
word (a secretary closed while the phone was editing: say what was saved and what was not).
"""
from __future__ import annotations

import secrets
import time

import aiohttp_jinja2
from aiohttp import web

from scoring.text import GRADES

from ..appkeys import REDIS, SETTINGS
from ..ballots import cast, parse_ballot
from ..errors import ApiError
from ..request_body import read_form
from ..meetings import Meeting
from ..store.keys import meeting_keys
from .state import meeting_state
from .voter_api import stored_ballots

NO_STORE = {"Cache-Control": "no-store"}
BUTTONS_PER_ROW = 5             # two rows of five: 44 px buttons at 390 px, no sideways scrolling at 200 % zoom
STATUS = {"open": "进行中", "closed": "已结束", "waiting": "未开始"}


def ballot_bands(meeting: Meeting) -> list[tuple[str, list[int]]]:
    """The form's columns, from the rules that grade this meeting (004 附件1: 好=10, 较好=9–7, 一般=6–4,
    差=3–1), so the buttons never say one thing while the grading counts another."""
    form = meeting.rules.ballot
    columns: dict[str, list[int]] = {}
    for score in range(10, 0, -1):
        columns.setdefault(GRADES[form.category(score)], []).append(score)
    return list(columns.items())


def button_rows(bands: list[tuple[str, list[int]]]) -> list[list[dict]]:
    """10…1 in rows of five; each row split where the band changes, every part labelled with its band, so the
    好/较好/一般/差 columns stay visible whatever the split (下评's 好 10, 较好 9–8, … as well as 004's)."""
    colour = {band: i for i, (band, _) in enumerate(bands, 1)}
    band_of = {n: band for band, scores in bands for n in scores}
    rows = []
    for start in range(10, 0, -BUTTONS_PER_ROW):
        row: list[dict] = []
        for n in range(start, max(start - BUTTONS_PER_ROW, 0), -1):
            if row and row[-1]["band"] == band_of[n]:
                row[-1]["scores"].append(n)
            else:
                row.append({"band": band_of[n], "colour": colour[band_of[n]], "scores": [n]})
        rows.append(row)
    return rows


async def render(request: web.Request, meeting: Meeting, voter: dict, done=(), errors=None, notices=(),
                 status=200) -> web.Response:
    """The page: open secretaries as a form, the state of every secretary, the countdown, and `notices`
    ({text, saved: bool}) about changes that came too late."""
    redis = request.app[REDIS]
    state = await meeting_state(redis, meeting, request.app[SETTINGS].anonymity_min_group)
    mine = await stored_ballots(redis, meeting, voter["v"])
    bands = ballot_bands(meeting)
    band_of = {n: band for band, scores in bands for n in scores}
    items = []
    for s in meeting.secretaries:
        current = mine.get(s["id"])
        items.append({**s, "status": "open" if s["id"] in state["open"] else
                      "closed" if s["id"] in state["closed"] else "waiting",
                      "score": current["score"] if current else None,
                      "problems": current["problems"] if current else "",
                      "suggestions": current["suggestions"] if current else "",
                      "ballot_id": secrets.token_urlsafe(12)})
    open_items = [i for i in items if i["status"] == "open"]
    unscored = [i for i in open_items if not i["score"]]
    by_id = {i["id"]: i for i in items}
    response = aiohttp_jinja2.render_template("ballot.html", request, {
        "meeting": meeting, "items": items, "open": open_items, "unscored": unscored,
        "done": [by_id[sid] for sid in done if sid in by_id and by_id[sid]["score"]],
        "errors": errors or {}, "notices": list(notices), "bands": bands, "rows": button_rows(bands),
        "band_of": band_of, "status_text": STATUS, "group": voter["g"], "over": state["over"],
        "deadline": state["deadline"], "server_now": time.time()}, status=status)
    response.headers.update(NO_STORE)
    return response


def form_sids(form, meeting: Meeting) -> list[str]:
    """The secretaries a submitted form names: each at most once and each of this meeting (so never more than
    the meeting has), checked before any ballot is cast: a form repeating one sid 1,000 times would otherwise run
    1,000 scripts."""
    sids = form.getall("sid", [])
    if any(not isinstance(sid, str) or sid not in meeting.names for sid in sids):
        raise ApiError(400, "表单中有本次会议没有的书记，请刷新页面后重新提交")
    if len(set(sids)) != len(sids):
        raise ApiError(400, "表单中同一位书记出现了多次，请刷新页面后重新提交")
    return sids


def late_notice(name: str, sent: dict, stored: dict | None, band_of: dict) -> dict:
    """What to tell the attendee whose ballot for `name` arrived after that secretary closed."""
    if stored == sent:
        return {"text": f"{name} 的测评已结束，您的评分 {stored['score']} 分（{band_of[stored['score']]}）已保存",
                "saved": True}
    kept = (f"已保存的是您之前的评分：{stored['score']} 分（{band_of[stored['score']]}）" if stored
            else "您没有为其保存评分")
    return {"text": f"{name} 的测评已结束，您刚才的修改未保存。{kept}", "saved": False}


async def vote_form(request: web.Request, meeting: Meeting, voter: dict) -> web.Response:
    """One form for every open secretary; each filled score is its own ballot with its own ballot_id."""
    form = await read_form(request)
    sids = form_sids(form, meeting)
    ballots, errors = [], {}
    for sid in sids:
        score = str(form.get(f"score_{sid}", ""))
        data = {"ballot_id": form.get(f"ballot_{sid}"), "secretary": sid, "score": score,
                "problems": form.get(f"problems_{sid}", ""), "suggestions": form.get(f"suggestions_{sid}", "")}
        if not score:
            if str(data["problems"]).strip() or str(data["suggestions"]).strip():
                errors[sid] = "请先选择分数，再提交意见"
            continue
        try:
            ballots.append(parse_ballot(data))
        except ApiError as e:
            errors[sid] = e.message
    if not ballots and not errors:
        errors["_"] = "请至少为一位书记选择分数"
    done, refused, status = [], [], 400 if errors else 200
    for b in ballots:
        try:
            await cast(request.app, meeting.id, voter["v"], b)
            done.append(b.secretary)
        except ApiError as e:
            if e.status == 409:               # closed (or archived) meanwhile: said per secretary below
                refused.append(b)
            else:
                errors[b.secretary] = e.message
            status = e.status
    if not errors and not refused:
        raise web.HTTPSeeOther(f"/m/{meeting.id}?done={','.join(done)}")
    notices = []
    if refused:
        redis = request.app[REDIS]
        closed = await redis.smismember(meeting_keys(meeting.id).closed, [b.secretary for b in refused])
        mine = await stored_ballots(redis, meeting, voter["v"])
        band_of = {n: band for band, scores in ballot_bands(meeting) for n in scores}
        for b, is_closed in zip(refused, closed):
            name = meeting.names[b.secretary]
            if is_closed:
                notices.append(late_notice(name, {"score": b.score, "problems": b.problems,
                                                  "suggestions": b.suggestions}, mine.get(b.secretary), band_of))
            else:
                errors["_"] = f"{name}：该书记的测评尚未开始，请等待主持人开启"
    return await render(request, meeting, voter, done=done, errors=errors, notices=notices, status=status)
