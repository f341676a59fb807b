"""`GET|POST /wechat`: the official account's webhook (docs/api.md; 接入指南, 消息加解密说明, 被动回复).

What happens to a push, in order; every refusal is a 4xx JSON error in Chinese and one warning line:
1. No WECHAT_TOKEN: 404, the account is not configured here.
2. Query: timestamp within ±replay_window of our clock (403), nonce, and `signature` (plaintext) or
   `msg_signature` (safe mode, encrypt_type=aes). With WECHAT_AES_KEY set, plaintext pushes are refused (403):
   their body is not signed; one correctly signed says the account is in 明文模式 (logged as an error and shown
   on /admin/wechat).
3. Body at most max_body bytes (413), UTF-8 XML without DTD/entities (400), signature (403), decryption (400),
   required fields (400).
4. A push seen before (WeChat's retry) gets the stored reply; a new one with a (timestamp, nonce) already used
   is a replay (403); else it is claimed and app[WECHAT_HANDLER] runs once.
5. The answer leaves within reply_deadline (WeChat waits 5 s): the reply (encrypted in safe mode), or
   "success" when there is nothing to say or the handler is still running. "success" stops WeChat's retries,
   so a handler that finishes later sends its reply through the outbox as a customer-service message (the
   person has just written or scanned: inside the 48-hour window), once, keyed by the push.
"""
from __future__ import annotations

import asyncio
import logging
import time

import redis.asyncio as aioredis
from aiohttp import web

from voting.appkeys import REDIS
from voting.errors import ApiError
from voting.request_body import read_body

from .. import keys
from ..appkeys import WEBHOOK, WECHAT_CONFIG, WECHAT_HANDLER
from ..config import WeChatConfig
from .messages import BadMessage, Incoming, Reply, incoming, parse_xml, render_reply, reply_text
from ..outbox.queue import Outgoing
from ..outbox.service import queue_messages
from .replay import ReplayGuard
from .signing import SafeMode, sign, valid

log = logging.getLogger(__name__)
SUCCESS = "success"          # WeChat's "nothing to say": no retry, nothing shown to the person
MARGIN = 0.25                # seconds kept for storing, encrypting and sending the answer


class Webhook:
    """The webhook's per-process state: config, crypto, the replay guard, and handlers still running."""

    def __init__(self, config: WeChatConfig, redis: aioredis.Redis):
        self.config = config
        self.guard = ReplayGuard(redis, config.replay_window)
        self.safe = SafeMode(config) if config.safe_mode else None
        self.tasks: set[asyncio.Task] = set()

    async def aclose(self) -> None:
        for task in self.tasks:
            task.cancel()
        await asyncio.gather(*self.tasks, return_exceptions=True)


def _refuse(request: web.Request, status: int, message: str) -> ApiError:
    log.warning("wechat webhook refused %s: %d %s", request.remote, status, message)
    return ApiError(status, message)


async def _plaintext_in_safe_mode(request: web.Request) -> None:
    """A plaintext push signed with our token while WECHAT_AES_KEY is set: the account is in 明文模式 and the
    EncodingAESKey the 服务器配置 page shows anyway was copied into WECHAT_AES_KEY. Every push then fails; say so
    in the log and on /admin/wechat (a push with a wrong signature says nothing: anyone can send one)."""
    log.error("wechat webhook: WeChat sent a plaintext push but WECHAT_AES_KEY is set, so every push is refused. "
              "If the account's 消息加解密方式 is 明文模式, unset WECHAT_AES_KEY (the 服务器配置 page shows an "
              "EncodingAESKey even in 明文模式) or switch the account to 安全模式 and restart")
    await request.app[REDIS].set(keys.plaintext_refused(), int(time.time()), ex=86400)


def _configured(request: web.Request) -> WeChatConfig:
    config = request.app[WECHAT_CONFIG]
    if not config.webhook:
        raise _refuse(request, 404, "本服务未接入微信公众号（未配置 WECHAT_TOKEN）")
    return config


def _param(request: web.Request, name: str, limit: int = 128) -> str:
    value = request.query.get(name, "")
    if not value or len(value) > limit or not value.isascii() or not value.isprintable():
        raise _refuse(request, 400, f"缺少或无效的参数 {name}")
    return value


def _timestamp(request: web.Request, config: WeChatConfig) -> str:
    timestamp = _param(request, "timestamp", 12)
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > config.replay_window:
        raise _refuse(request, 403, "请求时间戳超出允许范围，已拒绝（可能是重放的请求）")
    return timestamp


async def verify_url(request: web.Request) -> web.Response:
    """GET: WeChat checks the server URL (接入指南): echo `echostr` when `signature` is ours."""
    config = _configured(request)
    signature, timestamp, nonce = (_param(request, n) for n in ("signature", "timestamp", "nonce"))
    echostr = _param(request, "echostr", 256)
    if not valid(sign(config.token, timestamp, nonce), signature):
        raise _refuse(request, 403, "签名校验失败")
    return web.Response(text=echostr, content_type="text/plain")


