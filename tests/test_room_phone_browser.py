"""The attendee's phone in real Chromium (WeChat's user agent, 390 px wide): late changes, incomplete ballots,
large buttons for older attendees, the countdown, and Chinese text that is not boxes."""
from types import SimpleNamespace

import jinja2
import pytest
from playwright.async_api import expect

from voting.app import TEMPLATES
from voting.console.demo import demo_spec
from voting.room.ballot_page import STATUS, button_rows

from .browser import PHONE

pytestmark = pytest.mark.served

THREE = [{"name": "王建国", "org": "芒哈图嘎查党支部", "method": "现场述职"},
         {"name": "李志强", "org": "哈日根图嘎查党支部", "method": "现场述职"},
         {"name": "张海燕", "org": "上海庙村党支部", "method": "书面述职"}]
# 200 % page zoom on a 390 px phone is a 195 CSS px wide layout with twice the pixels per CSS px.
ZOOMED = {**PHONE, "viewport": {"width": 195, "height": 422}, "device_scale_factor": 4}


async def phone_on_ballot(browser, meeting, **context):
    page = await (await browser.new_context(**{**PHONE, **context})).new_page()
    await page.goto(meeting["join_url"])                    # meetings without voter groups join from the QR
    await expect(page.locator("#ballot")).to_be_visible()
    return page


async def test_late_change_says_what_was_saved_and_what_was_not(browser, api, shots):
    """The organizer closes while a phone has an unsaved change: the phone says so, with the stored score, its
    button stops pretending, and once everything is closed it says the meeting is over."""
    m = await api.create_meeting(mode="batch", voter_groups=[], secretaries=THREE)
    await api.open(m["id"])
    phone = await phone_on_ballot(browser, m)
    await phone.locator("#sec-s1").get_by_label("8 分（较好）").tap()
    await phone.get_by_role("button", name="提交评议").tap()
    await expect(phone.locator("#confirmation")).to_contain_text("王建国：8 分（较好）")
    await phone.locator("#sec-s1").get_by_label("10 分（好）").tap()          # changed, not yet submitted
    plain = await phone_on_ballot(browser, m, java_script_enabled=False)      # an old in-app browser, no script
    await plain.locator("#sec-s1").get_by_label("9 分（较好）").check()

    await api.close(m["id"], "s1")
    late = phone.locator("#sec-s1 .late")
    await expect(late).to_have_text("王建国 的测评已结束，您刚才的修改未保存。已保存的是您之前的评分：8 分（较好）")
    await expect(phone.locator("#sec-s1 input[value='10']")).to_be_disabled()
    await expect(phone.locator("#submit")).to_be_enabled()                   # 李志强 and 张海燕 are still open
    await shots(phone, "closed-while-editing")
    await plain.get_by_role("button", name="提交评议").click()              # the server says the same
    await expect(plain.locator(".late")).to_have_text("王建国 的测评已结束，您刚才的修改未保存。您没有为其保存评分")
    await shots(plain, "submitted-after-close-without-script")

    await api.close(m["id"])
    await expect(phone.locator("#submit")).to_be_disabled()
    await expect(phone.locator("#submit")).to_have_text("测评已结束，无法提交")
    await expect(phone.locator("#refresh")).to_contain_text("本次评议已全部结束")
    await expect(phone.locator("#subtitle")).not_to_contain_text("测评结束前可修改")
    await expect(phone.locator("#sec-s2 .late")).to_have_text("李志强 的测评已结束，您未评分")
    await shots(phone, "all-closed-while-editing")
    assert (await api.results(m["id"]))["s1"]["mean"] == 8
    await phone.reload()
    await expect(phone.locator("#over")).to_have_text("本次评议已全部结束，感谢您的参与。")
    await expect(phone.locator("#subtitle")).not_to_contain_text("测评结束前可修改")
    await expect(phone.locator("#waiting")).to_have_count(0)
    await expect(phone.locator("#states li").first).to_have_text("王建国：8 分（较好） · 已结束")


async def test_incomplete_batch_ballot_says_how_many_remain_and_leads_to_them(browser, api, shots):
    m = await api.create_meeting(**{**demo_spec(), "voter_groups": []})
    await api.open(m["id"])
    phone = await phone_on_ballot(browser, m)
    for sid, score in (("s1", "9 分（较好）"), ("s2", "10 分（好）"), ("s3", "5 分（一般）")):
        await phone.locator(f"#sec-{sid}").get_by_label(score).tap()
    await api.close(m["id"], "s5")                                   # closed before this attendee got to it
    await expect(phone.locator("#sec-s5 .late")).to_have_text("张海燕 的测评已结束，您未评分")
    await phone.get_by_role("button", name="提交评议").tap()
    confirmation = phone.locator("#confirmation")
    await expect(confirmation.locator("strong")).to_have_text("✓ 已提交 3 位书记的评议，感谢您的参与")
    await expect(phone.locator("#remaining")).to_have_text("还有 14 位未评，点此继续评分 ↓")
    states = confirmation.locator("#states li")
    await expect(states).to_have_count(18)
    await expect(states.nth(0)).to_have_text("巴音希里：9 分（较好）")
    await expect(states.nth(3)).to_have_text("李志强：未评")
    await expect(states.nth(4)).to_have_text("张海燕：已结束，未评分")
    await shots(phone, "confirmation")
    await phone.locator("#remaining").tap()
    await expect(phone.locator("#sec-s4")).to_be_in_viewport()
    await expect(phone.locator("#sec-s4 .todo")).to_have_text("未评")
    await shots(phone, "led-to-the-first-unscored")


