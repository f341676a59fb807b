"""Test meetings can be deleted; a meeting that received a ballot cannot (archive it instead)."""
from voting.store.keys import DEADLINES

from .helpers import ADMIN


async def test_unused_meeting_is_deleted_with_every_key(api, redis_sync):
    m = await api.create_meeting(eligibility="roster", roster=[{"group": "党员代表"}] * 3)
    await api.open(m["id"], "s1")                          # tried out: opened and closed, nobody voted
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"minutes": 5})
    await api.close(m["id"], "s1")
    await api.join(m, m["invites"][0]["code"])
    assert await api.admin("DELETE", f"/api/admin/meetings/{m['id']}") == {"deleted": m["id"]}
    assert redis_sync.keys(f"*{m['id']}*") == [] and redis_sync.zcard(DEADLINES) == 0
    assert (await api.admin("GET", "/api/admin/meetings"))["meetings"] == []
    await api.admin("GET", f"/api/admin/meetings/{m['id']}", 404)
    await api.admin("DELETE", f"/api/admin/meetings/{m['id']}", 404)


async def test_meeting_with_ballots_or_open_windows_is_not_deleted(api):
    m = await api.create_meeting()
    await api.open(m["id"])
    body = await api.admin("DELETE", f"/api/admin/meetings/{m['id']}", 409)
    assert "测评正在进行" in body["error"]
    await api.cast(m["id"], await api.join(m), "s1", 8)
    await api.close(m["id"])
    body = await api.admin("DELETE", f"/api/admin/meetings/{m['id']}", 409)
    assert "已有选票" in body["error"] and "归档" in body["error"]
    assert (await api.results(m["id"]))["s1"]["votes"] == 1


async def test_delete_needs_the_admin_token(client, api):
    m = await api.create_meeting()
    resp = await client.delete(f"/api/admin/meetings/{m['id']}")
    assert resp.status == 401
    resp = await client.delete("/api/admin/meetings/..%2f..", headers=ADMIN)
    assert resp.status == 404
