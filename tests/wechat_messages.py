"""What WeChat's servers post to our /wechat, built and signed with wechatpy's own crypto, and the replies opened
the way WeChat does (接入指南, 消息加解密说明, 接收普通消息, 接收事件推送).

    push = WeChatPush.of(standin)                     # or WeChatPush(token, appid, aes_key)
    resp = await push.post(client, push.scan("o1", "m:abc"), safe=True)
    reply = push.open_reply(await resp.text(), safe=True)   # None for "success", else the reply's fields
"""
from __future__ import annotations

import itertools
import secrets
import time

import xmltodict
from wechatpy.crypto import WeChatCrypto
from wechatpy.utils import WeChatSigner

ACCOUNT = "gh_0123456789ab"          # the official account's original id (ToUserName)
PHONE = "oPhone00000000000000000001"   # the openid of the phone the WeChat tests scan with
_msg_ids = itertools.count(24_000_000_000_000_000)


def sign(*parts) -> str:
    signer = WeChatSigner()
    signer.add_data(*parts)
    return signer.signature


def _xml(fields: dict) -> str:
    """WeChat's layout: numbers bare, text in CDATA (a "]]>" in the text split across two sections)."""
    def cdata(v: str) -> str:
        return "<![CDATA[" + v.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    inner = "".join(f"<{k}>{v if isinstance(v, int) else cdata(v)}</{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>"


class WeChatPush:
    def __init__(self, token: str, appid: str = "", aes_key: str = "", account: str = ACCOUNT):
        self.token, self.appid, self.account = token, appid, account
        self.crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None

    @classmethod
    def of(cls, standin, **kw) -> "WeChatPush":
        return cls(standin.token, standin.appid, standin.aes_key, **kw)

    # --- messages ------------------------------------------------------------------------------------------------

    def text(self, openid: str, content: str, *, msg_id: int | None = None, create_time: int | None = None) -> str:
        return _xml({"ToUserName": self.account, "FromUserName": openid,
                     "CreateTime": create_time or int(time.time()), "MsgType": "text", "Content": content,
                     "MsgId": msg_id or next(_msg_ids)})

    def scan(self, openid: str, scene: str, *, create_time: int | None = None) -> str:
        """A follower scans a parametric QR: Event SCAN, EventKey the scene itself."""
        return _xml({"ToUserName": self.account, "FromUserName": openid,
                     "CreateTime": create_time or int(time.time()), "MsgType": "event", "Event": "SCAN",
                     "EventKey": scene, "Ticket": secrets.token_urlsafe(32)})

    def subscribe(self, openid: str, scene: str | None = None, *, create_time: int | None = None) -> str:
        """Someone follows the account, through a parametric QR when scene is given (EventKey qrscene_<scene>)."""
        fields = {"ToUserName": self.account, "FromUserName": openid,
                  "CreateTime": create_time or int(time.time()), "MsgType": "event", "Event": "subscribe"}
        if scene is not None:
            fields.update(EventKey="qrscene_" + scene, Ticket=secrets.token_urlsafe(32))
        return _xml(fields)

    def click(self, openid: str, key: str, *, create_time: int | None = None) -> str:
        """A tap on a menu item of the account (Event CLICK, EventKey the item's key)."""
        return _xml({"ToUserName": self.account, "FromUserName": openid,
                     "CreateTime": create_time or int(time.time()), "MsgType": "event", "Event": "CLICK",
                     "EventKey": key})

    # --- signing -------------------------------------------------------------------------------------------------

    def signed(self, xml: str | bytes, *, safe: bool = False, timestamp: int | None = None,
               nonce: str | None = None) -> tuple[dict, bytes]:
        """(query parameters, body) of the POST WeChat makes. Safe mode: the body is the envelope with Encrypt,
        signed by msg_signature (the plain `signature` is there too, as WeChat sends it)."""
        timestamp = str(timestamp or int(time.time()))
        nonce = nonce or str(secrets.randbelow(10 ** 10))
        params = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                  "openid": "o-sender"}
        if not safe:
            return params, xml.encode() if isinstance(xml, str) else xml
        envelope = xmltodict.parse(self.crypto.encrypt_message(xml, nonce, timestamp))["xml"]
        body = f"<xml><ToUserName><![CDATA[{self.account}]]></ToUserName>" \
               f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>"
        params.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
        return params, body.encode()

    def verification(self, echostr: str = "echo-1234567890") -> dict:
        """The GET WeChat makes when the server URL is saved in the account's settings."""
        timestamp, nonce = str(int(time.time())), str(secrets.randbelow(10 ** 10))
        return {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp, "nonce": nonce,
                "echostr": echostr}

    async def post(self, client, xml: str | bytes, *, safe: bool = False, **kw):
        params, body = self.signed(xml, safe=safe, **kw)
        return await client.post("/wechat", params=params, data=body, headers={"Content-Type": "text/xml"})

    def open_reply(self, text: str, *, safe: bool = False) -> dict | None:
        """The reply as the person's WeChat gets it: None for "success"/empty, else its top-level fields.
        Safe mode: checks MsgSignature and decrypts with wechatpy."""
        if text in ("success", ""):
            return None
        if safe:
            envelope = xmltodict.parse(text)["xml"]
            text = self.crypto.decrypt_message(text, envelope["MsgSignature"], envelope["TimeStamp"],
                                               envelope["Nonce"])
        return xmltodict.parse(text)["xml"]


create_times = itertools.count(int(time.time()) - 100)   # one apart: a repeated CreateTime is WeChat retrying


async def scan(api, push, openid: str, scene: str) -> dict | None:
    """One scan; each its own CreateTime (a second scan in the same second is WeChat's retry of the first)."""
    resp = await push.post(api.client, push.scan(openid, scene, create_time=next(create_times)), safe=True)
    assert resp.status == 200
    return push.open_reply(await resp.text(), safe=True)
