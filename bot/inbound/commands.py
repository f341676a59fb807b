"""Text commands to the official account: 帮助, 测评, 结果 for everyone; 开启 N, 结束 N, 结束全部 and
公布 for the organizers configured in the console, each executed only after the organizer replies 确认.
Unknown text gets a short help, never silence."""
from __future__ import annotations

import json
import re
import time
import unicodedata

from aiohttp import web
from redis.asyncio.client import Pipeline

from voting.appkeys import REDIS, SETTINGS
from voting.console.admin import change_window, release_results
from voting.errors import ApiError
from voting.join import known_account
from voting.meetings import Meeting, load_meeting
from voting.store.keys import meeting_keys

from .. import keys
from ..identity import account, bindings
from ..appkeys import WECHAT_API
from ..wechat_api.client import WeChatUser
from .links import last_meeting, last_scan, meeting_card
from ..identity.oauth import PRESENT_TTL, account_of
from .messages import Reply, TextReply
from .results_text import own_result

HELP = ("可发送以下指令：\n· 测评：进入您最近扫码的评议会议\n· 结果：查看本人已公布的评议结果（已绑定的述职书记）\n"
        "· 帮助：查看本说明\n参加评议请扫描会场大屏上的二维码。")
ORGANIZER_HELP = ("\n组织者指令（作用于您最近扫码的会议）：开启 N、结束 N（N 为书记序号）、结束全部、公布。"
                  "每项操作需在 2 分钟内回复“确认”后执行。")
SHORT_HELP = "未能识别您的消息。" + HELP
CONFIRM_TTL = 120
_WINDOW = re.compile(r"(开启|结束)\s*第?\s*(\d{1,3})\s*(位|号)?")


def _confirm_key(openid: str) -> str:
    return keys.per_account("confirm", openid)


def normalize(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split()).strip().lower()


async def answer(app: web.Application, openid: str, text: str, writes: Pipeline) -> Reply:
    words = normalize(text)
    redis = app[REDIS]
    organizer = await account.is_organizer(redis, openid)
    if words in ("帮助", "help", "?", "菜单", "指令"):
        return TextReply(HELP + (ORGANIZER_HELP if organizer else ""))
    if words in ("测评", "评议", "投票", "打分"):
        return await evaluate(app, openid, writes)
    if words in ("结果", "我的结果", "评议结果"):
        return TextReply(await own_results(app, openid))
    if words in ("确认", "取消") or _WINDOW.fullmatch(words) or words in ("结束全部", "公布", "公布结果"):
        if not organizer:
            return TextReply("该指令仅限评议组织者使用。" + HELP)
        return TextReply(await organizer_command(app, openid, words))
    return TextReply(SHORT_HELP)


async def evaluate(app: web.Application, openid: str, writes: Pipeline) -> Reply:
    """测评: the card of the meeting scanned last. An open meeting admits a new account only with the presence a
    scan proves, for 10 minutes (oauth.PRESENT_TTL): within them the card carries that scan's code; after them a
    card would open on "链接已过期" for someone who never joined, so the answer says to scan the
    screen again, unless the account joined before (it needs no presence). Without credentials the card is the
    H5 page with the code, which takes only a current code."""
    scanned = await last_scan(app, openid)
    if scanned is None:
        return TextReply("请扫描会场大屏上的二维码参加评议。")
    meeting, code, at = scanned
    if meeting.eligibility != "open" or meeting.finalized:
        return await meeting_card(app, openid, meeting, writes, scanned_at=at)
    fresh = bool(code) and time.time() - at < PRESENT_TTL
    if fresh and app[WECHAT_API].console:
        fresh = meeting.join_code_valid(code, app[SETTINGS].join_code_period)
    if fresh:
        return await meeting_card(app, openid, meeting, writes, code, scanned_at=at)
    if not app[WECHAT_API].console and await known_account(app, meeting, account_of(WeChatUser(openid, None))):
        return await meeting_card(app, openid, meeting, writes, scanned_at=at)
    return TextReply(f"距您上次扫码已超过 {PRESENT_TTL // 60} 分钟，请重新扫描会场大屏上的二维码，"
                     f"进入《{meeting.title}》的评议。")


