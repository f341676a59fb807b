"""Reminders: schedules in Redis, an audience evaluated at each occurrence, exactly one message
per (reminder, person, occurrence) across processes, quiet hours, cancelling, bad input refused in Chinese."""
import asyncio
from collections import Counter
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from bot.appkeys import OUTBOX
from voting.clock import CHINA
from paperwork import status as paperwork
from reminders.presets import presets
from voting.meetings import load_meeting

from .helpers import ADMIN, Api
from .outbox_support import bind_all, eventually, make_app

ACCOUNTS = {"s1": ["o-zhang"], "s2": ["o-li", "o-li-2"], "s3": ["o-wang"]}


@pytest.fixture
async def client(aiohttp_client, wechat_settings):
    return await aiohttp_client(make_app(wechat_settings))


@pytest.fixture
async def meeting(client, aredis):
    m = await Api(client).create_meeting()
    await bind_all(aredis, m["id"], ACCOUNTS)
    return m


async def remind(api: Api, status: int = 201, **body) -> dict:
    return await api.admin("POST", "/api/admin/reminders", status, json=body)


async def detail(api: Api, rid: str) -> dict:
    return await api.admin("GET", f"/api/admin/reminders/{rid}")


def china_time(days: int, hour: int) -> datetime:
    day = datetime.now(CHINA) + timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


async def test_a_reminder_now_reaches_every_bound_account_once(client, meeting, wechat_standin):
    api = Api(client)
    body = await remind(api, text="请于12月20日下班前提交述职报告", meeting=meeting["id"], audience="secretaries",
                        urgent=True)
    assert body["audience"] == 3 and body["unbound"] == []
    rec = await eventually(lambda: _settled(api, body["id"], 4))
    assert rec["status"] == "done" and rec["fired"] == 1
    assert sorted(d["secretary"] for d in rec["deliveries"]) == ["s1", "s2", "s2", "s3"]
    assert all(d["status"] == "sent" and d["occurrence"] == 1 for d in rec["deliveries"])
    for openid in ("o-zhang", "o-li", "o-li-2", "o-wang"):
        [d] = wechat_standin.delivered_to(openid)
        assert "请于12月20日下班前提交述职报告" in d.text and meeting["title"] in d.text


async def test_an_account_bound_to_two_secretaries_gets_one_reminder_naming_each(client, meeting, aredis,
                                                                                  wechat_standin):
    """A clerk's account bound to 张三 and 李四 received the same text twice, naming nobody."""
    await bind_all(aredis, meeting["id"], {"s1": ["o-clerk"], "s2": ["o-clerk"]})
    api = Api(client)
    body = await remind(api, text="请提交述职报告", meeting=meeting["id"], audience={"secretaries": ["s1", "s2"]},
                        urgent=True)
    await eventually(lambda: _settled(api, body["id"], 5))
    texts = [d.text for d in wechat_standin.delivered_to("o-clerk")]
    named = sorted(("张三同志：请提交述职报告" in t, "李四同志：请提交述职报告" in t) for t in texts)
    assert named == [(False, True), (True, False)]                   # two messages, each naming one of them
    [zhang] = wechat_standin.delivered_to("o-zhang")
    assert "张三同志：请提交述职报告" in zhang.text and "李四" not in zhang.text


async def _settled(api, rid, count):
    rec = await detail(api, rid)
    done = len(rec["deliveries"]) >= count and all(d["status"] != "queued" for d in rec["deliveries"])
    return rec if done else None


async def test_the_audience_shrinks_as_secretaries_submit(client, meeting, aredis, wechat_standin):
    api = Api(client)
    body = await remind(api, text="请提交述职报告", meeting=meeting["id"], audience="no_report", every_s=2,
                        max_times=5, urgent=True)
    assert body["audience"] == 3
    await eventually(lambda: _settled(api, body["id"], 4))
    m = await load_meeting(aredis, meeting["id"])
    await paperwork.set_status(aredis, m.id, "report", "s1", "submitted")
    await paperwork.set_status(aredis, m.id, "report", "s2", "returned")          # sent back: still due
    second = await eventually(lambda: _occurrence(api, body["id"], 2))
    assert sorted(d["secretary"] for d in second) == ["s2", "s2", "s3"]
    await paperwork.set_status(aredis, m.id, "report", "s2", "submitted")
    await paperwork.set_status(aredis, m.id, "report", "s3", "submitted")
    rec = await eventually(lambda: _done(api, body["id"]))
    assert rec["fired"] in (2, 3) and "均已提交" in rec["done_reason"]
    assert len(wechat_standin.delivered_to("o-zhang")) == 1
    assert len(wechat_standin.delivered_to("o-wang")) == rec["fired"]
    assert await paperwork.missing(aredis, m, "report") == []


