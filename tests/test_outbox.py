"""The outbox and its sender (bot/outbox): real wechatpy against the tests' WeChat stand-in, real Redis.
WeChat's documented answers lead to what docs/messages.md promises: template fallback, skipped, retried, refreshed,
paused; exactly once across processes; a send that may have reached WeChat is `uncertain`, never resent."""
import asyncio
import logging
import time
from collections import Counter
from datetime import datetime

import pytest

from bot.identity import account
from bot.appkeys import OUTBOX
from bot.outbox.queue import Outbox, Outgoing
from bot.outbox.quiet import in_quiet_hours, quiet_until
from voting.clock import CHINA
from bot.outbox.service import queue_messages
from voting.appkeys import REDIS
from voting.settings import Settings
from voting.store.embedded_redis import EmbeddedRedis

from .helpers import Api
from .outbox_support import bind_all, eventually, make_app, wrote_recently


def note(n: int, to: str = "o-sec-1", kind: str = "confirmation", **extra) -> Outgoing:
    return Outgoing(key=f"test:{to}:{n}", to=to, kind=kind, text=f"第 {n} 条通知", meeting="", topic="测试通知",
                    summary=f"第 {n} 条", **extra)


async def status_of(app, ident: str) -> dict:
    return await app[OUTBOX].get(ident)


async def settled(app, ident: str, timeout: float = 15) -> dict:
    async def final():
        msg = await status_of(app, ident)
        return msg if msg["status"] in ("sent", "failed", "skipped", "uncertain") else None
    return await eventually(final, timeout)


@pytest.fixture
async def service(aiohttp_client, wechat_settings):
    client = await aiohttp_client(make_app(wechat_settings))
    return client.app


async def test_enqueueing_the_same_key_again_returns_the_existing_message(service, wechat_standin):
    [(first, new)] = await queue_messages(service, [note(1)])
    [(again, new_again)] = await queue_messages(service, [note(1)])
    assert (first, new, new_again) == (again, True, False)
    await settled(service, first)
    [(third, _)] = await queue_messages(service, [note(1)])
    assert third == first
    await asyncio.sleep(0.3)
    assert len(wechat_standin.delivered_to("o-sec-1")) == 1


async def test_inside_the_48_hour_window_a_text_outside_it_a_template(service, wechat_standin, aredis):
    await account.set_template_id(aredis, "TPL-reminder")
    await wrote_recently(aredis, "o-active")
    ids = [i for i, _ in await queue_messages(service, [note(1, "o-active"), note(2, "o-away")])]
    inside, outside = [await settled(service, i) for i in ids]
    assert (inside["status"], inside["channel"]) == ("sent", "custom")
    assert (outside["status"], outside["channel"]) == ("sent", "template")
    [text] = wechat_standin.delivered_to("o-active")
    [template] = wechat_standin.delivered_to("o-away")
    assert text.kind == "text" and text.text == "第 1 条通知"
    assert template.kind == "template" and template.body["template_id"] == "TPL-reminder"
    assert all(len(v["value"]) <= 20 for v in template.body["data"].values())


async def test_45015_outside_the_window_falls_back_to_a_template(service, wechat_standin, aredis):
    await account.set_template_id(aredis, "TPL-reminder")
    await wrote_recently(aredis, "o-sec-1")       # our record says inside; WeChat says the window has closed
    wechat_standin.fail("message/custom/send", 45015)
    [(ident, _)] = await queue_messages(service, [note(1)])
    msg = await settled(service, ident)
    assert (msg["status"], msg["channel"], msg["attempts"]) == ("sent", "template", 2)
    assert "45015" in msg["note"]
    assert [d.kind for d in wechat_standin.delivered_to("o-sec-1")] == ["template"]


async def test_45015_without_a_template_fails_saying_what_to_configure(service, wechat_standin):
    wechat_standin.fail("message/custom/send", 45015)
    [(ident, _)] = await queue_messages(service, [note(1)])
    msg = await settled(service, ident)
    assert msg["status"] == "failed" and "模板消息" in msg["error"] and "45015" in msg["error"]


async def test_43004_not_following_is_skipped_with_the_reason(aiohttp_client, wechat_settings, wechat_standin):
    client = await aiohttp_client(make_app(wechat_settings))
    wechat_standin.fail("message/custom/send", 43004)
    [(ident, _)] = await queue_messages(client.app, [note(1)])
    msg = await settled(client.app, ident)
    assert msg["status"] == "skipped" and "未关注" in msg["error"]
    shown = (await Api(client).admin("GET", "/api/admin/outbox"))["messages"][0]
    assert shown["status"] == "skipped" and "43004" in shown["error"] and shown["to"] != "o-sec-1"


