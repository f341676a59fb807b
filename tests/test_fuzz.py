"""Random bytes, random JSON and random form fields at every route: never a 5xx, never a traceback in the log
(docs/api.md: "never a 500, never a traceback, whatever the bytes sent")."""
import pytest
from aiohttp import ClientSession

from voting.app import create_app

from .fuzz_support import never_5xx, requests, served_without_crashes
from .helpers import ADMIN_TOKEN, SECRETARIES

VERIFY_FILE = "MP_verify_FuzzRoute01.txt"     # WECHAT_VERIFY_FILES mounts a route at the root: fuzz it too


@pytest.fixture
def server(settings, redis_sync, caplog):
    with served_without_crashes(create_app(settings.with_(wechat={"WECHAT_VERIFY_FILES": VERIFY_FILE})),
                                caplog) as srv:
        yield srv


def test_random_requests_to_every_route_never_get_a_5xx(server, redis_sync):
    app = server.app
    routes = sorted({(r.method, r.resource.canonical) for r in app.router.routes()
                     if r.method in ("GET", "POST", "PUT", "DELETE", "PATCH")})
    assert ("GET", f"/{VERIFY_FILE}") in routes
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    async def make_meetings():
        async with ClientSession(f"http://127.0.0.1:{server.port}") as http:
            ids, tokens = [], []
            for spec in ({"title": "模糊测试", "mode": "batch", "secretaries": SECRETARIES},
                         {"title": "模糊测试（邀请码）", "mode": "sequential", "secretaries": SECRETARIES,
                          "eligibility": "roster", "roster": [{"group": "党员代表"}] * 3}):
                async with http.post("/api/admin/meetings", json=spec, headers=admin) as r:
                    ids.append((await r.json())["id"])
            async with http.post(f"/api/admin/meetings/{ids[0]}/open", headers=admin) as r:
                assert r.status == 200
            async with http.get(f"/api/admin/meetings/{ids[0]}", headers=admin) as r:
                code = (await r.json())["join_code"]
            for _ in range(2):
                async with http.post(f"/api/meetings/{ids[0]}/join", json={"code": code}) as r:
                    tokens.append((await r.json())["token"])
            return ids, tokens

    ids, tokens = server.call(make_meetings())
    ids += ["nosuchmeeting", "x" * 40, "%00", ".."]
    seen = never_5xx(server, redis_sync, requests(routes, ids, tokens), 600)
    assert {200, 400, 404} <= set(seen)      # the requests reached past authentication into validation
