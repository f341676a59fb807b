"""The projector stream: the room sees turnout move, never faster than a few updates a second per meeting."""
import asyncio
import time

from voting.app import create_app
from voting.appkeys import LIVE

from .helpers import Api, stream


async def test_screen_sees_each_vote_and_window(client, api):
    m = await api.create_meeting(mode="sequential", expected=40)
    screen = await stream(client, m["id"])
    first = await screen.until(lambda s: True)
    assert first["open"] == [] and first["expected"] == 40
    assert [s["name"] for s in first["secretaries"]] == ["张三", "李四", "王五"]
    await api.open(m["id"], "s1")
    await screen.until(lambda s: s["open"] == ["s1"])
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 9)
    state = await screen.until(lambda s: s["votes"]["s1"] == 1)
    assert "dist" not in state and state["voted"] == 1           # turnout only before release (docs/design.md §3)
    assert "results" not in state


async def test_updates_are_coalesced_under_a_burst(aiohttp_client, settings):
    client = await aiohttp_client(create_app(settings.with_(live_interval=0.25)))
    api = Api(client)
    m = await api.create_meeting()
    await api.open(m["id"])
    tokens = await asyncio.gather(*(api.join(m) for _ in range(60)))
    screen = await stream(client, m["id"])
    await screen.next()
    started = time.monotonic()
    await asyncio.gather(*(api.cast(m["id"], t, "s1", 8) for t in tokens))
    received = 0
    state = {}
    while state.get("votes", {}).get("s1") != 60:
        name, state = await screen.next()
        received += 1
    elapsed = time.monotonic() - started
    assert received <= elapsed / 0.25 + 2, (received, elapsed)   # not one update per ballot


async def test_only_the_keyed_screen_gets_the_join_code(client, api):
    m = await api.create_meeting()
    key = m["screen_url"].split("?k=")[1]
    keyed = await stream(client, m["id"], f"?k={key}")
    names = {(await keyed.next())[0], (await keyed.next())[0]}
    assert names == {"state", "join"}
    plain = await stream(client, m["id"], "?k=wrong")
    assert (await plain.next())[0] == "state"
    await api.open(m["id"])
    assert (await plain.next())[0] == "state"                    # the next event is a state again, no join
    resp = await client.get(f"/meetings/{m['id']}/join-qr.svg?k=wrong")
    assert resp.status == 403
    resp = await client.get(f"/meetings/{m['id']}/join-qr.svg?k={key}")
    assert resp.status == 200 and resp.content_type == "image/svg+xml" and (await resp.text()).startswith("<svg")


async def test_join_event_carries_the_current_code(client, api):
    m = await api.create_meeting()
    key = m["screen_url"].split("?k=")[1]
    keyed = await stream(client, m["id"], f"?k={key}")
    for _ in range(2):
        name, data = await keyed.next()
        if name == "join":
            assert data["code"] == (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["join_code"]
            assert data["url"].endswith(f"/m/{m['id']}?code={data['code']}")
            assert await api.join(m, data["code"])
            return
    raise AssertionError("no join event")


async def test_phones_hear_only_window_changes(client, api):
    m = await api.create_meeting(mode="sequential")
    phone = await stream(client, m["id"], "?view=windows")
    assert await phone.next() == ("state", {"open": [], "closed": []})
    await api.open(m["id"], "s1")
    assert await phone.next() == ("state", {"open": ["s1"], "closed": []})
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 9)
    await api.close(m["id"], "s1")
    assert await phone.next() == ("state", {"open": [], "closed": ["s1"]})   # the ballot sent nothing


async def test_released_results_reach_the_screen(client, api):
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 10)
    await api.close(m["id"], "s1")
    screen = await stream(client, m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    state = await screen.until(lambda s: s["released"])
    assert [(r["name"], r.get("grade"), r.get("mean_text")) for r in state["results"]] == [
        ("张三", "好", "10.00"), ("李四", None, None), ("王五", None, None)]     # still open: no score shown
    assert [r["closed"] for r in state["results"]] == [True, False, False]
    body = await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", 400, json={"released": "yes"})
    assert "released" in body["error"]


async def test_regression_open_screens_held_up_shutdown_for_a_minute(aiohttp_client, settings):
    """aiohttp waits up to 60 s for running handlers at shutdown; an open projector is one. It must not."""
    client = await aiohttp_client(create_app(settings))
    m = await Api(client).create_meeting()
    screen = await stream(client, m["id"])
    await screen.next()
    started = time.monotonic()
    await client.close()
    assert time.monotonic() - started < 5


async def test_regression_a_stream_starting_during_shutdown_never_ended(client):
    hub = client.app[LIVE]
    hub.close()
    box = hub.subscribe("anymeeting")
    box.offer({"full": b"{}", "windows": b"{}"})         # a snapshot arriving late does not revive it
    assert await box.get(0.5) is None


async def test_quick_clicks_on_next_page_each_count(api):
    """Three clicks on 下一页 sent together read the
    held page before any had written it, so the projector moved one page, not three. The step is one script."""
    secretaries = [{"name": f"书记{n:02d}", "org": f"第{n}党支部"} for n in range(1, 61)]
    m = await api.create_meeting(secretaries=secretaries)
    path = f"/api/admin/meetings/{m['id']}/screen"
    answers = await asyncio.gather(*(api.admin("POST", path, json={"step": 1}) for _ in range(3)))
    assert sorted(a["page"] for a in answers) == [2, 3, 4]
    assert (await api.admin("GET", path)) == {"page": 4, "pages": 4}
    assert (await api.admin("POST", path, json={"step": 1}))["page"] == 1            # round to the first
    assert (await api.admin("POST", path, json={"step": -1}))["page"] == 4           # and back
