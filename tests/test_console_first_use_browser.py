"""Findings of a first-time organizer's review of the console and the projector, in real Chromium (1400×900
console, 1920×1080 projector): what they read and see must make sense without knowing the API."""
import asyncio
import re

from playwright.async_api import expect

from .browser import CONSOLE, PROJECTOR, api, browser, shots, site, start_site  # noqa: F401  (fixtures)
from .helpers import ADMIN_TOKEN, Api

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
