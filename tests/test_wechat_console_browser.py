"""The organizer's WeChat pages in a real Chromium: the meeting's binding state with the confirmation of a
second account, the printable binding QR sheet, and the account page (template message, organizers)."""
import itertools
import time

from playwright.async_api import expect

from .browser import CONSOLE
from .helpers import ADMIN_TOKEN, Api

_clock = itertools.count(int(time.time()) - 50)


async def scan(client, push, openid, scene):
    await push.post(client, push.scan(openid, scene, create_time=next(_clock)), safe=True)


async def test_organizer_sees_bindings_and_confirms_a_second_account(browser, start_site, aiohttp_client,
                                                                     wechat_settings, push, shots):
    site = await start_site(wechat=wechat_settings.wechat)
    api = Api(await aiohttp_client(site))
    m = await api.create_meeting()
    page = await (await browser.new_context(**CONSOLE)).new_page()
    await page.goto(str(site.make_url(f"/admin/meetings/{m['id']}?token={ADMIN_TOKEN}")))
    await page.get_by_role("link", name="微信绑定").click()
    await expect(page.locator("#rows tr")).to_have_count(3)
    await expect(page.locator("#rows")).not_to_contain_text("已绑定")

    scene = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s1/bind"))["scene"]
    await scan(api.client, push, "oZhangSanPhone0000001", scene)
    await scan(api.client, push, "oZhangSanNewPhone0002", scene)
    await page.reload()
    await expect(page.locator("#rows tr").first).to_contain_text("已绑定")
    await expect(page.locator("#pending")).to_contain_text("该书记已绑定另一个微信")
    await shots(page, "pending")
    await page.get_by_role("button", name="确认绑定").click()
    await expect(page.locator("#pending")).to_contain_text("没有待确认的绑定")
    assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}/bindings"))["secretaries"][0]["bound"] == 2

    sheet = await (await browser.new_context(**CONSOLE)).new_page()
    await sheet.goto(str(site.make_url(f"/admin/meetings/{m['id']}/bind-sheet?token={ADMIN_TOKEN}")))
    await expect(sheet.locator(".card svg")).to_have_count(3)
    await expect(sheet.locator(".card").first).to_contain_text("已绑定")
    await shots(sheet, "sheet")


async def test_organizer_sets_the_template_and_invites_an_organizer(browser, start_site, aiohttp_client,
                                                                    wechat_settings, push, shots):
    site = await start_site(wechat=wechat_settings.wechat)
    api = Api(await aiohttp_client(site))
    page = await (await browser.new_context(**CONSOLE)).new_page()
    await page.goto(str(site.make_url(f"/admin?token={ADMIN_TOKEN}")))
    await page.get_by_role("link", name="微信公众号").click()
    await expect(page.locator("#mode")).to_have_text("已接入公众号")
    await page.locator("input[name=template_id]").fill("TM00001-abc_DEF")
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#template-saved")).to_have_text("已保存")
    assert (await api.admin("GET", "/api/admin/wechat"))["template_id"] == "TM00001-abc_DEF"
    await page.get_by_role("button", name="生成组织者绑定二维码（10 分钟内有效，扫一次）").click()
    await expect(page.locator("#invite-qr svg")).to_have_count(1)
    await shots(page, "invite")


async def test_a_refused_ip_is_shown_on_the_account_page_and_the_meeting_page(browser, start_site, aiohttp_client,
                                                                              wechat_settings, wechat_standin, shots):
    """With 40164 the console said 已接入公众号 and the QR quietly became a link."""
    wechat_standin.fail_always("token", 40164)
    site = await start_site(wechat=wechat_settings.wechat)
    api = Api(await aiohttp_client(site))
    m = await api.create_meeting()
    await api.open(m["id"])
    page = await (await browser.new_context(**CONSOLE)).new_page()
    await page.goto(str(site.make_url(f"/admin/wechat?token={ADMIN_TOKEN}")))
    await expect(page.locator("#mode")).to_have_text("已配置公众号，但微信拒绝了本服务")
    await expect(page.locator("#credentials")).to_contain_text("IP白名单")
    await expect(page.locator("#credentials")).to_contain_text("127.0.0.1")
    await shots(page, "account")
    await page.goto(str(site.make_url(f"/admin/meetings/{m['id']}")))
    await expect(page.locator("#qr-reason")).to_contain_text("大屏二维码暂为网页链接")
    await expect(page.locator("#qr-reason")).to_contain_text("IP白名单")
    await shots(page, "meeting")


async def test_organizer_maps_the_template_fields_of_a_category_template(browser, start_site, aiohttp_client,
                                                                        wechat_settings):
    site = await start_site(wechat=wechat_settings.wechat)
    api = Api(await aiohttp_client(site))
    page = await (await browser.new_context(**CONSOLE)).new_page()
    await page.goto(str(site.make_url(f"/admin/wechat?token={ADMIN_TOKEN}")))
    await expect(page.locator("#credentials")).to_have_count(0)
    await page.locator("input[name=template_id]").fill("TPL-category")
    await page.get_by_label("“事项”的字段名").fill("thing1")
    await page.get_by_label("“会议”的字段名").fill("thing2")
    await page.get_by_label("“内容”的字段名").fill("thing1")
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#message")).to_contain_text("三个不同的字段名")
    await page.get_by_label("“内容”的字段名").fill("thing3")
    await page.get_by_role("button", name="保存").click()
    await expect(page.locator("#template-saved")).to_have_text("已保存")
    state = await api.admin("GET", "/api/admin/wechat")
    assert state["template_fields"] == {"topic": "thing1", "meeting": "thing2", "summary": "thing3"}
