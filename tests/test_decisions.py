"""The committee decides (001 第六条): flags and overrides with a written reason; the proposal stays visible."""
import pytest

from .helpers import ADMIN


async def _all_vote(api, m, scores):
    await api.open(m["id"])
    for score_row in scores:
        token = await api.join(m)
        for sid, score in score_row.items():
            await api.cast(m["id"], token, sid, score)


async def test_flag_makes_cha_and_override_keeps_both(api):
    m = await api.create_meeting()
    await _all_vote(api, m, [{"s1": 10, "s2": 10, "s3": 8}] * 3)
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/flag", json={"secretary": "s1", "flag": "问责"})
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/override",
                    json={"secretary": "s3", "grade": "好", "reason": "经镇党委研究，结合实地调研情况"})
    r = await api.results(m["id"])
    assert (r["s1"]["grade"], r["s1"]["flag"]) == ("差", "问责")                     # 004 §五(四)
    assert "问责" in r["s1"]["reason"]
    assert (r["s2"]["grade"], r["s2"]["final_grade"]) == ("好", "好")
    assert (r["s3"]["grade"], r["s3"]["final_grade"]) == ("较好", "好")               # proposal and decision
    assert r["s3"]["override_reason"] == "经镇党委研究，结合实地调研情况"

    await api.admin("POST", f"/api/admin/meetings/{m['id']}/flag", json={"secretary": "s1", "flag": None})
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/override", json={"secretary": "s3", "grade": None})
    r = await api.results(m["id"])
    assert (r["s1"]["grade"], r["s3"]["final_grade"], r["s3"]["override_reason"]) == ("好", "较好", "")


@pytest.mark.parametrize("path, body, status, message", [
    ("override", {"secretary": "s1", "grade": "好"}, 400, "须写明理由"),
    ("override", {"secretary": "s1", "grade": "优秀", "reason": "x"}, 400, "调整等次只能是 好、较好、一般 或 差（留空为恢复建议等次）"),
    ("override", {"secretary": "s1", "grade": "好", "reason": "理" * 501}, 400, "最多 500 字"),
    ("override", {"secretary": "s9", "grade": "好", "reason": "x"}, 404, "没有这位述职书记"),
    ("flag", {"secretary": "s1", "flag": "迟到"}, 400, "重大失误"),
    ("flag", {"flag": "问责"}, 404, "没有这位述职书记"),
])
async def test_bad_decisions_are_refused_and_change_nothing(api, path, body, status, message):
    m = await api.create_meeting()
    await _all_vote(api, m, [{"s1": 9}])
    assert message in (await api.admin("POST", f"/api/admin/meetings/{m['id']}/{path}", status, json=body))["error"]
    r = (await api.results(m["id"]))["s1"]
    assert (r["grade"], r["final_grade"], r["flag"]) == ("好", "好", "")


async def test_enforce_quota_demotes_the_hao_beyond_the_cap(api):
    """000 §三.4: 好 at most one third of those assessed: of 3, one. The lower means give way."""
    m = await api.create_meeting(preset="ustl-2019")
    await _all_vote(api, m, [{"s1": 10, "s2": 10, "s3": 9}, {"s1": 10, "s2": 9, "s3": 9}])
    plain = await api.results(m["id"])
    assert [plain[s]["grade"] for s in ("s1", "s2", "s3")] == ["好", "好", "好"]
    body = await api.admin("GET", f"/api/admin/meetings/{m['id']}/results")
    assert any(not q["ok"] and "三分之一" in q["message"] for q in body["quotas"])
    body = await api.admin("GET", f"/api/admin/meetings/{m['id']}/results?enforce_quota=1")
    grades = {s["id"]: s["grade"] for s in body["secretaries"]}
    assert grades == {"s1": "好", "s2": "较好", "s3": "较好"}


async def test_export_carries_the_final_grade_and_the_reason(client, api):
    import io

    import openpyxl
    m = await api.create_meeting()
    await _all_vote(api, m, [{"s1": 8}])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/override",
                    json={"secretary": "s1", "grade": "一般", "reason": "年度考核发现问题"})
    resp = await client.get(f"/api/admin/meetings/{m['id']}/export.xlsx", headers=ADMIN)
    rows = list(openpyxl.load_workbook(io.BytesIO(await resp.read()))["评议结果"].iter_rows(values_only=True))
    header, first = rows[0], rows[1]
    assert first[header.index("建议等次")] == "较好" and first[header.index("最终等次")] == "一般"
    assert "年度考核发现问题" in " ".join(str(c) for c in first if c)
