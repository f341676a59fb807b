"""The pages in a real headless Chromium (Debian's), on a phone-sized touch screen with WeChat's user agent."""
import re
from urllib.parse import quote

import pytest
from playwright.async_api import expect

from .browser import PHONE
from .helpers import ADMIN_TOKEN

pytestmark = pytest.mark.served


async def test_attendee_scans_joins_scores_and_sees_a_confirmation(browser, api):
    m = await api.create_meeting(mode="batch")
    await api.open(m["id"])
    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(m["join_url"])                                   # what the QR on the screen holds
    await phone.get_by_role("button", name="党员代表").tap()
    await expect(phone.locator("#sec-s1 legend")).to_contain_text("张三")
    await phone.locator("#sec-s1").get_by_label("9 分（较好）").tap()
    await phone.locator("#sec-s2").get_by_label("3 分（差）").tap()
    await phone.locator("textarea[name=problems_s2]").fill("党建和业务融合不够")
    await phone.get_by_role("button", name="提交评议").tap()
    confirmation = phone.locator("#confirmation")
    await expect(confirmation).to_contain_text("张三：9 分（较好）")
    await expect(confirmation).to_contain_text("李四：3 分（差）")
    results = await api.results(m["id"])
    assert (results["s1"]["votes"], results["s1"]["mean"], results["s2"]["cha"], results["s3"]["votes"]) == (1, 9, 1, 0)

    await phone.locator("#sec-s1").get_by_label("10 分（好）").tap()     # correct a score before close
    await phone.get_by_role("button", name="提交评议").tap()
    await expect(confirmation).to_contain_text("张三：10 分（好）")
    assert (await api.results(m["id"]))["s1"]["votes"] == 1
    await expect(phone.locator("textarea[name=problems_s2]")).to_have_value("党建和业务融合不够")

    await api.close(m["id"], "s1")                                       # the page follows by itself
    await expect(phone.locator("#sec-s1")).to_have_count(0, timeout=5000)
    await expect(phone.locator(".status li").first).to_contain_text("已结束")


async def test_ballot_works_without_javascript(browser, api):
    """Old in-app browsers: plain forms, no script needed to join and vote."""
    m = await api.create_meeting(mode="batch", voter_groups=[])
    await api.open(m["id"])
    page = await (await browser.new_context(**PHONE, java_script_enabled=False)).new_page()
    await page.goto(m["join_url"])
    await page.locator("#sec-s3").get_by_label("6 分（一般）").check()
    await page.get_by_role("button", name="提交评议").click()
    await expect(page.locator("#confirmation")).to_contain_text("王五：6 分（一般）")
    assert (await api.results(m["id"]))["s3"]["yiban"] == 1


async def test_comment_without_score_and_expired_code_get_clear_messages(browser, api):
    m = await api.create_meeting(mode="batch")
    await api.open(m["id"])
    page = await (await browser.new_context(**PHONE)).new_page()
    wrong = f"{(int(m['join_code']) + 1) % 1_000_000:06d}"
    await page.goto(f"{m['ballot_url']}?code={wrong}")
    await page.get_by_role("button", name="群众代表").tap()
    await expect(page.locator(".err")).to_contain_text("加入码错误或已过期")
    await page.locator("#code").fill(m["join_code"])
    await page.get_by_role("button", name="群众代表").tap()
    await page.locator("textarea[name=suggestions_s1]").fill("多听群众意见")
    await page.get_by_role("button", name="提交评议").tap()
    await expect(page.locator("#sec-s1 .err")).to_have_text("请先选择分数，再提交意见")
    assert (await api.results(m["id"]))["s1"]["votes"] == 0


async def test_sequential_ballot_follows_the_organizer(browser, api):
    m = await api.create_meeting(mode="sequential", voter_groups=[])
    page = await (await browser.new_context(**PHONE)).new_page()
    await page.goto(m["join_url"])
    await expect(page.locator("#waiting")).to_be_visible()
    await api.open(m["id"], "s1")
    await expect(page.locator("#sec-s1 legend")).to_contain_text("张三", timeout=5000)   # no reload by hand
    await expect(page.locator("#sec-s2")).to_have_count(0)


async def test_projector_shows_join_qr_code_and_live_turnout(browser, api, site):
    m = await api.create_meeting(mode="sequential", expected=40)
    screen = await (await browser.new_context(viewport={"width": 1920, "height": 1080})).new_page()
    await screen.goto(m["screen_url"])
    await expect(screen.locator("#code")).to_have_text(m["join_code"])
    assert await screen.locator("#qr").evaluate("img => img.complete && img.naturalWidth > 0")
    await expect(screen.locator("#current")).to_have_text("等待开始")
    await api.open(m["id"], "s2")
    await expect(screen.locator("#current")).to_have_text("正在测评：李四")
    token = await api.join(m)
    await api.cast(m["id"], token, "s2", 7)
    await expect(screen.locator("#turnout")).to_have_text("已投 1 / 40")
    await api.close(m["id"], "s2")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    await expect(screen.locator("#detail table")).to_contain_text("较好")


