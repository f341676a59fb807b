"""Who may vote: the rotating join code of open meetings, the invite codes of roster meetings."""
import asyncio
import time
from collections import Counter

import pytest

from voting.app import create_app
from voting.join import ADDRESS_GUESSES, DEVICE_GUESSES
from voting.meetings import rotating_code

from .helpers import Api

ROSTER = [{"group": "班子成员"}] * 2 + [{"group": "党员代表"}] * 3 + [{"group": "群众代表"}] * 2


async def test_wrong_join_code_is_refused(api):
    m = await api.create_meeting()
    wrong = f"{(int(m['join_code']) + 1) % 1_000_000:06d}"
    assert "加入码错误或已过期" in await api.join(m, wrong, status=403)
    assert await api.join(m, "", status=400) == "请输入加入码"


async def test_a_photo_of_an_old_join_code_stops_working(aiohttp_client, settings, redis_sync):
    """The code on the screen rotates: the current and the previous one are accepted, older ones are not."""
    api = Api(await aiohttp_client(create_app(settings.with_(join_code_period=1))))
    m = await api.create_meeting()
    secret = redis_sync.hget(f"{{m:{m['id']}}}:meta", "secret")
    index = int(time.time())
    assert await api.join(m, rotating_code(secret, index - 1))
    assert "已过期" in await api.join(m, rotating_code(secret, index - 3), status=403)


async def test_open_attendee_may_name_their_voter_group(aiohttp_client, settings):
    # groups of one or two are shown here only because the anonymity threshold is lowered to 1
    api = Api(await aiohttp_client(create_app(settings.with_(anonymity_min_group=1))))
    m = await api.create_meeting()
    await api.open(m["id"])
    for group in ("党员代表", "党员代表", "群众代表", None):
        token = await api.join(m, **({"group": group} if group else {}))
        await api.cast(m["id"], token, "s1", 9)
    assert "身份类别须为" in await api.join(m, group="路人", status=400)
    detail = await api.admin("GET", f"/api/admin/meetings/{m['id']}")
    assert detail["state"]["turnout"] == {"党员代表": 2, "群众代表": 1, "未分组": 1}      # groups nobody voted in: left out
    assert detail["state"]["voted"] == 4


async def test_roster_meeting_hands_out_one_invite_code_per_attendee(aiohttp_client, settings):
    api = Api(await aiohttp_client(create_app(settings.with_(anonymity_min_group=1))))
    m = await api.create_meeting(eligibility="roster", roster=ROSTER)
    assert m["join_code"] is None and len(m["invites"]) == 7
    assert len({i["code"] for i in m["invites"]}) == 7
    assert [i["group"] for i in m["invites"]] == [r["group"] for r in ROSTER]
    assert m["expected"] == 7
    await api.open(m["id"])
    first = m["invites"][2]
    token = await api.join(m, first["code"].lower()[:4] + " " + first["code"].lower()[4:])
    await api.cast(m["id"], token, "s1", 10)
    again = await api.join(m, first["code"])           # the same card on a second phone is the same voter
    await api.cast(m["id"], again, "s1", 4)
    r = (await api.results(m["id"]))["s1"]
    assert (r["votes"], r["mean"]) == (1, 4.0)
    assert "邀请码无效" in await api.join(m, "ABCDEFGH", status=403)
    detail = await api.admin("GET", f"/api/admin/meetings/{m['id']}")
    assert detail["state"]["turnout"] == {"党员代表": 1}


async def test_open_join_code_does_not_open_a_roster_meeting(api):
    m = await api.create_meeting(eligibility="roster", roster=ROSTER)
    open_meeting = await api.create_meeting()
    assert "邀请码无效" in await api.join(m, open_meeting["join_code"], status=403)


async def test_thirty_one_wrong_codes_then_the_right_one_from_the_same_address_joins(api):
    """30 wrong codes locked a whole address out for a minute, a hall behind one NAT with it."""
    m = await api.create_meeting(eligibility="roster", roster=ROSTER)
    for n in range(31):
        await api.join(m, f"WRONG{n:03d}", status=403)
    assert await api.join(m, m["invites"][0]["code"])
    open_meeting = await api.create_meeting()
    for n in range(31):
        await api.join(open_meeting, f"{(int(open_meeting['join_code']) + 7 + n) % 1_000_000:06d}", status=403)
    assert await api.join(open_meeting)


