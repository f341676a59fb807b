"""`WeChatApi`: the async facade over wechatpy that the rest of the service calls (app[bot.appkeys.WECHAT_API]).

Every call runs wechatpy (synchronous, requests) in this facade's own thread pool under an asyncio timeout, with
the shared access_token of bot/wechat_api/token.py. Rules (issue 8 §6, issue 9 §1):
- 40001/40014/42001: forget that token (if still current), refresh once, retry once; then a TOKEN error.
- -1, HTTP 5xx, network errors, timeouts: up to `attempts` tries with doubling backoff; then a RETRY error.
  A send that may have reached WeChat (read timeout, dropped connection) is not repeated: the error says
  `uncertain=True` and the outbox decides.
- Anything else raises at once as a typed WeChatError (bot/wechat_api/errors.py). Nothing recurses.
- An error that means our configuration is wrong (errors.CONFIG_CODES: wrong appid or secret, server IP not
  whitelisted, no permission) is also logged as a warning, once a minute per call and code: the person who
  meets it sees only "微信授权失败" and cannot fix it. No openid or code goes into the log.
In console mode (no appid/secret) the official-account methods raise NotConfigured; `console` tells.
"""
from __future__ import annotations

import asyncio
import logging
import random
import re
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Callable, Mapping
from urllib.parse import quote

import redis.asyncio as aioredis
import requests
from urllib3.exceptions import NewConnectionError
from wechatpy.exceptions import WeChatException

from ..config import WeChatConfig
from .errors import CONFIG_CODES, Category, NotConfigured, WeChatError
from ..inbound.messages import Article
from .sync_clients import MiniProgramClient, OfficialAccountClient, oauth_client
from .throttled_log import Throttled
from .token import SharedToken

log = logging.getLogger(__name__)
MAX_QR_SECONDS = 2592000       # 生成带参数的二维码: a temporary QR lives at most 30 days
MAX_SCENE = 64                 # scene_str: 1 to 64 characters
_STATE = re.compile(r"[A-Za-z0-9]{0,128}")    # 网页授权: state is a-zA-Z0-9, at most 128 bytes


@dataclass(frozen=True)
class QrCode:
    ticket: str
    url: str           # what the QR encodes: render it locally (voting/room/qr.py), never fetch showqrcode
    scene: str
    expires_at: int    # unix seconds, counted from before the request (never later than WeChat's)


@dataclass(frozen=True)
class WeChatUser:
    openid: str
    unionid: str | None


