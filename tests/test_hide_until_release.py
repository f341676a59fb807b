"""docs/design.md §3 "Hide until release" and small groups: what the room may see of a vote in progress."""
import time

from hypothesis import given
from hypothesis import strategies as st

from voting.app import create_app
from voting.room.anonymity import merge_groups

from .helpers import ADMIN, Api, stream

SCORE_FIELDS = {"dist", "mean", "mean_text", "hao", "jiaohao", "yiban", "cha", "low_share", "grade", "reason"}


def score_fields(data) -> set:
    """Every key anywhere in a JSON value that carries a score or something derived from scores."""
    if isinstance(data, dict):
        return (set(data) & SCORE_FIELDS) | set().union(*(score_fields(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(set(), *(score_fields(v) for v in data))
    return set()


async def test_regression_live_histogram_told_the_room_each_tap_within_10ms(client, api):
    """一述一评: the public stream pushed a per-score histogram right after each tap, so the room (and the
    secretary on stage) saw what the person who just tapped gave. Before release: turnout only."""
    m = await api.create_meeting(mode="sequential")
    await api.open(m["id"], "s1")
    screen = await stream(client, m["id"])
    await screen.next()
    for n, score in enumerate((3, 10, 7), 1):
        await api.cast(m["id"], await api.join(m), "s1", score)
        state = await screen.until(lambda s, n=n: s["votes"]["s1"] == n)
        assert score_fields(state) == set(), state
    page = await client.get(m["screen_url"].replace("http://voting.test", ""))
    assert "dist" not in await page.text()
    # the organizer's console keeps its own data path, behind the admin login
    detail = await api.admin("GET", f"/api/admin/meetings/{m['id']}")
    assert sum(detail["state"]["dist"]["s1"]) == 3
    resp = await client.get(f"/api/meetings/{m['id']}/live", headers=ADMIN)
    line = b""
    while not line.startswith(b"data: "):
        line = await resp.content.readline()
    assert b'"dist"' not in line                    # the public stream is public even with the admin token


async def test_released_results_show_only_closed_secretaries(client, api):
    m = await api.create_meeting()
    await api.open(m["id"])
    for score in (9, 8, 10):
        token = await api.join(m)
        await api.cast(m["id"], token, "s1", score)
        await api.cast(m["id"], token, "s2", 4)
    await api.close(m["id"], "s1")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    screen = await stream(client, m["id"])
    state = await screen.until(lambda s: s.get("results"))
    by_name = {r["name"]: r for r in state["results"]}
    assert by_name["张三"]["mean_text"] == "9.00" and by_name["张三"]["grade"] == "好"
    assert score_fields(by_name["李四"]) == set() and by_name["李四"]["closed"] is False   # still being voted on
    assert score_fields({k: v for k, v in state.items() if k != "results"}) == set()


async def test_turnout_per_group_never_shows_a_group_below_the_threshold(aiohttp_client, settings):
    """Groups of fewer than ANONYMITY_MIN_GROUP voters are pooled, in the console and on the screen, so that
    neither a shown figure nor the total minus the others gives a group smaller than the threshold."""
    client = await aiohttp_client(create_app(settings.with_(anonymity_min_group=3)))
    api = Api(client)
    m = await api.create_meeting()
    await api.open(m["id"])
    for group, n in (("党员代表", 4), ("群众代表", 3), ("班子成员", 1), ("两代表一委员", 1)):
        for _ in range(n):
            await api.cast(m["id"], await api.join(m, group=group), "s1", 8)
    detail = (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["state"]
    assert detail["voted"] == 9
    # 班子成员 1 + 两代表一委员 1 pooled are still 2 < 3, so the smallest shown group joins them
    assert detail["turnout"] == {"党员代表": 4, "其他（班子成员、两代表一委员、群众代表）": 5}
    screen = await stream(client, m["id"])
    state = await screen.until(lambda s: s["voted"] == 9)
    assert state["turnout"] == detail["turnout"] and state["turnout_min_group"] == 3
    assert all(n >= 3 for n in state["turnout"].values())


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 30), max_size=8), st.integers(1, 8))
def test_merged_groups_hide_every_small_group_even_by_subtraction(counts, k):
    shown = merge_groups(counts, k)
    total = sum(counts.values())
    if not shown:
        return                                                   # nothing broken out: only the total is shown
    assert sum(shown.values()) == total                          # every voter is in exactly one shown figure
    assert all(n >= k for n in shown.values())                   # so any difference is a sum of >= k people
    assert all(counts.get(label, 0) == n for label, n in shown.items() if not label.startswith("其他"))


def test_merging_examples():
    assert merge_groups({"党员代表": 40, "群众代表": 6, "班子成员": 2}, 5) == \
        {"党员代表": 40, "其他（群众代表、班子成员）": 8}        # 2 alone would be 40+6+2 − 46: pooled with the 6
    assert merge_groups({"党员代表": 40, "群众代表": 2, "班子成员": 0}, 5) == {}    # 2 = total − 40: nothing shown
    assert merge_groups({"党员代表": 3, "群众代表": 1}, 5) == {}
    assert merge_groups({"党员代表": 12, "群众代表": 9}, 5) == {"党员代表": 12, "群众代表": 9}
    assert merge_groups({"党员代表": 12, "群众代表": 0}, 5) == {"党员代表": 12}


async def test_vote_form_repeating_a_secretary_is_refused_before_any_ballot(client, api):
    """A form with the same sid 1,000 times ran 1,000 scripts; now it is a 400 page and nothing is cast."""
    m = await api.create_meeting(voter_groups=[])
    await api.open(m["id"])
    resp = await client.get(m["join_url"].replace("http://voting.test", ""), allow_redirects=False)
    assert resp.status == 303                                    # joined: the cookie jar holds the voter token
    fields = [("sid", "s1"), ("score_s1", "9"), ("ballot_s1", "abcdefgh12")] + [("sid", "s1")] * 990
    started = time.monotonic()
    resp = await client.post(f"/m/{m['id']}/vote", data=fields)
    assert resp.status == 400 and "同一位书记出现了多次" in await resp.text()
    assert time.monotonic() - started < 2
    resp = await client.post(f"/m/{m['id']}/vote", data=fields + [("sid", "s1")] * 1000)
    assert resp.status == 413                                    # beyond aiohttp's 1,000 form fields
    more = [("sid", f"s{n % 3 + 1}") for n in range(4)]                 # more sids than secretaries
    resp = await client.post(f"/m/{m['id']}/vote", data=more)
    assert resp.status == 400 and "同一位书记出现了多次" in await resp.text()
    resp = await client.post(f"/m/{m['id']}/vote", data=[("sid", "s9"), ("score_s9", "9")])
    assert resp.status == 400 and "没有的书记" in await resp.text()
    assert (await api.results(m["id"]))["s1"]["votes"] == 0
    audit = await api.admin("GET", f"/api/admin/meetings/{m['id']}/audit")
    assert audit["log_entries"] == 0
