"""The console and the projector as a first-time organizer meets them, in real Chromium (1400×900
console, 1920×1080 projector): what they read and see must make sense without knowing the API."""
import asyncio
import re

import pytest
from playwright.async_api import expect

from .browser import CONSOLE, PROJECTOR
from .helpers import ADMIN_TOKEN, Api

pytestmark = pytest.mark.served

ENGLISH_WORD = re.compile(r"[A-Za-z_]{2,}")


async def console(browser, site, path: str, **context):
    page = await (await browser.new_context(**{**CONSOLE, **context})).new_page()
    await page.goto(str(site.make_url(f"{path}?token={ADMIN_TOKEN}")))
    return page


async def test_console_error_messages_have_no_english_field_names(browser, api, site, shots):
    """标记 "迟到" said "flag 须为…（null 为取消）", 调整等次 "优秀" said "grade 须为…": the organizer never sees
    the JSON, only the words on the buttons."""
    m = await api.create_meeting()
    await api.open(m["id"])
    page = await console(browser, site, f"/admin/meetings/{m['id']}")
    answers = iter(["迟到", "优秀", "经党委研究"])
    page.on("dialog", lambda d: asyncio.ensure_future(d.accept(next(answers))))
    message = page.locator("#message")

    await page.locator("[data-flag=s1]").click()
    await expect(message).to_have_text("标记只能是“重大失误”或“问责”（留空为取消标记）")
    assert not ENGLISH_WORD.search(await message.inner_text())
    await shots(page, "flag")

    await page.locator("[data-override=s1]").click()
    await expect(message).to_have_text("调整等次只能是 好、较好、一般 或 差（留空为恢复建议等次）")
    assert not ENGLISH_WORD.search(await message.inner_text())
    await shots(page, "override")


async def test_released_results_start_on_page_1_of_the_projector(browser, start_site, aiohttp_client, shots):
    """50 secretaries, the screen open during voting: two seconds after release it showed "第 2 / 3 页" (pages
    counted from the page's load). Results start on page 1, and again when other rows close and show."""
    site = await start_site(screen_page_seconds=3)
    api = Api(await aiohttp_client(site))
    secretaries = [{"name": f"书记{n:02d}", "org": f"第{n}党支部"} for n in range(1, 51)]
    m = await api.create_meeting(secretaries=secretaries, voter_groups=[])
    await api.open(m["id"])
    token = await api.join(m)
    await api.cast(m["id"], token, "s1", 9)
    screen = await (await browser.new_context(**PROJECTOR)).new_page()
    await screen.goto(m["screen_url"])
    for n in range(1, 26):
        await api.close(m["id"], f"s{n}")
    await expect(screen.locator("#pager")).to_have_text(re.compile(r"^第 2 / 2 页"), timeout=8000)   # the voting grid turned
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    pager = screen.locator("#pager")
    await expect(pager).to_have_text(re.compile(r"^第 1 / \d 页 · 自动翻页$"), timeout=2000)
    await expect(screen.locator("#results td:nth-child(2)").first).to_have_text("书记01")
    await shots(screen, "released")
    await expect(pager).to_have_text(re.compile(r"^第 2 / "), timeout=8000)   # turns by itself from there

    await api.close(m["id"])                                     # the other 25 close: their results show
    await expect(pager).to_have_text(re.compile(r"^第 1 / "), timeout=2000)
    await expect(screen.locator("#results td:nth-child(2)").first).to_have_text("书记01")
    await shots(screen, "all-closed")


