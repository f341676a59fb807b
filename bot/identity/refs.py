"""How the console names a WeChat account without showing it: an opaque reference (`ref`).

A signed token would not do: base64 JSON with the full openid in it, right beside the masked account.
The ref is sealed with AES-GCM (`cryptography`) under a key derived from the service's signing key:
nothing in it can be read without that key, and a changed or made-up ref fails authentication. Each ref carries
its expiry; a random nonce makes two refs of one account differ, so refs do not tell accounts apart either.
"""
from __future__ import annotations

import base64
import binascii
import json
import os
import time

from aiohttp import web
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from voting.appkeys import SIGNER

_PURPOSE = b"account-ref"
_NONCE = 12


def _cipher(app: web.Application) -> AESGCM:
    """HMAC-SHA256 of a label under the signing key, as the key: derived, so the signing key itself never
    encrypts, and a ref is useless to every other part of the service."""
    return AESGCM(bytes.fromhex(app[SIGNER].tag("aes-key:account-ref", 64)))


def seal(app: web.Application, payload: dict, ttl: int) -> str:
    nonce = os.urandom(_NONCE)
    body = json.dumps({**payload, "e": int(time.time()) + ttl}, separators=(",", ":")).encode()
    sealed = nonce + _cipher(app).encrypt(nonce, body, _PURPOSE)
    return base64.urlsafe_b64encode(sealed).rstrip(b"=").decode()


def unseal(app: web.Application, ref) -> dict | None:
    """The payload of a ref from `seal`, or None when it is not a string, forged, changed or expired."""
    if not isinstance(ref, str) or not ref.isascii() or not 40 <= len(ref) <= 1024:
        return None
    try:
        sealed = base64.urlsafe_b64decode(ref + "=" * (-len(ref) % 4))
        payload = json.loads(_cipher(app).decrypt(sealed[:_NONCE], sealed[_NONCE:], _PURPOSE))
    except (binascii.Error, ValueError, InvalidTag):
        return None
    if not isinstance(payload, dict) or not isinstance(payload.get("e"), int) or payload["e"] < time.time():
        return None
    return payload
