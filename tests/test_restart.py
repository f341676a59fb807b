"""With no REDIS_URL the service runs its own Redis under DATA_DIR: stopping stops it, restarting finds every
meeting and ballot again, and nothing acknowledged is lost even when the service is killed (docs/design.md §5)."""
import asyncio
import signal

import aiohttp
import psutil

from voting.app import create_app

from .helpers import ADMIN, Api, ballot_id, free_port, voter
from .service_process import redis_servers_for, service_env, start_service


async def test_restart_keeps_meetings_and_ballots(aiohttp_client, settings, tmp_path):
    embedded = settings.with_(redis_url=None, data_dir=tmp_path / "data")
    first = await aiohttp_client(create_app(embedded))
    api = Api(first)
    m = await api.create_meeting()
    await api.open(m["id"])
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 9, problems="基层调研不够")
    before = await api.results(m["id"])
    assert len(redis_servers_for(tmp_path / "data")) == 1
    await first.close()
    assert redis_servers_for(tmp_path / "data") == []            # stopping the service stops its Redis

    api = Api(await aiohttp_client(create_app(embedded)))
    assert await api.results(m["id"]) == before
    assert (await api.cast(m["id"], token, "s1", 7))["status"] == "revised"   # the phone's token still works
    assert (await api.results(m["id"]))["s1"]["mean"] == 7.0


async def _cast(http, base, mid, token) -> int:
    async with http.post(f"{base}/api/meetings/{mid}/ballots", headers=voter(token),
                         json={"ballot_id": ballot_id(), "secretary": "s1", "score": 8}) as r:
        return r.status


async def test_cli_service_survives_sigterm_and_kill_9_without_losing_acknowledged_ballots(tmp_path):
    data, port = tmp_path / "data", free_port()
    base = f"http://127.0.0.1:{port}"
    proc = await start_service(service_env(data), port)
    acknowledged = 0
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/api/admin/meetings", headers=ADMIN, json={
                "title": "重启测试", "mode": "batch", "secretaries": [{"name": "张三"}]}) as r:
            m = await r.json()
        async with http.post(f"{base}/api/admin/meetings/{m['id']}/open", headers=ADMIN) as r:
            assert r.status == 200
        tokens = []
        for _ in range(20):
            async with http.post(f"{base}/api/meetings/{m['id']}/join", json={"code": m["join_code"]}) as r:
                tokens.append((await r.json())["token"])

        acknowledged += sum(s == 200 for s in await asyncio.gather(
            *(_cast(http, base, m["id"], t) for t in tokens[:10])))
    server = redis_servers_for(data)
    assert len(server) == 1
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(10) == 0
    assert not server[0].is_running() or server[0].status() == psutil.STATUS_ZOMBIE

    proc = await start_service(service_env(data), port)
    async with aiohttp.ClientSession() as http:
        statuses = await asyncio.gather(*(_cast(http, base, m["id"], t) for t in tokens[10:]))
        acknowledged += sum(s == 200 for s in statuses)
        server = redis_servers_for(data)
        proc.kill()                                   # kill -9: no cleanup runs
        proc.wait(10)
        server[0].wait(10)                            # its Redis goes with it (PR_SET_PDEATHSIG)

    proc = await start_service(service_env(data), port)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/api/admin/meetings/{m['id']}/results", headers=ADMIN) as r:
                counted = (await r.json())["secretaries"][0]["votes"]
            async with http.get(f"{base}/api/admin/meetings/{m['id']}/audit", headers=ADMIN) as r:
                assert (await r.json())["consistent"] is True
        assert counted == acknowledged == 20
    finally:
        proc.terminate()
        proc.wait(10)
