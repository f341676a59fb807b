"""The official account's configuration, parsed once from `Settings.wechat` (the raw WECHAT_* environment).

No WECHAT_APPID/WECHAT_SECRET is *console mode* (docs/design.md §3): nothing is sent to WeChat; the lead's outbox
shows messages in the console instead. The webhook needs only WECHAT_TOKEN; safe (AES) mode also needs
WECHAT_AES_KEY and the appid, which WeChat puts inside every encrypted message.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, replace
from typing import Mapping

API_BASE = "https://api.weixin.qq.com"      # where wechatpy would go; WECHAT_API_BASE replaces it
OAUTH_BASE = "https://open.weixin.qq.com"   # the snsapi_base authorize page; WECHAT_OAUTH_BASE replaces it
_BASE = re.compile(r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
_MP_VERIFY = re.compile(r"MP_verify_([A-Za-z0-9]{1,64})\.txt")
_VERIFY_NAME = re.compile(r"[A-Za-z0-9_-]{1,80}\.txt")
_VERIFY_CONTENT = re.compile(r"[A-Za-z0-9_-]{1,128}")


@dataclass(frozen=True)
class WeChatConfig:
    token: str = ""              # WECHAT_TOKEN: the webhook's signature token; empty: /wechat is not served
    aes_key: str = ""            # WECHAT_AES_KEY: EncodingAESKey (43 chars); set: safe mode only
    appid: str = ""              # WECHAT_APPID / WECHAT_SECRET: the official account; empty: console mode
    secret: str = ""
    mp_appid: str = ""           # WECHAT_MP_APPID / WECHAT_MP_SECRET: the mini-program (jscode2session)
    mp_secret: str = ""
    api_base: str = API_BASE
    oauth_base: str = OAUTH_BASE
    verify_files: tuple[tuple[str, str], ...] = ()   # WECHAT_VERIFY_FILES: (name, content) served at /<name>
    # Tuning (not from the environment; tests shorten them).
    timeout: float = 5.0         # one HTTP request to WeChat (connect and each read)
    attempts: int = 3            # tries of one call when WeChat answers -1 or the network fails
    backoff: float = 0.5         # first pause between tries, doubled each time
    token_wait: float = 10.0     # how long a process waits for another one's token refresh
    reply_deadline: float = 4.5  # WeChat drops the connection after 5 s and retries
    replay_window: int = 300     # seconds a webhook timestamp may differ from our clock
    max_body: int = 64 * 1024    # WeChat's pushes are a few KB; anything bigger is not from WeChat

    @property
    def console(self) -> bool:
        """No official-account credentials: nothing goes to WeChat (docs/design.md §3)."""
        return not (self.appid and self.secret)

    @property
    def webhook(self) -> bool:
        return bool(self.token)

    @property
    def safe_mode(self) -> bool:
        return bool(self.aes_key)

    @property
    def mini_program(self) -> bool:
        return bool(self.mp_appid and self.mp_secret)

    def with_(self, **changes) -> "WeChatConfig":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env: Mapping[str, str], **tuning) -> "WeChatConfig":
        """Raises ValueError naming the variable, so a wrong deployment stops at startup, not at the first scan."""
        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        config = cls(token=get("WECHAT_TOKEN"), aes_key=get("WECHAT_AES_KEY"), appid=get("WECHAT_APPID"),
                     secret=get("WECHAT_SECRET"), mp_appid=get("WECHAT_MP_APPID"),
                     mp_secret=get("WECHAT_MP_SECRET"),
                     api_base=_base("WECHAT_API_BASE", get("WECHAT_API_BASE") or API_BASE),
                     oauth_base=_base("WECHAT_OAUTH_BASE", get("WECHAT_OAUTH_BASE") or OAUTH_BASE),
                     verify_files=verify_files(get("WECHAT_VERIFY_FILES")), **tuning)
        if config.token and not re.fullmatch(r"[A-Za-z0-9]{3,32}", config.token):
            raise ValueError("WECHAT_TOKEN must be 3-32 letters or digits, as the official account's settings ask")
        if config.aes_key:
            _check_aes_key(config.aes_key)
            if not config.appid:
                raise ValueError("WECHAT_AES_KEY needs WECHAT_APPID: encrypted messages carry the appid")
            if not config.token:
                raise ValueError("WECHAT_AES_KEY needs WECHAT_TOKEN: encrypted messages are signed with it")
        if bool(config.appid) != bool(config.secret):
            raise ValueError("WECHAT_APPID and WECHAT_SECRET go together (neither: console mode)")
        if bool(config.mp_appid) != bool(config.mp_secret):
            raise ValueError("WECHAT_MP_APPID and WECHAT_MP_SECRET go together")
        return config


def verify_files(value: str) -> tuple[tuple[str, str], ...]:
    """WECHAT_VERIFY_FILES: comma-separated `MP_verify_<x>.txt` (served holding `<x>`, as the file the 公众平台
    offers for download does) or `<name>.txt=<content>` for any other verification file. Setting the 网页授权域名
    needs the file at the domain's root, and this service owns the root."""
    files: dict[str, str] = {}
    for item in filter(None, (part.strip() for part in value.split(","))):
        name, _, content = (s.strip() for s in item.partition("="))
        if not content and (m := _MP_VERIFY.fullmatch(name)):
            content = m.group(1)
        if not _VERIFY_NAME.fullmatch(name) or not _VERIFY_CONTENT.fullmatch(content):
            raise ValueError("WECHAT_VERIFY_FILES must list MP_verify_<letters and digits>.txt, or "
                             "<name>.txt=<content> (letters, digits, - and _; content up to 128 of them)")
        files[name] = content
    return tuple(files.items())


def _base(name: str, value: str) -> str:
    if not _BASE.match(value):
        raise ValueError(f"{name} must be an http(s) URL such as {API_BASE}")
    return value.rstrip("/")


def _check_aes_key(key: str) -> None:
    try:
        ok = len(key) == 43 and len(base64.b64decode(key + "=", validate=True)) == 32
    except binascii.Error:
        ok = False
    if not ok:
        raise ValueError("WECHAT_AES_KEY must be the 43-character EncodingAESKey of the official account")
