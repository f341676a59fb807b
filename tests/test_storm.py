"""A room voting at once: hundreds of simultaneous submissions, many retried with the same ballot_id."""
import asyncio
import random

from .helpers import ballot_id


async def test_concurrent_storm_counts_each_distinct_ballot_once(api):
    m = await api.create_meeting(mode="batch")
    await api.open(m["id"])
    rng = random.Random(2022)
    voters = await asyncio.gather(*(api.join(m) for _ in range(120)))
    final: dict[tuple[int, str], int] = {}

    async def attendee(n: int, token: str):
        for sid in ("s1", "s2", "s3"):
            if rng.random() < 0.15:
                continue                          # some attendees skip a secretary
            first, bid = rng.randint(1, 10), ballot_id()
            # a flaky phone network: the same ballot arrives one to three times at once
            await asyncio.gather(*(api.cast(m["id"], token, sid, first, bid=bid) for _ in range(rng.randint(1, 3))))
            final[n, sid] = first
            if rng.random() < 0.3:                # and some change their mind
                second, bid2 = rng.randint(1, 10), ballot_id()
                await asyncio.gather(*(api.cast(m["id"], token, sid, second, bid=bid2) for _ in range(2)))
                final[n, sid] = second

    await asyncio.gather(*(attendee(n, t) for n, t in enumerate(voters)))
    results = await api.results(m["id"])
    for sid in ("s1", "s2", "s3"):
        scores = [s for (_, k), s in final.items() if k == sid]
        r = results[sid]
        assert r["votes"] == len(scores)
        assert r["hao"] == sum(s == 10 for s in scores)
        assert r["jiaohao"] == sum(7 <= s <= 9 for s in scores)
        assert r["yiban"] == sum(4 <= s <= 6 for s in scores)
        assert r["cha"] == sum(s <= 3 for s in scores)
        assert abs(r["mean"] - sum(scores) / len(scores)) < 1e-9
    audit = await api.admin("GET", f"/api/admin/meetings/{m['id']}/audit")
    assert audit["consistent"] is True
    assert audit["ballots"] == len(final)


async def test_results_from_the_stream_equal_results_from_the_counters(client, api):
    from voting import results
    from voting.appkeys import REDIS
    from voting.meetings import load_meeting

    m = await api.create_meeting()
    await api.open(m["id"])
    tokens = [await api.join(m) for _ in range(15)]
    for i, token in enumerate(tokens):
        await api.cast(m["id"], token, "s1", 1 + i % 10)
        await api.cast(m["id"], token, "s1", 10 - i % 4)
        await api.cast(m["id"], token, "s2", 4 + i % 7)
    redis = client.app[REDIS]
    meeting = await load_meeting(redis, m["id"])
    counted = results.grade(meeting, await results.tally(redis, m["id"]))
    replayed = results.grade(meeting, await results.replay(redis, m["id"]))
    assert counted.drop(columns="reason").equals(replayed.drop(columns="reason"))
    assert list(counted["votes"]) == [15, 15, 0]