async def test_rules_are_named_as_documents_and_only_meetings_with_a_composite_link_it(browser, api, site, shots):
    """The 评定规则 list and the meeting header showed code names (shanghaimiao-2022); every meeting linked the
    综合考评（003）, which for a 004 meeting opened a bare 409 page with no way back."""
    page = await console(browser, site, "/admin")
    options = page.locator("select[name=preset] option")
    texts = await options.all_inner_texts()
    assert "上海庙镇 2022 年度方案（004）" in texts and "湘西州直单位 2018 年度方案（003）" in texts
    assert not any(re.search(r"[a-z]+-\d{4}", t) for t in texts), texts
    await expect(page.locator("select[name=preset]")).to_have_value("shanghaimiao-2022")   # the API's code

    m004 = await api.create_meeting(title="镇党委述职评议", preset="shanghaimiao-2022")
    m003 = await api.create_meeting(title="州直单位述职评议", preset="xiangxi-2018")
    await page.goto(str(site.make_url(f"/admin/meetings/{m004['id']}")))
    await expect(page.locator("main > p.muted").nth(1)).to_contain_text("规则：上海庙镇 2022 年度方案（004）")
    await expect(page.locator("nav.pages")).to_contain_text("提醒")
    await expect(page.get_by_role("link", name="综合考评（003）")).to_have_count(0)
    await shots(page, "meeting-004")

    response = await page.goto(str(site.make_url(f"/admin/meetings/{m004['id']}/composite")))   # an old link
    assert response.status == 409
    await expect(page.locator("h1")).to_have_text("综合考评 · 镇党委述职评议")
    await expect(page.get_by_role("alert")).to_have_text(
        "本会议的评定规则是「上海庙镇 2022 年度方案（004）」，没有综合考评。综合考评按 003 进行："
        "请用「湘西州直单位 2018 年度方案（003）」规则创建述职测评会议。")
    await shots(page, "composite-refused")
    await page.get_by_role("link", name="返回会议").last.click()
    await expect(page.locator("h1")).to_have_text("镇党委述职评议")

    await page.goto(str(site.make_url(f"/admin/meetings/{m003['id']}")))
    await page.get_by_role("link", name="综合考评（003）").click()
    await expect(page.locator("h1")).to_have_text("综合考评 · 州直单位述职评议")

    await page.goto(str(site.make_url("/admin/assessment/combine")))        # 70/30: only 004 meetings combine
    await expect(page.locator("#up option")).to_have_text(["请选择", "镇党委述职评议"])
    await expect(page.locator("#which")).to_contain_text("上海庙镇 2022 年度方案（004）")
    await shots(page, "combine")


LINES = """el => { const r = document.createRange(); r.selectNodeContents(el);
  return new Set([...r.getClientRects()].filter(b => b.width > 0).map(b => Math.round(b.top))).size; }"""


async def test_results_table_keeps_names_and_headers_on_one_line(browser, api, site, shots):
    """At 1400 px 3-character names broke as 王建/国 and headers as 序/号, 票/数, 最终等/次."""
    secretaries = [{"name": name, "org": "上海庙镇第一村党支部（含原第二村党支部联合党支部）", "method": "现场述职"}
                   for name in ("王建国", "欧阳明珠", "李强")]
    m = await api.create_meeting(secretaries=secretaries, voter_groups=[])
    await api.open(m["id"])
    await api.cast(m["id"], await api.join(m), "s1", 5)
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/flag", json={"secretary": "s1", "flag": "问责"})
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/override", json={
        "secretary": "s2", "grade": "较好", "reason": "经镇党委研究，结合日常考核和实地调研情况，调整为较好"})
    for width in (1280, 1400):
        page = await console(browser, site, f"/admin/meetings/{m['id']}", viewport={"width": width, "height": 900})
        await expect(page.locator("#rows tr")).to_have_count(3)
        await shots(page, f"{width}")
        for cell in await page.locator("thead th").all() + await page.locator("#rows td:nth-child(2)").all():
            assert await cell.evaluate(LINES) == 1, (width, await cell.inner_text())
        assert await page.evaluate("document.documentElement.scrollWidth") <= width    # and no sideways scrolling


async def test_import_check_shows_normalized_names_and_warns_of_suspicious_ones(browser, site, shots):
    page = await console(browser, site, "/admin")
    sheet = "姓名,党组织名称\n王建国,第一党支部\nＬＩ　Ｍｉｎｇ,第二党支部\n王建国,第三党支部\n１２３,第四党支部\n"
    await page.locator("input[name=title]").fill("导入检查")
    await page.locator("input[name=secretaries]").set_input_files(files=[{
        "name": "书记.csv", "mimeType": "text/csv", "buffer": sheet.encode()}])
    await page.get_by_role("button", name="检查名单").click()
    warnings = page.locator("#preview-warnings")
    await expect(warnings).to_contain_text("第 2、4 行姓名相同：王建国（第一党支部、第三党支部），请核对是否为同一人")
    await expect(warnings).to_contain_text("第 5 行姓名「123」没有汉字或字母，请核对")
    await expect(page.locator("#preview-rows tr").nth(1)).to_contain_text("LI Ming")
    await shots(page, "preview")