async def receive(request: web.Request) -> web.Response:
    started = asyncio.get_running_loop().time()
    config = _configured(request)
    hook = request.app[WEBHOOK]
    timestamp = _timestamp(request, config)
    nonce = _param(request, "nonce", 64)
    mode = request.query.get("encrypt_type", "raw")
    if mode not in ("raw", "aes"):
        raise _refuse(request, 400, "不支持的 encrypt_type")
    encrypted = mode == "aes"
    if encrypted and not hook.safe:
        raise _refuse(request, 400, "本服务未配置消息加解密密钥（WECHAT_AES_KEY），无法解密安全模式消息")
    if not encrypted:
        if not valid(sign(config.token, timestamp, nonce), _param(request, "signature")):
            raise _refuse(request, 403, "签名校验失败")
        if hook.safe:
            await _plaintext_in_safe_mode(request)
            raise _refuse(request, 403, "本公众号已启用安全模式，不受理明文消息")
    try:
        body = await read_body(request, config.max_body)
    except ApiError as e:
        raise _refuse(request, e.status, e.message) from None
    try:
        fields = parse_xml(body)
        if encrypted:
            encrypt = fields.get("Encrypt", "")
            if not encrypt:
                raise BadMessage("安全模式消息缺少字段 Encrypt")
            if not hook.safe.signed(_param(request, "msg_signature"), timestamp, nonce, encrypt):
                raise _refuse(request, 403, "消息签名校验失败")
            fields = parse_xml(hook.safe.decrypt(encrypt))
        message = incoming(fields)
    except BadMessage as e:
        raise _refuse(request, 400, str(e)) from None

    deadline = started + config.reply_deadline - MARGIN
    reply_xml = await _answer(request, hook, message, timestamp, nonce, deadline)
    if not reply_xml:
        return web.Response(text=SUCCESS, content_type="text/plain")
    if encrypted:
        reply_xml = hook.safe.encrypt(reply_xml, nonce, timestamp)
    return web.Response(text=reply_xml, content_type="application/xml")


async def _answer(request: web.Request, hook: Webhook, message: Incoming, timestamp: str, nonce: str,
                  deadline: float) -> str:
    """The reply XML for this push ("" for none): stored if it was answered before, else from the handler."""
    loop = asyncio.get_running_loop()
    key = message.dedupe_key
    status, answer = await hook.guard.admit(key, timestamp, nonce)
    if status == "replay":
        raise _refuse(request, 403, "重复的请求（nonce 已使用），已拒绝")
    if status == "claimed":
        task = asyncio.create_task(_handle(request.app, hook, message))
        done, _ = await asyncio.wait({task}, timeout=max(deadline - loop.time(), 0))
        if done:
            return task.result()[1]
        late = asyncio.create_task(_reply_late(request.app, message, task))
        for running in (task, late):
            hook.tasks.add(running)
            running.add_done_callback(hook.tasks.discard)
        log.warning("wechat handler of a %s push still running at the reply deadline: answered success, "
                    "its reply will go out as a customer-service message", message.event or message.msg_type)
        return ""
    if answer is None:          # another request (the first try of this push) is still handling it
        answer = await hook.guard.wait(key, max(deadline - loop.time(), 0))
    return answer or ""


async def _handle(app: web.Application, hook: Webhook, message: Incoming) -> tuple[Reply | None, str]:
    """Run the registered handler once and store its reply for WeChat's retries: (reply, its XML). A failing
    handler is a bug of ours: logged with its traceback, answered "success" (at most once: a retry does not run
    it again)."""
    try:
        reply = await app[WECHAT_HANDLER](app, message)
        reply_xml = render_reply(reply, message) if reply is not None else ""
    except asyncio.CancelledError:
        raise
    except Exception:
        log.exception("wechat handler failed on a %s push", message.event or message.msg_type)
        reply, reply_xml = None, ""
    await hook.guard.store(message.dedupe_key, reply_xml)
    return reply, reply_xml


async def _reply_late(app: web.Application, message: Incoming, handling: asyncio.Task) -> None:
    """The reply of a handler that missed the deadline, queued as a customer-service message."""
    try:
        reply, _ = await handling
        if reply is not None:
            await queue_messages(app, [Outgoing(key=f"late:{message.dedupe_key}", to=message.openid, kind="reply",
                                                text=reply_text(reply), topic="消息回复")])
    except asyncio.CancelledError:
        raise
    except Exception:       # Redis gone: the person asks again; the push itself was answered
        log.exception("the late reply to a %s push could not be queued", message.event or message.msg_type)


def setup_routes(app: web.Application) -> None:
    app.router.add_get("/wechat", verify_url)
    app.router.add_post("/wechat", receive)


async def webhook_ctx(app: web.Application):
    hook = app[WEBHOOK] = Webhook(app[WECHAT_CONFIG], app[REDIS])
    yield
    await hook.aclose()
