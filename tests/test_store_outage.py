"""Redis fails: every route answers 503 JSON with Retry-After (one log line per outage), the service heals by
itself, and no acknowledged ballot is lost or counted twice (the bugs it guards: 500s without Retry-After, a zombie
redis-server nobody restarted, 46 MB of tracebacks in 20 s)."""
import asyncio
import random
import signal
import time

import aiohttp
import psutil
import redis

from voting.app import create_app
from voting.store.embedded_redis import EmbeddedRedis

from .helpers import ADMIN, Api, ballot_id, free_port, voter
from .service_process import redis_servers_for, service_env, start_service

VOTERS, SECRETARIES = 30, ["s1", "s2", "s3"]


async def test_kill_9_redis_under_load_every_acknowledged_ballot_counted_once(tmp_path):
    data, port, log_path = tmp_path / "data", free_port(), tmp_path / "service.log"
    base = f"http://127.0.0.1:{port}"
    proc = await start_service(service_env(data), port, log_path)
    acknowledged: dict[tuple[int, str], int] = {}
    refusals: list[tuple[int, str | None, str]] = []
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/api/admin/meetings", headers=ADMIN, json={
                    "title": "断电演练", "mode": "batch", "secretaries": [{"name": n} for n in "甲乙丙"]}) as r:
                m = await r.json()
            await http.post(f"{base}/api/admin/meetings/{m['id']}/open", headers=ADMIN)
            tokens = []
            for _ in range(VOTERS):
                async with http.post(f"{base}/api/meetings/{m['id']}/join", json={"code": m["join_code"]}) as r:
                    tokens.append((await r.json())["token"])

            async def cast_until_acknowledged(n: int, sid: str, score: int):
                bid = ballot_id()                       # a phone retries with the same ballot_id
                while True:
                    try:
                        async with http.post(f"{base}/api/meetings/{m['id']}/ballots", headers=voter(tokens[n]),
                                             json={"ballot_id": bid, "secretary": sid, "score": score}) as r:
                            body = await r.json()
                            if r.status == 200:
                                # "duplicate": this ballot_id was stored by an attempt whose answer was lost
                                # with the connection; it is the voter's current score all the same
                                acknowledged[n, sid] = score
                                return
                            refusals.append((r.status, r.headers.get("Retry-After"), body.get("error", "")))
                    except aiohttp.ClientError:
                        refusals.append((0, None, "connection"))
                    await asyncio.sleep(0.05)

            async def phone(n: int):
                for round_ in range(4):                 # each voter revises every score a few times
                    for sid in SECRETARIES:
                        await cast_until_acknowledged(n, sid, random.randint(1, 10))
                        await asyncio.sleep(random.uniform(0, 0.05))

            voting = asyncio.gather(*(phone(n) for n in range(VOTERS)))
            await asyncio.sleep(0.4)
            [server] = redis_servers_for(data)
            server.send_signal(signal.SIGKILL)
            await asyncio.wait_for(voting, 60)

            async with http.get(f"{base}/healthz") as r:
                assert r.status == 200
            async with http.get(f"{base}/api/admin/meetings/{m['id']}/results", headers=ADMIN) as r:
                results = {s["id"]: s for s in (await r.json())["secretaries"]}
            async with http.get(f"{base}/api/admin/meetings/{m['id']}/audit", headers=ADMIN) as r:
                assert (await r.json())["consistent"] is True
    finally:
        proc.terminate()
        proc.wait(10)

    for sid in SECRETARIES:
        scores = [s for (n, x), s in acknowledged.items() if x == sid]
        assert results[sid]["votes"] == VOTERS == len(scores)
        assert abs(results[sid]["mean"] - sum(scores) / len(scores)) < 1e-9
    assert refusals, "the outage was not noticed"
    assert {status for status, _, _ in refusals} <= {503}
    assert all(retry for _, retry, _ in refusals)
    assert not psutil.pid_exists(server.pid) or server.status() != psutil.STATUS_ZOMBIE
    log = log_path.read_text()
    assert "Traceback" not in log
    assert log.count("Redis is not answering") == 1 and log.count("Redis answers again") == 1
    assert len([line for line in log.splitlines() if " WARNING " in line or " ERROR " in line]) <= 5, log
    assert len(log.encode()) < 20_000


async def test_healthz_and_every_route_are_503_with_retry_after_until_redis_is_back(aiohttp_client, settings,
                                                                                     tmp_path, caplog):
    server = EmbeddedRedis(tmp_path / "external", appendfsync="everysec")
    url = server.start()
    try:
        api = Api(await aiohttp_client(create_app(settings.with_(redis_url=url))))
        m = await api.create_meeting()
        await api.open(m["id"])
        token = await api.join(m)
        server.stop()
        for method, path, kwargs in [("GET", "/healthz", {}), ("GET", f"/api/admin/meetings/{m['id']}", {}),
                                     ("POST", f"/api/meetings/{m['id']}/ballots",
                                      {"json": {"ballot_id": ballot_id(), "secretary": "s1", "score": 8}}),
                                     ("GET", f"/m/{m['id']}", {}), ("GET", f"/meetings/{m['id']}/screen", {})]:
            headers = {**ADMIN, **voter(token)} if "ballots" in path else ADMIN
            resp = await api.client.request(method, path, headers=headers, **kwargs)
            assert resp.status == 503 and resp.headers["Retry-After"], path
            if path.startswith(("/api", "/healthz")):
                assert "稍后" in (await resp.json())["error"]
        server.start()
        await healthy(api.client)
        assert (await api.cast(m["id"], token, "s1", 8))["status"] == "stored"
        assert not [r for r in caplog.records if r.exc_info]
    finally:
        server.stop()


