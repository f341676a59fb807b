"""Casting ballots: the window, eligibility, one vote per voter per secretary, revisions until close."""
import json

from voting.appkeys import SIGNER

from .helpers import ballot_id, voter


async def test_ballot_counts_once_and_the_last_revision_counts(api):
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    bid = ballot_id()
    assert (await api.cast(m["id"], token, "s1", 9, bid=bid))["status"] == "stored"
    assert (await api.cast(m["id"], token, "s1", 9, bid=bid))["status"] == "duplicate"
    assert (await api.cast(m["id"], token, "s1", 5))["status"] == "revised"
    r = (await api.results(m["id"]))["s1"]
    assert (r["votes"], r["mean"], r["hao"], r["jiaohao"], r["yiban"]) == (1, 5.0, 0, 0, 1)


async def test_revise_then_close_freezes_the_last_score(api):
    """004 附件1 is a paper form: once the item is collected nothing changes. Here: once it is closed."""
    m = await api.create_meeting()
    await api.open(m["id"], "s1")
    a, b = await api.join(m), await api.join(m)
    await api.cast(m["id"], a, "s1", 6)
    await api.cast(m["id"], a, "s1", 10)
    await api.cast(m["id"], b, "s1", 8)
    await api.close(m["id"], "s1")
    body = await api.cast(m["id"], a, "s1", 1, status=409)
    assert body["error"] == "该书记的测评已结束，不能再投票或修改"
    body = await api.open(m["id"], "s1", status=409)
    assert "不能重新开启" in body["error"]
    r = (await api.results(m["id"]))["s1"]
    assert (r["votes"], r["mean"], r["hao"], r["jiaohao"]) == (2, 9.0, 1, 1)


async def test_a_ballot_resent_after_close_is_still_acknowledged(api):
    """A phone that lost the first answer retries with the same ballot_id: 200, not an error, not counted twice."""
    m = await api.create_meeting()
    await api.open(m["id"], "s1")
    token, bid = await api.join(m), ballot_id()
    await api.cast(m["id"], token, "s1", 7, bid=bid)
    await api.close(m["id"])
    assert (await api.cast(m["id"], token, "s1", 7, bid=bid))["status"] == "duplicate"
    assert (await api.results(m["id"]))["s1"]["votes"] == 1


async def test_sequential_meeting_opens_one_secretary_at_a_time(api):
    m = await api.create_meeting(mode="sequential")
    token = await api.join(m)
    body = await api.cast(m["id"], token, "s1", 8, status=409)
    assert "尚未开始" in body["error"]
    await api.open(m["id"], "s1")
    body = await api.open(m["id"], "s2", status=409)
    assert "请先结束「张三」的测评" in body["error"]
    await api.cast(m["id"], token, "s1", 8)
    await api.cast(m["id"], token, "s2", 8, status=409)
    await api.close(m["id"], "s1")
    opened = await api.open(m["id"], "s2")
    assert opened["open"] == ["s2"] and opened["closed"] == ["s1"]
    await api.cast(m["id"], token, "s2", 8)


async def test_bad_scores_are_refused_and_change_nothing(api):
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 8)
    for score in (0, 11, -1, "x", 3.5, True, None, "", [9]):
        body = await api.cast(m["id"], token, "s1", score, status=400)
        assert body["error"] == "分数须为 1 到 10 的整数", score
    r = (await api.results(m["id"]))["s1"]
    assert (r["votes"], r["mean"]) == (1, 8.0)


async def test_comments_are_length_limited(api):
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    body = await api.cast(m["id"], token, "s1", 8, status=400, problems="问" * 501)
    assert "最多 500 字" in body["error"]
    await api.cast(m["id"], token, "s1", 8, problems="问" * 500, suggestions="建议加强学习")


async def test_unknown_secretary_and_missing_fields(api):
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    assert (await api.cast(m["id"], token, "s99", 8, status=404))["error"] == "本次会议没有这位述职书记"
    body = await api.call("POST", f"/api/meetings/{m['id']}/ballots", 400, headers=voter(token),
                          json={"secretary": "s1", "score": 8})
    assert "ballot_id" in body["error"]


async def test_forged_expired_and_foreign_tokens_are_refused(client, api):
    m, other = await api.create_meeting(), await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    body, sig = token.split(".")
    forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + sig
    assert "无效" in (await api.cast(m["id"], forged, "s1", 9, status=401))["error"]
    assert "无效" in (await api.cast(m["id"], "not-a-token", "s1", 9, status=401))["error"]
    expired = client.app[SIGNER].issue_voter(m["id"], "somevoter", "党员代表", ttl=-1)
    assert "过期" in (await api.cast(m["id"], expired, "s1", 9, status=401))["error"]
    foreign = await api.join(other)
    assert "不属于本次会议" in (await api.cast(m["id"], foreign, "s1", 9, status=401))["error"]
    resp = await client.post(f"/api/meetings/{m['id']}/ballots",
                             json={"ballot_id": ballot_id(), "secretary": "s1", "score": 9})
    assert resp.status == 401
    assert (await api.results(m["id"]))["s1"]["votes"] == 0


async def test_a_validly_signed_token_of_no_joined_voter_is_not_eligible(client, api):
    m = await api.create_meeting()
    await api.open(m["id"])
    stranger = client.app[SIGNER].issue_voter(m["id"], "never-joined", "群众代表", ttl=600)
    assert "不在本次会议的投票人员中" in (await api.cast(m["id"], stranger, "s1", 9, status=403))["error"]


async def test_oversized_body_is_413_json(client, api):
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    payload = json.dumps({"ballot_id": ballot_id(), "secretary": "s1", "score": 9, "problems": "x" * 40000})
    resp = await client.post(f"/api/meetings/{m['id']}/ballots", data=payload, headers=voter(token))
    assert resp.status == 413 and "过大" in (await resp.json())["error"]
    resp = await client.post(f"/api/meetings/{m['id']}/ballots", data=b"x" * (6 * 1024 * 1024), headers=voter(token))
    assert resp.status == 413 and "过大" in (await resp.json())["error"]
    assert (await api.results(m["id"]))["s1"]["votes"] == 0


async def test_secretary_null_false_zero_or_empty_on_close_does_not_close_everyone(api):
    """`secretary: null | false | 0 | [] | {}` meant "all secretaries", and closing is final."""
    m = await api.create_meeting()
    await api.open(m["id"])
    for value in (None, False, 0, [], {}, "", "s99", "S1"):
        for action in ("open", "close"):
            body = await api.admin("POST", f"/api/admin/meetings/{m['id']}/{action}", 400, json={"secretary": value})
            assert "书记编号" in body["error"], (action, value)
    detail = await api.admin("GET", f"/api/admin/meetings/{m['id']}")
    assert detail["state"]["open"] == ["s1", "s2", "s3"] and detail["state"]["closed"] == []
    assert (await api.close(m["id"]))["closed"] == ["s1", "s2", "s3"]      # no body: every secretary
