"""整改清单: after feedback, pre-filled from the chair's 点评 and the ballots' 问题和不足 (anonymous,
similar complaints merged), edited and submitted by the secretary; overdue items bring the list back into the
reminders' `no_rectification` audience."""
import asyncio
import datetime as dt
import itertools
import re
import time

import pytest

from paperwork import keys, status
from paperwork.overdue import sweep
from paperwork.prefill import group_problems, points
from reminders.audience import members
from voting.app import create_app
from voting.appkeys import REDIS
from voting.meetings import load_meeting

from .helpers import Api
from .paperwork_support import path_of

SOON = (dt.date.today() + dt.timedelta(days=60)).isoformat()


@pytest.fixture
async def api(aiohttp_client, settings):
    return Api(await aiohttp_client(create_app(settings)))


@pytest.fixture
async def assessed(api):
    """A meeting whose ballots named problems of 张三 (s1) and 李四 (s2), now closed."""
    m = await api.create_meeting(preset="bjie-2023")
    await api.open(m["id"])
    said = {"s1": ["党建和业务融合不够", "1.党建与业务融合不够紧密；2.组织生活不规范", "无", "组织生活不够规范"],
            "s2": ["李四的问题：调研太少"]}
    for i in range(4):
        token = await api.join(m)
        for sid, texts in said.items():
            await api.cast(m["id"], token, sid, 8, problems=texts[i] if i < len(texts) else "", suggestions="多下基层")
    await api.close(m["id"])
    links = {s["id"]: path_of(s["link"])
             for s in (await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork"))["secretaries"]}
    return m, links


def form(*items) -> dict:
    """The page's fields: problem_N, measure_N, deadline_N, done_N."""
    data = {}
    for n, (problem, measure, deadline, done) in enumerate(items):
        data.update({f"problem_{n}": problem, f"measure_{n}": measure, f"deadline_{n}": deadline})
        if done:
            data[f"done_{n}"] = "1"
    return data


async def post_list(api, link, data, allow_redirects=False):
    path, _, query = link.partition("?")
    return await api.client.post(f"{path}/rectification?{query}", data=data, allow_redirects=allow_redirects)


async def missing(api, m):
    redis = api.client.app[REDIS]
    return await status.missing(redis, await load_meeting(redis, m["id"]), "rectification")


def test_ballot_problems_are_split_and_similar_ones_merged():
    assert points("1.学习不够深入；2.联系群众少") == ["学习不够深入", "联系群众少"]
    assert points("一是理论学习不深入，二是联系群众不够。") == ["理论学习不深入", "联系群众不够"]
    assert points("无") == [] and points("  ") == []
    groups = group_problems(["党建和业务融合不够", "党建与业务融合不够紧密", "组织生活不规范；党建和业务融合不够",
                             "三会一课落实不到位"])
    assert groups == [{"problem": "党建和业务融合不够", "count": 3}, {"problem": "三会一课落实不到位", "count": 1},
                      {"problem": "组织生活不规范", "count": 1}]


async def test_the_list_opens_after_feedback_prefilled_from_the_dianping_and_the_ballots(api, assessed):
    m, links = assessed
    html = await (await api.client.get(links["s1"])).text()
    assert "组织部门反馈评议结果后即可填写整改清单" in html
    resp = await post_list(api, links["s1"], form(("问题", "措施", SOON, False)))
    assert resp.status == 409 and "反馈评议结果后" in await resp.text()

    await api.admin("POST", f"/api/admin/meetings/{m['id']}/feedback",          # 反馈本人, with the chair's 点评
                    json={"comments": {"s1": "抓党建与业务融合还有差距"}})
    html = await (await api.client.get(links["s1"])).text()
    problems = re.findall(r'name="problem_\d+" rows="2">([^<]*)<', html)
    assert problems[:3] == ["抓党建与业务融合还有差距", "党建和业务融合不够", "组织生活不规范"]
    assert "领导点评" in html and "评议意见（2 条）" in html
    assert "调研太少" not in html and "多下基层" not in html        # 李四's, and suggestions, are not 张三's problems
    assert "组织部门反馈评议结果后" not in await (await api.client.get(links["s2"])).text()   # fed back too


async def test_feedback_through_the_outbox_opens_the_list_with_the_chairs_dianping(api, assessed):
    """bot/web/feedback.py's 反馈本人 keeps what each secretary was told (`{m:ID}:feedback`, with the 点评): that
    opens the list for them, pre-filled, and the reminders' `no_rectification` audience follows the lists."""
    m, links = assessed
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/feedback",
                    json={"comments": {"s1": "书记抓党建的“辣味”不够，问题查摆不深"}})
    html = await (await api.client.get(links["s1"])).text()
    problems = re.findall(r'name="problem_\d+" rows="2">([^<]*)<', html)
    assert problems[:2] == ["书记抓党建的“辣味”不够，问题查摆不深", "党建和业务融合不够"]
    redis = api.client.app[REDIS]
    meeting = await load_meeting(redis, m["id"])
    assert await members(redis, meeting, "no_rectification") == ["s1", "s2", "s3"]
    await post_list(api, links["s1"], form(("问题查摆不深", "每季度开展一次专题查摆", SOON, False)))
    assert await members(redis, meeting, "no_rectification") == ["s2", "s3"]


async def test_a_secretary_submits_the_list_and_is_told_exactly_what_is_missing(api, assessed):
    m, links = assessed
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/rectification", json={"open": True})
    resp = await post_list(api, links["s1"], form(("党建和业务融合不够", "", SOON, False)))
    html = await resp.text()
    assert resp.status == 400 and "第 1 项：请填写整改措施" in html and "党建和业务融合不够" in html   # kept as typed
    resp = await post_list(api, links["s1"], form(("", "", "", False), ("学习不深", "每月研讨", "下个月", False)))
    assert resp.status == 400 and "第 1 项：整改时限“下个月”不是日期" in await resp.text()
    resp = await post_list(api, links["s1"], form(("", "", "", False)))
    assert resp.status == 400 and "请至少填写一项" in await resp.text()
    assert await missing(api, m) == ["s1", "s2", "s3"]

    resp = await post_list(api, links["s1"], form(("党建和业务融合不够", "建立党员先锋岗考评办法", SOON, False),
                                                  ("组织生活不规范", "严格执行主题党日制度", "2024年3月31日", True)))
    assert resp.status == 303 and "ok=rectification" in resp.headers["Location"]
    assert await missing(api, m) == ["s2", "s3"]
    row = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork"))["secretaries"][0]["rectification"]
    assert (row["status"], len(row["items"]), row["done"], row["overdue"]) == ("submitted", 2, 1, 0)
    assert row["items"][1]["deadline"] == "2024-03-31" and row["items"][1]["deadline_text"] == "2024年3月31日前"
    html = await (await api.client.get(resp.headers["Location"])).text()
    assert "整改清单已提交" in html and "建立党员先锋岗考评办法" in html


async def test_an_overdue_item_brings_the_secretary_back_into_the_reminders_audience(api, assessed):
    m, links = assessed
    redis = api.client.app[REDIS]
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/rectification", json={"open": True})
    await post_list(api, links["s1"], form(("学习不深", "每月研讨", SOON, False), ("作风不实", "下基层", SOON, True)))
    assert await sweep(redis) == []                              # nothing is due yet
    assert await missing(api, m) == ["s2", "s3"]

    later = time.time() + 61 * 86400
    assert await sweep(redis, now=later) == [(m["id"], "s1")]
    assert await sweep(redis, now=later) == []                   # once
    assert await missing(api, m) == ["s1", "s2", "s3"]
    row = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork"))["secretaries"][0]["rectification"]
    assert row["status"] == "returned" and row["returned_for"] == "overdue" and "第 1 项" in row["note"]
    html = await (await api.client.get(links["s1"])).text()
    assert "已逾期" in html

    await post_list(api, links["s1"], form(("学习不深", "每月研讨", SOON, True), ("作风不实", "下基层", SOON, True)))
    assert await missing(api, m) == ["s2", "s3"]
    assert await redis.zscore(keys.DUE, f"{m['id']}|s1") is None     # nothing left to fall due


async def test_the_organizer_returns_a_list_with_a_note(api, assessed):
    m, links = assessed
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/rectification", json={"open": True})
    await post_list(api, links["s2"], form(("调研太少", "每季度调研一次", SOON, False)))
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/s2/return",
                    json={"kind": "rectification", "note": "整改措施要具体到时间和责任人"})
    html = await (await api.client.get(links["s2"])).text()
    assert "组织部门退回意见：整改措施要具体到时间和责任人" in html and "已退回" in html
    assert await missing(api, m) == ["s1", "s2", "s3"]


