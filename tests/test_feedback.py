"""反馈本人: each bound secretary's result reaches each of their accounts once, through the outbox and
the real wechatpy client against the stand-in; their comments page opens for them only."""
import asyncio
import json
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.identity import oauth
from bot.appkeys import OUTBOX
from voting.appkeys import REDIS

from .helpers import Api
from .outbox_support import assessed_meeting, bind_all, eventually, make_app

PROBLEMS = {"s1": [("调研不够深入", "多到基层走走"), ("台账不规范", ""), ("", "加强学习")]}


@pytest.fixture
async def client(aiohttp_client, wechat_settings):
    app = make_app(wechat_settings)
    if not any(r.resource.canonical == "/wx/oauth" for r in app.router.routes()):
        oauth.setup_routes(app)          # the OAuth callback is mounted by the lead's webhook work
    return await aiohttp_client(app)


async def feedback(api: Api, mid: str, status: int = 200, **body):
    return await api.admin("POST", f"/api/admin/meetings/{mid}/feedback", status, json=body or None)


async def sent(client, count: int) -> list[dict]:
    async def done():
        messages = await client.app[OUTBOX].listing()
        return messages if len(messages) >= count and all(m["status"] == "sent" for m in messages) else None
    return await eventually(done)


async def test_feedback_to_three_bound_secretaries_arrives_once_each_and_a_second_call_sends_nothing(
        client, aredis, wechat_standin):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [10, 9, 9], "s2": [8, 7, 7], "s3": [6, 5, 9]}, PROBLEMS)
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"], "s2": ["o-li"], "s3": ["o-wang"]})
    body = await feedback(api, m["id"], comments={"s1": "抓党建工作思路清晰", "s3": "整改要见实效"})
    assert (body["queued"], body["already"]) == (3, 0)
    assert body["unbound"] == [] and body["no_result"] == [{"id": "s4", "name": "赵六"}]
    await sent(client, 3)
    for openid in ("o-zhang", "o-li", "o-wang"):
        assert len(wechat_standin.delivered_to(openid)) == 1
    zhang = wechat_standin.delivered_to("o-zhang")[0].text
    assert "评议等次：好" in zhang and "平均分：9.33，有效票 3 张" in zhang and "领导点评：抓党建工作思路清晰" in zhang
    assert f"/feedback/{m['id']}/s1" in zhang
    wang = wechat_standin.delivered_to("o-wang")[0].text
    assert "评议等次：差" in wang and "按规定：年度考核不得评定为“优秀”等次" in wang   # 004 §五(四): 一般差 > 10 %

    again = await feedback(api, m["id"], comments={"s1": "另一段点评"})
    assert (again["queued"], again["already"]) == (0, 3)
    await asyncio.sleep(0.5)
    assert len(wechat_standin.delivered) == 3


async def test_an_account_bound_later_gets_the_same_text_and_no_one_else_gets_a_second(client, aredis,
                                                                                        wechat_standin):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9], "s2": [8, 8]})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    first = await feedback(api, m["id"], comments={"s1": "好"})
    assert [u["id"] for u in first["unbound"]] == ["s2"] and first["queued"] == 1
    await bind_all(aredis, m["id"], {"s1": ["o-zhang-2"], "s2": ["o-li"]})
    second = await feedback(api, m["id"], comments={"s1": "改过的点评", "s2": "继续努力"})
    assert (second["queued"], second["already"], second["unbound"]) == (2, 1, [])
    await sent(client, 3)
    assert wechat_standin.delivered_to("o-zhang")[0].text == wechat_standin.delivered_to("o-zhang-2")[0].text
    assert "领导点评：继续努力" in wechat_standin.delivered_to("o-li")[0].text
    assert len(wechat_standin.delivered) == 3


async def test_an_override_shows_the_proposed_grade_and_the_committees_reason(client, aredis, wechat_standin):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9, 10]})
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/override",
                    json={"secretary": "s1", "grade": "较好", "reason": "经党委研究，年度考核中存在问题"})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    await feedback(api, m["id"])
    await sent(client, 1)
    text = wechat_standin.delivered_to("o-zhang")[0].text
    assert "评议等次：较好" in text and "系统建议等次：好" in text and "经党委研究，年度考核中存在问题" in text


async def test_feedback_is_refused_while_a_window_is_open_and_nothing_is_queued(client, aredis):
    api = Api(client)
    m = await api.create_meeting()
    await api.open(m["id"], "s1")
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    body = await feedback(api, m["id"], 409)
    assert "结束" in body["error"]
    assert await client.app[OUTBOX].listing() == []


@pytest.mark.parametrize("body, status, words", [
    ({"comments": {"s9": "点评"}}, 404, "没有这位述职书记"),
    ({"comments": ["s1"]}, 400, "comments"),
    ({"comments": {"s1": 5}}, 400, "须为文字"),
    ({"comments": {"s1": "长" * 501}}, 400, "过长"),
])
async def test_bad_feedback_requests_get_a_clear_4xx_and_queue_nothing(client, aredis, body, status, words):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9]})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    assert words in (await feedback(api, m["id"], status, **body))["error"]
    assert await client.app[OUTBOX].listing() == []
    assert "会议不存在" in (await feedback(api, "nosuchmeeting", 404))["error"]