async def test_minus_1_is_retried_later_and_then_sent(service, wechat_standin):
    wechat_standin.fail("message/custom/send", -1, -1, -1)      # the facade's three tries of the first round
    [(ident, _)] = await queue_messages(service, [note(1)])
    msg = await settled(service, ident)
    assert (msg["status"], msg["attempts"], msg["retries"]) == ("sent", 2, 1)
    assert wechat_standin.calls["message/custom/send"] == 4
    assert len(wechat_standin.delivered_to("o-sec-1")) == 1


async def test_persistent_minus_1_ends_failed_after_bounded_retries(aiohttp_client, wechat_settings, wechat_standin):
    app = (await aiohttp_client(make_app(wechat_settings, outbox={"max_retries": 3}))).app
    wechat_standin.fail_always("message/custom/send", -1)
    [(ident, _)] = await queue_messages(app, [note(1)])
    msg = await settled(app, ident)
    assert msg["status"] == "failed" and "多次发送失败" in msg["error"]
    assert msg["retries"] == 3 and wechat_standin.calls["message/custom/send"] == 9     # 3 rounds of 3 tries


async def test_40001_refreshes_the_token_once_and_sends(service, wechat_standin):
    [(warm, _)] = await queue_messages(service, [note(0)])
    await settled(service, warm)
    wechat_standin.fail("message/custom/send", 40001)
    [(ident, _)] = await queue_messages(service, [note(1)])
    msg = await settled(service, ident)
    assert (msg["status"], msg["attempts"]) == ("sent", 1)
    assert wechat_standin.calls["token"] == 2 and wechat_standin.calls["message/custom/send"] == 3


async def test_persistent_40001_fails_without_a_second_refresh(service, wechat_standin):
    wechat_standin.fail_always("message/custom/send", 40001)
    [(ident, _)] = await queue_messages(service, [note(1)])
    msg = await settled(service, ident)
    assert msg["status"] == "failed" and "access_token" in msg["error"]
    assert wechat_standin.calls["message/custom/send"] == 2 and wechat_standin.calls["token"] == 2


async def test_45009_pauses_every_process_and_resumes(aiohttp_client, wechat_settings, wechat_standin):
    tuning = {"quota_pause": 1.0}
    first = (await aiohttp_client(make_app(wechat_settings, outbox=tuning))).app
    second = (await aiohttp_client(make_app(wechat_settings, outbox=tuning))).app
    wechat_standin.fail("message/custom/send", 45009)
    [(ident, _)] = await queue_messages(first, [note(1)])
    # the stand-in counts the call before the sender has read its 45009 and paused: wait for the pause itself
    await eventually(lambda: wechat_standin.calls["message/custom/send"] >= 1)
    paused_for = await eventually(first[OUTBOX].paused_for)
    paused = time.monotonic()
    assert paused_for > 0.5
    others = [i for i, _ in await queue_messages(second, [note(n) for n in range(2, 6)])]
    msgs = [await settled(first, i) for i in [ident, *others]]
    assert all(m["status"] == "sent" for m in msgs)
    assert time.monotonic() - paused >= paused_for - 0.1     # nothing went out during the pause, in either process
    assert len(wechat_standin.delivered_to("o-sec-1")) == 5


async def test_a_read_timeout_is_uncertain_and_not_resent_until_the_organizer_resends(
        aiohttp_client, wechat_settings, wechat_standin):
    client = await aiohttp_client(make_app(wechat_settings, wechat={"timeout": 0.3}))
    wechat_standin.delay("message/custom/send", 1.0)
    [(ident, _)] = await queue_messages(client.app, [note(1)])
    msg = await settled(client.app, ident)
    assert msg["status"] == "uncertain" and "核实" in msg["error"]
    await asyncio.sleep(0.5)
    assert wechat_standin.calls["message/custom/send"] == 1          # not repeated by the facade or the outbox
    wechat_standin.delay("message/custom/send", None)
    api = Api(client)
    shown = await api.admin("POST", f"/api/admin/outbox/{ident}/resend")
    assert shown["status"] == "queued" and shown["resends"] == 1
    assert (await settled(client.app, ident))["status"] == "sent"
    assert wechat_standin.calls["message/custom/send"] == 2