async def test_a_submitted_list_stays_visible_when_the_organizer_closes_the_lists(api, assessed):
    m, links = assessed
    url = f"/api/admin/meetings/{m['id']}/paperwork/rectification"
    await api.admin("POST", url, json={"open": True})
    await post_list(api, links["s2"], form(("调研太少", "每季度调研一次", SOON, False)))
    await api.admin("POST", url, json={"open": False})
    html = await (await api.client.get(links["s2"])).text()
    assert "每季度调研一次" in html and "已提交" in html


async def test_no_list_while_the_secretarys_item_is_still_open(api):
    m = await api.create_meeting(mode="sequential")
    await api.open(m["id"], "s1")
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/rectification", json={"open": True})
    link = path_of((await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork"))["secretaries"][0]["link"])
    resp = await post_list(api, link, form(("问题", "措施", SOON, False)))
    assert resp.status == 409 and "评议正在进行" in await resp.text()


async def test_regression_an_app_stopped_during_its_first_sweep_shuts_down_at_once(aiohttp_client, settings):
    """A cancel that landed inside the sweep's Redis command came out of redis-py as a connection error: the
    loop took it for an outage and slept on, and the app's shutdown waited for it (tests/test_live.py hung)."""
    started = time.monotonic()
    for _ in range(3):
        client = await aiohttp_client(create_app(settings))
        await client.close()
    assert time.monotonic() - started < 20         # it was a minute per app (the sweep's sleep), or forever


async def test_messages_about_paperwork_lead_to_where_it_is_submitted(aiohttp_client, wechat_settings, wechat_standin,
                                                                      push):
    """反馈本人 and a reminder to those who have not submitted carry the link of the secretary's submission page."""
    api = Api(await aiohttp_client(create_app(wechat_settings)))
    m = await api.create_meeting()
    clock = itertools.count(int(time.time()) - 30)
    for sid, openid in (("s1", "oZhang"), ("s2", "oLi")):
        scene = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/{sid}/bind"))["scene"]
        await push.post(api.client, push.scan(openid, scene, create_time=next(clock)), safe=True)
    await api.open(m["id"])
    await api.cast(m["id"], await api.join(m), "s1", 9)
    await api.close(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/feedback")
    await api.admin("POST", "/api/admin/reminders", 201, json={"text": "请提交整改清单", "meeting": m["id"],
                                                              "audience": "no_rectification", "urgent": True})
    entry = f"/paper/{m['id']}"
    for _ in range(100):                      # 反馈本人 and the reminder to 张三, the reminder to 李四
        if len(wechat_standin.delivered) == 3:
            break
        await asyncio.sleep(0.05)
    texts = [d.text for d in wechat_standin.delivered_to("oZhang")]
    assert len(texts) == 2 and all(entry in t for t in texts), texts
    assert entry in wechat_standin.delivered_to("oLi")[0].text
    assert "整改清单" in texts[0] and "提交入口" in texts[1]


async def test_a_rectification_form_with_an_unknown_action_is_refused_not_submitted(api, assessed):
    """The 整改清单 form, checked like the report's (an unknown `action` was submitted)."""
    m, links = assessed
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/rectification", json={"open": True})
    items = form(("党建和业务融合不够", "建立党员先锋岗考评办法", SOON, False))
    resp = await post_list(api, links["s1"], {**items, "action": "delete"})
    assert resp.status == 400 and "无法识别的操作" in await resp.text()
    assert await missing(api, m) == ["s1", "s2", "s3"]
    resp = await post_list(api, links["s1"], {**items, "action": "submit"})     # the page's button
    assert resp.status == 303 and await missing(api, m) == ["s2", "s3"]