async def _occurrence(api, rid, n):
    rec = await detail(api, rid)
    return [d for d in rec["deliveries"] if d["occurrence"] == n] or None


async def _done(api, rid):
    rec = await detail(api, rid)
    return rec if rec["status"] == "done" else None


async def test_an_unbound_secretary_is_listed_and_shown_as_skipped(client, aredis, wechat_standin):
    api = Api(client)
    m = await api.create_meeting()
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    body = await remind(api, text="请提交整改清单", meeting=m["id"], audience={"secretaries": ["s1", "s3"]},
                        urgent=True)
    assert body["unbound"] == [{"id": "s3", "name": "王五"}]
    rec = await eventually(lambda: _settled(api, body["id"], 2))
    by = {d["secretary"]: d for d in rec["deliveries"]}
    assert by["s1"]["status"] == "sent" and by["s3"]["status"] == "skipped" and "绑定" in by["s3"]["reason"]
    assert len(wechat_standin.delivered) == 1


async def test_two_processes_deliver_each_person_and_occurrence_once(aiohttp_client, wechat_settings, aredis,
                                                                     wechat_standin):
    clients = [await aiohttp_client(make_app(wechat_settings)) for _ in range(2)]
    api = Api(clients[0])
    m = await api.create_meeting(secretaries=[{"name": f"书记{i}"} for i in range(30)])
    await bind_all(aredis, m["id"], {f"s{i}": [f"o-{i}"] for i in range(1, 31)})
    ids = [(await remind(Api(c), text=f"第 {n} 条提醒", meeting=m["id"], audience="secretaries", every_s=1,
                         max_times=2, urgent=True))["id"] for n, c in enumerate(clients)]
    for rid in ids:
        await eventually(lambda: _settled(api, rid, 60), timeout=20)
    # 2 reminders × 2 occurrences × 30 people, each (reminder, person, occurrence) once
    assert Counter((d.to, d.text) for d in wechat_standin.delivered) == {
        (f"o-{i}", f"【提醒】{m['title']}\n书记{i - 1}同志：第 {n} 条提醒"): 2 for i in range(1, 31) for n in range(2)}
    messages = await clients[1].app[OUTBOX].listing()
    assert len({(x["ref"], x["to"]) for x in messages}) == len(messages) == 120
    assert all(x["fired"] == 2 for x in (await api.admin("GET", "/api/admin/reminders"))["reminders"])


async def test_cancelling_skips_what_is_not_yet_sent(aiohttp_client, wechat_settings, aredis, wechat_standin):
    hour = datetime.now(CHINA).hour
    quiet = {"quiet_start": hour, "quiet_end": (hour + 2) % 24}     # now is quiet: messages are held back
    client = await aiohttp_client(make_app(wechat_settings, outbox=quiet))
    api = Api(client)
    m = await api.create_meeting()
    await bind_all(aredis, m["id"], ACCOUNTS)
    soon = (datetime.now(CHINA) + timedelta(seconds=1)).isoformat()
    urgent = await remind(api, text="紧急提醒", meeting=m["id"], audience="secretaries", urgent=True, at=soon)
    held = await remind(api, text="普通提醒", meeting=m["id"], audience="secretaries")
    assert held["postponed"] is True and urgent["postponed"] is False
    await eventually(lambda: _settled(api, urgent["id"], 4))
    rec = await detail(api, held["id"])
    assert rec["status"] == "scheduled" and rec["fired"] == 0 and rec["deliveries"] == []
    gone = await api.admin("DELETE", f"/api/admin/reminders/{held['id']}")
    assert gone["status"] == "cancelled"
    assert "已取消" in (await api.admin("DELETE", f"/api/admin/reminders/{held['id']}", 409))["error"]
    assert sorted(d.text.split("\n")[1] for d in wechat_standin.delivered) == \
        ["张三同志：紧急提醒", "李四同志：紧急提醒", "李四同志：紧急提醒", "王五同志：紧急提醒"]


