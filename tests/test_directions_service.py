"""A meeting is 上述 or 下评 (004 §三): a 下评 meeting hands out 004 附件2, whose columns differ (好 10, 较好 9–8,
一般 7–6, 差 5–1), and its ballots are counted in those columns (every ballot used 附件1)."""
import re


async def test_a_xiaping_meeting_shows_and_counts_the_other_form(api, client):
    m = await api.create_meeting(direction="下评", secretaries=[{"name": "镇党委书记", "org": "镇党委"}],
                                 preset="shanghaimiao-2022", voter_groups=[])
    assert m["direction"] == "下评"
    await api.open(m["id"])
    token = await api.join(m)
    page = await (await client.get(f"/m/{m['id']}", cookies={f"vt_{m['id']}": token})).text()
    labels = dict(re.findall(r'aria-label="(\d+) 分（(\S+?)）"', page))
    assert labels == {"10": "好", "9": "较好", "8": "较好", "7": "一般", "6": "一般", "5": "差", "4": "差",
                      "3": "差", "2": "差", "1": "差"}
    for n, score in enumerate((8, 7, 5, 10)):
        await api.cast(m["id"], token if n == 0 else await api.join(m), "s1", score)
    row = (await api.results(m["id"]))["s1"]
    assert (row["hao"], row["jiaohao"], row["yiban"], row["cha"]) == (1, 1, 1, 1)


async def test_shangshu_is_the_default_and_a_wrong_direction_is_refused(api):
    m = await api.create_meeting()
    assert m["direction"] == "上述"
    body = await api.create_meeting(status=400, direction="平评")
    assert "述职方向（direction）须为" in body["error"]