async def test_redis_refusing_writes_is_503_never_an_acknowledged_ballot(aiohttp_client, settings, tmp_path):
    """A read-only replica, too few replicas, a failed snapshot (MISCONF): Redis answers but does not store."""
    server = EmbeddedRedis(tmp_path / "external", appendfsync="everysec")
    url = server.start()
    r = redis.Redis.from_url(url)
    try:
        api = Api(await aiohttp_client(create_app(settings.with_(redis_url=url))))
        m = await api.create_meeting()
        await api.open(m["id"])
        token = await api.join(m)
        refusals = [
            (lambda: r.config_set("min-replicas-to-write", 1), lambda: r.config_set("min-replicas-to-write", 0)),
            (lambda: r.execute_command("REPLICAOF", "127.0.0.1", "1"), lambda: r.execute_command("REPLICAOF", "NO", "ONE")),
            (lambda: _fail_snapshot(r), lambda: _heal_snapshot(r, server.data_dir)),
        ]
        stored = None
        for (refuse, allow), score in zip(refusals, (9, 5, 2)):
            refuse()
            bid = ballot_id()
            body = await api.cast(m["id"], token, "s1", score, status=503, bid=bid)
            assert "稍后" in body["error"]
            allow()
            await healthy(api.client)                                          # as a phone would: retry later
            assert (await api.results(m["id"]))["s1"]["mean"] == stored        # the refused ballot is not there
            assert (await api.cast(m["id"], token, "s1", score, bid=bid))["status"] in ("stored", "revised")
            stored = float(score)
        assert (await api.results(m["id"]))["s1"]["votes"] == 1
    finally:
        r.close()
        server.stop()


async def healthy(client, within: float = 5.0) -> None:
    """Wait until the service says it is healthy again (its watcher probes every half second)."""
    for _ in range(int(within / 0.05)):
        if (await client.get("/healthz")).status == 200:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the service did not recover")


def _fail_snapshot(r: redis.Redis):
    r.config_set("save", "900 1")
    r.config_set("stop-writes-on-bgsave-error", "yes")
    r.config_set("dir", "/proc")                     # not writable, not even for root
    r.bgsave()
    for _ in range(100):
        if r.info("persistence")["rdb_last_bgsave_status"] == "err":
            return
        time.sleep(0.02)
    raise AssertionError("the snapshot did not fail")


def _heal_snapshot(r: redis.Redis, data_dir):
    r.config_set("dir", str(data_dir))
    r.bgsave()
    for _ in range(100):
        info = r.info("persistence")
        if not info["rdb_bgsave_in_progress"] and info["rdb_last_bgsave_status"] == "ok":
            r.config_set("save", "")
            return
        time.sleep(0.02)
    raise AssertionError("the snapshot did not recover")


async def test_a_hung_redis_is_a_503_not_a_request_that_never_ends(aiohttp_client, settings, tmp_path):
    """Redis stopped (SIGSTOP), not dead: the watcher's probe misses its deadline, and new requests are answered
    503 at once instead of waiting on it; they are served again once it continues."""
    server = EmbeddedRedis(tmp_path / "external", appendfsync="everysec")
    url = server.start()
    try:
        api = Api(await aiohttp_client(create_app(settings.with_(redis_url=url))))
        m = await api.create_meeting()
        server.proc.send_signal(signal.SIGSTOP)
        await asyncio.sleep(3.5)                      # a probe period plus its 2 s deadline
        started = time.monotonic()
        resp = await api.client.get(f"/api/admin/meetings/{m['id']}", headers=ADMIN)
        assert resp.status == 503 and resp.headers["Retry-After"] and time.monotonic() - started < 0.5
        server.proc.send_signal(signal.SIGCONT)
        await healthy(api.client)
        assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["id"] == m["id"]
    finally:
        server.proc.send_signal(signal.SIGCONT)
        server.stop()


async def test_one_request_failing_on_redis_does_not_turn_every_request_away(aiohttp_client, settings):
    """Any request's Redis error (the pool's wait running out under load, one dropped connection)
    marked the whole store as away, and every request got 503 until the watcher's next probe. Only the probe
    decides that now: the failing request alone gets its 503."""
    app = create_app(settings)

    async def starved(request):              # a request whose Redis call failed while Redis itself is fine
        raise redis.exceptions.ConnectionError("No connection available.")
    app.router.add_get("/api/test-starved", starved)
    api = Api(await aiohttp_client(app))
    m = await api.create_meeting()
    resp = await api.client.get("/api/test-starved")
    assert resp.status == 503 and resp.headers["Retry-After"]
    assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["id"] == m["id"]     # not turned away
