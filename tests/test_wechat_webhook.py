"""GET|POST /wechat: signatures, plaintext and safe mode, WeChat's retries, replays, deadlines.
Pushes are built and replies opened with wechatpy's own crypto (tests/wechat_messages.py)."""
import asyncio
import logging
import time

import pytest

from bot.appkeys import WECHAT_HANDLER
from bot.inbound.messages import Article, NewsReply, TextReply
from voting.app import create_app

from .outbox_support import eventually


class Recorder:
    """A handler that answers text with its content and a scan with a link, and remembers what it saw."""

    def __init__(self, delay: float = 0):
        self.seen = []
        self.delay = delay

    async def __call__(self, app, incoming):
        self.seen.append(incoming)
        await asyncio.sleep(self.delay)
        if incoming.msg_type == "text":
            return TextReply(f"收到：{incoming.content}")
        if incoming.scene:
            return NewsReply(Article("参加测评", f"会议 {incoming.scene}", f"http://voting.test/m/{incoming.scene}"))
        return None


async def webhook_client(aiohttp_client, settings, handler=None):
    app = create_app(settings)
    if handler:
        app[WECHAT_HANDLER] = handler
    return await aiohttp_client(app)


@pytest.fixture
def plain_settings(settings, wechat_standin):
    return settings.with_(wechat=wechat_standin.env(WECHAT_AES_KEY=""))


async def test_url_verification_echoes_echostr(aiohttp_client, wechat_settings, push):
    client = await webhook_client(aiohttp_client, wechat_settings)
    resp = await client.get("/wechat", params=push.verification("7339048923453"))
    assert (resp.status, await resp.text()) == (200, "7339048923453")


async def test_wrong_signature_is_refused(aiohttp_client, plain_settings, push, caplog):
    handler = Recorder()
    client = await webhook_client(aiohttp_client, plain_settings, handler)
    params = {**push.verification(), "signature": "0" * 40}
    resp = await client.get("/wechat", params=params)
    assert resp.status == 403 and (await resp.json())["error"] == "签名校验失败"
    resp = await client.get("/wechat", params={k: v for k, v in params.items() if k != "nonce"})
    assert resp.status == 400 and "nonce" in (await resp.json())["error"]
    params, body = push.signed(push.text("o-1", "你好"))
    resp = await client.post("/wechat", params={**params, "signature": "f" * 40}, data=body)
    assert resp.status == 403 and handler.seen == []


async def test_plaintext_text_round_trip(aiohttp_client, plain_settings, push):
    handler = Recorder()
    client = await webhook_client(aiohttp_client, plain_settings, handler)
    resp = await push.post(client, push.text("o-1", "帮助 ]]> <b>"))
    reply = push.open_reply(await resp.text())
    assert resp.status == 200 and resp.content_type == "application/xml"
    assert reply["MsgType"] == "text" and reply["Content"] == "收到：帮助 ]]> <b>"
    assert (reply["ToUserName"], reply["FromUserName"]) == ("o-1", push.account)
    [seen] = handler.seen
    assert (seen.openid, seen.msg_type, seen.content) == ("o-1", "text", "帮助 ]]> <b>") and seen.msg_id


async def test_safe_mode_scan_round_trip(aiohttp_client, wechat_settings, push):
    handler = Recorder()
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    resp = await push.post(client, push.scan("o-2", "m:abc:123"), safe=True)
    text = await resp.text()
    assert "<Encrypt>" in text and "voting.test" not in text
    reply = push.open_reply(text, safe=True)
    item = reply["Articles"]["item"]
    assert reply["MsgType"] == "news" and reply["ArticleCount"] == "1"
    assert item["Url"] == "http://voting.test/m/m:abc:123" and item["Title"] == "参加测评"
    [seen] = handler.seen
    assert (seen.event, seen.event_key, seen.scene, seen.msg_id) == ("scan", "m:abc:123", "m:abc:123", None)


