"""The organizer's browser session (review findings: the admin cookie was the admin token itself, valid 30 days,
and the JSON admin routes took text/plain bodies from any Origin, so a page on another port of the same host
could act with the organizer's cookie)."""
from voting.console.admin_auth import ADMIN_GUESSES, SESSION_COOKIE

from .helpers import ADMIN_TOKEN, SECRETARIES


async def login(client) -> str:
    resp = await client.post("/admin/login", data={"token": ADMIN_TOKEN, "next": "/admin"},
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


async def test_admin_token_guesses_are_limited_per_address(client):
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