class WeChatApi:
    def __init__(self, config: WeChatConfig, redis: aioredis.Redis, *, threads: int = 8):
        self.config = config
        self._pool = ThreadPoolExecutor(threads, thread_name_prefix="wechat")
        self._official = None if config.console else OfficialAccountClient(config)
        self._oauth = None if config.console else oauth_client(config)
        self._mini = MiniProgramClient(config) if config.mini_program else None
        self.token = None
        self.warnings = Throttled(log)
        if self._official:
            backoffs = sum(config.backoff * 2 ** i for i in range(config.attempts))
            fetch_time = config.attempts * self._guard + backoffs
            self.token = SharedToken(redis, config.appid, self._fetch_token, wait=config.token_wait,
                                     fetch_time=fetch_time)

    @property
    def console(self) -> bool:
        return self.config.console

    @property
    def _guard(self) -> float:
        """requests' timeout bounds connect and each read; this bounds the whole call."""
        return 2 * self.config.timeout + 1

    async def aclose(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- the calls ---------------------------------------------------------------------------------------------

    async def create_qr(self, scene: str, expire_seconds: int) -> QrCode:
        """A temporary QR_STR_SCENE QR (生成带参数的二维码). Scanning it pushes SCAN, or subscribe with qrscene_."""
        if not 1 <= len(scene) <= MAX_SCENE:
            raise ValueError(f"scene must be 1-{MAX_SCENE} characters")
        if not 60 <= expire_seconds <= MAX_QR_SECONDS:
            raise ValueError(f"expire_seconds must be 60-{MAX_QR_SECONDS}")
        started = int(time.time())
        body = {"expire_seconds": expire_seconds, "action_name": "QR_STR_SCENE",
                "action_info": {"scene": {"scene_str": scene}}}
        result = await self._official_call("qrcode/create", lambda c: c.qrcode.create(body))
        return QrCode(ticket=_field(result, "ticket"), url=_field(result, "url"), scene=scene,
                      expires_at=started + int(result.get("expire_seconds") or expire_seconds))

    def oauth_url(self, redirect_uri: str, state: str = "") -> str:
        """The snsapi_base authorize link (网页授权): silent, WeChat redirects to redirect_uri?code=...&state=....
        Parameters in the documented order: WeChat refuses links whose order differs."""
        self._need_official()
        if not _STATE.fullmatch(state):
            raise ValueError("state must be at most 128 letters or digits")
        url = (f"{self.config.oauth_base}/connect/oauth2/authorize?appid={self.config.appid}"
               f"&redirect_uri={quote(redirect_uri, safe='')}&response_type=code&scope=snsapi_base")
        return url + (f"&state={state}" if state else "") + "#wechat_redirect"

    async def oauth_user(self, code: str) -> WeChatUser:
        """Exchange an OAuth code (single use, 5 minutes) for the openid. WeChat gives the unionid here only for
        scope snsapi_userinfo (网页授权), so with our snsapi_base it is normally None: see `unionid_of`.
        Never resent once the request may have left (review finding): WeChat has probably taken the code by
        then, and a second try only earns 40163 after another full timeout; a timeout raises at once."""
        self._need_official()
        _check_code(code)
        params = {"appid": self.config.appid, "secret": self.config.secret, "code": code,
                  "grant_type": "authorization_code"}
        # wechatpy's public fetch_access_token would also keep the person's token on this shared object.
        result = await self._call("sns/oauth2/access_token",
                                  lambda: self._oauth._get("sns/oauth2/access_token", params=params), resend=False)
        return WeChatUser(_field(result, "openid"), result.get("unionid") or None)

    async def unionid_of(self, openid: str) -> str | None:
        """获取用户基本信息 (UnionID机制, GET cgi-bin/user/info): the unionid of one of the official account's
        followers when the account is bound to an open platform; None for an account bound to none, or for a
        non-follower (subscribe 0: WeChat then gives nothing but the openid)."""
        result = await self._official_call("user/info", lambda c: c.user.get(openid))
        return result.get("unionid") or None

    async def mini_program_user(self, code: str) -> WeChatUser:
        """jscode2session for a wx.login code: openid and, when bound to an open platform, unionid.
        Needs no access_token and fetches none."""
        if not self._mini:
            raise NotConfigured("未配置小程序（WECHAT_MP_APPID / WECHAT_MP_SECRET）")
        _check_code(code)
        result = await self._call("sns/jscode2session", lambda: self._mini.wxa.code_to_session(code))
        return WeChatUser(_field(result, "openid"), result.get("unionid") or None)

    async def send_text(self, openid: str, text: str) -> None:
        """A customer-service text (客服消息): only within 48 h of the person's last message or scan (else 45015)."""
        await self._official_call("message/custom/send", lambda c: c.message.send_text(openid, text),
                                  resend=False)

    async def send_news(self, openid: str, article: Article) -> None:
        """A customer-service news message with one article (a link card)."""
        item = {"title": article.title, "description": article.description, "url": article.url,
                "picurl": article.picurl}
        await self._official_call("message/custom/send", lambda c: c.message.send_articles(openid, [item]),
                                  resend=False)

    async def send_template(self, openid: str, template_id: str, data: Mapping[str, str],
                            url: str | None = None) -> int | None:
        """A template message (模板消息), for people outside the 48 h window; returns WeChat's msgid."""
        fields = {name: {"value": value} for name, value in data.items()}
        result = await self._official_call(
            "message/template/send", lambda c: c.message.send_template(openid, template_id, fields, url=url),
            resend=False)
        return result.get("msgid")

    # --- retries, tokens, threads ------------------------------------------------------------------------------

    def _need_official(self) -> OfficialAccountClient:
        if not self._official:
            raise NotConfigured("未配置微信公众号（WECHAT_APPID / WECHAT_SECRET），当前为控制台模式")
        return self._official

    async def _official_call(self, what: str, op: Callable[[OfficialAccountClient], Any], *,
                             resend: bool = True) -> dict:
        client = self._need_official()
        return await self._call(what, lambda token: client.call(token, op), with_token=True, resend=resend)

    async def _call(self, what: str, fn: Callable[..., Any], *, with_token: bool = False,
                    resend: bool = True) -> dict:
        """fn() — or fn(token) with_token — in a thread; the retry rules of the module docstring."""
        tries, refreshed = 0, False
        while True:
            tries += 1
            token = await self.token.get() if with_token else None
            try:
                return await self._in_thread((lambda: fn(token)) if with_token else fn)
            except WeChatError as e:
                if e.category is Category.TOKEN and with_token and not refreshed:
                    refreshed, tries = True, tries - 1
                    dropped = await self.token.invalidate(token)
                    log.info("WeChat %s: token rejected (%s), %s", what, e.code,
                             "refreshing" if dropped else "already replaced by another process")
                    continue
                if e.category is Category.RETRY and tries < self.config.attempts and (resend or not e.uncertain):
                    delay = self.config.backoff * 2 ** (tries - 1) * random.uniform(1.0, 1.25)
                    log.warning("WeChat %s failed (%s); try %d of %d in %.2f s", what, e, tries + 1,
                                self.config.attempts, delay)
                    await asyncio.sleep(delay)
                    continue
                if e.code in CONFIG_CODES:
                    self._misconfigured(what, e)
                raise

    async def _in_thread(self, fn: Callable[[], Any]) -> dict:
        loop = asyncio.get_running_loop()
        try:
            async with asyncio.timeout(self._guard):
                result = await loop.run_in_executor(self._pool, fn)
        except TimeoutError:
            raise WeChatError(None, "微信接口响应超时", uncertain=True) from None
        except WeChatException as e:
            raise _from_wechatpy(e) from None
        except requests.HTTPError as e:
            raise _from_status(e.response) from None
        except requests.RequestException as e:
            if _never_sent(e):
                raise WeChatError(None, f"无法连接微信接口：{type(e).__name__}") from None
            raise WeChatError(None, f"微信接口连接中断：{type(e).__name__}", uncertain=True) from None
        except ValueError:          # WeChatOAuth decodes JSON itself and lets a proxy's HTML page raise
            raise WeChatError(None, "微信接口返回了无法识别的内容", uncertain=True) from None
        if not isinstance(result, dict):
            raise WeChatError(None, "微信接口返回了无法识别的内容", uncertain=True)
        return result

    async def _fetch_token(self) -> tuple[str, int]:
        client = self._need_official()
        try:
            result = await self._call("token", client.fetch_access_token)
        except WeChatError as e:
            if e.category is Category.RETRY:
                raise
            # 40001/40125/40164 here mean a wrong secret or a server IP not on the whitelist: refreshing again
            # cannot help, so this must not look like a TOKEN error to the caller.
            self._misconfigured("token", e)
            raise WeChatError(e.code, f"获取 access_token 失败（请检查 WECHAT_APPID、WECHAT_SECRET 与 IP 白名单）："
                                      f"{e.message}", category=Category.OTHER) from None
        return _field(result, "access_token"), int(result.get("expires_in") or 7200)


    def _misconfigured(self, what: str, e: WeChatError) -> None:
        app = "WECHAT_MP_APPID / WECHAT_MP_SECRET" if what == "sns/jscode2session" else "WECHAT_APPID / WECHAT_SECRET"
        self.warnings.warning(("config", what, e.code),
                              "WeChat %s refused our configuration (errcode %s: %s): check %s, the server's IP on "
                              "the account's whitelist and the account's permissions", what, e.code, e.message, app)


def _from_wechatpy(e: WeChatException) -> WeChatError:
    if e.errcode is None:                       # wechatpy's wrapper of an HTTP error status
        return _from_status(getattr(e, "response", None))
    try:
        code = int(e.errcode)
    except (TypeError, ValueError):
        return WeChatError(None, f"微信接口返回了无法识别的错误码：{e.errcode!r}", category=Category.OTHER)
    return WeChatError(code, str(e.errmsg))


def _from_status(response) -> WeChatError:
    status = getattr(response, "status_code", None)
    if status is not None and status < 500:
        return WeChatError(None, f"微信接口 HTTP {status}", category=Category.OTHER)
    return WeChatError(None, f"微信接口 HTTP {status}", uncertain=True)


def _never_sent(e: requests.RequestException) -> bool:
    """Connection refused or connect timeout: the request never left, so even a send may be repeated."""
    if isinstance(e, requests.ConnectTimeout):
        return True
    reason = getattr(e.args[0], "reason", None) if e.args else None
    return isinstance(e, requests.ConnectionError) and isinstance(reason, NewConnectionError)


def _field(result: dict, name: str) -> str:
    value = result.get(name)
    if not isinstance(value, str) or not value:
        raise WeChatError(None, f"微信接口的回答缺少 {name}", category=Category.OTHER)
    return value


def _check_code(code: str) -> None:
    """Refused before the network: an empty or absurd code is what WeChat calls 40029 (invalid code)."""
    if not isinstance(code, str) or not 1 <= len(code) <= 256 or not code.isprintable():
        raise WeChatError(40029, "code 无效")
