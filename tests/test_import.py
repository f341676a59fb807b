"""Meetings from the organizer's own spreadsheets; a bad sheet is named by file, row and column."""
import io

import aiohttp
import openpyxl
import pytest

from .helpers import ADMIN


def xlsx(rows) -> bytes:
    wb = openpyxl.Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def form(files: dict, **fields) -> aiohttp.FormData:
    data = aiohttp.FormData()
    for k, v in fields.items():
        data.add_field(k, v)
    for field, (name, content) in files.items():
        data.add_field(field, content, filename=name)
    return data


async def upload(client, files, status=201, path="/api/admin/meetings/import", **fields):
    resp = await client.post(path, data=form(files, **fields), headers=ADMIN)
    body = await resp.json()
    assert resp.status == status, body
    return body


async def test_import_xlsx_with_a_title_row_and_a_roster(client):
    """Office sheets often carry a title above the header; 004's roster groups decide the invite cards."""
    secretaries = xlsx([["上海庙镇党支部书记述职名单"], [], ["序号", "姓名", "党支部名称", "述职方式"],
                        [1, "巴音希里", "巴音希里嘎查党支部", "现场述职"], [2, "王建国", "芒哈图嘎查党支部", None],
                        [], [3, "张海燕", "上海庙村党支部", "书面述职"]])
    roster = xlsx([["姓名", "类别"], ["甲", "班子成员"], ["乙", "两代表一委员"], ["丙", "群众代表"]])
    m = await upload(client, {"secretaries": ("书记.xlsx", secretaries), "roster": ("参会.xlsx", roster)},
                     title="2022年度述职评议会", mode="sequential", eligibility="roster")
    assert [(s["name"], s["org"], s["method"]) for s in m["secretaries"]] == [
        ("巴音希里", "巴音希里嘎查党支部", "现场述职"), ("王建国", "芒哈图嘎查党支部", "现场述职"),
        ("张海燕", "上海庙村党支部", "书面述职")]
    assert [i["group"] for i in m["invites"]] == ["班子成员", "两代表一委员", "群众代表"]
    assert m["mode"] == "sequential" and m["expected"] == 3


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
async def test_import_csv_as_excel_saves_it(client, encoding):
    text = "name,org,method\n张三,第一党支部,现场述职\n李四,第二党支部,\n"
    m = await upload(client, {"secretaries": ("list.csv", text.encode(encoding))}, title="会")
    assert [s["name"] for s in m["secretaries"]] == ["张三", "李四"]
    assert m["secretaries"][1]["method"] == "现场述职"


@pytest.mark.parametrize("files, message", [
    ({"secretaries": ("书记.xlsx", xlsx([["姓名", "党支部名称"], ["张三", "一支部"], ["", "二支部"]]))},
     "书记.xlsx 第 3 行「姓名」为空"),
    ({"secretaries": ("书记.xlsx", xlsx([["名字", "单位"], ["张三", "一支部"]]))},
     "书记.xlsx 缺少「姓名」列"),
    ({"secretaries": ("书记.csv", "姓名,党支部名称\n张三,一支部\n李四,二支部\n张三,一支部\n".encode())},
     "书记.csv 第 4 行与第 2 行重复"),
    ({"secretaries": ("书记.xlsx", b"PK\x03\x04 not really a workbook")}, "不是有效的 Excel"),
    ({"secretaries": ("书记.xls", b"\xd0\xcf\x11\xe0")}, "另存为 .xlsx"),
    ({"secretaries": ("书记.pdf", b"%PDF")}, "请上传 .xlsx 或 .csv"),
    ({"secretaries": ("书记.csv", "姓名\n张三\n".encode()),
      "roster": ("参会.csv", "姓名,类别\n甲,党员代表\n乙,\n".encode())}, "参会.csv 第 3 行「类别」为空"),
    ({"secretaries": ("书记.csv", ("姓名\n" + "长" * 51 + "\n").encode())}, "第 2 行「姓名」过长"),
])
async def test_bad_sheets_name_file_row_and_column(client, files, message):
    body = await upload(client, files, status=400, title="会")
    assert message in body["error"]
    resp = await client.get("/api/admin/meetings", headers=ADMIN)
    assert (await resp.json())["meetings"] == []


async def test_import_needs_a_file_and_multipart(client):
    resp = await client.post("/api/admin/meetings/import", json={"title": "会"}, headers=ADMIN)
    assert resp.status == 415 and "multipart" in (await resp.json())["error"]
    body = await upload(client, {}, status=400, title="会")
    assert "缺少述职书记名单文件" in body["error"]


async def preview(client, files, status=200, **fields):
    """The console's first step: what would be imported, created nothing."""
    return await upload(client, files, status, "/api/admin/meetings/import/preview", **fields)


async def test_header_variants_are_recognised(client):
    """序号/书记姓名/所在党组织/述职形式 is as common as 姓名/党组织名称/述职方式; 职务 and 联系电话 are not read."""
    sheet = xlsx([["序号", "书记姓名", "所在党组织", "述职形式", "联系电话"],
                  [1, "巴音希里", "巴音希里嘎查党支部", "现场", "138"], [2, "王建国", "芒哈图嘎查党支部", "书面"]])
    m = await upload(client, {"secretaries": ("书记.xlsx", sheet)}, title="会")
    assert [(s["name"], s["org"], s["method"]) for s in m["secretaries"]] == [
        ("巴音希里", "巴音希里嘎查党支部", "现场述职"), ("王建国", "芒哈图嘎查党支部", "书面述职")]
    assert m["warnings"] == ["书记.xlsx 中以下列未导入：联系电话"]
    sheet = "姓 名,单位（全称）,述职方式*\n张三,第一党支部,现场述职\n".encode()
    m = await upload(client, {"secretaries": ("书记.csv", sheet)}, title="会")
    assert (m["secretaries"][0]["org"], m["warnings"]) == ("第一党支部", [])