async def test_one_address_guessing_is_stopped_at_its_ceiling_even_with_the_right_code(api):
    m = await api.create_meeting(eligibility="roster", roster=ROSTER)
    for n in range(ADDRESS_GUESSES):
        await api.join(m, f"WRONG{n:04d}", status=403)
    assert "尝试次数过多" in await api.join(m, "WRONG9999", status=429)
    assert "尝试次数过多" in await api.join(m, m["invites"][0]["code"], status=429)   # not even looked at


async def test_a_burst_of_wrong_codes_gets_exactly_the_limit_evaluated(api):
    """The limit was read before the guess was counted, so a burst of 1,000 got 45 guesses."""
    m = await api.create_meeting(eligibility="roster", roster=ROSTER)
    statuses = await asyncio.gather(*(api.client.post(f"/api/meetings/{m['id']}/join", json={"code": f"W{n:05d}"})
                                      for n in range(1000)))
    counts = Counter(r.status for r in statuses)
    assert counts == {403: ADDRESS_GUESSES, 429: 1000 - ADDRESS_GUESSES}


@pytest.mark.parametrize("roster, message", [
    ([{"group": ""}], "第 1 位参会人员的类别"),
    ([{"group": "党员|代表"}], "不能包含"),
    ("党员代表", "参会人员名单（roster）须为列表"),
])
async def test_bad_roster_is_refused(api, roster, message):
    body = await api.create_meeting(status=400, eligibility="roster", roster=roster)
    assert message in body["error"]


async def test_behind_a_trusted_proxy_each_phone_has_its_own_guess_limit(aiohttp_client, settings):
    """Behind nginx every request comes from the proxy: with TRUSTED_PROXIES the forwarded address counts."""
    api = Api(await aiohttp_client(create_app(settings.with_(trusted_proxies=("127.0.0.1",)))))
    m = await api.create_meeting(eligibility="roster", roster=ROSTER)
    prankster = {"X-Forwarded-For": "10.0.0.66"}
    for n in range(ADDRESS_GUESSES):
        await api.call("POST", f"/api/meetings/{m['id']}/join", 403, headers=prankster, json={"code": f"W{n:05d}"})
    await api.call("POST", f"/api/meetings/{m['id']}/join", 429, headers=prankster, json={"code": "W99999"})
    neighbour = {"X-Forwarded-For": "198.51.100.7, 10.0.0.67"}
    body = await api.call("POST", f"/api/meetings/{m['id']}/join", headers=neighbour,
                          json={"code": m["invites"][0]["code"]})
    assert body["token"]


async def test_a_mistyping_phone_is_slowed_but_its_neighbours_behind_the_same_address_join(aiohttp_client, settings):
    """One prankster's wrong codes locked the whole hall (one NAT address) out; now the wrong
    codes count per phone (the join page's cookie) and only a much higher ceiling per address."""
    prankster = await aiohttp_client(create_app(settings))      # two phones, each with its own cookies
    neighbour = await aiohttp_client(create_app(settings))
    api = Api(prankster)
    m = await api.create_meeting(eligibility="roster", roster=ROSTER)
    assert (await prankster.get(f"/m/{m['id']}")).status == 200                       # the join page: a cookie
    for n in range(DEVICE_GUESSES):
        resp = await prankster.post(f"/m/{m['id']}/join", data={"code": f"WRONG{n:03d}"})
        assert resp.status == 403
    resp = await prankster.post(f"/m/{m['id']}/join", data={"code": m["invites"][1]["code"]})
    assert resp.status == 429 and "尝试次数过多" in await resp.text()
    await neighbour.get(f"/m/{m['id']}")
    resp = await neighbour.post(f"/m/{m['id']}/join", data={"code": m["invites"][0]["code"]}, allow_redirects=False)
    assert resp.status == 303
