"""述职报告 in console mode: the secretary's personal link, the organizer's API, the checks
of 002 (1000 字 for a 在职党支部书记, 履职 ≤ 50 %, 问题 ≥ 30 %) on reports written from 002 附件1's template."""
import zipfile
import io

import aiohttp
import pytest

from paperwork import status
from voting.app import create_app
from voting.appkeys import REDIS
from voting.meetings import load_meeting

from .helpers import Api
from .paperwork_support import FEW_PROBLEMS, PASSES, TOO_LONG, docx_bytes, path_of

SECRETARIES = [{"name": "张三", "org": "第一党支部"}, {"name": "李四", "org": "机关党委第二党支部"},
               {"name": "王五", "org": "继续教育学院分党委"}]


@pytest.fixture
async def api(aiohttp_client, settings):
    return Api(await aiohttp_client(create_app(settings)))


@pytest.fixture
async def meeting(api):
    return await api.create_meeting(title="2023年度在职党支部书记述职评议会", preset="bjie-2023",
                                    secretaries=SECRETARIES)


async def links(api, m) -> dict[str, str]:
    data = await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork")
    return {s["id"]: path_of(s["link"]) for s in data["secretaries"]}


async def overview(api, m) -> dict:
    data = await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork")
    return {s["id"]: s for s in data["secretaries"]}


async def post_report(api, link: str, text: str = "", file: tuple[str, bytes] | None = None, action="submit"):
    """The secretary's form as the page posts it (multipart, the file field empty when none was chosen)."""
    form = aiohttp.FormData()
    form.add_field("text", text)
    name, data = file or ("", b"")
    form.add_field("file", data, filename=name, content_type="application/octet-stream")
    form.add_field("action", action)
    path, _, query = link.partition("?")
    return await api.client.post(f"{path}/report?{query}", data=form, allow_redirects=False)


async def missing(api, m, kind="report"):
    return await status.missing(api.client.app[REDIS], await load_meeting(api.client.app[REDIS], m["id"]), kind)


async def test_a_report_from_the_template_is_submitted_and_the_reminders_audience_shrinks(api, meeting):
    link = (await links(api, meeting))["s1"]
    page = await api.client.get(link)
    html = await page.text()
    assert page.status == 200 and "张三" in html and "字数上限 1000 字（在职党支部书记，002 §三.2）" in html
    assert await missing(api, meeting) == ["s1", "s2", "s3"]
    resp = await post_report(api, link, PASSES)
    assert resp.status == 303 and resp.headers["Location"].endswith("ok=report")
    html = await (await api.client.get(resp.headers["Location"])).text()
    assert "述职报告已提交" in html and "已提交" in html and "全文 499 字，未超过在职党支部书记述职报告 1000 字的上限" in html
    assert await missing(api, meeting) == ["s2", "s3"]
    row = (await overview(api, meeting))["s1"]["report"]
    assert (row["status"], row["chars"], row["ok"], row["source"]) == ("submitted", 499, True, "paste")
    assert [c["code"] for c in row["checks"]] == ["length", "record_max", "problems_min"]
    full = await api.admin("GET", f"/api/admin/meetings/{meeting['id']}/paperwork/s1/report")
    assert full["text"] == PASSES and full["name"] == "张三"


async def test_a_report_too_long_is_kept_and_both_sides_see_what_to_cut(api, meeting):
    link = (await links(api, meeting))["s1"]
    resp = await post_report(api, link, TOO_LONG)
    assert resp.status == 303, "a failing check does not refuse the report: the organizer decides"
    html = await (await api.client.get(link)).text()
    want = "全文 1003 字，超过在职党支部书记述职报告 1000 字的上限 3 字，请删减（002 §三.2）"
    assert want in html
    row = (await overview(api, meeting))["s1"]["report"]
    assert row["ok"] is False and row["checks"][0]["message"] == want and row["status"] == "submitted"
    # The organizer corrects the level: a 二级党组织书记 has 1500 字 (002 §三.2), the same text passes.
    await api.admin("POST", f"/api/admin/meetings/{meeting['id']}/paperwork/levels", json={"levels": {"s1": "committee"}})
    assert (await overview(api, meeting))["s1"]["report"]["ok"] is True


async def test_a_docx_with_too_few_problems_is_read_and_told_to_add_problems(api, meeting):
    link = (await links(api, meeting))["s1"]
    resp = await post_report(api, link, file=("张三述职报告.docx", docx_bytes(FEW_PROBLEMS)))
    assert resp.status == 303
    row = (await overview(api, meeting))["s1"]["report"]
    assert row["source"] == "docx" and row["filename"] == "张三述职报告.docx"
    checks = {c["code"]: c for c in row["checks"]}
    assert not checks["problems_min"]["ok"] and "应不少于30%，偏少，请充实（002 §三.2、附件1）" in checks["problems_min"]["message"]
    assert not checks["record_max"]["ok"] and "偏多，请压缩" in checks["record_max"]["message"]
    html = await (await api.client.get(link)).text()
    assert "偏少，请充实" in html


