"""WeChat's answers as typed errors, by what the caller should do about them (issue 9: the outbox's rules).

Codes from the official global error-code list (全局返回码) and the pages of the calls we make.
"""
from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    RETRY = "retry"        # -1 system busy, network errors, HTTP 5xx: try again later, with backoff
    TOKEN = "token"        # the access_token is invalid or expired: refresh it and try once more
    FALLBACK = "fallback"  # outside the 48 h customer-service window: send a template message instead
    SKIPPED = "skipped"    # the person does not follow us or refused messages: record, do not resend
    QUOTA = "quota"        # the account's call quota is used up: pause the sender until it resets
    OTHER = "other"        # a wrong request, code or configuration: retrying will not help


# 40001 invalid credential, 40014 invalid access_token, 42001 access_token expired
TOKEN_CODES = frozenset({40001, 40014, 42001})
# 45015 response out of time limit (48 h), 45047 out of response count limit
FALLBACK_CODES = frozenset({45015, 45047})
# 43004 require subscribe, 43101 user refuse to accept the msg
SKIPPED_CODES = frozenset({43004, 43101})
# 45009 reach max api daily quota limit
QUOTA_CODES = frozenset({45009})
# -1 system error (系统繁忙，此时请开发者稍候再试)
RETRY_CODES = frozenset({-1})
# Our configuration is wrong, for every call until someone fixes it (全局返回码): 40013 invalid appid, 40125
# invalid appsecret, 40164 the server's IP is not on the account's whitelist, 41002 appid missing, 41004 secret
# missing, 48001 api unauthorized (the account lacks that permission, e.g. it is not verified). They are OTHER
# to the caller; the facade also logs them, since the person who sees the error cannot fix them (client.py).
CONFIG_CODES = frozenset({40013, 40125, 40164, 41002, 41004, 48001})


def category_of(code: int | None) -> Category:
    if code is None or code in RETRY_CODES:
        return Category.RETRY
    if code in TOKEN_CODES:
        return Category.TOKEN
    if code in FALLBACK_CODES:
        return Category.FALLBACK
    if code in SKIPPED_CODES:
        return Category.SKIPPED
    if code in QUOTA_CODES:
        return Category.QUOTA
    return Category.OTHER


class WeChatError(Exception):
    """One failed WeChat call, after our own retries.

    `code` is WeChat's errcode (None for network errors, timeouts and non-JSON answers). `uncertain` is True
    when the request may have reached WeChat before it failed (a read timeout, a dropped connection): a send
    may then have been delivered, so the outbox marks it "uncertain" instead of sending it again."""

    def __init__(self, code: int | None, message: str, *, category: Category | None = None,
                 uncertain: bool = False):
        super().__init__(f"{code}: {message}" if code is not None else message)
        self.code = code
        self.message = message
        self.category = category or category_of(code)
        self.uncertain = uncertain

    def __repr__(self) -> str:
        return (f"WeChatError(code={self.code!r}, message={self.message!r}, category={self.category.value!r}, "
                f"uncertain={self.uncertain!r})")


class NotConfigured(WeChatError):
    """The call needs credentials this deployment does not have (console mode, or no mini-program)."""

    def __init__(self, message: str):
        super().__init__(None, message, category=Category.OTHER)