async def own_results(app: web.Application, openid: str) -> str:
    redis = app[REDIS]
    lines = []
    for mid in await bindings.meetings_of(redis, openid):
        try:
            meeting = await load_meeting(redis, mid)
        except ApiError:
            continue
        for sid in await bindings.secretary_of(redis, mid, openid):
            lines.append(await own_result(app, meeting, sid))
    return "\n\n".join(lines) or "您的微信尚未绑定述职书记。请扫描组织部门提供的个人绑定二维码。"


async def organizer_command(app: web.Application, openid: str, words: str) -> str:
    redis = app[REDIS]
    if words == "取消":
        await redis.delete(_confirm_key(openid))
        return "已取消。"
    if words == "确认":
        pending = await redis.getdel(_confirm_key(openid))
        if pending is None:
            return "没有待确认的操作（或已超过 2 分钟），请重新发送指令。"
        action = json.loads(pending)
        try:
            return await _execute(app, await load_meeting(redis, action["mid"]), action)
        except ApiError as e:
            return f"未执行：{e.message}"
    # The meeting the organizer scanned last, as the help says; never a guess such as the newest meeting
    # ("开启 1" from an organizer who had scanned nothing would open a window of a meeting they never saw).
    meeting = await last_meeting(app, openid)
    if meeting is None:
        return ("请先扫描要操作的会议的二维码（会场大屏上的，或管理后台该会议的二维码），"
                "再发送指令；指令作用于您最近扫码的会议。")
    if words in ("公布", "公布结果"):
        action, what = {"do": "release", "mid": meeting.id, "sid": ""}, "在大屏公布评议结果"
    elif words == "结束全部":
        action, what = {"do": "close", "mid": meeting.id, "sid": ""}, "结束全部正在进行的测评（结束后不能再开启）"
    else:
        verb, number = _WINDOW.fullmatch(words).group(1, 2)
        n = int(number)
        if not 1 <= n <= len(meeting.secretaries):
            return f"书记序号须在 1 到 {len(meeting.secretaries)} 之间。"
        s = meeting.secretaries[n - 1]
        action = {"do": "open" if verb == "开启" else "close", "mid": meeting.id, "sid": s["id"]}
        what = f"{verb}第 {n} 位 {s['name']} 的测评" + ("（结束后不能再开启）" if verb == "结束" else "")
    refusal = await _refusal(app, meeting, action)
    if refusal:
        return f"《{meeting.title}》：{refusal}"
    await redis.set(_confirm_key(openid), json.dumps(action), ex=CONFIRM_TTL)
    return f"《{meeting.title}》：确认{what}？请在 2 分钟内回复“确认”执行，回复“取消”放弃。"


async def _refusal(app: web.Application, meeting: Meeting, action: dict) -> str:
    """Why the action cannot be done now ("" when it can), said before asking for 确认 rather than after it.
    The window script checks again when it runs (lua/window.lua): this is only the early word."""
    if action["do"] == "release":
        return "评议结果已在大屏公布，无需重复公布。" if meeting.released else ""
    if meeting.finalized:
        return "本次会议已归档，不能再开启或结束测评。"
    k = meeting_keys(meeting.id)
    async with app[REDIS].pipeline(transaction=False) as pipe:
        opened, closed = await pipe.smembers(k.open).smembers(k.closed).execute()
    sid = action["sid"]
    name = meeting.names.get(sid, "")
    if action["do"] == "close":
        if not sid:
            return "" if opened else "当前没有正在进行的测评。"
        if sid in closed:
            return f"{name} 的测评已结束。"
        return "" if sid in opened else f"{name} 的测评尚未开启。"
    if sid in closed:
        return f"{name} 的测评已结束，不能重新开启。"
    if sid in opened:
        return f"{name} 的测评已在进行中。"
    if meeting.mode == "sequential" and opened:      # 一述一评 (004 §六(三)): one secretary at a time
        busy = next(s["name"] for s in meeting.secretaries if s["id"] in opened)
        return f"一述一评：请先结束「{busy}」的测评，再开启下一位。"
    return ""


async def _execute(app: web.Application, meeting: Meeting, action: dict) -> str:
    if action["do"] == "release":
        await release_results(app, meeting, True)
        return f"已在大屏公布《{meeting.title}》的评议结果。"
    state = await change_window(app, meeting, action["do"], action["sid"])
    name = meeting.names.get(action["sid"], "全部书记")
    verb = "开启" if action["do"] == "open" else "结束"
    return f"已{verb} {name} 的测评（进行中 {len(state['open'])} 位，已结束 {len(state['closed'])} 位）。"
