"""70/30 across meetings (004 §三, 附件1, 附件2): the organizer picks a 上述 and a 下评 meeting, maps
the people, and sees the 004 final through scoring.combine_directions; each meeting counts on its own form."""
import pytest

from voting.app import create_app
from .helpers import ADMIN, Api

URL = "/api/admin/assessment/combine"


@pytest.fixture
async def api(aiohttp_client, settings):
    return Api(await aiohttp_client(create_app(settings)))


async def held(api, title, secretaries, scores, preset="shanghaimiao-2022", direction="上述"):
    """A closed meeting; `scores`: one list per voter, one score per secretary."""
    m = await api.create_meeting(title=title, preset=preset, secretaries=secretaries, direction=direction)
    await api.open(m["id"])
    for ballot in scores:
        token = await api.join(m)
        for k, score in enumerate(ballot, 1):
            await api.cast(m["id"], token, f"s{k}", score)
    await api.close(m["id"])
    return m


@pytest.fixture
async def meetings(api):
    up = await held(api, "2022年度党支部书记述职评议会（上述）",
                    [{"name": "张三", "org": "第一党支部"}, {"name": "李四", "org": "第二党支部"},
                     {"name": "赵六", "org": "第三党支部"}], [[10, 7, 10], [10, 7, 10]])
    down = await held(api, "2022年度镇党委书记抓基层党建报告评议会（下评）",
                      [{"name": "王书记", "org": "镇党委"}, {"name": "张三", "org": "第一党支部"},
                       {"name": "赵六", "org": "第三党支部"}], [[10, 8, 7], [10, 8, 7]], direction="下评")
    return up, down


async def test_each_person_gets_the_004_final_with_70_30_and_each_meeting_on_its_form(api, meetings):
    up, down = meetings
    state = await api.admin("GET", f"{URL}?up={up['id']}&down={down['id']}")
    assert state["suggested"] and state["pairs"] == [["s1", "s2"], ["s3", "s3"]]      # same name and 党支部
    people = {p["name"]: p for p in state["people"]}
    assert list(people) == ["张三", "李四", "赵六", "王书记"]
    zhang = people["张三"]
    assert (zhang["basis"], zhang["mean_text"], zhang["grade"]) == ("上述+下评", "9.40", "好")
    assert zhang["reason"].startswith("上述70%、下评30%加权平均分 9.40 ≥ 9")
    zhao = people["赵六"]      # 7 is 一般 on 附件2 (下评): 2 of 4 ballots low, over 10 % (004 §五(四))
    assert (zhao["yiban"], zhao["low_share_text"], zhao["grade"], zhao["rule"]) == (2, "50%", "差", "low_share")
    li = people["李四"]
    assert (li["basis"], li["grade"]) == ("上述", "较好") and "仅有上述评议结果、无下评评议结果" in li["reason"]
    assert people["王书记"]["basis"] == "下评" and "仅有下评评议结果" in people["王书记"]["reason"]

    state = await api.admin("POST", URL, json={"up": up["id"], "down": down["id"], "pairs": [["s1", "s2"]],
                                               "require_both": True})
    assert [(p["name"], p["up"], p["down"], p["basis"], p["grade"]) for p in state["people"]] == [
        ("张三", "s1", "s2", "上述+下评", "好"), ("李四", "s2", None, "上述", ""), ("赵六", "s3", None, "上述", ""),
        ("王书记", None, "s1", "下评", ""), ("赵六", None, "s3", "下评", "")]     # unmapped: two people now
    people = {p["name"]: p for p in state["people"]}
    assert people["李四"]["grade"] == "" and people["李四"]["rule"] == "missing_direction"
    assert "缺少下评评议结果" in people["李四"]["reason"] and "请党委研究确定" in people["李四"]["reason"]
    again = await api.admin("GET", f"{URL}?up={up['id']}&down={down['id']}")
    assert (again["pairs"], again["require_both"], again["suggested"]) == ([["s1", "s2"]], True, False)

    resp = await api.client.get(f"{URL}.csv?up={up['id']}&down={down['id']}", headers=ADMIN)
    text = (await resp.read()).decode("utf-8-sig")
    assert resp.status == 200 and text.splitlines()[0].startswith("序号,党支部名称,姓名及述职方式") and "张三" in text


@pytest.mark.parametrize("body,status,message", [
    ({"pairs": [["s1", "s9"]]}, 404, "下评会议没有这位述职书记"),
    ({"pairs": [["s1", "s2"], ["s2", "s2"]]}, 400, "“张三”已对应了另一人"),
    ({"pairs": [["s1"]]}, 400, "人员对应第 1 项（pairs）须为"),
    ({"pairs": "s1=s2"}, 400, "人员对应（pairs）须为"),
    ({"require_both": "yes"}, 400, "（require_both）须为 true 或 false"),
])
async def test_bad_mappings_are_refused_and_the_stored_one_kept(api, meetings, body, status, message):
    up, down = meetings
    await api.admin("POST", URL, json={"up": up["id"], "down": down["id"], "pairs": [["s3", "s3"]]})
    error = (await api.admin("POST", URL, status, json={"up": up["id"], "down": down["id"], **body}))["error"]
    assert message in error
    assert (await api.admin("GET", f"{URL}?up={up['id']}&down={down['id']}"))["pairs"] == [["s3", "s3"]]


async def test_meetings_that_cannot_be_combined_say_why(api, meetings):
    up, down = meetings
    assert "两次不同的会议" in (await api.admin("GET", f"{URL}?up={up['id']}&down={up['id']}", 400))["error"]
    error = (await api.admin("GET", f"{URL}?up={down['id']}&down={up['id']}", 400))["error"]
    assert error == "「2022年度镇党委书记抓基层党建报告评议会（下评）」是下评会议，不能作为上述会议"
    assert (await api.admin("GET", f"{URL}?up={up['id']}", 400))["error"] == "请选择上述会议（up）和下评会议（down）"
    assert (await api.admin("GET", f"{URL}?up={up['id']}&down=nosuchmeeting", 404))["error"] == "会议不存在"
    other = await held(api, "2023年度在职党支部书记述职评议会", [{"name": "张三"}], [[9]], preset="bjie-2023")
    error = (await api.admin("GET", f"{URL}?up={other['id']}&down={down['id']}", 400))["error"]
    assert "未规定“上述”“下评”的合成比例" in error