async def test_missing_org_column_is_said_before_the_meeting_is_created(client):
    """Without a 党组织 column the official tables (002 附件2 党支部名称) would be blank: the preview says so,
    creates nothing, and the organizer may still go on."""
    sheet = xlsx([["序号", "姓名"], [1, "张三"], [2, "李四"]])
    body = await preview(client, {"secretaries": ("书记.xlsx", sheet)}, title="会", mode="batch")
    assert [s["name"] for s in body["secretaries"]] == ["张三", "李四"] and body["mode"] == "batch"
    assert any("没有「党组织名称」列" in w and "党支部名称" in w for w in body["warnings"])
    assert any("没有「述职方式」列" in w for w in body["warnings"])
    resp = await client.get("/api/admin/meetings", headers=ADMIN)
    assert (await resp.json())["meetings"] == []                      # the preview created nothing
    m = await upload(client, {"secretaries": ("书记.xlsx", sheet)}, title="会")
    assert m["secretaries"][0]["org"] == "" and len(m["warnings"]) == 2


async def test_org_from_the_title_column_when_there_is_no_org_column(client):
    sheet = xlsx([["姓名", "职务", "述职方式"], ["张三", "上海庙村党支部书记", "现场述职"], ["李四", "镇长", "现场述职"]])
    body = await preview(client, {"secretaries": ("书记.xlsx", sheet)}, title="会")
    assert [s["org"] for s in body["secretaries"]] == ["上海庙村党支部", ""]
    assert any("取自「职务」列" in w for w in body["warnings"])


async def test_video_is_recorded_as_online_and_unknown_methods_are_refused(client, api):
    """004 §五(三): 线上和线下相结合或书面述职. 视频/网络 are 线上述职, said once with the rows; 电话 is refused."""
    sheet = "姓名,党组织名称,述职方式\n张三,一支部,视频\n李四,二支部,网络述职\n王五,三支部,\n".encode()
    body = await preview(client, {"secretaries": ("书记.csv", sheet)}, title="会")
    assert [s["method"] for s in body["secretaries"]] == ["线上述职", "线上述职", "现场述职"]
    assert "书记.csv 第 2 行述职方式「视频」按「线上述职」记录" in " ".join(body["warnings"])
    assert any("第 4 行「述职方式」为空" in w for w in body["warnings"])
    bad = "姓名,党组织名称,述职方式\n张三,一支部,电话\n".encode()
    body = await preview(client, {"secretaries": ("书记.csv", bad)}, status=400, title="会")
    assert body["error"].startswith("书记.csv 第 2 行的述职方式「电话」无法识别")
    # the JSON API follows the same rule
    m = await api.create_meeting(secretaries=[{"name": "张三", "method": "视频"}, {"name": "李四", "method": "书面"}])
    assert [s["method"] for s in m["secretaries"]] == ["线上述职", "书面述职"]
    assert m["warnings"] == ["述职方式「视频」按「线上述职」记录（第 1 位）"]
    body = await api.create_meeting(status=400, secretaries=[{"name": "张三", "method": "电话"}])
    assert "第 1 位述职书记的述职方式「电话」无法识别" in body["error"]


async def test_suspicious_names_are_normalized_and_warned_before_the_meeting(client):
    """Two 王建国 (different 党组织), "ＬＩ　Ｍｉｎｇ" kept with full-width letters, and "１２３"
    were accepted without a word. Full-width text reads as typed half-width, the rest is warned, not refused."""
    sheet = xlsx([["姓名", "党组织名称", "述职方式"], ["王建国", "第一党支部", "现场述职"],
                  ["ＬＩ　Ｍｉｎｇ", "第二党支部（Ａ区）", "现场述职"], ["王建国", "第三党支部", "现场述职"],
                  ["１２３", "第四党支部", "现场述职"]])
    body = await preview(client, {"secretaries": ("书记.xlsx", sheet)}, title="会")
    assert [(s["name"], s["org"]) for s in body["secretaries"]] == [
        ("王建国", "第一党支部"), ("LI Ming", "第二党支部(A区)"), ("王建国", "第三党支部"), ("123", "第四党支部")]
    assert body["warnings"] == ["书记.xlsx 第 2、4 行姓名相同：王建国（第一党支部、第三党支部），请核对是否为同一人",
                                "书记.xlsx 第 5 行姓名「123」没有汉字或字母，请核对"]
    m = await upload(client, {"secretaries": ("书记.xlsx", sheet)}, title="会")      # warned, not refused
    assert [s["name"] for s in m["secretaries"]] == ["王建国", "LI Ming", "王建国", "123"]


async def test_a_name_typed_full_width_and_half_width_is_one_person(client):
    sheet = xlsx([["姓名", "党组织名称"], ["LI Ming", "第一党支部"], ["ＬＩ　Ｍｉｎｇ", "第一党支部"]])
    body = await upload(client, {"secretaries": ("书记.xlsx", sheet)}, 400, title="会")
    assert body["error"] == "书记.xlsx 第 3 行与第 2 行重复：LI Ming 第一党支部"