async def test_a_send_in_flight_when_its_process_died_becomes_uncertain(aiohttp_client, wechat_settings, aredis,
                                                                         wechat_standin):
    """Another process (an Outbox on the same Redis) claimed a message and began sending, then vanished."""
    dead = Outbox(aredis)
    ident, _ = await dead.enqueue(note(1))
    claim = await dead.claim("dead-process", 1.0, 10, 2)
    assert claim.id == ident and await dead.begin(claim, 1.0, "custom")
    app = (await aiohttp_client(make_app(wechat_settings, outbox={"lease": 1.0}))).app
    msg = await settled(app, ident, timeout=5)
    assert msg["status"] == "uncertain" and "可能已送达" in msg["error"]
    assert wechat_standin.calls["message/custom/send"] == 0


async def test_a_claim_whose_process_died_before_sending_is_sent_once_by_another(
        aiohttp_client, wechat_settings, aredis, wechat_standin):
    dead = Outbox(aredis)
    ident, _ = await dead.enqueue(note(1))
    assert (await dead.claim("dead-process", 1.0, 10, 2)).id == ident
    app = (await aiohttp_client(make_app(wechat_settings, outbox={"lease": 1.0}))).app
    msg = await settled(app, ident, timeout=5)
    assert (msg["status"], msg["requeued"]) == ("sent", 1)
    assert len(wechat_standin.delivered_to("o-sec-1")) == 1


async def test_two_processes_send_each_message_once(aiohttp_client, wechat_settings, wechat_standin):
    apps = [(await aiohttp_client(make_app(wechat_settings, outbox={"rate": 500}))).app for _ in range(2)]
    items = [note(n, f"o-person-{n % 40}") for n in range(200)]
    ids = [i for i, _ in await queue_messages(apps[0], items[:100])]
    ids += [i for i, _ in await queue_messages(apps[1], items[100:])]
    for ident in ids:
        assert (await settled(apps[0], ident))["status"] == "sent"
    texts = [(d.to, d.text) for d in wechat_standin.delivered]
    assert len(texts) == len(set(texts)) == 200


async def test_the_rate_holds_across_processes(aiohttp_client, wechat_settings, wechat_standin):
    apps = [(await aiohttp_client(make_app(wechat_settings, outbox={"rate": 20}))).app for _ in range(2)]
    started = time.monotonic()
    ids = [i for i, _ in await queue_messages(apps[0], [note(n) for n in range(30)])]
    for ident in ids:
        await settled(apps[1], ident)
    # a burst of rate/5 = 4, then 20 a second: the last of 30 cannot leave before (30 - 4) / 20 s
    assert time.monotonic() - started >= 1.2


async def test_console_mode_shows_the_message_and_marks_it_sent(aiohttp_client, settings, caplog):
    caplog.set_level(logging.INFO, "bot.outbox")
    client = await aiohttp_client(make_app(settings))
    [(ident, _)] = await queue_messages(client.app, [note(1)])
    msg = await settled(client.app, ident)
    assert (msg["status"], msg["channel"]) == ("sent", "console") and "控制台" in msg["note"]
    assert any("第 1 条通知" in r.getMessage() for r in caplog.records)
    listed = await Api(client).admin("GET", "/api/admin/outbox")
    assert listed["console"] is True and listed["messages"][0]["text"] == "第 1 条通知"


async def test_quiet_messages_wait_for_the_morning_urgent_ones_do_not(aiohttp_client, wechat_settings, wechat_standin):
    hour = datetime.now(CHINA).hour
    quiet = {"quiet_start": hour, "quiet_end": (hour + 2) % 24}      # "now" is inside the quiet hours
    app = (await aiohttp_client(make_app(wechat_settings, outbox=quiet))).app
    [(held, _), (urgent, _)] = await queue_messages(app, [note(1, quiet=True), note(2)])
    assert (await settled(app, urgent))["status"] == "sent"
    msg = await eventually(lambda: _noted(app, held))
    assert msg["status"] == "queued" and msg["due"] / 1000 > time.time() + 3000
    assert [d.text for d in wechat_standin.delivered] == ["第 2 条通知"]


async def _noted(app, ident):
    msg = await app[OUTBOX].get(ident)
    return msg if msg.get("note") else None