async def test_subscribe_through_a_qr_strips_qrscene(aiohttp_client, wechat_settings, push):
    handler = Recorder()
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    reply = push.open_reply(await (await push.post(client, push.subscribe("o-3", "b:s1"), safe=True)).text(),
                            safe=True)
    assert reply["Articles"]["item"]["Url"] == "http://voting.test/m/b:s1"
    resp = await push.post(client, push.subscribe("o-4"), safe=True)
    assert await resp.text() == "success"
    assert [(s.event, s.event_key, s.scene) for s in handler.seen] == [("subscribe", "b:s1", "b:s1"),
                                                                      ("subscribe", None, None)]


async def test_plaintext_push_is_refused_when_safe_mode_is_configured(aiohttp_client, wechat_settings, push):
    handler = Recorder()
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    resp = await push.post(client, push.text("o-1", "你好"))
    assert resp.status == 403 and "安全模式" in (await resp.json())["error"] and handler.seen == []


async def test_wechat_retry_of_a_message_gets_the_same_reply_and_runs_the_handler_once(
        aiohttp_client, wechat_settings, push):
    handler = Recorder()
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    message = push.text("o-1", "测评", msg_id=6054768590064713728)
    first = await push.post(client, message, safe=True)
    again = await push.post(client, message, safe=True)              # WeChat's retry: a new nonce
    params, body = push.signed(message, safe=True)
    await client.post("/wechat", params=params, data=body)
    same_nonce = await client.post("/wechat", params=params, data=body)  # the same request once more
    replies = [push.open_reply(await r.text(), safe=True) for r in (first, again, same_nonce)]
    assert all(r["Content"] == "收到：测评" for r in replies)
    assert replies[0]["CreateTime"] == replies[1]["CreateTime"] == replies[2]["CreateTime"]
    assert len(handler.seen) == 1


async def test_wechat_retry_of_an_event_gets_the_same_reply_and_runs_the_handler_once(
        aiohttp_client, wechat_settings, push):
    handler = Recorder()
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    created = int(time.time()) - 3
    replies = []
    for _ in range(3):
        resp = await push.post(client, push.scan("o-5", "m:xyz", create_time=created), safe=True)
        replies.append(push.open_reply(await resp.text(), safe=True)["Articles"]["item"]["Url"])
    assert replies == ["http://voting.test/m/m:xyz"] * 3 and len(handler.seen) == 1
    await push.post(client, push.scan("o-5", "m:xyz", create_time=created + 1), safe=True)
    assert len(handler.seen) == 2        # a second scan a second later is a new event


async def test_old_timestamp_is_refused_as_a_replay(aiohttp_client, wechat_settings, push):
    """Five minutes either side of our clock. The probes sit 30 s outside the window: int() truncates up to a
    second and the request takes time to arrive, so a probe at exactly +301 s was sometimes inside it (CI)."""
    handler = Recorder()
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    resp = await push.post(client, push.text("o-1", "你好"), safe=True, timestamp=int(time.time()) - 330)
    assert resp.status == 403 and "时间戳" in (await resp.json())["error"] and handler.seen == []
    resp = await push.post(client, push.text("o-1", "你好"), safe=True, timestamp=int(time.time()) + 330)
    assert resp.status == 403
    resp = await push.post(client, push.text("o-1", "你好"), safe=True, timestamp=int(time.time()) + 270)
    assert resp.status == 200 and len(handler.seen) == 1     # WeChat's clock 4½ minutes ahead of ours still works


async def test_reused_nonce_with_another_message_is_refused(aiohttp_client, plain_settings, push):
    """Plaintext mode signs only (token, timestamp, nonce): a captured query string must not carry a new body."""
    handler = Recorder()
    client = await webhook_client(aiohttp_client, plain_settings, handler)
    params, body = push.signed(push.text("o-1", "你好"))
    assert (await client.post("/wechat", params=params, data=body)).status == 200
    forged = push.text("o-1", "开启 3").encode()
    resp = await client.post("/wechat", params=params, data=forged)
    assert resp.status == 403 and "nonce" in (await resp.json())["error"]
    assert [s.content for s in handler.seen] == ["你好"]