async def test_score_buttons_are_big_and_fit_at_200_percent_zoom(browser, api, shots):
    """Older attendees: every button at least 44×44 CSS px at 390 px; at 200 % zoom (195 CSS px) nothing is
    off-screen and the page does not scroll sideways; the 好/较好/一般/差 labels stay visible."""
    m = await api.create_meeting(mode="batch", voter_groups=[], secretaries=THREE)
    await api.open(m["id"])
    for name, context, minimum in (("390px", {}, 44), ("200-percent-zoom", ZOOMED, 24)):
        page = await phone_on_ballot(browser, m, **context)
        width = context.get("viewport", PHONE["viewport"])["width"]
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        buttons = page.locator("#sec-s1 label.score")
        await expect(buttons).to_have_count(10)
        for i in range(10):
            box = await buttons.nth(i).bounding_box()
            assert box["width"] >= minimum and box["height"] >= 44, (name, i, box)
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, i, box)
        labels = page.locator("#sec-s1 .band-label")
        assert set(await labels.all_inner_texts()) == {"好", "较好", "一般", "差"}
        for i in range(await labels.count()):
            await expect(labels.nth(i)).to_be_in_viewport()
        await page.locator("#sec-s1").get_by_label("7 分（较好）").tap()
        await expect(page.locator("#sec-s1 input[value='7']")).to_be_checked()
        await page.locator("#sec-s1").scroll_into_view_if_needed()
        await shots(page, name)


async def test_any_band_split_keeps_two_rows_of_five_with_labels(browser, shots):
    """下评 forms split the scores differently (好 10, 较好 9–8, 一般 7–6, 差 5–1): the same layout holds."""
    bands = [("好", [10]), ("较好", [9, 8]), ("一般", [7, 6]), ("差", [5, 4, 3, 2, 1])]
    rows = button_rows(bands)
    assert [[(p["band"], p["scores"]) for p in row] for row in rows] == [
        [("好", [10]), ("较好", [9, 8]), ("一般", [7, 6])], [("差", [5, 4, 3, 2, 1])]]
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    item = {**THREE[0], "id": "s1", "status": "open", "score": None, "problems": "", "suggestions": "",
            "ballot_id": "x" * 12}
    html = env.get_template("ballot.html").render(
        meeting=SimpleNamespace(id="m", title="下评测评表"), items=[item], open=[item], unscored=[item], done=[],
        errors={}, notices=[], bands=bands, rows=rows, band_of={n: b for b, s in bands for n in s},
        status_text=STATUS, group="", over=False, deadline=None, server_now=0)
    for name, context in (("390px", PHONE), ("200-percent-zoom", ZOOMED)):
        page = await (await browser.new_context(**context, java_script_enabled=False)).new_page()
        await page.set_content(html)
        width = context["viewport"]["width"]
        assert await page.evaluate("document.documentElement.scrollWidth") <= width
        for box in [await b.bounding_box() for b in await page.locator("label.score").all()]:
            assert box["height"] >= 44 and box["x"] + box["width"] <= width
            assert box["width"] >= (44 if width == 390 else 24)
        assert await page.locator(".band-label").all_inner_texts() == ["好", "较好", "一般", "差"]
        await shots(page, name)


async def test_phone_counts_down_and_warns_in_the_last_minute(browser, api, shots):
    m = await api.create_meeting(mode="batch", voter_groups=[], secretaries=THREE)
    await api.open(m["id"])
    phone = await phone_on_ballot(browser, m)
    countdown = phone.locator("#countdown")
    await expect(countdown).to_be_hidden()
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"minutes": 5})
    await expect(countdown).to_contain_text("本轮测评 4:5")
    await expect(countdown).not_to_have_class("countdown warn")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 59})
    await expect(countdown).to_have_class("countdown warn")
    await expect(countdown).to_contain_text("测评即将自动结束，结束后不能修改，请尽快提交")
    await shots(phone, "last-minute")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/deadline", json={"seconds": 1})
    await expect(phone.locator("#over")).to_be_visible(timeout=5000)     # closed by the service, page followed
    await shots(phone, "closed-by-the-deadline")


async def test_chinese_text_is_not_rendered_as_boxes(browser, api, shots):
    """Without a CJK font (Debian: fonts-noto-cjk) every Chinese character is the same .notdef box: draw two
    different characters in the page's own font, and a character no font has, and compare the pixels."""
    m = await api.create_meeting(mode="batch", voter_groups=[], secretaries=THREE)
    await api.open(m["id"])
    phone = await phone_on_ballot(browser, m)
    drawn = await phone.evaluate("""() => {
        const font = getComputedStyle(document.body).fontFamily;
        const draw = (text) => {
            const canvas = document.createElement("canvas");
            canvas.width = 64; canvas.height = 64;
            const ctx = canvas.getContext("2d");
            ctx.font = "48px " + font;
            ctx.fillText(text, 4, 52);
            const pixels = ctx.getImageData(0, 0, 64, 64).data;
            return {url: canvas.toDataURL(), ink: pixels.some((v, i) => i % 4 === 3 && v > 0)};
        };
        return {ping: draw("评"), yi: draw("议"), tofu: draw("\\u{10FFFD}")};
    }""")
    assert drawn["ping"]["ink"] and drawn["yi"]["ink"]
    assert drawn["ping"]["url"] != drawn["yi"]["url"], "评 and 议 render alike: no Chinese font (fonts-noto-cjk)"
    assert drawn["ping"]["url"] != drawn["tofu"]["url"], "评 renders as the missing-glyph box"
    await shots(phone, "chinese-text")
