"""What WeChat pushes to /wechat (`Incoming`) and what we answer (`TextReply`, `NewsReply`), to and from XML.

Parsing goes through defusedxml: the body comes from the internet before anything proves it is WeChat's
(plaintext mode signs only the query string), so a DOCTYPE, an entity or an XML bomb is refused, never
expanded. Replies are rendered here rather than with wechatpy.replies, which writes text into CDATA
unescaped: a title containing "]]>" would break out of it.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

REQUIRED = ("ToUserName", "FromUserName", "CreateTime", "MsgType")
SCENE_PREFIX = "qrscene_"       # subscribe through a parametric QR: EventKey is qrscene_<scene>
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class BadMessage(ValueError):
    """The body is not a WeChat message; the text (Chinese) is what the 400 answer says."""


@dataclass(frozen=True)
class Incoming:
    """One pushed message or event. `event` is lower case (subscribe, unsubscribe, scan, click, view, ...);
    `event_key` is the QR scene for subscribe (qrscene_ removed) and SCAN, the menu key for click."""
    openid: str                  # FromUserName
    account: str                 # ToUserName: the official account's original id (gh_...)
    create_time: int
    msg_type: str                # text, image, voice, video, location, link, event (lower case)
    msg_id: str | None = None    # every message has one; events have none
    content: str | None = None   # text messages
    event: str | None = None
    event_key: str | None = None
    ticket: str | None = None    # the QR's ticket for QR events
    fields: Mapping[str, str] = field(default_factory=dict, compare=False)  # every top-level field, as sent

    @property
    def scene(self) -> str | None:
        """The parametric QR's scene when this is a scan (SCAN, or subscribe through a QR), else None."""
        if self.event == "scan" or (self.event == "subscribe" and self.fields.get("EventKey", "")
                                    .startswith(SCENE_PREFIX)):
            return self.event_key or None
        return None

    @property
    def dedupe_key(self) -> str:
        """WeChat retries a push up to 3 times: the same MsgId, or for events FromUserName + CreateTime
        (消息排重, as the documentation recommends). A message's key holds the sender too: a
        MsgId is not promised unique across users, and a retry's stored reply must only go back to its sender."""
        if self.msg_id:
            return f"msg:{self.account}:{self.openid}:{self.msg_id}"
        return f"event:{self.account}:{self.openid}:{self.create_time}"


@dataclass(frozen=True)
class Article:
    title: str
    description: str = ""
    url: str = ""
    picurl: str = ""


@dataclass(frozen=True)
class TextReply:
    content: str


@dataclass(frozen=True)
class NewsReply:
    """One link card: WeChat shows at most one article in a passive reply to a message."""
    article: Article


Reply = TextReply | NewsReply


def reply_text(reply: Reply) -> str:
    """A reply as the text of a customer-service message (客服消息), for a reply that missed WeChat's 5 s:
    a link card becomes its title, description and link (WeChat shows a URL in a text as a link)."""
    if isinstance(reply, TextReply):
        return reply.content
    a = reply.article
    return "\n".join(part for part in (a.title, a.description, a.url) if part)


def parse_xml(body: bytes) -> dict[str, str]:
    """The top-level fields of `<xml>...</xml>` (text of each child; nested elements give their text, usually
    empty). Raises BadMessage for anything that is not well-formed UTF-8 XML without DTD or entities."""
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadMessage("消息不是 UTF-8 编码") from None
    try:
        root = fromstring(body, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise BadMessage("消息含有不允许的 DTD 或实体声明") from None
    except (ParseError, ValueError, LookupError):
        raise BadMessage("消息不是有效的 XML") from None
    if root.tag != "xml":
        raise BadMessage("消息的根元素须为 <xml>")
    fields = {}
    for child in root:
        if isinstance(child.tag, str):
            fields[child.tag] = child.text or ""
    return fields


def incoming(fields: Mapping[str, str]) -> Incoming:
    """An Incoming from parsed fields; BadMessage naming the first missing or malformed field."""
    for name in REQUIRED:
        if not fields.get(name, "").strip():
            raise BadMessage(f"消息缺少字段 {name}")
    create_time = fields["CreateTime"].strip()
    if not create_time.isascii() or not create_time.isdigit() or len(create_time) > 12:
        raise BadMessage("消息的 CreateTime 不是有效的时间戳")
    msg_type = fields["MsgType"].strip().lower()
    msg_id = fields.get("MsgId", "").strip() or None
    if msg_id is not None and (not msg_id.isascii() or not msg_id.isdigit() or len(msg_id) > 24):
        raise BadMessage("消息的 MsgId 无效")
    event = event_key = None
    if msg_type == "event":
        event = fields.get("Event", "").strip().lower()
        if not event:
            raise BadMessage("事件消息缺少字段 Event")
        event_key = fields.get("EventKey", "").strip() or None
        if event == "subscribe" and event_key and event_key.startswith(SCENE_PREFIX):
            event_key = event_key[len(SCENE_PREFIX):] or None
    return Incoming(openid=fields["FromUserName"].strip(), account=fields["ToUserName"].strip(),
                    create_time=int(create_time), msg_type=msg_type, msg_id=msg_id,
                    content=fields.get("Content") if msg_type == "text" else None, event=event,
                    event_key=event_key, ticket=fields.get("Ticket", "").strip() or None,
                    fields=MappingProxyType(dict(fields)))


def cdata(text: str) -> str:
    """Text as CDATA that stays CDATA whatever it contains ("]]>" split across two sections)."""
    text = _XML_ILLEGAL.sub("", str(text))
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def render_reply(reply: Reply, to_incoming: Incoming, now: int | None = None) -> str:
    """The passive reply XML (被动回复用户消息): from the account to the person who wrote."""
    head = (f"<ToUserName>{cdata(to_incoming.openid)}</ToUserName>"
            f"<FromUserName>{cdata(to_incoming.account)}</FromUserName>"
            f"<CreateTime>{int(time.time()) if now is None else now}</CreateTime>")
    if isinstance(reply, TextReply):
        body = f"<MsgType><![CDATA[text]]></MsgType><Content>{cdata(reply.content)}</Content>"
    elif isinstance(reply, NewsReply):
        a = reply.article
        body = ("<MsgType><![CDATA[news]]></MsgType><ArticleCount>1</ArticleCount><Articles><item>"
                f"<Title>{cdata(a.title)}</Title><Description>{cdata(a.description)}</Description>"
                f"<PicUrl>{cdata(a.picurl)}</PicUrl><Url>{cdata(a.url)}</Url></item></Articles>")
    else:
        raise TypeError(f"not a reply: {reply!r}")
    return f"<xml>{head}{body}</xml>"
