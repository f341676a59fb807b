"""Redis key names of the official account (voting/store/keys.py holds the meetings' keys). Each script touches one key."""
from __future__ import annotations

import hashlib


def token(appid: str) -> str:
    """string: the access_token all processes use, expiring before WeChat's does."""
    return f"wechat:{appid}:token"


def token_lock(appid: str) -> str:
    """string: the process refreshing the token holds this (random value, expiring)."""
    return f"wechat:{appid}:token:lock"


def token_error(appid: str) -> str:
    """string: the last refresh's failure for a few seconds, so waiting processes do not all retry it."""
    return f"wechat:{appid}:token:error"


def credentials(appid: str) -> str:
    """string: the console's last check of the credentials (JSON), for a minute (bot/wechat_api/credentials.py)."""
    return f"wechat:{appid}:credentials"


def plaintext_refused() -> str:
    """string: when WeChat last sent a correctly signed plaintext push to a service in safe mode (a day)."""
    return "wechat:plaintext-refused"


def nonce(timestamp: str, nonce_: str) -> str:
    """string: a webhook request's (timestamp, nonce) already accepted, kept for the replay window."""
    return f"wechat:nonce:{timestamp}:{nonce_}"


def per_account(kind: str, openid: str) -> str:
    """A key about one WeChat account (`wechat:<kind>:<hash>`): hashed, so that no key spells out an openid."""
    return f"wechat:{kind}:" + hashlib.sha256(openid.encode()).hexdigest()[:32]


def seen(dedupe: str) -> str:
    """string: a pushed message already taken ("P" while its handler runs, "D" + reply XML after).
    Hashed: the key must not spell out an openid."""
    return "wechat:seen:" + hashlib.sha256(dedupe.encode()).hexdigest()[:32]
