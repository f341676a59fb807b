"""The organizer's browser session (the bugs it guards: the admin cookie was the admin token itself, valid 30 days,
and the JSON admin routes took text/plain bodies from any Origin, so a page on another port of the same host
could act with the organizer's cookie)."""
import secrets

from voting.app import create_app
from voting.console.admin_auth import ADMIN_GUESSES, SESSION_COOKIE, token_is_strong

from .helpers import ADMIN_TOKEN, SECRETARIES


async def login(client, token: str = ADMIN_TOKEN) -> str:
    resp = await client.post("/admin/login", data={"token": token, "next": "/admin"},
                             headers={"Origin": f"http://{client.host}:{client.port}"}, allow_redirects=False)
    assert resp.status == 303
    return resp.cookies[SESSION_COOKIE].value


async def test_admin_cookie_is_a_session_not_the_token(client):
    resp = await client.get(f"/admin?token={ADMIN_TOKEN}", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/admin"
    set_cookie = resp.headers.getall("Set-Cookie")
    assert not any(ADMIN_TOKEN in c for c in set_cookie) and any(SESSION_COOKIE in c for c in set_cookie)
    assert "HttpOnly" in set_cookie[0] and "SameSite=Strict" in set_cookie[0] and "Max-Age" not in set_cookie[0]
    session = await login(client)
    assert session != ADMIN_TOKEN and len(session) >= 40
    assert (await client.get("/api/admin/meetings")).status == 200          # the session works for the API

    resp = await client.post("/admin/logout", headers={"Sec-Fetch-Site": "same-origin"}, allow_redirects=False)
    assert resp.status == 303
    client.session.cookie_jar.update_cookies({SESSION_COOKIE: session})      # a copied cookie is dead too
    resp = await client.get("/api/admin/meetings")
    assert resp.status == 401 and "登录已过期" in (await resp.json())["error"]


async def test_cross_origin_post_with_the_organizers_cookie_is_refused(client, api):
    m = await api.create_meeting()
    await api.open(m["id"])
    await login(client)
    path = f"/api/admin/meetings/{m['id']}/close"
    for headers in ({"Origin": f"http://{client.host}:1", "Content-Type": "text/plain"},
                    {"Sec-Fetch-Site": "cross-site", "Content-Type": "text/plain"},
                    {"Sec-Fetch-Site": "same-site", "Origin": f"http://other.{client.host}:{client.port}"},
                    {"Content-Type": "text/plain"}):                         # no Origin, no Sec-Fetch-Site
        resp = await client.post(path, data="{}", headers=headers)
        assert resp.status == 403 and "跨站请求已拒绝" in (await resp.json())["error"], headers
    assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["state"]["closed"] == []
    resp = await client.post(path, json={}, headers={"Sec-Fetch-Site": "same-origin",
                                                     "Origin": f"http://{client.host}:{client.port}"})
    assert resp.status == 200 and (await resp.json())["closed"] == ["s1", "s2", "s3"]


async def test_weak_admin_token_guesses_are_limited_per_address(client):
    """The test token is weak (96 bits by token_bits), so a fresh login waits out the window."""
    assert not token_is_strong(ADMIN_TOKEN)
    for n in range(ADMIN_GUESSES):
        resp = await client.get("/api/admin/meetings", headers={"Authorization": f"Bearer guess{n}"})
        assert resp.status == 403
    resp = await client.get("/api/admin/meetings", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert resp.status == 429 and resp.headers["Retry-After"] == "600"
    assert "次数过多" in (await resp.json())["error"]
    resp = await client.post("/admin/login", data={"token": ADMIN_TOKEN}, headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status == 429


async def test_login_form_from_another_site_is_refused(client):
    resp = await client.post("/admin/login", data={"token": ADMIN_TOKEN, "next": "/admin"},
                             headers={"Origin": "http://evil.example"}, allow_redirects=False)
    assert resp.status == 403 and SESSION_COOKIE not in resp.cookies
    resp = await client.post("/admin/login", data={"token": ADMIN_TOKEN, "next": "//evil.example/admin"},
                             headers={"Sec-Fetch-Site": "same-origin"}, allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/admin"


async def test_bearer_clients_need_no_origin(client):
    resp = await client.post("/api/admin/meetings", json={"title": "脚本创建", "secretaries": SECRETARIES},
                             headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert resp.status == 201


async def wrong_bearers(client, count: int) -> list[int]:
    """Someone else on the organizer's address (the venue Wi-Fi) tries tokens: no cookie of the organizer."""
    saved = client.session.cookie_jar.filter_cookies(client.make_url("/"))
    client.session.cookie_jar.clear()
    statuses = [(await client.get("/api/admin/meetings", headers={"Authorization": f"Bearer x{n}"})).status
                for n in range(count)]
    client.session.cookie_jar.update_cookies(saved)
    return statuses


async def test_stale_session_cookie_polling_does_not_lock_out_the_organizers_login(client, api, redis_sync):
    """A console tab polling every 3 s with a session expired in Redis counted each poll as a
    guess; after 20 the organizer's fresh login with the right token (and Bearer) got 429."""
    m = await api.create_meeting()
    await login(client)
    redis_sync.delete(*redis_sync.keys("voting:admin-session:*"))           # the 12 h idle expiry
    for _ in range(ADMIN_GUESSES + 1):
        resp = await client.get(f"/api/admin/meetings/{m['id']}/results")
        assert resp.status == 401 and "重新登录" in (await resp.json())["error"]
    assert not redis_sync.keys("voting:admin-guesses:*")                     # none of them was a guess
    await login(client)
    assert (await client.get(f"/api/admin/meetings/{m['id']}/results")).status == 200
    resp = await client.get("/api/admin/meetings", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert resp.status == 200


async def test_wrong_bearer_tokens_from_the_same_address_leave_the_organizers_session_working(client, api):
    """20 `Bearer x` from the venue Wi-Fi locked the organizer out mid-meeting. Even with a
    weak token, whose limit then refuses fresh logins, a request holding a session is never refused."""
    m = await api.create_meeting()
    await login(client)
    statuses = await wrong_bearers(client, 25)
    assert statuses[:ADMIN_GUESSES] == [403] * ADMIN_GUESSES and set(statuses[ADMIN_GUESSES:]) == {429}
    assert (await client.get(f"/api/admin/meetings/{m['id']}/results")).status == 200
    resp = await client.post(f"/api/admin/meetings/{m['id']}/open", json={},
                             headers={"Sec-Fetch-Site": "same-origin"})
    assert resp.status == 200
    # a printed `?token=` link and the login form, opened by the logged-in organizer, are not refused either
    resp = await client.get(f"/admin?token={ADMIN_TOKEN}", allow_redirects=False)
    assert resp.status == 303 and resp.headers["Location"] == "/admin"
    await login(client)


async def test_strong_admin_token_logs_in_after_others_wrong_guesses(aiohttp_client, settings):
    """The fresh login: with the generated token (144 bits) guessing is hopeless, so no limit
    stands between the organizer and a login however many wrong tokens others sent from the address."""
    token = secrets.token_urlsafe(18)
    assert token_is_strong(token)
    client = await aiohttp_client(create_app(settings.with_(admin_token=token)))
    assert await wrong_bearers(client, 25) == [403] * 25
    resp = await client.get("/api/admin/meetings", headers={"Authorization": f"Bearer {token}"})
    assert resp.status == 200
    await login(client, token)
    assert (await client.get("/api/admin/meetings")).status == 200
