"""The organizer's console pages for messages, in headless Chromium: a reminder set from a document's preset
reaches the bound secretaries (console mode: shown in the outbox); 反馈本人 from the meeting's page."""
import re

import pytest
from playwright.async_api import expect

from bot.appkeys import OUTBOX

from .helpers import ADMIN_TOKEN, Api, free_port
from .outbox_support import assessed_meeting, bind_all, eventually, make_app


@pytest.fixture
async def site(aiohttp_server, settings):
    port = free_port()
    return await aiohttp_server(make_app(settings.with_(public_url=f"http://127.0.0.1:{port}", port=port)),
                                port=port)


async def test_a_reminder_from_a_preset_reaches_the_outbox_page(browser, site, aiohttp_client, aredis):
    api = Api(await aiohttp_client(site))
    m = await api.create_meeting()
    await bind_all(aredis, m["id"], {"s1": ["o-zhang-0001"], "s3": ["o-wang-0003"]})
    page = await (await browser.new_context(locale="zh-CN")).new_page()
    base = str(site.make_url("")).rstrip("/")
    await page.goto(f"{base}/admin/reminders?meeting={m['id']}&token={ADMIN_TOKEN}")
    await expect(page.locator("#preset option")).to_have_count(4)
    await page.select_option("#preset", label="述职报告：12月20日下班前报送组织部（000 §四）")
    await expect(page.locator("#text")).to_have_value("请于12月20日下班前将述职报告纸质版（加盖公章，经主管领导审阅签字）"
                                                      "报送组织部，电子版发送至组织部邮箱。")
    assert await page.locator("#audience").input_value() == "no_report"
    await expect(page.locator("#hint")).to_contain_text("000 §四")
    await page.fill("#at", "")                                  # now, instead of the suggested morning
    await page.uncheck("#repeat")
    await page.check("#urgent")
    await page.get_by_role("button", name="设置提醒").click()
    await expect(page.locator("#done")).to_contain_text("3 人")
    await expect(page.locator("#done")).to_contain_text("李四")              # not bound: named
    await eventually(lambda: _sent(site.app, 2))
    await page.get_by_role("button", name="发送情况").first.click()
    await expect(page.locator(".deliveries")).to_contain_text("已发送")
    await expect(page.locator(".deliveries")).to_contain_text("尚未绑定微信")

    await page.goto(f"{base}/admin/outbox?meeting={m['id']}")
    await expect(page.locator("#rows tr")).to_have_count(2)
    await expect(page.locator("#rows")).to_contain_text("已发送")
    await expect(page.locator("#rows")).to_contain_text("控制台")
    await expect(page.locator("#counts")).to_contain_text("已发送：2")


async def _sent(app, n):
    messages = await app[OUTBOX].listing()
    return len(messages) == n and all(x["status"] == "sent" for x in messages)


async def test_a_bad_reminder_is_explained_on_the_page(browser, site, aiohttp_client):
    api = Api(await aiohttp_client(site))
    m = await api.create_meeting()
    page = await (await browser.new_context(locale="zh-CN")).new_page()
    base = str(site.make_url("")).rstrip("/")
    await page.goto(f"{base}/admin/reminders?meeting={m['id']}&token={ADMIN_TOKEN}")
    await page.fill("#text", "请提交")
    await page.fill("#at", "2020-01-01T09:00")
    await page.get_by_role("button", name="设置提醒").click()
    await expect(page.locator("#message")).to_contain_text("提醒时间已过（2020-01-01 09:00，北京时间）")
    assert (await api.admin("GET", "/api/admin/reminders"))["reminders"] == []


async def test_feedback_from_the_meeting_page_with_the_chairs_comment(browser, site, aiohttp_client, aredis):
    api = Api(await aiohttp_client(site))
    m = await assessed_meeting(api, {"s1": [9, 9], "s2": [8, 7]}, {"s1": [("调研不够", "")]})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang-0001"]})
    page = await (await browser.new_context(locale="zh-CN")).new_page()
    base = str(site.make_url("")).rstrip("/")
    await page.goto(f"{base}/admin/meetings/{m['id']}?token={ADMIN_TOKEN}")
    await expect(page.get_by_role("link", name="提醒")).to_have_attribute("href", f"/admin/reminders?meeting={m['id']}")
    await page.get_by_role("link", name="反馈本人 · 发件箱").click()
    await page.get_by_label("张三").fill("抓党建思路清晰，整改要见实效")
    await page.get_by_role("button", name="反馈本人").click()
    result = page.locator("#feedback-result")
    await expect(result).to_contain_text("已加入发送队列 1 条")
    await expect(result.get_by_role("link", name="李四")).to_have_attribute("href", re.compile(r"/feedback/.+/s2\?t="))
    await expect(result).to_contain_text("没有评议结果、未反馈：王五")
    await expect(page.locator("#rows")).to_contain_text("领导点评：抓党建思路清晰，整改要见实效")
    await expect(page.locator("#rows")).to_contain_text("已发送")
    await page.get_by_role("button", name="反馈本人").click()
    await expect(result).to_contain_text("此前已反馈 1 条，不再重复")
