"""Creating meetings through the public contract (docs/api.md) and refusing bad requests clearly."""
import pytest

from .helpers import ADMIN, SECRETARIES


async def test_create_returns_the_contract_fields(api):
    m = await api.create_meeting(title="2024年度述职评议会", mode="sequential")
    assert m["id"] and m["title"] == "2024年度述职评议会" and m["mode"] == "sequential"
    assert len(m["join_code"]) == 6 and m["join_code"].isdigit()
    assert m["join_url"] == f"http://voting.test/m/{m['id']}?code={m['join_code']}"
    assert m["screen_url"].startswith(f"http://voting.test/meetings/{m['id']}/screen")
    assert [(s["id"], s["name"], s["org"], s["method"]) for s in m["secretaries"]] == [
        ("s1", "张三", "第一党支部", "现场述职"), ("s2", "李四", "第二党支部", "现场述职"),
        ("s3", "王五", "第三党支部", "书面述职")]
    listed = await api.admin("GET", "/api/admin/meetings")
    assert [x["id"] for x in listed["meetings"]] == [m["id"]]


async def test_admin_calls_need_the_admin_token(client, api):
    resp = await client.post("/api/admin/meetings", json={"title": "x", "secretaries": SECRETARIES})
    assert resp.status == 401 and "管理员令牌" in (await resp.json())["error"]
    resp = await client.post("/api/admin/meetings", json={"title": "x", "secretaries": SECRETARIES},
                             headers={"Authorization": "Bearer guess"})
    assert resp.status == 403 and (await resp.json())["error"] == "管理员令牌错误"
    assert (await api.admin("GET", "/api/admin/meetings"))["meetings"] == []


@pytest.mark.parametrize("spec, message", [
    ({"secretaries": SECRETARIES}, "缺少会议名称"),
    ({"title": "会", "secretaries": []}, "缺少述职书记名单"),
    ({"title": "会", "secretaries": [{"org": "第一党支部"}]}, "第 1 位述职书记的姓名"),
    ({"title": "会", "mode": "parallel", "secretaries": SECRETARIES}, "测评方式（mode）须为 sequential"),
    ({"title": "会", "preset": "nowhere-2030", "secretaries": SECRETARIES}, "未知的评定规则"),
    ({"title": "会", "secretaries": SECRETARIES + SECRETARIES[:1]}, "第 4 位述职书记与第 1 位重复"),
    ({"title": "会", "eligibility": "roster", "secretaries": SECRETARIES}, "须提供参会人员名单"),
    ({"title": "会" * 101, "secretaries": SECRETARIES}, "会议名称（title）过长"),
    ({"title": "会", "secretaries": SECRETARIES, "expected": -3}, "应到人数"),
])
async def test_bad_meeting_requests_say_what_is_wrong(api, spec, message):
    body = await api.admin("POST", "/api/admin/meetings", 400, json=spec)
    assert message in body["error"]
    assert (await api.admin("GET", "/api/admin/meetings"))["meetings"] == []


async def test_malformed_json_and_wrong_shapes_get_400(client):
    for data in (b"{not json", b"[1, 2]", "\ud800".encode("utf-8", "surrogatepass")):
        resp = await client.post("/api/admin/meetings", data=data, headers=ADMIN)
        assert resp.status == 400, data
        assert "error" in await resp.json()


async def test_unknown_meeting_is_404_everywhere(client, api):
    for method, path in [("GET", "/api/admin/meetings/nosuchmeeting/results"),
                         ("POST", "/api/admin/meetings/nosuchmeeting/open"),
                         ("GET", "/api/admin/meetings/../../etc/results"),
                         ("GET", "/api/admin/meetings/nosuchmeeting/export.xlsx")]:
        body = await api.admin(method, path, 404)
        assert body["error"] in ("会议不存在", "未找到请求的资源")
    resp = await client.post("/api/meetings/nosuchmeeting/join", json={"code": "123456"})
    assert resp.status == 404 and (await resp.json())["error"] == "会议不存在"


async def test_healthz_answers_when_redis_does(client):
    resp = await client.get("/healthz")
    assert resp.status == 200 and (await resp.json())["redis"] == "ok"
