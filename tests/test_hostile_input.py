"""Each of these inputs gave a 500 with a traceback. Each is now a clear 4xx, and nothing
stored changes (docs/api.md: never a 500, whatever the bytes)."""
import logging

import pytest

from .helpers import ADMIN, ballot_id, voter
from .rawhttp import error_of, raw_request

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.fixture
def no_tracebacks(caplog):
    caplog.set_level(logging.INFO)
    yield
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert errors == [], [r.getMessage() for r in errors]


async def test_full_width_join_code_is_read_as_digits(api, client, no_tracebacks):
    m = await api.create_meeting()
    assert await api.join(m, m["join_code"].translate(FULL_WIDTH))
    resp = await client.post(f"/m/{m['id']}/join", data={"code": m["join_code"].translate(FULL_WIDTH),
                                                        "group": "党员代表"}, allow_redirects=False)
    assert resp.status == 303


@pytest.mark.parametrize("code", ["１２３４５é", "٣٣٣٣٣٣", "12 34-５６\u00a0€", "\U0001f600" * 3])
async def test_non_ascii_join_code_is_a_clear_400(api, client, code, no_tracebacks):
    m = await api.create_meeting()
    assert "只能包含数字和字母" in await api.join(m, code, status=400)
    resp = await client.post(f"/m/{m['id']}/join", data={"code": code, "group": "党员代表"})
    assert resp.status == 400 and "只能包含数字和字母" in await resp.text()


@pytest.mark.parametrize("score", ["²", "٣", "+9", "1e1", "9.0", " 9 9", "١٠", "inf"])
async def test_unicode_digits_are_not_scores(api, score, no_tracebacks):
    """`"²".isdigit()` is True and int() refuses it (a 500); `"٣"` was accepted as 3."""
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    assert (await api.cast(m["id"], token, "s1", score, status=400))["error"] == "分数须为 1 到 10 的整数"
    assert (await api.results(m["id"]))["s1"]["votes"] == 0
    assert (await api.cast(m["id"], token, "s1", "１０"))["score"] == 10          # full-width digits are digits


async def test_bearer_with_non_ascii_bytes_is_refused_not_a_500(api, client, no_tracebacks):
    m = await api.create_meeting()
    await api.open(m["id"])
    host, port = client.server.host, client.server.port
    for value in ("Bearer abc.é".encode(), b"Bearer abc.\xff\xfe", "Bearer 张三.李四".encode()):
        body = f'{{"ballot_id": "{ballot_id()}", "secretary": "s1", "score": 9}}'.encode()
        status, _, reply = await raw_request(host, port, "POST", f"/api/meetings/{m['id']}/ballots",
                                             [(b"Authorization", value), (b"Content-Type", b"application/json")], body)
        assert status == 401 and "投票凭证无效" in error_of(reply)
        status, _, reply = await raw_request(host, port, "GET", "/api/admin/meetings", [(b"Authorization", value)])
        assert status == 403 and error_of(reply) == "管理员令牌错误"


async def test_lone_surrogate_in_comment_secretary_or_code_is_a_400(api, client, no_tracebacks):
    m = await api.create_meeting()
    await api.open(m["id"], "s1")
    token = await api.join(m)
    bodies = [
        (f"/api/meetings/{m['id']}/ballots", voter(token),
         f'{{"ballot_id": "{ballot_id()}", "secretary": "s1", "score": 9, "problems": "\\ud800"}}'),
        (f"/api/admin/meetings/{m['id']}/close", ADMIN, '{"secretary": "s1\\ud800"}'),
        (f"/api/admin/meetings/{m['id']}/open", ADMIN, '{"secretary": "\\udfff"}'),
        (f"/api/meetings/{m['id']}/join", {}, '{"code": "12\\ud83d3456"}'),
        ("/api/admin/meetings", ADMIN, '{"title": "\\ud800", "secretaries": ["张三"]}'),
    ]
    for path, headers, body in bodies:
        resp = await client.post(path, data=body.encode(), headers={**headers, "Content-Type": "application/json"})
        assert resp.status == 400 and "无效的字符" in (await resp.json())["error"], path
    detail = await api.admin("GET", f"/api/admin/meetings/{m['id']}")
    assert detail["state"]["open"] == ["s1"] and detail["state"]["votes"]["s1"] == 0


async def test_deeply_nested_json_is_a_400_not_a_recursion_error(client, no_tracebacks):
    for body in (b"[" * 100_000, b'{"title": ' + b"[" * 100_000, b'{"a":' * 50_000):
        resp = await client.post("/api/admin/meetings", data=body, headers={**ADMIN, "Content-Type": "application/json"})
        assert resp.status in (400, 413) and "error" in await resp.json()


async def test_undecodable_form_bytes_are_a_400(api, client, no_tracebacks):
    m = await api.create_meeting()
    for ctype in ("application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=no-such-charset"):
        resp = await client.post(f"/m/{m['id']}/join", data=b"code=\xff\xfe\xfd&group=\xc3",
                                 headers={"Content-Type": ctype})
        assert resp.status == 400, ctype


EXTREME_TIMES = ["0001-01-01T00:00", "0001-01-01T00:00+14:00", "0001-01-07", "9999-12-31T23:59:59",
                 "9999-12-31T23:59-14:00"]


@pytest.mark.parametrize("at", EXTREME_TIMES)
async def test_reminder_time_in_year_one_is_a_400(api, at, no_tracebacks):
    """`"at": "0001-01-01T00:00"` gave a 500 (`year 0 is out of range`: the message moved it to China time)."""
    m = await api.create_meeting()
    body = {"text": "x", "meeting": m["id"], "audience": "secretaries", "at": at}
    assert "ISO 8601" in (await api.admin("POST", "/api/admin/reminders", 400, json=body))["error"]
    assert (await api.admin("GET", "/api/admin/reminders"))["reminders"] == []


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-07", "9999-12-31", "1900-01-01"])
async def test_reminder_presets_for_an_early_or_late_meeting_date_are_a_400(api, day, no_tracebacks):
    """`?meeting_date=0001-01-01` gave a 500 (OverflowError: a week before it is no date)."""
    body = await api.admin("GET", f"/api/admin/reminders/presets?meeting_date={day}", 400)
    assert "会议日期（meeting_date）须为" in body["error"] and "年间的日期" in body["error"]
    assert (await api.admin("GET", "/api/admin/reminders/presets?meeting_date=9998-12-31"))["presets"]


@pytest.mark.parametrize("at", EXTREME_TIMES)
async def test_meeting_deadline_in_year_one_or_9999_is_a_400(api, at, no_tracebacks):
    m = await api.create_meeting()
    await api.open(m["id"])
    assert "结束时间（at）须为" in (await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", 400,
                                              json={"at": at}))["error"]
    assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["state"]["deadline"] is None
