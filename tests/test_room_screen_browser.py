"""The projector (1920×1080) and the organizer's console in real Chromium: results that fit and page, controls
and screens that follow the meeting's state, the countdown, and the import preview."""
import asyncio
import io
import time

import openpyxl
import pytest
from playwright.async_api import expect

from voting.console.demo import demo_spec

from .browser import CONSOLE, PROJECTOR
from .helpers import ADMIN_TOKEN, Api

pytestmark = pytest.mark.served

READABLE_PX = 26          # table text on a 1080p projector, readable from the back of the room


async def console(browser, site, mid: str):
    page = await (await browser.new_context(**CONSOLE)).new_page()
    await page.goto(str(site.make_url(f"/admin/meetings/{mid}?token={ADMIN_TOKEN}")))
    return page


async def fits(screen, rows) -> None:
    """Every row of the results table is on the 1080 px screen, in letters readable from the back."""
    assert await screen.evaluate("document.documentElement.scrollHeight") <= 1080
    for i in range(await rows.count()):
        box = await rows.nth(i).bounding_box()
        assert box["y"] + box["height"] <= 1080, (i, box)
    size = await rows.last.locator("td").nth(1).evaluate("td => parseFloat(getComputedStyle(td).fontSize)")
    assert size >= READABLE_PX


