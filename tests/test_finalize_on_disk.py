"""After finalize nothing under DATA_DIR links a person to a score (docs/design.md §3 "Anonymity"): not the meeting
secret, not a voter key, not the voter→ballot map; and the ballot log that remains has no time and no order."""
import stat

import redis

from voting.app import create_app

from .helpers import Api


def data_files(data_dir):
    return [p for p in data_dir.rglob("*") if p.is_file() and not p.is_socket()]


def on_disk(data_dir) -> bytes:
    return b"".join(p.read_bytes() for p in data_files(data_dir))


def voter_keys(r: redis.Redis, mid: str) -> list[str]:
    return list(r.hgetall(f"{{m:{mid}}}:voters"))


async def test_finalize_leaves_no_secret_voter_key_or_ballot_map_in_data_dir(aiohttp_client, settings, tmp_path):
    """The append-only file (appendonly.aof, 0644) kept the secret, the voter keys and every `<voter key>:<sid>` after
    finalize, so an invite card's voter key could be recomputed and matched to its score."""
    data = tmp_path / "embedded"
    api = Api(await aiohttp_client(create_app(settings.with_(redis_url=None, data_dir=data))))
    m = await api.create_meeting(eligibility="roster", roster=[{"group": "党员代表"}] * 6)
    await api.open(m["id"])
    for n, invite in enumerate(m["invites"]):
        token = await api.join(m, invite["code"])
        await api.cast(m["id"], token, "s1", 4 + n, problems=f"问题{n}")
        await api.cast(m["id"], token, "s2", 9)
    r = redis.Redis(unix_socket_path=str(data / "redis.sock"), decode_responses=True)
    secret = r.hget(f"{{m:{m['id']}}}:meta", "secret")
    keys = voter_keys(r, m["id"])
    before = on_disk(data)
    assert secret.encode() in before and all(k.encode() in before for k in keys)      # what is at stake
    await api.close(m["id"])
    body = await api.admin("POST", f"/api/admin/meetings/{m['id']}/finalize")
    assert body["rewritten_on_disk"] is True and body["comments"] == 6

    after = on_disk(data)
    assert secret.encode() not in after
    assert not [k for k in keys if k.encode() in after]
    assert f"{keys[0]}:s1".encode() not in after and b":voters" not in after and b":invites" not in after
    assert "问题3".encode() in after                                                    # the anonymous ballots stay
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert {stat.S_IMODE(p.stat().st_mode) for p in data_files(data)} == {0o600}
    assert (await api.results(m["id"]))["s1"]["votes"] == 6
    r.close()


async def test_ballot_log_after_finalize_has_no_time_and_no_order(api, redis_sync):
    """Stream entry IDs were millisecond timestamps in vote order; whoever saw a tap and can
    read Redis could match the time. After finalize: IDs renumbered, entries shuffled, nothing else kept."""
    m = await api.create_meeting()
    await api.open(m["id"])
    cast_order = []
    for score in range(1, 11):
        for sid in ("s1", "s2", "s3"):
            await api.cast(m["id"], await api.join(m), sid, score)
            cast_order.append((sid, str(score)))
    before = await api.results(m["id"])
    await api.close(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/finalize")

    entries = redis_sync.xrange(f"{{m:{m['id']}}}:log")
    assert [e[0] for e in entries] == [f"1-{i}" for i in range(1, 31)]
    kept = [(e["sid"], e["score"]) for _, e in entries]
    assert sorted(kept) == sorted(cast_order) and kept != cast_order
    assert all(set(e) == {"sid", "group", "score", "prev"} for _, e in entries)
    assert not redis_sync.exists(f"{{m:{m['id']}}}:seen")                 # ballot ids in arrival order, gone
    assert await api.results(m["id"]) == before
    audit = await api.admin("GET", f"/api/admin/meetings/{m['id']}/audit")
    assert audit["consistent"] and audit["ballots"] == 30


async def test_voter_groups_no_rule_weights_are_merged_at_finalize(api, redis_sync):
    """With a group of one person, a per-group tally shows their score: the 004 rules weight no voter group,
    so after finalize the tally and the log keep the scores without groups."""
    m = await api.create_meeting(eligibility="roster", roster=[{"group": "班子成员"}] + [{"group": "群众代表"}] * 5)
    await api.open(m["id"])
    for n, invite in enumerate(m["invites"]):
        await api.cast(m["id"], await api.join(m, invite["code"]), "s1", 10 - n)
    await api.close(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/finalize")
    tally = redis_sync.hgetall(f"{{m:{m['id']}}}:tally")
    assert "s1|班子成员|10" not in tally and tally["s1|未分组|10"] == "1"
    assert {e["group"] for _, e in redis_sync.xrange(f"{{m:{m['id']}}}:log")} == {"未分组"}