async def test_checking_first_stores_nothing(api, meeting):
    link = (await links(api, meeting))["s1"]
    resp = await post_report(api, link, TOO_LONG, action="check")
    html = await resp.text()
    assert resp.status == 200 and "检查结果（尚未提交）" in html and "上限 3 字" in html
    assert await missing(api, meeting) == ["s1", "s2", "s3"]
    assert (await overview(api, meeting))["s1"]["report"]["status"] == "missing"


def _zip(names: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, data in names.items():
            z.writestr(name, data)
    return out.getvalue()


BAD_FILES = [
    ("报告.docx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", 400, "PDF 文件"),
    ("报告.docx", _zip({"xl/workbook.xml": b"<x/>"}), 400, "不是有效的 .docx 文件"),
    ("报告.txt", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 400, "图片"),
    ("报告.txt", b"abc\x00\x01" * 300, 400, "含有二进制内容"),
    ("报告.txt", bytes(range(256)) * 8, 400, "编码无法识别"),
    ("报告.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, 400, "另存为 .docx"),
    ("报告.pdf", b"%PDF-1.4", 400, "是 PDF 文件"),
    ("报告", "一、履职主要情况".encode(), 400, "无扩展名"),
    ("报告.txt", b"", 400, "是空文件"),
    ("报告.txt", "一、履职".encode() + b" " * (5 * 1024 * 1024), 413, "文件超过 5 MB"),
]


@pytest.mark.parametrize("name,data,code,message", BAD_FILES, ids=[m for *_, m in BAD_FILES])
async def test_bad_files_get_a_clear_4xx_and_the_stored_report_is_untouched(api, meeting, name, data, code, message):
    link = (await links(api, meeting))["s1"]
    assert (await post_report(api, link, PASSES)).status == 303
    resp = await post_report(api, link, file=(name, data))
    html = await resp.text()
    assert resp.status == code and message in html, html[-800:]
    full = await api.admin("GET", f"/api/admin/meetings/{meeting['id']}/paperwork/s1/report")
    assert full["text"] == PASSES and full["status"] == "submitted"


async def test_a_word_document_named_txt_is_read_by_its_content(api, meeting):
    link = (await links(api, meeting))["s1"]
    assert (await post_report(api, link, file=("报告.txt", docx_bytes(PASSES)))).status == 303
    row = (await overview(api, meeting))["s1"]["report"]
    assert row["source"] == "docx" and row["chars"] == 499


async def test_empty_and_garbled_forms_are_400_in_chinese(api, meeting):
    link = (await links(api, meeting))["s1"]
    path, _, query = link.partition("?")
    resp = await post_report(api, link, "  \n ")
    assert resp.status == 400 and "请粘贴述职报告全文" in await resp.text()
    resp = await api.client.post(f"{path}/report?{query}", data=b"--x\r\nbroken", headers={
        "Content-Type": "multipart/form-data; boundary=x"})
    assert resp.status == 400 and "无法识别" in await resp.text()
    resp = await api.client.post(f"{path}/report?{query}", data=b"\xff\xfe", headers={"Content-Type": "text/plain"})
    assert resp.status == 415
    assert await missing(api, meeting) == ["s1", "s2", "s3"]


async def test_a_secretary_cannot_open_or_write_another_secretarys_page(api, meeting):
    mine = await links(api, meeting)
    assert (await post_report(api, mine["s1"], PASSES)).status == 303
    s2_path = mine["s2"].partition("?")[0]
    s1_token = mine["s1"].partition("?")[2]
    resp = await api.client.get(f"{s2_path}?{s1_token}")
    assert resp.status == 403 and "链接无效" in await resp.text()
    assert (await post_report(api, f"{s2_path}?{s1_token}", FEW_PROBLEMS)).status == 403
    html = await (await api.client.get(mine["s2"])).text()
    assert "履行第一责任人" not in html and "带头落实“三会一课”制度" not in html      # none of 张三's words
    resp = await api.client.get(f"{s2_path}")
    assert resp.status == 403                                   # console mode: no WeChat identity
    assert (await api.client.get(f"/reports/{meeting['id']}")).status == 404      # not published


async def test_a_new_personal_link_revokes_the_old_one(api, meeting):
    old = (await links(api, meeting))["s1"]
    new = await api.admin("POST", f"/api/admin/meetings/{meeting['id']}/paperwork/s1/link")
    assert (await api.client.get(old)).status == 403
    assert (await api.client.get(path_of(new["link"]))).status == 200
    voter = await api.join(meeting)                             # a voter token is no personal link
    assert (await api.client.get(f"/paper/{meeting['id']}/s1?t={voter}")).status == 403


async def test_the_organizer_returns_a_report_with_a_note_the_secretary_sees(api, meeting):
    link = (await links(api, meeting))["s1"]
    await post_report(api, link, FEW_PROBLEMS)
    url = f"/api/admin/meetings/{meeting['id']}/paperwork/s1/return"
    assert "写明意见" in (await api.admin("POST", url, 400, json={"kind": "report", "note": " "}))["error"]
    assert "材料类别（kind）须为" in (await api.admin("POST", url, 400, json={"kind": ["report"], "note": "x"}))["error"]
    await api.admin("POST", url, json={"kind": "report", "note": "问题部分偏少，请按002附件1充实"})
    html = await (await api.client.get(link)).text()
    assert "已退回" in html and "组织部门退回意见：问题部分偏少，请按002附件1充实" in html
    assert await missing(api, meeting) == ["s1", "s2", "s3"]     # due again: the reminders name 张三
    assert (await api.admin("POST", f"/api/admin/meetings/{meeting['id']}/paperwork/s2/return", 404,
                            json={"kind": "report", "note": "x"}))["error"] == "李四尚未提交述职报告，无可退回"
    await post_report(api, link, PASSES)
    row = (await overview(api, meeting))["s1"]["report"]
    assert row["status"] == "submitted" and row["note"] == "" and row["ok"]


async def test_levels_default_from_the_party_organisation_and_the_organizer_may_change_them(api, meeting):
    rows = await overview(api, meeting)
    assert [rows[s]["level"] for s in ("s1", "s2", "s3")] == ["branch", "branch", "committee"]
    url = f"/api/admin/meetings/{meeting['id']}/paperwork/levels"
    await api.admin("POST", url, json={"levels": {"s3": "branch"}})
    assert (await overview(api, meeting))["s3"]["level"] == "branch"
    await api.admin("POST", url, json={"levels": {"s3": None}})
    assert (await overview(api, meeting))["s3"]["level"] == "committee"
    for bad in ({"levels": {"s9": "branch"}}, {"levels": {"s1": "党委"}}, {"levels": {"s1": ["branch"]}}, {"levels": []}):
        assert (await api.client.post(url, json=bad, headers={"Authorization": "Bearer test-admin-token"})).status in (400, 404)


async def test_reports_are_published_after_the_meeting_to_the_chosen_audience(api, meeting):
    mine = await links(api, meeting)
    await post_report(api, mine["s1"], PASSES)
    await post_report(api, mine["s2"], FEW_PROBLEMS)
    await api.admin("POST", f"/api/admin/meetings/{meeting['id']}/paperwork/s2/return", json={"kind": "report", "note": "请修改"})
    url = f"/api/admin/meetings/{meeting['id']}/paperwork/publish"
    await api.open(meeting["id"])
    assert "述职评议后公布" in (await api.admin("POST", url, 409, json={"audience": "public"}))["error"]
    await api.close(meeting["id"])
    assert (await api.admin("POST", url, 400, json={"audience": "all"}))["error"].startswith("公开范围（audience）须为")
    published = (await api.admin("POST", url, json={"audience": "public"}))["published"]
    assert published["audience"] == "public" and "?k=" in published["url"]
    page = await api.client.get(path_of(published["url"]))
    html = await page.text()
    assert page.status == 200 and "带头落实“三会一课”制度" in html and "张三" in html
    assert html.count("未提交述职报告") == 2, "the returned report (李四) is being revised: not shown"
    assert (await api.client.get(f"/reports/{meeting['id']}?k=wrong")).status == 403
    resp = await post_report(api, mine["s1"], FEW_PROBLEMS)
    html = await resp.text()
    assert resp.status == 409 and "已公布，不能再修改" in html and f'href="{path_of(published["url"])}"' in html

    only = (await api.admin("POST", url, json={"audience": "secretaries"}))["published"]
    assert (await api.client.get(path_of(published["url"]))).status == 403      # the public link no longer
    token = mine["s3"].partition("?")[2]
    assert (await api.client.get(f"{path_of(only['url'])}?{token}")).status == 200
    assert (await api.client.get(path_of(only["url"]))).status == 403

    await api.admin("POST", url, json={"audience": None})
    assert (await api.client.get(f"/reports/{meeting['id']}?{token}")).status == 404
    assert (await post_report(api, mine["s1"], PASSES)).status == 303


@pytest.mark.parametrize("action", ["delete", "", "Submit", "check "])
async def test_a_report_form_with_an_unknown_action_is_refused_not_submitted(api, meeting, action):
    """`action=delete&text=x` answered 303 and stored the text as the submitted report."""
    link = (await links(api, meeting))["s1"]
    resp = await post_report(api, link, PASSES, action=action)
    assert resp.status == 400 and "无法识别的操作" in await resp.text()
    assert await missing(api, meeting) == ["s1", "s2", "s3"]
    assert (await overview(api, meeting))["s1"]["report"]["status"] != "submitted"