def at(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


def test_quiet_hours_are_22_to_7_china_time():
    assert not in_quiet_hours(at("2026-12-18T21:59:59+08:00"), 22, 7)
    assert in_quiet_hours(at("2026-12-18T22:00:00+08:00"), 22, 7)
    assert in_quiet_hours(at("2026-12-18T15:30:00+00:00"), 22, 7)          # 23:30 in China
    assert quiet_until(at("2026-12-18T23:30:00+08:00"), 22, 7) == at("2026-12-19T07:00:00+08:00")
    assert quiet_until(at("2026-12-19T03:00:00+08:00"), 22, 7) == at("2026-12-19T07:00:00+08:00")
    assert quiet_until(at("2026-12-19T07:00:00+08:00"), 22, 7) == at("2026-12-19T07:00:00+08:00")


async def test_outbox_routes_refuse_bad_input_in_chinese(aiohttp_client, wechat_settings):
    client = await aiohttp_client(make_app(wechat_settings))
    api = Api(client)
    assert "会议不存在" in (await api.admin("GET", "/api/admin/outbox?meeting=nosuchmeeting", 404))["error"]
    assert "status" in (await api.admin("GET", "/api/admin/outbox?status=lost", 400))["error"]
    assert "limit" in (await api.admin("GET", "/api/admin/outbox?limit=0", 400))["error"]
    await api.admin("GET", "/api/admin/outbox/abc", 404)
    await api.admin("POST", "/api/admin/outbox/999/resend", 404)
    [(ident, _)] = await queue_messages(client.app, [note(1)])
    await settled(client.app, ident)
    assert "只有" in (await api.admin("POST", f"/api/admin/outbox/{ident}/resend", 409))["error"]
    assert "只能取消" in (await api.admin("POST", f"/api/admin/outbox/{ident}/cancel", 409))["error"]


async def test_a_queued_message_can_be_cancelled(aiohttp_client, wechat_settings, wechat_standin, aredis):
    ident, _ = await Outbox(aredis).enqueue(note(1), due=time.time() + 1)
    client = await aiohttp_client(make_app(wechat_settings))
    shown = await Api(client).admin("POST", f"/api/admin/outbox/{ident}/cancel")
    assert (shown["status"], shown["error"]) == ("skipped", "已取消")
    await asyncio.sleep(1.5)
    assert wechat_standin.delivered == []


async def test_a_redis_outage_is_waited_out_quietly_and_nothing_is_lost_or_doubled(
        aiohttp_client, wechat_settings, wechat_standin, tmp_path, caplog):
    """The sender and the scheduler keep running while Redis is away (voting/store/outage.py says so once), then
    deliver what fell due meanwhile once the store is back, once each."""
    caplog.set_level(logging.INFO)
    server = EmbeddedRedis(tmp_path / "external", appendfsync="always")
    url = server.start()
    try:
        client = await aiohttp_client(make_app(wechat_settings.with_(redis_url=url)))
        api = Api(client)
        m = await api.create_meeting()
        await bind_all(client.app[REDIS], m["id"], {"s1": ["o-zhang"], "s2": ["o-li"]})
        soon = datetime.fromtimestamp(time.time() + 2.5, CHINA).isoformat()
        await api.admin("POST", "/api/admin/reminders", 201, json={
            "text": "断电后的提醒", "meeting": m["id"], "audience": "secretaries", "urgent": True, "at": soon})
        [(ident, _)] = await queue_messages(client.app, [note(1)])
        await settled(client.app, ident)
        server.stop()
        await asyncio.sleep(3)                           # the reminder falls due while Redis is away
        server.start()
        await eventually(lambda: len(wechat_standin.delivered) >= 3)
        await asyncio.sleep(1)
        assert Counter(d.to for d in wechat_standin.delivered) == {"o-sec-1": 1, "o-zhang": 1, "o-li": 1}
    finally:
        server.stop()
    ours = [r for r in caplog.records if r.name.startswith(("bot.outbox", "reminders"))]
    assert not [r for r in ours if r.exc_info] and len(ours) < 10


@pytest.mark.parametrize("env, words", [({"OUTBOX_RATE": "abc"}, "OUTBOX_RATE"), ({"OUTBOX_RATE": "0"}, "OUTBOX_RATE"),
                                        ({"OUTBOX_RATE": "１０"}, "OUTBOX_RATE"), ({"OUTBOX_LEASE": "0.5"}, "OUTBOX_LEASE")])
def test_a_wrong_outbox_setting_stops_the_service_naming_it(env, words):
    with pytest.raises(ValueError, match=words):
        Settings.from_env(env)
    assert Settings.from_env({"OUTBOX_RATE": "2.5", "OUTBOX_LEASE": "30"}).outbox_rate == 2.5
