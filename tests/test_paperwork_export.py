"""002 附件2 complete: export.xlsx fills 填表部门, 填表人, 考核时间、地点, 参会人员 and each
secretary's submitted 整改清单, read back with openpyxl as an office would open it."""
import io

import openpyxl
import pytest

from voting.app import create_app
from .helpers import Api
from .paperwork_support import LATER, path_of, submit_list

SECRETARIES = [{"name": "张三", "org": "第一党支部", "method": "现场述职"},
               {"name": "李四", "org": "第二党支部", "method": "现场述职"},
               {"name": "王五", "org": "第三党支部", "method": "书面述职"}]
@pytest.fixture
async def api(aiohttp_client, settings):
    return Api(await aiohttp_client(create_app(settings)))


async def checklist(api, mid: str):
    resp = await api.client.get(f"/api/admin/meetings/{mid}/export.xlsx", headers={"Authorization": "Bearer test-admin-token"})
    assert resp.status == 200
    return openpyxl.load_workbook(io.BytesIO(await resp.read()))["评议考核结果和问题整改清单"]


async def test_annex_2_is_filled_from_the_meeting_and_the_submitted_lists(api):
    m = await api.create_meeting(title="2023年度在职党支部书记述职评议会", preset="bjie-2023", secretaries=SECRETARIES)
    await api.open(m["id"])
    for score in (10, 9, 10):
        token = await api.join(m)
        for sid in ("s1", "s2", "s3"):
            await api.cast(m["id"], token, sid, score)
    await api.close(m["id"])
    base = f"/api/admin/meetings/{m['id']}/paperwork"
    await api.admin("POST", base + "/info", json={
        "department": "党委组织部", "filler": "王延梅", "time_place": "2024年1月10日，学院第一会议室",
        "attendees": ["学院党建工作领导小组成员", "“两代表一委员”", "党员干部群众代表"]})
    await api.admin("POST", base + "/rectification", json={"open": True})
    links = {s["id"]: path_of(s["link"]) for s in (await api.admin("GET", base))["secretaries"]}
    await submit_list(api, links["s1"], ("理论学习不够深入", "建立支部学习清单，每月专题研讨", LATER.isoformat()),
                      ("党建与业务融合不够", "完善党员先锋岗考评办法", "2024年6月30日"))
    await submit_list(api, links["s2"], ("=HYPERLINK(\"http://x\",\"点我\")", "联系服务群众", "2024/5/1"))

    ws = await checklist(api, m["id"])
    assert ws["A1"].value == "2023年度在职党支部书记评议考核结果和问题整改清单"
    assert (ws["A2"].value, ws["D2"].value) == ("填表部门：党委组织部", "填表人：王延梅")
    assert ws["A3"].value == "考核时间、地点：2024年1月10日，学院第一会议室"
    assert ws["A4"].value == "参会人员：学院党建工作领导小组成员、“两代表一委员”、党员干部群众代表"
    assert [c.value for c in ws[5]] == ["序号", "党支部名称", "姓名及\n述职方式", "评议考核等次", "抓党建工作中存在的问题",
                                        "整改措施和整改时限"]
    first = [c.value for c in ws[6]]
    assert first[:4] == [1, "第一党支部", "张三\n现场述职", "好"]
    assert first[4] == "1. 理论学习不够深入\n2. 党建与业务融合不够"
    assert first[5] == (f"1. 建立支部学习清单，每月专题研讨（整改时限：{LATER.year}年{LATER.month}月{LATER.day}日前）\n"
                        "2. 完善党员先锋岗考评办法（整改时限：2024年6月30日前）")
    second = [c.value for c in ws[7]]
    assert second[4] == "=HYPERLINK(\"http://x\",\"点我\")" and ws["E7"].data_type == "s"    # text, never a formula
    assert second[5] == "联系服务群众（整改时限：2024年5月1日前）"
    assert [c.value for c in ws[8]][:6] == [3, "第三党支部", "王五\n书面述职", "好", None, None]   # nothing submitted
    assert ws["A9"].value == "注：可自行添加行。"


async def test_department_and_filler_are_entered_once_and_editable_per_meeting(api):
    first = await api.create_meeting(title="2023年度党支部书记述职评议会")
    info = await api.admin("POST", f"/api/admin/meetings/{first['id']}/paperwork/info",
                           json={"department": "党委组织部", "filler": "王延梅", "time_place": "2024年1月10日"})
    assert info["defaults"] == {"department": "党委组织部", "filler": "王延梅"}
    second = await api.create_meeting(title="2024年度党支部书记述职评议会")
    info = (await api.admin("GET", f"/api/admin/meetings/{second['id']}/paperwork"))["info"]
    assert (info["department"], info["filler"], info["time_place"]) == ("党委组织部", "王延梅", "")
    ws = await checklist(api, second["id"])
    assert (ws["A2"].value, ws["D2"].value, ws["A3"].value) == ("填表部门：党委组织部", "填表人：王延梅", "考核时间、地点：")
    await api.admin("POST", f"/api/admin/meetings/{second['id']}/paperwork/info", json={"filler": "鹿坦"})
    assert (await checklist(api, second["id"]))["D2"].value == "填表人：鹿坦"
    assert (await checklist(api, first["id"]))["D2"].value == "填表人：王延梅"     # this meeting keeps its own


@pytest.mark.parametrize("body,message", [
    ({"department": 5}, "填表部门（department）须为文字"),
    ({"filler": "长" * 51}, "填表人过长（最多 50 字）"),
    ({"attendees": [1, 2]}, "参会人员（attendees）须为文字"),
])
async def test_bad_annex_2_fields_are_400_and_change_nothing(api, body, message):
    m = await api.create_meeting()
    url = f"/api/admin/meetings/{m['id']}/paperwork/info"
    await api.admin("POST", url, json={"department": "党委组织部"})
    assert (await api.admin("POST", url, 400, json={**body, "time_place": "会议室"}))["error"] == message
    info = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork"))["info"]
    assert (info["department"], info["time_place"]) == ("党委组织部", "")
