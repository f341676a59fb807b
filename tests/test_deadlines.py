"""A closing time for open windows: set by the organizer, closed by the service once, across restarts and
processes (voting/console/deadlines.py, lua/deadline.lua)."""
import asyncio
import time

import pytest
import redis.asyncio as aioredis

from voting.app import create_app
from voting.store.keys import DEADLINES

from .helpers import Api, stream


async def window_state(api: Api, mid: str) -> dict:
    return (await api.admin("GET", f"/api/admin/meetings/{mid}"))["state"]


async def wait_until_closed(api: Api, mid: str, sid: str, timeout: float = 5.0) -> float:
    started = time.monotonic()
    while sid not in (await window_state(api, mid))["closed"]:
        assert time.monotonic() - started < timeout, f"{sid} not closed after {timeout} s"
        await asyncio.sleep(0.05)
    return time.monotonic()


async def test_deadline_closes_the_open_window_by_itself(api):
    m = await api.create_meeting(mode="sequential")
    await api.open(m["id"], "s1")
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 9)
    body = await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 1.0})
    set_at = time.monotonic()
    assert body["deadline"]["secretaries"] == ["s1"] and 0.5 < body["deadline"]["remaining"] <= 1.0
    assert (await window_state(api, m["id"]))["deadline"]["secretaries"] == ["s1"]
    closed_at = await wait_until_closed(api, m["id"], "s1")
    assert 0.8 < closed_at - set_at < 2.5
    assert "已结束" in (await api.cast(m["id"], token, "s1", 3, status=409))["error"]
    assert (await api.results(m["id"]))["s1"]["mean"] == 9            # the ballot before the close counts
    assert (await window_state(api, m["id"]))["deadline"] is None


async def test_deadline_closes_only_the_windows_open_when_it_was_set(api):
    """Sequential: closing 张三 by hand and opening 李四 must not hand 李四 张三's remaining minutes."""
    m = await api.create_meeting(mode="sequential")
    await api.open(m["id"], "s1")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 0.8})
    await api.close(m["id"], "s1")
    await api.open(m["id"], "s2")
    assert (await window_state(api, m["id"]))["deadline"] is None      # nothing it would close is open
    await asyncio.sleep(1.5)
    assert (await window_state(api, m["id"]))["open"] == ["s2"]


async def test_moved_or_cancelled_deadline_never_fires_early(api, redis_sync):
    m = await api.create_meeting()
    await api.open(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 0.6})
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"minutes": 10})   # moved later
    assert redis_sync.zcard(DEADLINES) == 1
    await asyncio.sleep(1.2)
    state = await window_state(api, m["id"])
    assert state["open"] == ["s1", "s2", "s3"] and state["deadline"]["secretaries"] == ["s1", "s2", "s3"]
    await api.admin("DELETE", f"/api/admin/meetings/{m['id']}/deadline")
    assert (await window_state(api, m["id"]))["deadline"] is None and redis_sync.zcard(DEADLINES) == 0


async def test_scheduled_close_happens_once_with_two_processes(aiohttp_client, settings, redis_server):
    """Two service processes on one Redis both watch the due closes; the window closes exactly once."""
    fast = settings.with_(deadline_poll=0.02)
    first = Api(await aiohttp_client(create_app(fast)))
    second = Api(await aiohttp_client(create_app(fast)))
    m = await first.create_meeting()
    await first.open(m["id"])
    listener = aioredis.Redis.from_url(redis_server.url, decode_responses=True)
    pubsub = listener.pubsub()
    await pubsub.subscribe(f"live:{m['id']}")
    await second.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 0.5})
    fired, deadline = [], time.monotonic() + 3
    while time.monotonic() < deadline:
        message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1)
        if message and message["data"] == "deadline":
            fired.append(message)
    await pubsub.aclose()
    await listener.aclose()
    assert len(fired) == 1
    assert (await window_state(first, m["id"]))["closed"] == ["s1", "s2", "s3"]