async def test_cancel_turns_queued_messages_into_skipped(aiohttp_client, wechat_settings, aredis, wechat_standin):
    client = await aiohttp_client(make_app(wechat_settings, outbox={"backoff": 60}))
    api = Api(client)
    m = await api.create_meeting()
    await bind_all(aredis, m["id"], ACCOUNTS)
    wechat_standin.fail_always("message/custom/send", -1)          # messages wait for a retry, still queued
    body = await remind(api, text="请提交", meeting=m["id"], audience="secretaries", urgent=True)
    await eventually(lambda: _retrying(api, body["id"]))
    await api.admin("DELETE", f"/api/admin/reminders/{body['id']}")
    rec = await detail(api, body["id"])
    assert {d["status"] for d in rec["deliveries"]} == {"skipped"}
    assert {d["reason"] for d in rec["deliveries"]} == {"已取消"}


async def _retrying(api, rid):
    rec = await detail(api, rid)
    return rec if len(rec["deliveries"]) == 4 and all(d.get("reason") for d in rec["deliveries"]) else None


async def test_quiet_hours_postpone_to_seven_unless_urgent(client, meeting):
    api = Api(client)
    night = china_time(2, 23).isoformat(timespec="seconds").replace("+08:00", "")    # no offset: China time
    body = await remind(api, text="提醒", meeting=meeting["id"], audience="secretaries", at=night)
    assert body["first_at"] == china_time(3, 7).isoformat(timespec="seconds") and body["postponed"]
    urgent = await remind(api, text="提醒", meeting=meeting["id"], audience="secretaries", at=night, urgent=True)
    assert urgent["first_at"] == china_time(2, 23).isoformat(timespec="seconds")
    utc = china_time(2, 10).astimezone().isoformat()                 # an offset is honoured
    assert (await remind(api, text="提醒", meeting=meeting["id"], audience="secretaries", at=utc))["first_at"] == \
        china_time(2, 10).isoformat(timespec="seconds")


def _bad_cases():
    past = (datetime.now(CHINA) - timedelta(hours=1)).isoformat()
    return [
        ({"meeting": "nosuchmeeting"}, 404, "会议不存在"),
        ({"audience": {"secretaries": ["s1", "s9"]}}, 404, "没有这位述职书记"),
        ({"at": past}, 400, "提醒时间已过"),
        ({"at": "明天上午"}, 400, "ISO 8601"),
        ({"text": "提" * 2000}, 400, "提醒内容过长"),
        ({"text": "   "}, 400, "缺少提醒内容"),
        ({"audience": {"secretaries": []}}, 400, "提醒对象为空"),
        ({"audience": "everyone"}, 400, "audience"),
        ({"every_s": 3600}, 400, "最多提醒次数"),
        ({"every_s": 3600, "max_times": 1000}, 400, "最多提醒次数须为"),
        ({"max_times": 3}, 400, "重复间隔"),
        ({"every_s": 0.5, "max_times": 3}, 400, "整数"),
        ({"every_s": True, "max_times": 3}, 400, "整数"),
        ({"urgent": "yes"}, 400, "urgent"),
        ({"meeting": None}, 400, "meeting"),
    ]


@pytest.mark.parametrize("change, status, words", _bad_cases())
async def test_bad_reminders_get_a_clear_4xx_and_nothing_is_scheduled(client, meeting, change, status, words,
                                                                      wechat_standin):
    api = Api(client)
    body = {"text": "请提交述职报告", "meeting": meeting["id"], "audience": "secretaries", **change}
    assert words in (await remind(api, status, **body))["error"]
    assert (await api.admin("GET", "/api/admin/reminders"))["reminders"] == []
    assert await client.app[OUTBOX].listing() == []


