"""The mini-program's way in: `POST /api/meetings/{id}/join {wx_code}` (docs/api.md). voting's join_api asks
the resolver registered under ACCOUNT_RESOLVERS["wx_code"]; this one turns a wx.login code into the account
through jscode2session: the unionid when the mini-program and the official account share an open platform
(then the same person is the same voter in both), else the mini-program's own openid."""
from __future__ import annotations

from aiohttp import web

from voting.errors import ApiError

from ..appkeys import WECHAT_API
from ..wechat_api.errors import CONFIG_CODES, Category, WeChatError
from .oauth import account_of


async def wx_code_account(app: web.Application, value) -> str:
    api = app[WECHAT_API]
    if not api.config.mini_program:
        raise ApiError(400, "本服务未配置微信小程序（WECHAT_MP_APPID / WECHAT_MP_SECRET）")
    if not isinstance(value, str) or not value.strip():
        raise ApiError(400, "wx_code 须为小程序 wx.login 返回的 code")
    try:
        user = await api.mini_program_user(value.strip())
    except WeChatError as e:
        if e.category == Category.RETRY:
            raise ApiError(503, "微信暂时无法验证登录，请稍后重试", retry_after=5) from None
        if e.code in CONFIG_CODES:      # ours to fix, not the person's code (the facade has logged it)
            raise ApiError(503, "本服务的微信小程序配置有误，暂时无法登录，请联系会议组织者", retry_after=60) from None
        raise ApiError(401, "微信登录凭证无效或已使用，请重新进入小程序") from None
    return account_of(user, "mp")
