"""wechatpy's synchronous clients, adapted to how this service calls WeChat. Only bot/wechat_api/client.py uses them, in
worker threads; everything async (the shared token, retries, timeouts) lives there.

What wechatpy 1.8.18 does that we undo here:
- URLs are hard-coded (`API_BASE_URL` class attributes, `fetch_access_token`'s https://api.weixin.qq.com,
  WeChatOAuth's bases): every base is rewritten from WECHAT_API_BASE / WECHAT_OAUTH_BASE per instance.
- `fetch_access_token` and WeChatOAuth pass no timeout to requests: a session with a default timeout does.
- The token lives in a per-process session storage: `access_token` here is whatever the caller hands over for
  this one call (one token for all processes, kept in Redis by bot/wechat_api/token.py).
- `auto_retry` retries 40001/42001 by recursion without bound: it is off; bot/wechat_api/client.py retries once.
- `wxa.code_to_session` fetches an access token it does not need: the mini-program client has none.
"""
from __future__ import annotations

import inspect
import threading
from typing import Any, Callable, TypeVar

import requests
from wechatpy import WeChatClient, WeChatOAuth
from wechatpy.client.api.base import BaseWeChatAPI

from ..config import API_BASE, WeChatConfig

T = TypeVar("T")
_handed = threading.local()     # the access token of the call running in this thread


class TimeoutSession(requests.Session):
    """requests never times out by default; wechatpy leaves the token fetch and OAuth without one."""

    def __init__(self, timeout: float):
        super().__init__()
        self.default_timeout = timeout

    def request(self, method, url, **kwargs):
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = self.default_timeout
        return super().request(method, url, **kwargs)


def _rebase(client: WeChatClient, api_base: str) -> None:
    """Point the client and every API group that carries its own base URL (wxa, datacube, ...) at api_base."""
    client.API_BASE_URL = f"{api_base}/cgi-bin/"
    for _, group in inspect.getmembers(client, lambda o: isinstance(o, BaseWeChatAPI)):
        base = getattr(type(group), "API_BASE_URL", "")
        if base.startswith(API_BASE):
            group.API_BASE_URL = api_base + base[len(API_BASE):]


class OfficialAccountClient(WeChatClient):
    """The official account's client. Use `call(token, fn)`: fn(client) runs with that access token."""

    def __init__(self, config: WeChatConfig):
        super().__init__(config.appid, config.secret, timeout=config.timeout, auto_retry=False)
        self._http = TimeoutSession(config.timeout)
        self._api_base = config.api_base
        _rebase(self, config.api_base)
        self._ready = True

    @property
    def access_token(self) -> str | None:
        token = getattr(_handed, "token", None)
        # wechatpy's __new__ reads every attribute before __init__ runs; after that a call without a token
        # is a bug of ours, never a reason to fetch one behind bot/wechat_api/token.py's back.
        if token is None and self.__dict__.get("_ready"):
            raise RuntimeError("no access token handed to this WeChat call")
        return token

    def call(self, token: str, fn: Callable[["OfficialAccountClient"], T]) -> T:
        _handed.token = token
        try:
            return fn(self)
        finally:
            _handed.token = None

    def fetch_access_token(self) -> dict[str, Any]:
        """GET {api_base}/cgi-bin/token; WeChat's errors raise through wechatpy's own result handling."""
        res = self._http.get(f"{self._api_base}/cgi-bin/token", params={
            "grant_type": "client_credential", "appid": self.appid, "secret": self.secret})
        res.raise_for_status()
        return self._handle_result(res)


class MiniProgramClient(WeChatClient):
    """The mini-program's client: `wxa.code_to_session(code)` with its appid and secret only.

    jscode2session takes no access_token; wechatpy adds `access_token=<self.access_token>` to every request,
    and requests leaves out parameters whose value is None."""

    def __init__(self, config: WeChatConfig):
        super().__init__(config.mp_appid, config.mp_secret, timeout=config.timeout, auto_retry=False)
        self._http = TimeoutSession(config.timeout)
        _rebase(self, config.api_base)

    @property
    def access_token(self) -> None:
        return None

    def fetch_access_token(self):
        raise RuntimeError("the mini-program client never needs an access token")


def oauth_client(config: WeChatConfig) -> WeChatOAuth:
    """wechatpy's web-authorization client for the code exchange (sns/oauth2/access_token on the API base)."""
    oauth = WeChatOAuth(config.appid, config.secret, redirect_uri="", scope="snsapi_base")
    oauth.API_BASE_URL = f"{config.api_base}/"
    oauth.OAUTH_BASE_URL = f"{config.oauth_base}/connect/"
    oauth._http = TimeoutSession(config.timeout)
    return oauth
