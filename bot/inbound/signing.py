"""The webhook's signatures and safe-mode crypto (接入指南, 消息加解密说明), with wechatpy's own crypto.

Plaintext mode: `signature` = sha1 of sorted (token, timestamp, nonce); it does not cover the body.
Safe mode (encrypt_type=aes): `msg_signature` = sha1 of sorted (token, timestamp, nonce, Encrypt); the body's
Encrypt is AES-CBC with the EncodingAESKey and ends with our appid. The reply is encrypted the same way.
Signatures are compared in constant time (wechatpy compares with !=).
"""
from __future__ import annotations

import hmac

from wechatpy.crypto import PrpCrypto, WeChatCrypto
from wechatpy.utils import WeChatSigner

from ..config import WeChatConfig
from .messages import BadMessage


def sign(*parts: str) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def valid(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.encode())


class SafeMode:
    def __init__(self, config: WeChatConfig):
        self.token = config.token
        self.appid = config.appid
        self.crypto = WeChatCrypto(config.token, config.aes_key, config.appid)

    def signed(self, msg_signature: str, timestamp: str, nonce: str, encrypt: str) -> bool:
        return valid(sign(self.token, timestamp, nonce, encrypt), msg_signature)

    def decrypt(self, encrypt: str) -> bytes:
        """The inner message XML. Whatever is wrong with the ciphertext (base64, padding, length, appid,
        encoding) is one BadMessage: an attacker learns nothing from which step failed."""
        try:
            return PrpCrypto(self.crypto.key).decrypt(encrypt, self.appid).encode("utf-8")
        except Exception:       # noqa: BLE001 - wechatpy raises anything from binascii to IndexError here
            raise BadMessage("消息解密失败") from None

    def encrypt(self, xml: str, nonce: str, timestamp: str) -> str:
        """The encrypted reply envelope: Encrypt, MsgSignature, TimeStamp, Nonce (same nonce as the request)."""
        return self.crypto.encrypt_message(xml, nonce, timestamp)