async def test_organizer_console_opens_closes_and_shows_results(browser, api, site):
    m = await api.create_meeting(mode="sequential")
    page = await (await browser.new_context(viewport={"width": 1400, "height": 900})).new_page()
    await page.goto(str(site.make_url(f"/admin/meetings/{m['id']}?token={ADMIN_TOKEN}")))
    assert "token" not in page.url                                     # the token does not stay in the address bar
    row = page.locator("#rows tr").first
    await row.get_by_role("button", name="开启").click()
    await expect(row).to_contain_text("进行中")
    await page.locator("#rows tr").nth(1).get_by_role("button", name="开启").click()
    await expect(page.locator("#message")).to_contain_text("请先结束「张三」的测评")
    for score in (10, 10, 6):
        await api.cast(m["id"], await api.join(m), "s1", score)
    await expect(row).to_contain_text("8.67", timeout=6000)            # 26 / 3 through scoring's one formatter
    await expect(row).to_contain_text("差")                            # 1 of 3 ballots 一般: 33 % > 10 %
    page.once("dialog", lambda d: d.accept())
    await row.get_by_role("button", name="结束").click()
    await expect(row).to_contain_text("已结束")
    answers = iter(["较好", "经镇党委研究，该同志受表彰"])             # the committee overrides, with a reason
    page.on("dialog", lambda d: d.accept(next(answers)) if d.type == "prompt" else d.accept())
    await row.get_by_role("button", name="调整等次").click()
    await expect(row).to_contain_text("经镇党委研究，该同志受表彰")
    assert (await api.results(m["id"]))["s1"]["final_grade"] == "较好"
    await page.get_by_role("button", name="归档会议").click()                 # confirmed in the dialog
    await expect(page.locator("#message")).to_contain_text("会议已归档")
    await expect(page.locator("#finalize")).to_be_disabled()
    resp = await page.request.get(str(site.make_url(f"/api/admin/meetings/{m['id']}/export.xlsx")))
    assert resp.status == 200 and resp.headers["content-type"].startswith("application/vnd.openxmlformats")


async def test_admin_pages_need_login(browser, api, site):
    page = await (await browser.new_context()).new_page()
    await page.goto(str(site.make_url("/admin")))
    assert re.search(r"/admin/login", page.url)
    await page.locator("#token").fill("wrong")
    await page.get_by_role("button", name="登录").click()
    await expect(page.locator(".err")).to_have_text("管理员令牌错误")
    await page.locator("#token").fill(ADMIN_TOKEN)
    await page.get_by_role("button", name="登录").click()
    await expect(page.locator("h1")).to_have_text("述职评议 · 管理后台")


async def test_printed_invite_card_lets_its_holder_in(browser, api, site):
    m = await api.create_meeting(eligibility="roster", roster=[{"group": "两代表一委员"}] * 4)
    await api.open(m["id"])
    admin = await (await browser.new_context()).new_page()
    await admin.goto(str(site.make_url(f"/admin/meetings/{m['id']}/invites?token={ADMIN_TOKEN}")))
    await expect(admin.locator(".card svg")).to_have_count(4)
    code = await admin.locator(".card .code").nth(2).text_content()
    assert code == m["invites"][2]["code"]
    phone = await (await browser.new_context(**PHONE)).new_page()
    await phone.goto(f"{m['ballot_url']}?code={code}")
    await expect(phone.locator("main > p.muted")).to_contain_text("两代表一委员")


async def test_console_pages_stop_polling_and_go_to_login_when_the_session_ends(browser, api, site, redis_sync):
    """The console tab kept polling with an expired session every 3 s (each poll then counted
    as a wrong guess). On 401 every console page stops and goes to the login page, which leads back."""
    m = await api.create_meeting()
    context = await browser.new_context()
    requests = []
    context.on("request", lambda r: requests.append(r.url) if "/api/admin/" in r.url else None)
    meeting, reminders = await context.new_page(), await context.new_page()
    await meeting.goto(str(site.make_url(f"/admin/meetings/{m['id']}?token={ADMIN_TOKEN}")))
    await reminders.goto(str(site.make_url(f"/admin/reminders?meeting={m['id']}")))
    await expect(meeting.locator("#rows tr")).to_have_count(3)
    redis_sync.delete(*redis_sync.keys("voting:admin-session:*"))           # the 12 h idle expiry
    for page, path in ((meeting, f"/admin/meetings/{m['id']}"), (reminders, "/admin/reminders")):
        await expect(page).to_have_url(re.compile(r"/admin/login\?next=" + re.escape(quote(path, safe=""))),
                                       timeout=10_000)
    sent = len(requests)
    await meeting.wait_for_timeout(3500)                                    # a refresh interval and more
    assert len(requests) == sent
    assert not redis_sync.keys("voting:admin-guesses:*")
    await meeting.locator("#token").fill(ADMIN_TOKEN)
    await meeting.get_by_role("button", name="登录").click()
    await expect(meeting).to_have_url(re.compile(re.escape(f"/admin/meetings/{m['id']}") + "$"))
    await expect(meeting.locator("#rows tr")).to_have_count(3)
