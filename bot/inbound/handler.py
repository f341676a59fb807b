"""What the official account answers (the webhook's handler, bot/inbound/webhook.py calls it once per push).

- Scanning a meeting's QR (SCAN, or subscribe through it): a link card into that meeting's ballot page,
  through 网页授权 (snsapi_base) when the account has credentials, so the page knows the WeChat account and
  one account is one voter however often it scans.
- Scanning a secretary's binding QR: binds the account to that secretary (bindings.py) and says so by name.
- Scanning the organizer's one-time QR: the account becomes an organizer (account.py).
- Text: the commands of commands.py; anything else, and a scan of a QR that is not (or no longer) ours, gets a
  short help, never silence.
Every push also renews the 48-hour window in which customer-service messages may reach the person.
"""
from __future__ import annotations

import logging

from aiohttp import web
from redis.asyncio.client import Pipeline

from voting.appkeys import REDIS, SIGNER
from voting.errors import ApiError
from voting.meetings import Meeting, load_meeting

from ..identity import account, binding_notices, bindings, scenes
from . import activity, commands
from .links import meeting_card
from .messages import Incoming, Reply, TextReply

log = logging.getLogger(__name__)
WELCOME = "欢迎关注！本公众号用于党组织书记抓基层党建述职评议。\n"
INVALID_QR = "该二维码无效或不是本公众号的评议二维码，请扫描会场大屏或组织部门提供的二维码。\n"
# Events a person triggers and then waits for an answer to (a scan of a QR that is not ours, a menu click):
# docs/wechat.md "anything else: a short help, never silence". A view (a menu link) leaves the chat anyway.
ASKING = frozenset({"scan", "click", "scancode_waitmsg"})

async def handle(app: web.Application, incoming: Incoming) -> Reply | None:
    """The reply; the small writes an answer needs (the 48-hour window, the last meeting) go in one round
    trip at the end: a scan storm is hundreds a second."""
    async with app[REDIS].pipeline(transaction=False) as writes:
        activity.touch(writes, incoming.openid)
        reply = await _reply(app, incoming, writes)
        await writes.execute()
    return reply


async def _reply(app: web.Application, incoming: Incoming, writes: Pipeline) -> Reply | None:
    if incoming.msg_type == "event":
        scene = scenes.parse(incoming.scene)
        if scene is not None:
            return await on_scene(app, incoming.openid, scene, writes)
        unknown = INVALID_QR if incoming.scene or incoming.event == "scan" else ""
        if incoming.event == "subscribe":
            return TextReply(unknown + WELCOME + commands.HELP)
        if unknown or incoming.event in ASKING:
            return TextReply((unknown or "未能识别您的操作。") + commands.HELP)
        return None                      # unsubscribe, location reports, sending reports: nobody is waiting
    if incoming.msg_type == "text":
        return await commands.answer(app, incoming.openid, incoming.content or "", writes)
    return TextReply(commands.SHORT_HELP)


async def on_scene(app: web.Application, openid: str, scene: scenes.Scene, writes: Pipeline) -> Reply:
    if scene.kind == "organizer":
        if await account.accept_organizer(app[REDIS], scene.token, openid):
            return TextReply("您已成为本公众号的评议组织者。可发送“开启 N”“结束 N”“公布”操作最近扫码的会议，"
                             "每项操作都需回复“确认”后执行。")
        return TextReply("该二维码已失效，请在管理后台重新生成“组织者绑定二维码”。")
    try:
        meeting = await load_meeting(app[REDIS], scene.meeting)
    except ApiError:
        return TextReply("该二维码对应的会议不存在或已删除，请联系会务人员。")
    if scene.kind == "bind":
        return await on_bind(app, openid, meeting, scene)
    return await meeting_card(app, openid, meeting, writes, scene.code)


async def on_bind(app: web.Application, openid: str, meeting: Meeting, scene: scenes.Scene) -> Reply:
    if scene.secretary not in meeting.names or not scenes.bind_scene_valid(app[SIGNER], scene):
        return TextReply("该绑定二维码无效，请联系组织部门重新打印。")
    return await bind_reply(app, openid, meeting, scene.secretary)


async def bind_reply(app: web.Application, openid: str, meeting: Meeting, sid: str) -> TextReply:
    """Bind and say so by name (the scan, or the H5 binding page)."""
    who = binding_notices.who(meeting, sid)
    status, other = await bindings.bind(app[REDIS], meeting.id, sid, openid)
    if status == "bound":
        return TextReply(f"绑定成功：您的微信将接收 {who} 在《{meeting.title}》中的评议结果反馈和提醒。")
    if status == "already":
        return TextReply(f"您的微信已绑定为 {who}，无需重复绑定。")
    if status == "pending_second":
        return TextReply(f"{who} 已绑定了另一个微信账号。您的绑定申请已提交组织部门确认，"
                         "确认或不同意都会通过本公众号通知您。")
    return TextReply(f"您的微信已绑定本次会议的 {meeting.names.get(other, other)}。绑定为 {who} "
                     "需组织部门确认，申请已提交，确认或不同意都会通过本公众号通知您。")
