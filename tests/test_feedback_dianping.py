"""The chair's 点评 (001 第五条, 004 §六(三) 一述一评) from the 发件箱 to the official workbook: saved without
sending, shown again after a reload, never sent twice, in 评议结果 and (until a 整改清单 comes in) in 附件2's
problems, and on the printable feedback sheets of console mode. Workbooks are read back with openpyxl."""
import asyncio
import io
from urllib.parse import urlsplit

import openpyxl
import pytest

from bot.appkeys import OUTBOX

from .helpers import ADMIN, Api
from .outbox_support import assessed_meeting, bind_all, make_app
from .paperwork_support import LATER, path_of, submit_list


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(make_app(settings))


def url(mid: str, tail: str = "") -> str:
    return f"/api/admin/meetings/{mid}/feedback{tail}"


async def workbook(client, mid: str) -> openpyxl.Workbook:
    resp = await client.get(f"/api/admin/meetings/{mid}/export.xlsx", headers=ADMIN)
    assert resp.status == 200
    return openpyxl.load_workbook(io.BytesIO(await resp.read()))


def rows(ws, header_row: int = 1) -> list[dict]:
    values = list(ws.iter_rows(min_row=header_row, values_only=True))
    return [dict(zip(values[0], row)) for row in values[1:]]


def states(body: dict) -> dict:
    return {x["id"]: x for x in body["secretaries"]}


async def test_a_saved_dianping_is_shown_again_after_a_reload_and_sent_once(client, aredis):
    """Reloading the 发件箱 showed every 点评 box blank although the text was stored."""
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9], "s2": [8, 7]})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    before = states(await api.admin("GET", url(m["id"])))
    assert (before["s1"]["dianping"], before["s1"]["status"]) == ("", "none")
    await api.admin("POST", url(m["id"]), json={"comments": {"s1": "思路清晰，整改要见实效", "s2": "台账要规范"}})
    after = states(await api.admin("GET", url(m["id"])))
    assert (after["s1"]["dianping"], after["s1"]["status"], after["s1"]["edited_after_sending"]) == \
        ("思路清晰，整改要见实效", "sent", False)
    assert (after["s2"]["dianping"], after["s2"]["status"]) == ("台账要规范", "printed")     # no WeChat bound
    assert after["s3"]["status"] == "none"


async def test_save_dianping_sends_nothing_and_feedback_later_uses_it(client, aredis):
    api = Api(client)
    m = await api.create_meeting()
    await api.open(m["id"], "s1")                             # 一述一评: the chair comments while voting goes on
    saved = states(await api.admin("POST", url(m["id"], "/comments"), json={"comments": {"s1": "要真点问题"}}))
    assert (saved["s1"]["dianping"], saved["s1"]["status"]) == ("要真点问题", "none")
    assert await client.app[OUTBOX].listing() == []
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 9)
    await api.close(m["id"])
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    assert (await api.admin("POST", url(m["id"])))["queued"] == 1      # no comments in the body: the saved one
    [message] = await client.app[OUTBOX].listing()
    assert "领导点评：要真点问题" in message["text"]


async def test_editing_a_sent_dianping_does_not_resend_and_says_so(client, aredis):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9]})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    await api.admin("POST", url(m["id"]), json={"comments": {"s1": "第一稿"}})
    body = states(await api.admin("POST", url(m["id"], "/comments"), json={"comments": {"s1": "改过的点评"}}))
    assert (body["s1"]["dianping"], body["s1"]["sent_dianping"], body["s1"]["edited_after_sending"]) == \
        ("改过的点评", "第一稿", True)
    await api.admin("POST", url(m["id"]), json={"comments": {"s1": "改过的点评"}})
    await asyncio.sleep(0.3)
    assert len(await client.app[OUTBOX].listing()) == 1
    wb = await workbook(client, m["id"])
    assert rows(wb["评议结果"])[0]["领导点评"] == "改过的点评"
    notes = {r["项目"]: r["内容"] for r in rows(wb["说明"])}
    assert "张三的领导点评在反馈本人后修改过" in notes["点评修改"]


@pytest.mark.parametrize("body, status, words", [
    ({"comments": {"s9": "点评"}}, 404, "没有这位述职书记"),
    ({"comments": "张三不错"}, 400, "comments"),
    ({"comments": {"s1": ["x"]}}, 400, "须为文字"),
    ({"comments": {"s1": "长" * 501}}, 400, "过长"),
])
async def test_a_bad_save_dianping_gets_a_clear_4xx_and_keeps_what_was_saved(client, body, status, words):
    api = Api(client)
    m = await api.create_meeting()
    await api.admin("POST", url(m["id"], "/comments"), json={"comments": {"s1": "原来的点评"}})
    assert words in (await api.admin("POST", url(m["id"], "/comments"), status, json=body))["error"]
    assert states(await api.admin("GET", url(m["id"])))["s1"]["dianping"] == "原来的点评"
    assert "会议不存在" in (await api.admin("GET", url("nosuchmeeting"), 404))["error"]
    resp = await client.post(url(m["id"], "/comments"), data=b"\xff\xfe{", headers=ADMIN)
    assert resp.status == 400 and "error" in await resp.json()