async def test_results_of_the_demo_fit_one_1080p_screen(browser, api, shots):
    """The demo's 18 secretaries: released results cut off at row 16 before; all 18 are on one screen now, and
    the mean reads as scoring's one formatter writes it (26/3 is 8.67, never a page's own rounding)."""
    m = await api.create_meeting(**{**demo_spec(), "voter_groups": []})
    await api.open(m["id"])
    for score in (10, 10, 6):
        token = await api.join(m)
        for s in m["secretaries"]:
            await api.cast(m["id"], token, s["id"], score if s["id"] == "s1" else 9)
    await api.close(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    screen = await (await browser.new_context(**PROJECTOR)).new_page()
    await screen.goto(m["screen_url"])
    rows = screen.locator("#results tr")
    await expect(rows).to_have_count(19)
    await expect(rows.nth(1)).to_contain_text("8.67")
    await expect(rows.last).to_contain_text("黄丽娟")
    await shots(screen, "released")
    await fits(screen, rows)
    await expect(screen.locator("#side")).to_be_hidden()                  # no join QR once results are out
    await expect(screen.locator("#pager")).to_have_text("")


async def test_results_of_60_secretaries_page_by_themselves_and_from_the_console(browser, start_site,
                                                                                 aiohttp_client, shots):
    site = await start_site(screen_page_seconds=1.5)
    api = Api(await aiohttp_client(site))
    secretaries = [{"name": f"书记{n:02d}", "org": f"第{n}党支部", "method": "现场述职"} for n in range(1, 61)]
    m = await api.create_meeting(secretaries=secretaries, voter_groups=[])
    await api.open(m["id"])
    token = await api.join(m)
    await api.cast(m["id"], token, "s60", 9)
    await api.close(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    screen = await (await browser.new_context(**PROJECTOR)).new_page()
    await screen.goto(m["screen_url"])
    rows = screen.locator("#results tr")
    seen, started = set(), time.monotonic()
    while len(seen) < 60:                                   # 4 pages of 15, every row within one round
        assert time.monotonic() - started < 10, f"only {len(seen)} of 60 rows shown"
        names = await screen.locator("#results td:nth-child(2)").all_inner_texts()
        if names and not set(names) <= seen:
            assert len(names) == 15
            await fits(screen, rows)
            await shots(screen, f"page-{len(seen) // 15 + 1}")
        seen |= set(names)
        await asyncio.sleep(0.2)
    await expect(screen.locator("#pager")).to_contain_text("/ 4 页 · 自动翻页")

    page = await console(browser, site, m["id"])
    await expect(page.locator("#pager-text")).to_have_text("共 4 页，自动翻页")
    for _ in range(3):
        await page.get_by_role("button", name="下一页").click()
    await expect(page.locator("#pager-text")).to_have_text("第 4 / 4 页（已固定）")
    await expect(screen.locator("#pager")).to_have_text("第 4 / 4 页")
    await asyncio.sleep(2)                                                  # held: no longer turning
    await expect(screen.locator("#results tr").last).to_contain_text("书记60")
    await expect(screen.locator("#results tr").last).to_contain_text("9.00")
    await shots(screen, "held-by-the-organizer")
    await page.get_by_role("button", name="自动翻页").click()
    await expect(screen.locator("#pager")).to_contain_text("自动翻页")


async def test_controls_and_screen_follow_the_meeting_state(browser, api, site, shots):
    m = await api.create_meeting(mode="batch", voter_groups=[])
    page = await console(browser, site, m["id"])
    screen = await (await browser.new_context(**PROJECTOR)).new_page()
    await screen.goto(m["screen_url"])
    await expect(screen.locator("#code")).to_have_text(m["join_code"])
    await expect(screen.locator("#side")).to_contain_text("微信扫码参加评议")
    open_all = page.get_by_role("button", name="全部开启")
    await expect(open_all).to_be_visible()
    assert await open_all.get_attribute("class") == ""                   # the main action while nothing is open
    await expect(page.get_by_role("button", name="全部结束")).to_be_hidden()
    await expect(page.get_by_role("button", name="删除会议")).to_be_visible()

    await open_all.click()
    await expect(page.get_by_role("button", name="全部结束")).to_be_visible()
    await expect(open_all).to_be_hidden()                                # nothing is left to open
    await expect(page.get_by_role("button", name="删除会议")).to_be_hidden()
    await expect(page.get_by_role("button", name="归档会议")).to_be_hidden()
    await api.cast(m["id"], await api.join(m), "s1", 9)
    page.on("dialog", lambda d: d.accept())
    await page.get_by_role("button", name="全部结束").click()

    await expect(screen.locator("#current")).to_have_text("本次评议已全部结束")
    await expect(screen.locator("#side")).to_be_hidden()
    await expect(screen.get_by_text("微信扫码参加评议")).to_be_hidden()
    await expect(screen.locator("#code")).to_be_hidden()
    await expect(page.locator("#join-line")).to_be_hidden()              # 当前加入码
    await expect(page.locator("#join-over")).to_be_visible()
    await expect(open_all).to_be_hidden()
    await expect(page.get_by_role("button", name="删除会议")).to_be_hidden()   # ballots exist: archive instead
    await shots(screen, "all-closed")
    await page.get_by_role("button", name="在大屏公布结果").click()
    await expect(screen.locator("#results")).to_contain_text("张三")
    await expect(screen.locator("#side")).to_be_hidden()
    await page.get_by_role("button", name="归档会议").click()
    await expect(page.locator("#finalize")).to_have_text("已归档")
    await expect(page.locator("#join-line")).to_be_hidden()
    await expect(page.locator("#windows button:visible")).to_have_count(0)
    await shots(page, "archived")
    await page.reload()
    await expect(page.locator("#join-line")).to_be_hidden()


async def test_countdown_on_screen_and_console_warns_then_closes(browser, api, site, shots):
    m = await api.create_meeting(mode="sequential", expected=30, voter_groups=["党员代表", "群众代表"])
    await api.open(m["id"], "s1")
    for group in ["党员代表"] * 6 + ["群众代表"] * 2:
        await api.cast(m["id"], await api.join(m, group=group), "s1", 8)
    screen = await (await browser.new_context(**PROJECTOR)).new_page()
    await screen.goto(m["screen_url"])
    page = await console(browser, site, m["id"])
    await expect(screen.locator("#turnout")).to_have_text("已投 8 / 30")
    await expect(screen.locator("#groups")).to_have_text("各类别参与人数少于 5 人时合并显示")   # 2 群众代表

    page.on("dialog", lambda d: d.accept())
    await page.locator("#minutes").fill("5")
    await page.get_by_role("button", name="自动结束", exact=True).click()
    await expect(page.locator("#deadline-text")).to_contain_text("还剩 4:5")
    await expect(screen.locator("#clock")).to_contain_text("距自动结束 4:5")
    await expect(screen.locator("#warning")).to_be_hidden()
    await shots(screen, "countdown")

    await page.get_by_role("button", name="取消自动结束").click()
    await expect(screen.locator("#clock")).to_be_hidden()
    await page.locator("#minutes").fill("1")                        # the last minute: warned everywhere
    await page.get_by_role("button", name="自动结束", exact=True).click()
    await expect(page.locator("#deadline")).to_have_class("panel warn")
    await expect(page.locator("#deadline-text")).to_contain_text("不到 1 分钟后自动结束")
    await expect(screen.locator("#warning")).to_have_text("不到 1 分钟后自动结束测评，结束后不能再投票或修改")
    await expect(screen.locator("#clock")).to_have_class("clock warn")
    await shots(screen, "last-minute")
    await shots(page, "last-minute-console")

    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 1})
    await expect(screen.locator("#current")).to_have_text("本轮测评已结束，请等待下一位", timeout=5000)
    await expect(screen.locator("#clock")).to_be_hidden()
    await expect(page.locator("#rows tr").first).to_contain_text("已结束", timeout=5000)
    await expect(page.locator("#deadline")).to_be_hidden()


