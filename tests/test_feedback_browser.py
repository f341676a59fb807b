"""The 发件箱's 反馈本人 panel in headless Chromium: a 点评 saved without sending is there again after a reload, a
sent one says that editing does not resend, and console mode's answer links to feedback sheets that print one A4
page per secretary."""
import re

from playwright.async_api import expect

from .browser import CONSOLE
from .helpers import ADMIN_TOKEN, Api
from .outbox_support import assessed_meeting, bind_all


async def test_dianping_survives_a_reload_and_console_mode_prints_a_sheet_per_secretary(
        browser, site, aiohttp_client, aredis, shots):
    """After 反馈本人 every 点评 box was blank on reload, and console mode said 请打印交本人 with
    nothing convenient to print."""
    api = Api(await aiohttp_client(site))
    m = await assessed_meeting(api, {"s1": [9, 9], "s2": [8, 7]}, {"s1": [("调研不够深入", "")]})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang-0001"]})
    context = await browser.new_context(**CONSOLE)
    page = await context.new_page()
    base = str(site.make_url("")).rstrip("/")
    await page.goto(f"{base}/admin?token={ADMIN_TOKEN}")                    # logs in (the token leaves the URL)
    await page.goto(f"{base}/admin/outbox?meeting={m['id']}")
    await page.get_by_label("张三").fill("抓党建思路清晰，整改要见实效")
    await page.get_by_label("李四").fill("台账不规范")
    await page.get_by_role("button", name="保存点评").click()
    await expect(page.locator("#dianping-saved")).to_contain_text("点评已保存，未发送")
    await page.reload()
    await expect(page.get_by_label("张三")).to_have_value("抓党建思路清晰，整改要见实效")
    await expect(page.locator("#rows")).to_contain_text("暂无消息")              # saving sent nothing
    await shots(page, "1-saved-and-reloaded")

    await page.get_by_role("button", name="反馈本人").click()
    result = page.locator("#feedback-result")
    await expect(result).to_contain_text("已加入发送队列 1 条")
    await expect(result).to_contain_text("尚未绑定微信")
    await expect(page.locator("#dianping")).to_contain_text("已发送给本人。再修改只保存，不会重新发送。")
    await page.reload()
    await expect(page.get_by_label("李四")).to_have_value("台账不规范")
    await page.get_by_label("张三").fill("抓党建思路清晰，整改要见实效；加强学习")
    await page.get_by_role("button", name="保存点评").click()
    await expect(page.locator("#dianping")).to_contain_text("修改不会重新发送，本人收到的是：抓党建思路清晰，整改要见实效")
    await expect(page.locator("#dianping-saved")).to_contain_text("已发送的 1 人不会重新发送")
    await shots(page, "2-edited-after-sending")

    await page.get_by_role("button", name="反馈本人").click()
    async with context.expect_page() as opened:
        await result.get_by_role("link", name=re.compile("打印反馈单")).click()
    sheets = await opened.value
    await expect(sheets.locator("section.sheet")).to_have_count(1)            # 李四, the one not bound
    await expect(sheets.locator("section.sheet")).to_contain_text("台账不规范")
    await expect(sheets.locator("section.sheet svg")).to_have_count(1)
    await shots(sheets, "3-sheets")

    await sheets.goto(f"{base}/admin/meetings/{m['id']}/feedback/sheets")       # everyone fed back
    await expect(sheets.locator("section.sheet")).to_have_count(2)
    zhang = sheets.locator("section.sheet").first      # sent: the sheet shows what 张三 was told, as his page does
    await expect(zhang).to_contain_text("抓党建思路清晰，整改要见实效")
    await expect(zhang).not_to_contain_text("加强学习")
    await sheets.emulate_media(media="print")
    await shots(sheets, "4-print")
    pdf = await sheets.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 2, pages                                                    # one A4 page per secretary
