"""The paperwork and assessment pages in a real headless Chromium: the secretary's phone page (a WeChat-sized
touch screen, the personal link of console mode) and the organizer's console pages."""
import datetime as dt

import pytest
from playwright.async_api import expect

from .helpers import ADMIN_TOKEN
from .browser import PHONE
from .paperwork_support import PASSES, TOO_LONG, docx_bytes

pytestmark = pytest.mark.served

LATER = (dt.date.today() + dt.timedelta(days=60)).isoformat()


async def paperwork(api, m) -> dict:
    data = await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork")
    return {s["id"]: s for s in data["secretaries"]}


async def console(browser, site, path: str, link: str):  # noqa: F811
    """The organizer logged in, on `path`, following the link named `link` (the console's extension points)."""
    page = await (await browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")).new_page()
    await page.goto(str(site.make_url(f"/admin?token={ADMIN_TOKEN}")))
    await page.goto(str(site.make_url(path)))
    await page.get_by_role("link", name=link).click()
    return page


async def test_secretary_checks_submits_and_lists_rectification_on_the_phone(browser, api, tmp_path):  # noqa: F811
    m = await api.create_meeting(preset="bjie-2023", secretaries=[{"name": "张三", "org": "第一党支部"}])
    link = (await paperwork(api, m))["s1"]["link"]
    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(link)
    await expect(phone.get_by_text("字数上限 1000 字（在职党支部书记，002 §三.2）")).to_be_visible()
    await phone.locator("textarea[name=text]").fill(TOO_LONG)
    await phone.get_by_role("button", name="先检查").tap()
    await expect(phone.locator("#report-checks")).to_contain_text("超过在职党支部书记述职报告 1000 字的上限 3 字，请删减")
    assert (await paperwork(api, m))["s1"]["report"]["status"] == "missing"
    await phone.get_by_role("button", name="提交述职报告").tap()                # the checked text is still there
    await expect(phone.get_by_role("status")).to_contain_text("述职报告已提交")
    assert (await paperwork(api, m))["s1"]["report"]["chars"] == 1003

    report = tmp_path / "张三述职报告.docx"
    report.write_bytes(docx_bytes(PASSES))
    await phone.locator("input[name=file]").set_input_files(str(report))
    await phone.get_by_role("button", name="提交述职报告").tap()
    await expect(phone.locator("#report-checks li.fail")).to_have_count(0)
    await expect(phone.locator("#report")).to_contain_text("张三述职报告.docx")

    await expect(phone.locator("#rect-closed")).to_contain_text("组织部门反馈评议结果后即可填写整改清单")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/rectification", json={"open": True})
    await phone.reload()
    await phone.locator("textarea[name=problem_0]").fill("理论学习不够深入")
    await phone.locator("textarea[name=measure_0]").fill("建立支部学习清单，每月专题研讨")
    await phone.locator("input[name=deadline_0]").fill(LATER)
    await phone.get_by_role("button", name="添加一项").tap()
    await expect(phone.locator("#items fieldset")).to_have_count(3)
    await phone.locator("textarea[name=problem_2]").fill("联系群众不够")
    await phone.get_by_role("button", name="提交整改清单").tap()
    await expect(phone.locator("#rect-error")).to_contain_text("第 2 项：请填写整改措施")
    await phone.locator("textarea[name=measure_2]").fill("每月走访党员群众")
    await phone.locator("input[name=deadline_2]").fill(LATER)
    await phone.locator("input[name=done_2]").check()
    await phone.get_by_role("button", name="提交整改清单").tap()
    await expect(phone.get_by_role("status")).to_contain_text("整改清单已提交")
    lists = (await paperwork(api, m))["s1"]["rectification"]
    assert [(i["problem"], i["done"]) for i in lists["items"]] == [("理论学习不够深入", False), ("联系群众不够", True)]


async def test_organizer_reads_returns_sets_levels_fills_annex_2_and_publishes(browser, api, site):  # noqa: F811
    m = await api.create_meeting(preset="bjie-2023", secretaries=[{"name": "张三", "org": "第一党支部"},
                                                                  {"name": "李四", "org": "第二党支部"}])
    link = (await paperwork(api, m))["s1"]["link"]
    path, _, query = link.split("://", 1)[1].partition("/")[2].partition("?")
    resp = await api.client.post(f"/{path}/report?{query}", data={"text": TOO_LONG, "action": "submit"}, allow_redirects=False)
    assert resp.status == 303
    page = await console(browser, site, f"/admin/meetings/{m['id']}", "述职报告和整改清单")
    await expect(page.locator("#report-count")).to_have_text("已提交 1 / 2")
    await expect(page.locator("#reports")).to_contain_text("超过在职党支部书记述职报告 1000 字的上限 3 字")
    await page.get_by_role("button", name="查看").click()
    await expect(page.locator("#reader-text")).to_contain_text("带头落实“三会一课”制度")

    await page.locator("select[data-level=s1]").select_option("committee")        # a 二级党组织书记: 1500 字
    await expect(page.locator("#reports")).not_to_contain_text("超过在职党支部书记述职报告")
    page.once("dialog", lambda d: d.accept("请压缩到 1000 字以内"))
    await page.locator("button[data-return=s1][data-kind=report]").click()
    await expect(page.locator("#reports")).to_contain_text("退回意见：请压缩到 1000 字以内")
    assert (await paperwork(api, m))["s1"]["report"]["status"] == "returned"

    await page.locator("input[name=department]").fill("党委组织部")
    await page.locator("input[name=filler]").fill("王延梅")
    await page.locator("input[name=time_place]").fill("2024年1月10日，学院第一会议室")
    await page.get_by_role("button", name="保存表头").click()
    await expect(page.locator("#saved")).to_be_visible()
    info = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork"))["info"]
    assert (info["department"], info["filler"], info["defaults"]["filler"]) == ("党委组织部", "王延梅", "王延梅")

    page.once("dialog", lambda d: d.accept())
    await page.get_by_role("button", name="公布述职报告").click()
    await expect(page.locator("#published")).to_contain_text("凭链接公开")
    public = await page.locator("#published a").get_attribute("href")
    reader = await (await browser.new_context(**PHONE)).new_page()
    await reader.goto(public)
    await expect(reader.locator("#r-s1")).to_contain_text("未提交述职报告")        # returned: being revised


async def test_organizer_enters_the_composite_with_the_3_5_2_split(browser, api, site):  # noqa: F811
    m = await api.create_meeting(preset="xiangxi-2018", secretaries=[{"name": n, "org": f"{n}单位"} for n in "甲乙丙"])
    await api.open(m["id"])
    token = await api.join(m)
    for k, score in enumerate((10, 9, 8), 1):
        await api.cast(m["id"], token, f"s{k}", score)
    await api.close(m["id"])
    page = await console(browser, site, f"/admin/meetings/{m['id']}", "综合考评（003）")
    await expect(page.locator("#split")).to_have_text("好 1、较好 1、一般 1")
    rows = page.locator("#units tr")
    for k in range(3):
        row = rows.nth(k)
        await row.locator("[name=rank]").fill(str(k + 1))
        await row.locator("[name=field]").fill("90")
        await row.locator("[name=survey]").fill("80")
    await page.get_by_role("button", name="按排名和 3:5:2 比例评定日常管理等次").click()
    await expect(rows.nth(0).locator("[name=daily_grade]")).to_have_value("好")
    await expect(rows.nth(2).locator("[name=daily_grade]")).to_have_value("一般")
    await rows.nth(1).locator("[name=inspected]").check()
    await rows.nth(1).locator("[name=findings]").fill("1.1a 2\n1.2d")
    await page.get_by_role("button", name="保存并计算").click()
    ranked = page.locator("#result tr")
    await expect(ranked.nth(0)).to_contain_text("乙单位")          # 80×20% + 103×50% + 80×10% + 9/10×20 = 93.5
    await expect(ranked.nth(0)).to_contain_text("93.50")
    await expect(ranked.nth(1)).to_contain_text("甲单位")          # 100×20% + 90×50% + 80×10% + 10/10×20 = 93
    await expect(ranked.nth(1)).to_contain_text("93.00")
    state = await api.admin("GET", f"/api/admin/meetings/{m['id']}/composite")
    assert [r["field"] for r in state["result"]] == [90, 103, 90]


async def test_organizer_maps_two_meetings_and_sees_the_70_30_final(browser, api, site):  # noqa: F811
    ups = [{"name": "张三", "org": "第一党支部"}, {"name": "李四", "org": "第二党支部"}]
    up = await api.create_meeting(title="上述评议会", preset="shanghaimiao-2022", secretaries=ups)
    down = await api.create_meeting(title="下评评议会", preset="shanghaimiao-2022", direction="下评",
                                    secretaries=[{"name": "王书记", "org": "镇党委"}, {"name": "张三（兼）", "org": "第一党支部"}])
    for m, scores in ((up, (10, 8)), (down, (10, 8))):
        await api.open(m["id"])
        token = await api.join(m)
        for k, score in enumerate(scores, 1):
            await api.cast(m["id"], token, f"s{k}", score)
        await api.close(m["id"])
    page = await console(browser, site, "/admin", "上述、下评合成（004）")
    await page.locator("#up").select_option(up["id"])
    await page.locator("#down").select_option(down["id"])
    await page.get_by_role("button", name="载入").click()
    await expect(page.locator("#people tr")).to_have_count(4)                      # names differ: no suggestion
    await page.locator("select[data-up=s1]").select_option("s2")
    await page.get_by_role("button", name="保存并计算").click()
    await expect(page.locator("#people tr")).to_have_count(3)
    await expect(page.locator("#people tr").first).to_contain_text("上述70%、下评30%加权平均分 9.40")
    await expect(page.locator("#people")).to_contain_text("仅有下评评议结果")
