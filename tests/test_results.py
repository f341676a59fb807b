"""Results through the service follow 004 §五(四), and the export is the official workbook."""
import io

import openpyxl

from .helpers import ADMIN

# Ten attendees, one ballot each per secretary (004 附件1 columns: 好=10, 较好=9–7, 一般=6–4, 差=3–1).
BALLOTS = {
    # mean (5×10 + 4×9 + 6) / 10 = 9.2 → 好; one 一般 ballot is exactly 10 %, not "超过 10%" → stays 好
    "s1": [10, 10, 10, 10, 10, 9, 9, 9, 9, 6],
    # mean (8×10 + 2×5) / 10 = 9.0 → 好 by the band, but 2 一般 = 20 % > 10 % → 差
    "s2": [10, 10, 10, 10, 10, 10, 10, 10, 5, 5],
    # mean (6×8 + 2×7 + 2×9) / 10 = 8.0 → 较好
    "s3": [8, 8, 8, 8, 8, 8, 7, 7, 9, 9],
}


async def _vote(api, m):
    await api.open(m["id"])
    tokens = [await api.join(m) for _ in range(10)]
    for sid, scores in BALLOTS.items():
        for n, (token, score) in enumerate(zip(tokens, scores)):
            comment = {"problems": f"{sid}问题{n}", "suggestions": f"{sid}建议{n}"} if n < 2 else {}
            await api.cast(m["id"], token, sid, score, **comment)


async def test_grades_follow_004_over_http(api):
    m = await api.create_meeting()
    await _vote(api, m)
    r = await api.results(m["id"])
    assert (r["s1"]["mean"], r["s1"]["low_share"], r["s1"]["grade"]) == (9.2, 0.1, "好")
    assert (r["s2"]["mean"], r["s2"]["yiban"], r["s2"]["grade"]) == (9.0, 2, "差")
    assert "超过 10%" in r["s2"]["reason"] and "004" in r["s2"]["reason"]
    assert (r["s3"]["mean"], r["s3"]["jiaohao"], r["s3"]["grade"]) == (8.0, 10, "较好")
    assert [r[s]["votes"] for s in ("s1", "s2", "s3")] == [10, 10, 10]


async def test_export_is_the_official_workbook_with_anonymous_comments(client, api):
    m = await api.create_meeting(title="2022年度述职评议会")
    await _vote(api, m)
    resp = await client.get(f"/api/admin/meetings/{m['id']}/export.xlsx", headers=ADMIN)
    assert resp.status == 200
    assert "filename*=UTF-8''2022" in resp.headers["Content-Disposition"]
    wb = openpyxl.load_workbook(io.BytesIO(await resp.read()))
    assert wb.sheetnames[:3] == ["评议结果", "评议考核结果和问题整改清单", "意见建议（匿名）"]
    rows = list(wb["评议结果"].iter_rows(values_only=True))
    header = rows[0]
    for column in ("序号", "党支部名称", "姓名及述职方式", "票数", "平均分", "一般差占比", "建议等次", "规则",
                   "最终等次"):
        assert column in header
    by_org = {row[header.index("党支部名称")]: row for row in rows[1:]}
    assert by_org["第二党支部"][header.index("建议等次")] == "差"
    assert by_org["第一党支部"][header.index("票数")] == 10
    comments = "\n".join(str(c) for row in wb["意见建议（匿名）"].iter_rows(values_only=True) for c in row if c)
    for sid in BALLOTS:
        assert f"{sid}问题0" in comments and f"{sid}建议1" in comments
    assert "未分组" not in comments           # nothing about who wrote them, not even their group

    resp = await client.get(f"/api/admin/meetings/{m['id']}/export.csv", headers=ADMIN)
    text = (await resp.read()).decode("utf-8-sig")
    assert resp.status == 200 and text.splitlines()[0].startswith("序号,党支部名称,姓名及述职方式")
