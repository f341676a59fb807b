"""Voter tokens and the per-meeting pseudonyms behind them.

A voter token is `payload.signature` (base64url JSON, HMAC-SHA256 with the service key). It carries the voter
key: an HMAC of the voter's identity (invite code, or a random id in open meetings) with the meeting's own
secret, so casting needs no lookup and nothing in Redis holds the identity itself (docs/design.md §3 Anonymity).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

from .errors import ApiError


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def pseudonym(secret: str, purpose: str, value: str, length: int = 22) -> str:
    """Keyed hash of `value` for one purpose within one meeting: stable, and useless without the secret."""
    digest = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256).digest()
    return _b64(digest)[:length]


class Signer:
    def __init__(self, key: bytes):
        self._key = key

    def _sig(self, body: str) -> str:
        return _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())

    def tag(self, text: str, length: int = 12) -> str:
        """A short keyed hash of `text` (hex): proof that we made it, where a whole token would not fit (a QR
        scene has 64 characters)."""
        return hmac.new(self._key, text.encode(), hashlib.sha256).hexdigest()[:length]

    def sign(self, payload: dict, ttl: int) -> str:
        """A signed, expiring token for any small payload (links and cookies that must not be forged)."""
        body = _b64(json.dumps({**payload, "e": int(time.time()) + ttl}, ensure_ascii=False,
                               separators=(",", ":")).encode())
        return f"{body}.{self._sig(body)}"

    def _open(self, token: str) -> tuple[dict | None, str]:
        """(payload, "") for a good token, else (None, "forged" | "expired"). Tokens are base64url: anything
        else (é, a lone surrogate) is forged, and must not reach encode()."""
        body, _, sig = token.partition(".")
        if not sig or not token.isascii() or not hmac.compare_digest(sig.encode(), self._sig(body).encode()):
            return None, "forged"
        try:
            payload = json.loads(_unb64(body))
        except ValueError:
            return None, "forged"
        if not isinstance(payload, dict) or not isinstance(payload.get("e"), int):
            return None, "forged"
        return (payload, "") if payload["e"] >= time.time() else (None, "expired")

    def unsign(self, token: str | None) -> dict | None:
        """The payload of a token from `sign`, or None when it is missing, forged or expired."""
        return self._open(token)[0] if token else None

    def issue_voter(self, mid: str, voter_key: str, group: str, ttl: int) -> str:
        return self.sign({"m": mid, "v": voter_key, "g": group}, ttl)

    def voter(self, token: str | None, mid: str) -> dict:
        """The token's payload, or ApiError 401 with a message the attendee can act on."""
        if not token:
            raise ApiError(401, "缺少投票凭证，请先扫码加入会议")
        payload, why = self._open(token)
        if why == "expired":
            raise ApiError(401, "投票凭证已过期，请重新扫码加入会议")
        if payload is None:
            raise ApiError(401, "投票凭证无效，请重新扫码加入会议")
        if payload.get("m") != mid:
            raise ApiError(401, "该凭证不属于本次会议，请扫描本会议的二维码")
        return payload
