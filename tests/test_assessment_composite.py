"""The 003 composite in the console: 日常管理 with the 3:5:2 split offered, 实地核查 as a score or
from the deduction sheet, 民意调查 per unit, the meeting's 述职测评 mean from its ballots; ranks, bottom-rank
deductions, the consequence from the composite; the table exported (.xlsx, .csv)."""
import io

import openpyxl
import pytest

from voting.app import create_app
from .helpers import ADMIN, Api

UNITS = [{"name": n, "org": f"州直{n}单位"} for n in ("甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸")]


@pytest.fixture
async def api(aiohttp_client, settings):
    return Api(await aiohttp_client(create_app(settings)))


@pytest.fixture
async def meeting(api):
    """Ten units heard at the 述职测评 meeting: unit k (s1…s10) got 10 − k//2 from each of two voters."""
    m = await api.create_meeting(title="2018年州直单位党组织书记述职测评会", preset="xiangxi-2018", secretaries=UNITS)
    await api.open(m["id"])
    for _ in range(2):
        token = await api.join(m)
        for k in range(10):
            await api.cast(m["id"], token, f"s{k + 1}", 10 - k // 2)
    await api.close(m["id"])
    return m


def url(m, tail=""):
    return f"/api/admin/meetings/{m['id']}/composite{tail}"


async def test_the_organizer_enters_the_parts_and_sees_the_ranked_composite(api, meeting):
    state = await api.admin("GET", url(meeting))
    assert state["split"] == {"好": 3, "较好": 5, "一般": 2} and state["split_cite"] == "003 §三(二)1"
    assert state["result"][0]["grade"] == "" and "缺少日常管理、实地核查、民意调查得分" in state["result"][0]["reason"]
    assert state["result"][0]["meeting_mean"] == 10 and state["result"][9]["meeting_mean_text"] == "6.00"

    ranking = [f"s{k}" for k in range(1, 11)]
    offered = await api.admin("POST", url(meeting, "/daily-split"), json={"ranking": ranking})
    assert list(offered["grades"].values()) == ["好"] * 3 + ["较好"] * 5 + ["一般"] * 2
    units = {sid: {"daily_grade": g, "survey": 90, "field": 95} for sid, g in offered["grades"].items()}
    units["s1"] = {"daily_grade": "好", "survey": 90, "findings": [{"clause": "1.1a", "times": 2}, {"clause": "1.2d"}]}
    units["s10"]["field"] = 90
    state = await api.admin("POST", url(meeting), json={"units": units})
    rows = {r["secretary"]: r for r in state["result"]}
    assert rows["s1"]["field"] == 103                           # 100 − 2 × 1 (会议研究每少一次) + 5 (示范点)
    assert rows["s1"]["total"] == pytest.approx(100 * .2 + 103 * .5 + 90 * .1 + 10 / 10 * 20)      # 100.5
    assert rows["s1"]["rank"] == 1 and rows["s1"]["performance_deduction"] == 0 and rows["s1"]["grade"] == "好"
    assert rows["s10"]["rank"] == 10 and rows["s10"]["performance_deduction"] == -3 and "后 1 名" in rows["s10"]["note"]
    assert rows["s10"]["total"] == pytest.approx(60 * .2 + 90 * .5 + 90 * .1 + 6 / 10 * 20)         # 78
    assert rows["s9"]["rank"] == 9 and rows["s9"]["performance_deduction"] == -3          # 后 2 名
    assert rows["s10"]["grade"] == "较好" and "不得评定为“优秀”" in rows["s10"]["consequence"]
    assert rows["s10"]["total_text"] == "78.00" and state["notes"] == []

    state = await api.admin("POST", url(meeting), json={"units": {"s10": {"daily": 100}}})     # a score replaces the grade
    unit = next(u for u in state["units"] if u["id"] == "s10")
    assert (unit["daily"], unit["daily_grade"]) == (100, None)
    assert "按 3：5：2 比例 9 个单位应为" in state["notes"][0]


async def test_the_composite_is_exported_to_xlsx_and_csv(api, meeting):
    units = {f"s{k}": {"daily": 80, "field": 90, "survey": 85} for k in range(1, 11)}
    units["s2"] = {"daily": 80, "survey": 85, "findings": [{"clause": "2.2e", "points": 1.5}]}
    await api.admin("POST", url(meeting), json={"units": units})
    resp = await api.client.get(url(meeting, ".xlsx"), headers=ADMIN)
    wb = openpyxl.load_workbook(io.BytesIO(await resp.read()))
    ws = wb["综合考评"]
    header = [c.value for c in ws[1]]
    assert header[:3] == ["述职人", "单位", "日常管理"] and "综合评价等次" in header and "年终绩效考核扣分" in header
    assert [c.value for c in ws[2]][:2] == ["甲", "州直甲单位"]
    assert "实地核查明细" in wb.sheetnames and wb["实地核查明细"]["A2"].value == "乙"
    resp = await api.client.get(url(meeting, ".csv"), headers=ADMIN)
    body = await resp.read()
    assert body.startswith(b"\xef\xbb\xbf") and "述职人,单位,日常管理" in body.decode("utf-8-sig").splitlines()[0]


@pytest.mark.parametrize("units,status,message", [
    ({"s1": {"field": 120}}, 400, "甲的实地核查 120 不在 0–105 之间"),
    ({"s1": {"survey": "九十"}}, 400, "甲的民意调查“九十”不是数字"),
    ({"s1": {"daily": 80, "daily_grade": "好"}}, 400, "甲的日常管理得分与日常管理等次只能填一项"),
    ({"s1": {"daily_grade": "优秀"}}, 400, "甲的日常管理等次须为 好、较好、一般 之一"),
    ({"s1": {"daily_grade": ["好"]}}, 400, "甲的日常管理等次须为 好、较好、一般 之一"),
    ({"s1": {"findings": [{"clause": "9.9z"}]}}, 400, "甲的核查记录第 1 行：评分细则中没有条款“9.9z”"),
    ({"s1": {"findings": [{"clause": "2.2e"}]}}, 400, "须填写扣分 points"),
    ({"s1": {"survey": 80}, "s99": {"survey": 80}}, 404, "本次会议没有这位述职书记"),
    ({"s1": {"speed": 1}}, 400, "字段为"),
])
async def test_bad_entries_are_refused_and_nothing_is_stored(api, meeting, units, status, message):
    await api.admin("POST", url(meeting), json={"units": {"s1": {"survey": 70}}})
    error = (await api.admin("POST", url(meeting), status, json={"units": {"s2": {"survey": 60}, **units}}))["error"]
    assert message in error
    state = await api.admin("GET", url(meeting))
    assert [(u["id"], u["survey"]) for u in state["units"][:2]] == [("s1", 70), ("s2", None)]


async def test_a_meeting_without_a_composite_rule_is_told_to_use_003(api):
    m = await api.create_meeting(preset="shanghaimiao-2022")
    assert "请用「湘西州直单位 2018 年度方案（003）」规则" in (await api.admin("GET", url(m), 409))["error"]
    page = await api.client.get(f"/admin/meetings/{m['id']}/composite", headers=ADMIN)
    assert page.status == 409


async def test_the_split_refuses_a_unit_ranked_twice(api, meeting):
    error = (await api.admin("POST", url(meeting, "/daily-split"), 400, json={"ranking": ["s1", "s2", "s1"]}))["error"]
    assert error == "日常管理排名中“甲”重复"
