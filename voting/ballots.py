"""Casting a ballot: validate, then one atomic Lua script (lua/cast.lua) does everything else."""
from __future__ import annotations

import re
from dataclasses import dataclass

from aiohttp import web

from .appkeys import SCRIPTS, SETTINGS, SIGNER
from .errors import ApiError
from .request_body import read_json
from .responses import json_response
from .meetings import check_meeting_id
from .store.keys import meeting_keys

MAX_COMMENT = 500
BALLOT_ID = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SCORE_TEXT = re.compile(r"[0-9]{1,2}")
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")

CAST_ERRORS = {
    "no_meeting": (404, "会议不存在"),
    "not_eligible": (403, "您不在本次会议的投票人员中，请重新扫码加入"),
    "closed": (409, "该书记的测评已结束，不能再投票或修改"),
    "not_open": (409, "该书记的测评尚未开始，请等待主持人开启"),
    "no_secretary": (404, "本次会议没有这位述职书记"),
    "finalized": (409, "本次会议的评议已经结束"),
}


@dataclass(frozen=True)
class Ballot:
    ballot_id: str
    secretary: str
    score: int
    problems: str = ""
    suggestions: str = ""


def parse_score(value) -> int:
    """004 附件1: one overall score, an integer from 10 down to 1. Text is ASCII or full-width digits only:
    str.isdigit() also takes "²" (which int() refuses) and "٣" (which int() reads as 3)."""
    if isinstance(value, str):
        text = value.strip().translate(_FULL_WIDTH_DIGITS)
        if _SCORE_TEXT.fullmatch(text):
            value = int(text)
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
        raise ApiError(400, "分数须为 1 到 10 的整数")
    return value


def parse_comment(value, what: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ApiError(400, f"{what}须为文字")
    text = _CONTROL.sub("", value).strip()
    if len(text) > MAX_COMMENT:
        raise ApiError(400, f"{what}最多 {MAX_COMMENT} 字（现有 {len(text)} 字）")
    return text


def parse_ballot(data: dict) -> Ballot:
    ballot_id = data.get("ballot_id")
    if not isinstance(ballot_id, str) or not BALLOT_ID.match(ballot_id):
        raise ApiError(400, "缺少或无效的 ballot_id（8–64 位字母、数字、- 或 _）")
    secretary = data.get("secretary")
    if not isinstance(secretary, str) or not secretary or len(secretary) > 32:
        raise ApiError(400, "缺少述职书记（secretary）")
    return Ballot(ballot_id, secretary, parse_score(data.get("score")),
                  parse_comment(data.get("problems"), "存在的问题和不足"),
                  parse_comment(data.get("suggestions"), "意见建议"))


async def cast(app: web.Application, mid: str, voter_key: str, ballot: Ballot) -> dict:
    k = meeting_keys(mid)
    reply = await app[SCRIPTS].cast(keys=k.cast, args=[
        voter_key, ballot.secretary, ballot.score, ballot.ballot_id, ballot.problems, ballot.suggestions,
        k.channel])
    status = reply[0]
    if status in CAST_ERRORS:
        code, message = CAST_ERRORS[status]
        raise ApiError(code, message)
    if status == "duplicate":
        return {"status": "duplicate", "secretary": ballot.secretary, "votes": int(reply[1])}
    return {"status": "revised" if reply[2] else "stored", "secretary": ballot.secretary,
            "score": ballot.score, "votes": int(reply[1])}


def bearer(request: web.Request) -> str | None:
    auth = request.headers.get("Authorization", "")
    return auth[7:].strip() if auth[:7].lower() == "bearer " else None


async def cast_api(request: web.Request) -> web.Response:
    mid = check_meeting_id(request.match_info["id"])
    voter = request.app[SIGNER].voter(bearer(request), mid)
    data = await read_json(request, request.app[SETTINGS].max_json_body)
    return json_response(await cast(request.app, mid, voter["v"], parse_ballot(data)))