async def test_an_audience_that_is_empty_now_is_refused(client, meeting, aredis):
    m = await load_meeting(aredis, meeting["id"])
    for sid in ("s1", "s2", "s3"):
        await paperwork.set_status(aredis, m.id, "rectification", sid, "submitted")
    body = await remind(Api(client), 400, text="请提交整改清单", meeting=m.id, audience="no_rectification")
    assert "提醒对象为空" in body["error"] and "整改清单" in body["error"]


async def test_unknown_reminders_are_404_and_presets_cite_the_documents(client):
    api = Api(client)
    await api.admin("GET", "/api/admin/reminders/12345", 404)
    await api.admin("GET", "/api/admin/reminders/abc", 404)
    await api.admin("DELETE", "/api/admin/reminders/12345", 404)
    assert "meeting_date" in (await api.admin("GET", "/api/admin/reminders/presets?meeting_date=明天", 400))["error"]
    listed = {p["code"]: p for p in (await api.admin("GET", "/api/admin/reminders/presets"))["presets"]}
    assert listed["000-report"]["cite"] == "000 §四" and "-12-20T17:00:00+08:00" in listed["000-report"]["deadline"]
    assert listed["002-rectification"]["audience"] == "no_rectification" and "-01-22T" in \
        listed["002-rectification"]["deadline"]
    assert listed["004-report"]["needs"] == "meeting_date"


def test_presets_remind_daily_at_nine_up_to_the_deadline():
    now = datetime(2026, 12, 10, 12, tzinfo=CHINA).timestamp()
    meeting_day = datetime(2027, 1, 15).date()
    by = {p["code"]: p for p in presets(now, meeting_day)}
    assert by["000-report"]["at"] == "2026-12-17T09:00:00+08:00" and by["000-report"]["max_times"] == 4
    assert by["000-report"]["every_s"] == 86400
    assert by["004-report"]["deadline"] == "2027-01-08T00:00:00+08:00"       # a week before the meeting
    assert by["004-report"]["at"] == "2027-01-05T09:00:00+08:00" and by["004-report"]["max_times"] == 3
    late = {p["code"]: p for p in presets(datetime(2026, 12, 20, 10, tzinfo=CHINA).timestamp())}
    assert late["000-report"]["max_times"] == 1 and late["000-report"]["every_s"] is None


async def test_the_reminder_text_page_opens_with_its_signed_link(client, meeting, aredis):
    api = Api(client)
    await aredis.hset("wechat:account", "template_id", "TPL-reminder")
    body = await remind(api, text="请于1月22日前提交整改清单（附件3）" + "。" * 30, meeting=meeting["id"],
                        audience={"secretaries": ["s1"]}, urgent=True)
    await eventually(lambda: _settled(api, body["id"], 1))
    [msg] = await client.app[OUTBOX].listing()
    assert msg["channel"] == "template"
    url = msg["url"].split("voting.test", 1)[1]
    page = await (await client.get(url)).text()
    assert "请于1月22日前提交整改清单（附件3）" in page
    assert (await client.get(f"/reminders/{body['id']}/text?t=forged")).status == 403


JSON = st.recursive(st.none() | st.booleans() | st.integers(-2**64, 2**64) | st.floats() | st.text(max_size=30),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=10), c, max_size=4),
                    max_leaves=12)
FIELDS = st.sampled_from(["text", "meeting", "audience", "at", "every_s", "max_times", "urgent", "secretaries"])


async def test_random_bodies_never_get_a_5xx(client, meeting):
    """Hypothesis drives this branch's POST routes with random JSON (the lead's fuzz test covers bot's routes;
    the reminders join it once their entry point is installed)."""
    loop, statuses = asyncio.get_running_loop(), []

    @hsettings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.dictionaries(FIELDS, JSON | st.just(meeting["id"]) | st.just("secretaries"), max_size=7),
           st.sampled_from(["/api/admin/reminders", f"/api/admin/meetings/{meeting['id']}/feedback"]))
    def check(body, path):
        status = asyncio.run_coroutine_threadsafe(_post(client, path, body), loop).result(20)
        statuses.append(status)
        assert status < 500, (path, body)

    await loop.run_in_executor(None, check)
    assert {200, 400} <= set(statuses)


async def _post(client, path, body):
    resp = await client.post(path, json=body, headers=ADMIN)
    return resp.status