async def test_screen_shows_turnout_per_secretary_and_per_group(browser, api, shots):
    m = await api.create_meeting(mode="batch", voter_groups=["党员代表", "群众代表", "班子成员"], expected=20)
    await api.open(m["id"])
    for group, n in (("党员代表", 7), ("群众代表", 5), ("班子成员", 2)):
        for _ in range(n):
            await api.cast(m["id"], await api.join(m, group=group), "s1", 9)
    await api.cast(m["id"], await api.join(m, group="党员代表"), "s2", 9)
    screen = await (await browser.new_context(**PROJECTOR)).new_page()
    await screen.goto(m["screen_url"])
    await expect(screen.locator("#turnout")).to_have_text("已参与 15 / 20")
    # 班子成员 (2) alone is below 5, and so is 群众代表 + 班子成员 minus nothing: pooled with the smallest group
    await expect(screen.locator("#groups span")).to_have_text(["党员代表 8", "其他（群众代表、班子成员） 7"])
    await expect(screen.locator("#grid div")).to_have_text(["张三14 票", "李四1 票", "王五0 票"])
    await shots(screen, "turnout")


async def test_import_preview_warns_and_the_test_meeting_can_be_deleted(browser, site, shots):
    page = await (await browser.new_context(**CONSOLE)).new_page()
    await page.goto(str(site.make_url(f"/admin?token={ADMIN_TOKEN}")))
    workbook = openpyxl.Workbook()
    for row in (["序号", "书记姓名", "述职形式"], [1, "张三", "视频"], [2, "李四", "现场"]):
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    await page.locator("input[name=title]").fill("测试导入")
    await page.locator("input[name=secretaries]").set_input_files(files=[{
        "name": "书记.xlsx", "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "buffer": data.getvalue()}])
    await page.get_by_role("button", name="检查名单").click()
    warnings = page.locator("#preview-warnings")
    await expect(warnings).to_contain_text("没有「党组织名称」列")
    await expect(warnings).to_contain_text("述职方式「视频」按「线上述职」记录")
    await expect(page.locator("#preview-rows tr")).to_have_count(2)
    await shots(page, "preview")
    assert "测试导入" not in await page.locator("table").last.inner_text()   # nothing created yet
    await page.get_by_role("button", name="仍然创建会议").click()
    await expect(page.locator("h1")).to_have_text("测试导入")
    page.on("dialog", lambda d: d.accept())
    await page.get_by_role("button", name="删除会议").click()
    await expect(page.locator("h1")).to_have_text("述职评议 · 管理后台")
    await expect(page.locator("table").last).to_contain_text("还没有会议")


async def test_the_organizer_can_release_scores_without_the_grades(browser, api, site, shots):
    """After a 问责 flag the room read "陈静 8.90 差" on the projector, though the 等次 is the
    党委's to decide and make known (000 §三.4, 004 §五(五)). Unticking 大屏显示等次 releases the scores only;
    ticking it again shows the 等次, and the choice holds when results are hidden and shown again."""
    m = await api.create_meeting(mode="batch", voter_groups=[])
    await api.open(m["id"])
    token = await api.join(m)
    for s in m["secretaries"]:
        await api.cast(m["id"], token, s["id"], 9)
    await api.close(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/flag", json={"secretary": "s1", "flag": "问责"})
    page = await console(browser, site, m["id"])
    screen = await (await browser.new_context(**PROJECTOR)).new_page()
    await screen.goto(m["screen_url"])
    await page.locator("#release-grades").uncheck()
    await page.get_by_role("button", name="在大屏公布结果").click()
    await expect(screen.locator("#results tr").nth(1)).to_contain_text("9.00")
    assert "等次" not in await screen.locator("#results").inner_text()
    assert "差" not in await screen.locator("#results").inner_text()
    await shots(screen, "scores-only")
    await expect(page.locator("#release-grades")).not_to_be_checked()     # the console shows what the room sees
    await page.locator("#release-grades").check()                 # released: applies at once
    await expect(screen.locator("#results th").last).to_have_text("等次")
    await expect(screen.locator("#results tr").nth(1)).to_contain_text("差")
    await shots(screen, "with-grades")
    await page.get_by_role("button", name="在大屏隐藏结果").click()
    await expect(page.get_by_role("button", name="在大屏公布结果")).to_be_visible()     # hidden: the box only chooses
    await page.locator("#release-grades").uncheck()
    await page.get_by_role("button", name="在大屏公布结果").click()
    await expect(screen.locator("#results tr").nth(1)).to_contain_text("9.00")
    assert "等次" not in await screen.locator("#results").inner_text()
    answer = await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    assert answer == {"released": True, "grades": False}                      # omitted: the choice holds
    assert "是否在大屏显示等次" in (await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", 400,
                                                 json={"released": True, "grades": "no"}))["error"]