async def test_the_chairs_dianping_is_in_the_official_workbook_and_fills_annex_2_until_a_list_comes_in(client):
    """The 点评 never reached the export, and 附件2's 存在的问题 stayed empty until a 整改清单."""
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9], "s2": [8, 7], "s3": [9, 10]}, title="2023年度党支部书记述职评议会")
    await api.admin("POST", url(m["id"]), json={"comments": {"s1": "=理论学习不够深入", "s2": "台账不规范"}})
    base = f"/api/admin/meetings/{m['id']}/paperwork"
    links = {s["id"]: path_of(s["link"]) for s in (await api.admin("GET", base))["secretaries"]}
    await submit_list(api, links["s2"], ("台账不规范", "每月检查台账", LATER.isoformat()))

    wb = await workbook(client, m["id"])
    results = rows(wb["评议结果"])
    assert [r["领导点评"] for r in results][:3] == ["=理论学习不够深入", "台账不规范", None]
    assert wb["评议结果"].cell(2, list(results[0]).index("领导点评") + 1).data_type == "s"   # text, not a formula
    annex = rows(wb["评议考核结果和问题整改清单"], header_row=5)
    zhang, li, wang = annex[:3]
    assert zhang["抓党建工作中存在的问题"] == "=理论学习不够深入\n（据领导点评，整改清单未交）"
    assert zhang["整改措施和整改时限"] == "（整改清单未交）"
    assert li["抓党建工作中存在的问题"] == "台账不规范" and "每月检查台账" in li["整改措施和整改时限"]   # the list wins
    assert wang["抓党建工作中存在的问题"] is None                  # neither: the blank form, as before
    notes = {r["项目"]: r["内容"] for r in rows(wb["说明"])}
    assert notes["整改清单未交"].startswith("张三尚未提交整改清单") and "002 §三.6" in notes["整改清单未交"]
    assert "领导点评" in notes

    csv = (await (await client.get(f"/api/admin/meetings/{m['id']}/export.csv", headers=ADMIN)).read()).decode("utf-8-sig")
    assert csv.splitlines()[0].endswith(",领导点评") and "'=理论学习不够深入" in csv


async def test_the_printed_workbook_is_landscape_one_page_wide_with_title_and_repeated_header(client):
    """附件2 printed two pages wide on A4 portrait, 评议结果 had no title or date."""
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9]}, title="2023年度党支部书记述职评议会 & 测试")
    wb = await workbook(client, m["id"])
    for name, header_row in (("评议结果", 1), ("评议考核结果和问题整改清单", 5), ("意见建议（匿名）", 1)):
        ws = wb[name]
        assert (ws.page_setup.orientation, ws.page_setup.paperSize) == ("landscape", 9), name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, name
        assert ws.page_setup.fitToHeight == 0, name
        assert ws.print_title_rows == f"${header_row}:${header_row}", name
        assert "第 &P 页，共 &N 页" == ws.oddFooter.center.text
    assert "2023年度党支部书记述职评议会 && 测试" in wb["评议结果"].oddHeader.center.text    # "&" is not a code
    assert wb["评议结果"].oddHeader.right.text.startswith("导出日期：")
    assert [c.value for c in wb["评议结果"][1]][:3] == ["序号", "党支部名称", "姓名及述职方式"]   # no row above


async def test_console_mode_prints_one_feedback_sheet_per_secretary_with_the_link(client):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9], "s2": [8, 7]}, {"s1": [("调研不够深入", "")]})
    body = await api.admin("POST", url(m["id"]), json={"comments": {"s1": "思路清晰"}})
    assert body["console"] is True and body["sheets_url"] == f"/admin/meetings/{m['id']}/feedback/sheets?secretaries=s1,s2"
    resp = await client.get(body["sheets_url"], headers=ADMIN)
    html = await resp.text()
    assert resp.status == 200 and html.count('<section class="sheet">') == 2 and html.count("<svg") == 2
    for text in ("张三", "第1党支部", "思路清晰", "9.00", "2 张", "李四"):
        assert text in html
    every = await (await client.get(f"/admin/meetings/{m['id']}/feedback/sheets", headers=ADMIN)).text()
    assert "尚未反馈、未列入：王五、赵六" in every and every.count('<section class="sheet">') == 2
    [printed] = [u["print_url"] for u in body["unbound"] if u["id"] == "s1"]
    assert printed in html
    link = urlsplit(printed)
    assert "调研不够深入" in await (await client.get(f"{link.path}?{link.query}")).text()
    assert (await client.get(body["sheets_url"], allow_redirects=False)).status == 303   # organizers only