BOMB = (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(b'<!ENTITY %s "%s">' % (bytes([98 + i]), (b"&%s;" % bytes([97 + i])) * 10) for i in range(8))
        + b"]><xml><ToUserName>x</ToUserName><FromUserName>&i;</FromUserName><CreateTime>1</CreateTime>"
        + b"<MsgType>text</MsgType></xml>")
HOSTILE = {
    "xml bomb": (BOMB, 400),
    "external entity": (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
                        b"<xml><Content>&x;</Content></xml>", 400),
    "doctype only": (b"<!DOCTYPE xml><xml><ToUserName>a</ToUserName></xml>", 400),
    "1 MB of junk": (bytes(range(256)) * 4096, 413),
    "non-UTF-8 bytes": ("<xml><ToUserName>公众号</ToUserName></xml>".encode("gbk"), 400),
    "declared GBK": ('<?xml version="1.0" encoding="GBK"?><xml><Content>你好</Content></xml>'.encode("gbk"), 400),
    "declared GBK, ASCII body": (b'<?xml version="1.0" encoding="GBK"?><xml><ToUserName>a</ToUserName></xml>', 400),
    "UTF-16": ("<xml><ToUserName>a</ToUserName></xml>".encode("utf-16"), 400),
    "deep nesting": (b"<xml>" + b"<a>" * 8000 + b"</a>" * 8000 + b"</xml>", 400),
    "not xml": (b"{\"ToUserName\": \"x\"}", 400),
    "empty": (b"", 400),
    "missing fields": (b"<xml><ToUserName>gh_1</ToUserName><MsgType>text</MsgType></xml>", 400),
    "bad CreateTime": (b"<xml><ToUserName>a</ToUserName><FromUserName>b</FromUserName>"
                       b"<CreateTime>soon</CreateTime><MsgType>text</MsgType></xml>", 400),
    "other root": (b"<html><ToUserName>a</ToUserName></html>", 400),
}


@pytest.mark.parametrize("name", HOSTILE)
async def test_hostile_bodies_get_a_4xx_and_one_log_line(aiohttp_client, plain_settings, push, caplog, name):
    body, status = HOSTILE[name]
    handler = Recorder()
    client = await webhook_client(aiohttp_client, plain_settings, handler)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        params, _ = push.signed("")
        resp = await client.post("/wechat", params=params, data=body)
        answer = await resp.json()
    assert resp.status == status and answer["error"] and handler.seen == []
    assert not any(r.exc_info for r in caplog.records) and "Traceback" not in caplog.text
    assert len([r for r in caplog.records if r.name == "bot.inbound.webhook"]) == 1


async def test_hostile_xml_inside_a_valid_encryption_is_refused(aiohttp_client, wechat_settings, push, caplog):
    """Encrypted and signed with the right key (a leaked key, or a bug on WeChat's side): still parsed safely."""
    client = await webhook_client(aiohttp_client, wechat_settings, Recorder())
    params, body = push.signed(BOMB.decode(), safe=True)
    resp = await client.post("/wechat", params=params, data=body)
    assert resp.status == 400 and "DTD" in (await resp.json())["error"]
    params, body = push.signed(push.text("o-1", "你好"), safe=True)
    resp = await client.post("/wechat", params={**params, "msg_signature": "0" * 40}, data=body)
    assert resp.status == 403
    assert not any(r.exc_info for r in caplog.records)