async def test_scheduled_close_survives_a_restart(aiohttp_client, settings, redis_sync):
    """The deadline is in Redis, not in the process: a service stopped before it is due closes it after."""
    api = Api(await aiohttp_client(create_app(settings)))
    m = await api.create_meeting()
    await api.open(m["id"], "s2")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 1.5})
    set_at = time.monotonic()
    await api.client.close()                                  # the service stops before the deadline
    await asyncio.sleep(0.3)
    restarted = Api(await aiohttp_client(create_app(settings)))
    assert (await window_state(restarted, m["id"]))["open"] == ["s2"]
    closed_at = await wait_until_closed(restarted, m["id"], "s2")
    assert closed_at - set_at > 1.2                                   # not before it was due
    assert redis_sync.zcard(DEADLINES) == 0


async def test_deadline_missed_while_the_service_was_down_closes_at_start(aiohttp_client, settings):
    api = Api(await aiohttp_client(create_app(settings)))
    m = await api.create_meeting()
    await api.open(m["id"], "s1")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 0.3})
    await api.client.close()
    await asyncio.sleep(0.6)
    restarted = Api(await aiohttp_client(create_app(settings)))
    await wait_until_closed(restarted, m["id"], "s1", timeout=3)


async def test_screens_and_phones_hear_the_countdown(client, api):
    m = await api.create_meeting()
    await api.open(m["id"])
    phone = await stream(client, m["id"], "?view=windows")
    screen = await stream(client, m["id"])
    await phone.next()
    await screen.next()
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"minutes": 5})
    name, data = await phone.next()
    assert data["deadline"]["secretaries"] == ["s1", "s2", "s3"] and data["deadline"]["warn_seconds"] == 60
    state = await screen.until(lambda s: s["deadline"])
    assert 295 < state["deadline"]["at"] - state["at"] <= 300


@pytest.mark.parametrize("body, status, message", [
    ({}, 400, "请给出自动结束的时间"),
    ({"minutes": 5, "at": "10:30"}, 400, "请给出自动结束的时间"),
    ({"minutes": "5"}, 400, "分钟数（minutes）须为正数"),
    ({"minutes": True}, 400, "分钟数（minutes）须为正数"),
    ({"minutes": -1}, 400, "须晚于现在"),
    ({"minutes": 1e308}, 400, "12 小时"),
    ({"seconds": float("nan")}, 400, None),            # NaN is not even JSON: refused as bad JSON or bad number
    ({"at": "2020-01-01T08:00"}, 400, "须晚于现在"),
    ({"at": "明天上午"}, 400, "结束时间（at）须为"),
    ({"at": ["\ud800"]}, 400, "无效的字符"),              # refused by read_json before anything reads it
    ({"minutes": 5, "secretary": None}, 400, "本次会议没有这位述职书记"),
    ({"minutes": 5, "secretary": "s9"}, 400, "本次会议没有这位述职书记"),
    ({"minutes": 5, "secretary": "s2"}, 409, "不在进行中"),
])
async def test_bad_deadline_requests_say_what_is_wrong(api, body, status, message):
    m = await api.create_meeting(mode="sequential")
    await api.open(m["id"], "s1")
    resp = await api.client.post(f"/api/admin/meetings/{m['id']}/deadline", headers={
        "Authorization": "Bearer test-admin-token", "Content-Type": "application/json"},
        data=__import__("json").dumps(body, allow_nan=True).encode("utf-8", "surrogatepass"))
    answer = await resp.json()
    assert resp.status == status, answer
    assert message is None or message in answer["error"]
    assert (await window_state(api, m["id"]))["deadline"] is None


async def test_deadline_needs_an_open_window(api):
    m = await api.create_meeting()
    body = await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", 409, json={"minutes": 3})
    assert "没有正在进行的测评" in body["error"]
    await api.admin("POST", "/api/admin/meetings/nosuchmeeting/deadline", 404, json={"minutes": 3})
