"""Are the official account's credentials accepted? What the organizer sees on /admin/wechat, and why a QR fell
back to the H5 link (`explain`).

A wrong AppSecret (40125), a wrong AppID (40013) or a server IP missing from the IP白名单 (40164) makes every call
fail, yet the service still has credentials: without this check the console said "已接入公众号" and the QR
codes quietly became H5 links. The check fetches the access_token through the facade (bot/wechat_api/token.py: a stored
token answers at once, no call to WeChat) and keeps its result a minute in Redis, so a console left open
cannot spend WeChat's 2,000 token fetches a day.
"""
from __future__ import annotations

import json
import re

from aiohttp import web

from voting.appkeys import REDIS

from .. import keys
from ..appkeys import WECHAT_API
from .errors import Category, WeChatError

CHECK_TTL = 60
IP_NOT_WHITELISTED = 40164
BAD_CREDENTIALS = {40125: "AppSecret", 40013: "AppID", 40001: "AppSecret"}
_IP = re.compile(r"invalid ip ([0-9A-Fa-f.:]+)")      # "invalid ip 1.2.3.4 ipv6 ::ffff:1.2.3.4, not in whitelist"


def explain(e: WeChatError) -> str:
    """What is wrong and what to do about it, in the organizer's words."""
    if e.code == IP_NOT_WHITELISTED:
        ip = _IP.search(e.message)
        where = f"微信看到的本服务器 IP 是 {ip.group(1)}，" if ip else ""
        return (f"微信拒绝了本服务器的 IP（40164）：{where}请在公众平台“开发 > 基本配置 > IP白名单”中加入本服务器的"
                "出口 IP，几分钟后生效")
    if e.code in BAD_CREDENTIALS and e.category is Category.OTHER:     # 40001 at a token fetch, not a send
        return (f"微信不接受本服务的 {BAD_CREDENTIALS[e.code]}（{e.code}）：请核对公众平台“开发 > 基本配置”中的"
                "开发者ID(AppID)和开发者密码(AppSecret)，与 WECHAT_APPID、WECHAT_SECRET 一致后重启服务"
                "（重置过 AppSecret 则旧的立即失效）")
    if e.category is Category.RETRY:
        return f"暂时连不上微信接口（{e.message}）：请检查服务器能否访问 api.weixin.qq.com，稍后自动重试"
    return f"微信接口拒绝了请求（{e}）"


async def status(app: web.Application) -> dict:
    """{state: console | ok | error, code, message}: the credentials as WeChat sees them now (cached a minute)."""
    api = app[WECHAT_API]
    if api.console:
        return {"state": "console", "code": None, "message": "未配置 WECHAT_APPID、WECHAT_SECRET：控制台模式"}
    redis, key = app[REDIS], keys.credentials(api.config.appid)
    cached = await redis.get(key)
    if cached:
        return json.loads(cached)
    try:
        await api.token.get()
        result = {"state": "ok", "code": None, "message": "微信接受了本服务的 AppID 与 AppSecret"}
    except WeChatError as e:
        result = {"state": "error", "code": e.code, "message": explain(e)}
    await redis.set(key, json.dumps(result, ensure_ascii=False), ex=CHECK_TTL)
    return result