async def test_slow_handler_is_answered_success_within_wechats_5_seconds(aiohttp_client, wechat_settings, push):
    handler = Recorder(delay=30)
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    started = time.monotonic()
    resp = await push.post(client, push.text("o-1", "帮助"), safe=True)
    elapsed = time.monotonic() - started
    assert (resp.status, await resp.text()) == (200, "success")
    assert 4.0 < elapsed < 5.0
    assert len(handler.seen) == 1


async def test_a_reply_that_missed_the_deadline_still_reaches_the_person(aiohttp_client, wechat_settings, push,
                                                                        wechat_standin):
    """WeChat stops retrying at "success", so a reply finished after 4.5 s was stored for
    retries that never came and the person who scanned saw nothing. It now goes out as a customer-service
    message, once; a push retried after all still gets the stored reply and no second message."""
    handler = Recorder(delay=5.0)
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    scan = push.scan("o-late", "m:abc")
    resp = await push.post(client, scan, safe=True)
    assert (resp.status, await resp.text()) == (200, "success")
    await eventually(lambda: wechat_standin.delivered_to("o-late"))
    [message] = wechat_standin.delivered_to("o-late")
    assert message.text == "参加测评\n会议 m:abc\nhttp://voting.test/m/m:abc"
    resp = await push.post(client, scan, safe=True)                 # a retry after all: the stored reply
    assert push.open_reply(await resp.text(), safe=True)["Articles"]["item"]["Url"] == "http://voting.test/m/m:abc"
    await asyncio.sleep(0.5)
    assert len(wechat_standin.delivered_to("o-late")) == 1 and len(handler.seen) == 1


async def test_failing_handler_answers_success_and_is_not_rerun_by_retries(aiohttp_client, wechat_settings, push,
                                                                            caplog):
    calls = []

    async def broken(app, incoming):
        calls.append(incoming)
        raise RuntimeError("bug")

    client = await webhook_client(aiohttp_client, wechat_settings, broken)
    message = push.text("o-1", "结果")
    for _ in range(2):
        resp = await push.post(client, message, safe=True)
        assert (resp.status, await resp.text()) == (200, "success")
    assert len(calls) == 1 and "wechat handler failed" in caplog.text


async def test_the_account_answers_a_scan_of_an_unknown_meeting_in_words(aiohttp_client, wechat_settings, push):
    client = await webhook_client(aiohttp_client, wechat_settings)
    resp = await push.post(client, push.scan("o-1", "m:abcd"), safe=True)
    assert "会议不存在" in push.open_reply(await resp.text(), safe=True)["Content"]
    resp = await push.post(client, push.scan("o-2", "not-ours"), safe=True)   # another QR of the account
    assert "二维码无效" in push.open_reply(await resp.text(), safe=True)["Content"]     # words, never silence


async def test_without_wechat_token_the_webhook_says_it_is_not_configured(client, push):
    for resp in (await client.get("/wechat", params=push.verification()),
                 await push.post(client, push.text("o-1", "你好"))):
        assert resp.status == 404 and "WECHAT_TOKEN" in (await resp.json())["error"]


async def test_a_msgid_reused_by_another_user_does_not_return_the_first_users_reply(
        aiohttp_client, wechat_settings, push):
    """The retry key of a message was MsgId without FromUserName, so another user's message with
    the same MsgId got the first user's stored reply (and the handler never saw it)."""
    handler = Recorder()
    client = await webhook_client(aiohttp_client, wechat_settings, handler)
    first = await push.post(client, push.text("oAlice", "我的结果", msg_id=6054768590064713999), safe=True)
    other = await push.post(client, push.text("oBob", "帮助", msg_id=6054768590064713999), safe=True)
    mine, theirs = [push.open_reply(await r.text(), safe=True) for r in (first, other)]
    assert (mine["ToUserName"], mine["Content"]) == ("oAlice", "收到：我的结果")
    assert (theirs["ToUserName"], theirs["Content"]) == ("oBob", "收到：帮助")
    assert [s.openid for s in handler.seen] == ["oAlice", "oBob"]