async def test_the_printed_link_opens_the_page_with_own_comments_only_shuffled_without_voter_or_time(
        client, aredis):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 8, 7], "s2": [8, 8, 8]}, {
        **PROBLEMS, "s2": [("李四的问题", "李四的建议"), ("", ""), ("", "")]})
    body = await feedback(api, m["id"], comments={"s1": "点评内容"})
    [zhang] = [u for u in body["unbound"] if u["id"] == "s1"]
    url = urlsplit(zhang["print_url"])
    resp = await client.get(f"{url.path}?{url.query}")
    assert resp.status == 200 and resp.headers["Cache-Control"] == "no-store"
    page = await resp.text()
    for text in ("调研不够深入", "台账不规范", "多到基层走走", "加强学习", "点评内容", "较好"):
        assert text in page
    assert "李四的问题" not in page and "李四的建议" not in page
    assert "问题和不足（2 条）" in page and "意见建议（2 条）" in page
    forged = await client.get(f"{url.path}?t=x{url.query[3:]}")
    assert forged.status == 403
    other = await client.get(f"/feedback/{m['id']}/s2?{url.query}")        # s1's link does not open s2's page
    assert other.status == 403


async def test_a_leaked_printed_feedback_link_can_be_revoked(client):
    """The printed links of 反馈本人 lasted 90 days with no way to stop one that was lost or
    leaked (the paperwork's personal links could be renewed). A new link now revokes the old ones."""
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 8, 7]}, PROBLEMS)
    old = urlsplit([u for u in (await feedback(api, m["id"]))["unbound"] if u["id"] == "s1"][0]["print_url"])
    assert (await client.get(f"{old.path}?{old.query}")).status == 200
    renewed = await api.admin("POST", f"/api/admin/meetings/{m['id']}/feedback/s1/link")
    new = urlsplit(renewed["print_url"])
    assert (await client.get(f"{old.path}?{old.query}")).status == 403
    assert (await client.get(f"{new.path}?{new.query}")).status == 200
    again = urlsplit([u for u in (await feedback(api, m["id"]))["unbound"] if u["id"] == "s1"][0]["print_url"])
    assert (await client.get(f"{again.path}?{again.query}")).status == 200        # the list shows the new one
    assert (await api.admin("POST", f"/api/admin/meetings/{m['id']}/feedback/s9/link", status=404))["error"]


async def test_inside_wechat_only_a_bound_account_of_that_secretary_opens_the_page(client, aredis, wechat_standin):
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9, 9], "s2": [8, 8]}, PROBLEMS)
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"], "s2": ["o-li"]})
    await feedback(api, m["id"])
    path = f"/feedback/{m['id']}/s1"
    assert "调研不够深入" in await open_in_wechat(client, wechat_standin, "o-zhang", path)
    with pytest.raises(AssertionError, match="403"):
        await open_in_wechat(client, wechat_standin, "o-li", path)


async def open_in_wechat(client, standin, openid: str, path: str) -> str:
    """What WeChat's browser does: our page → the authorize page (snsapi_base) → our callback → our page."""
    standin.use_phone(openid)
    client.session.cookie_jar.clear()
    resp = await client.get(path, allow_redirects=False)
    assert resp.status == 302, resp.status
    authorize = resp.headers["Location"]
    assert "scope=snsapi_base" in authorize
    async with aiohttp.ClientSession() as phone:
        async with phone.get(authorize, allow_redirects=False) as r:
            back = urlsplit(r.headers["Location"])
    resp = await client.get(f"{back.path}?{back.query}", allow_redirects=False)
    assert resp.headers["Location"] == path
    resp = await client.get(path)
    assert resp.status == 200, resp.status
    return await resp.text()


async def test_console_mode_messages_carry_the_signed_link_and_are_shown(aiohttp_client, settings, aredis):
    client = await aiohttp_client(make_app(settings))
    api = Api(client)
    m = await assessed_meeting(api, {"s1": [9]})
    await bind_all(aredis, m["id"], {"s1": ["o-zhang"]})
    body = await feedback(api, m["id"])
    assert body["console"] is True
    [msg] = await sent(client, 1)
    assert msg["channel"] == "console"
    link = next(line for line in msg["text"].splitlines() if line.startswith("您的评议意见")).rsplit("：", 1)[1]
    url = urlsplit(link)
    assert url.query.startswith("t=")
    assert (await client.get(f"{url.path}?{url.query}")).status == 200
    listed = await api.admin("GET", f"/api/admin/outbox?meeting={m['id']}")
    assert [x["kind"] for x in listed["messages"]] == ["feedback"]
    assert json.loads(await client.app[REDIS].hget("{m:%s}:feedback" % m["id"], "s1"))["messaged"] is True
