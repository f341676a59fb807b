"""The official account: scanning the meeting's QR in WeChat, voting as one WeChat account, binding
secretaries, text commands, the mini-program. Real wechatpy against the WeChat stand-in, pushes signed and
encrypted with wechatpy's own crypto, a phone that follows WeChat's redirects with its own cookies."""
import base64
import json
import time

import aiohttp
import pytest

from bot.inbound import links
from voting.app import create_app

from .helpers import ADMIN, Api, ballot_id, voter, voter_key
from .outbox_support import eventually
from .wechat_messages import PHONE, create_times, scan

pytestmark = pytest.mark.served

@pytest.fixture
async def site(start_site, wechat_settings):
    """The service on a real port with the official account, PUBLIC_URL pointing at it: WeChat's redirects
    come back to it."""
    return await start_site(wechat=wechat_settings.wechat)


async def say(api, push, openid: str, text: str) -> str:
    resp = await push.post(api.client, push.text(openid, text), safe=True)
    return push.open_reply(await resp.text(), safe=True)["Content"]


async def test_two_scans_and_the_mini_program_of_one_person_are_one_voter(api, push, phone, wechat_standin, site):
    m = await api.create_meeting(mode="batch")
    await api.open(m["id"])
    qr = await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr")
    assert qr["kind"] == "wechat" and qr["scene"] == f"m:{m['id']}:{m['join_code']}"
    assert wechat_standin.qrcodes[qr["url"]]["scene"] == qr["scene"]
    wechat_standin.use_phone(PHONE, unionid="union-1")

    card = (await scan(api, push, PHONE, qr["scene"]))["Articles"]["item"]
    assert m["title"] in card["Title"] and card["Url"].startswith(str(site.make_url("/wx/enter?s=")))
    async with phone.get(card["Url"]) as resp:                  # /wx/enter → authorize → /wx/oauth → /wx/join
        assert resp.status == 200 and "请选择您的身份" in await resp.text()
        page = str(resp.url)
    present = page.split("p=")[1]
    async with phone.post(site.make_url(f"/wx/join/{m['id']}"), data={"p": present, "group": "党员代表"}) as resp:
        assert resp.status == 200 and str(resp.url).endswith(f"/m/{m['id']}") and "张三" in await resp.text()
    first = phone.cookie_jar.filter_cookies(site.make_url("/"))[f"vt_{m['id']}"].value
    await api.cast(m["id"], first, "s1", 9)

    card = (await scan(api, push, PHONE, (await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr"))["scene"]))
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as other_browser:
        async with other_browser.get(card["Articles"]["item"]["Url"]) as resp:     # straight to the ballot
            assert str(resp.url).endswith(f"/m/{m['id']}")
            again = other_browser.cookie_jar.filter_cookies(site.make_url("/"))[f"vt_{m['id']}"].value
    assert voter_key(again) == voter_key(first)

    code = wechat_standin.mini_program_code("oMiniProgramOpenid000000001", unionid="union-1")
    mini = await api.call("POST", f"/api/meetings/{m['id']}/join", json={"wx_code": code})
    assert voter_key(mini["token"]) == voter_key(first) and mini["group"] == "党员代表"
    assert (await api.cast(m["id"], mini["token"], "s1", 7))["status"] == "revised"
    detail = await api.admin("GET", f"/api/admin/meetings/{m['id']}")
    assert detail["state"]["voted"] == 1 and detail["state"]["votes"]["s1"] == 1


async def test_a_forwarded_oauth_callback_does_not_log_the_victim_in_as_the_sender(api, push, wechat_standin, site):
    """Login CSRF: the sender stopped his own authorization before its last redirect and posted
    the callback URL, with his unused code, to the meeting's group. Whoever opened it was logged in as him, and
    one WeChat account is one voter: he then saw and could change their ballot. The callback now takes a code
    only in the browser that started the authorization."""
    m = await api.create_meeting(mode="batch", voter_groups=[])
    await api.open(m["id"])
    scene = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr"))["scene"]
    wechat_standin.use_phone("oSender00000000000000000001")
    card = (await scan(api, push, "oSender00000000000000000001", scene))["Articles"]["item"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as sender:
        async with sender.get(card["Url"], allow_redirects=False) as resp:          # /wx/enter
            authorize = resp.headers["Location"]
        async with sender.get(authorize, allow_redirects=False) as resp:            # WeChat's authorize page
            forwarded = resp.headers["Location"]                                    # /wx/oauth?code=…&state=…
        assert "/wx/oauth?" in forwarded
        wechat_standin.use_phone("oVictim00000000000000000001")
        for victim_started_own in (False, True):
            async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as victim:
                if victim_started_own:                 # a nonce cookie of her own does not fit his state
                    await (await victim.get(card["Url"], allow_redirects=False)).release()
                async with victim.get(forwarded) as resp:
                    assert resp.status == 403 and "不能转发" in await resp.text()
                assert "wxu" not in {c.key for c in victim.cookie_jar}
        async with sender.get(forwarded) as resp:          # in his own browser the code still works, once
            assert resp.status == 200 and str(resp.url).endswith(f"/m/{m['id']}")


async def test_a_photo_of_the_screen_stops_working(api, push, wechat_settings):
    m = await api.create_meeting()
    old = f"{(int(m['join_code']) + 1) % 1_000_000:06d}"
    reply = await scan(api, push, PHONE, f"m:{m['id']}:{old}")
    assert "二维码已过期" in reply["Content"]


async def test_roster_meeting_takes_the_invite_card_once_per_account(api, push, phone, wechat_standin, site):
    m = await api.create_meeting(eligibility="roster", roster=[{"group": "两代表一委员"}] * 2)
    await api.open(m["id"])
    qr = await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr")
    assert qr["scene"] == f"m:{m['id']}"
    wechat_standin.use_phone(PHONE)
    card = (await scan(api, push, PHONE, qr["scene"]))["Articles"]["item"]
    async with phone.get(card["Url"]) as resp:
        assert "邀请码" in await resp.text()
    code = m["invites"][0]["code"]
    async with phone.post(site.make_url(f"/wx/join/{m['id']}"), data={"code": code}) as resp:
        assert str(resp.url).endswith(f"/m/{m['id']}")
    async with phone.get(card["Url"]) as resp:                  # the next scan: no card needed
        assert str(resp.url).endswith(f"/m/{m['id']}")

    wechat_standin.use_phone("oSomeoneElse00000000000002")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as stranger:
        card = (await scan(api, push, "oSomeoneElse00000000000002", qr["scene"]))["Articles"]["item"]
        await stranger.get(card["Url"])
        async with stranger.post(site.make_url(f"/wx/join/{m['id']}"), data={"code": code}) as resp:
            assert resp.status == 409 and "另一个微信账号" in await resp.text()


async def test_secretaries_bind_once_and_a_second_account_waits_for_the_organizer(api, push):
    m = await api.create_meeting()
    bind = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s1/bind")
    assert bind["scene"].startswith(f"b:{m['id']}:s1:") and bind["kind"] == "wechat" and bind["expires_at"]
    assert "绑定成功" in (await scan(api, push, "oZhangSan", bind["scene"]))["Content"]
    assert "张三" in (await scan(api, push, "oZhangSan", bind["scene"]))["Content"]
    assert "提交组织部门确认" in (await scan(api, push, "oZhangSanNewPhone", bind["scene"]))["Content"]
    other = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s2/bind")
    assert "需组织部门确认" in (await scan(api, push, "oZhangSan", other["scene"]))["Content"]
    assert "无效" in (await scan(api, push, "oX", bind["scene"][:-3] + "000"))["Content"]

    state = await api.admin("GET", f"/api/admin/meetings/{m['id']}/bindings")
    assert [(s["id"], s["bound"]) for s in state["secretaries"]] == [("s1", 1), ("s2", 0), ("s3", 0)]
    assert {p["reason"] for p in state["pending"]} == {"pending_second", "pending_other"}
    assert "oZhangSan" not in json.dumps(state, ensure_ascii=False)        # accounts are masked
    second = next(p for p in state["pending"] if p["reason"] == "pending_second")
    state = await api.admin("POST", f"/api/admin/meetings/{m['id']}/bindings",
                            json={"ref": second["ref"], "action": "confirm"})
    assert state["secretaries"][0]["bound"] == 2 and len(state["pending"]) == 1


async def test_text_commands_answer_and_organizers_act_after_confirming(api, push):
    m = await api.create_meeting(mode="sequential")
    assert "测评" in await say(api, push, "oA", "帮助")
    assert "未能识别" in await say(api, push, "oA", "今天天气")
    assert "请扫描" in await say(api, push, "oA", "测评")
    assert "尚未绑定" in await say(api, push, "oA", "结果")
    assert "仅限评议组织者" in await say(api, push, "oA", "开启 1")

    invite = await api.admin("POST", "/api/admin/wechat/organizers")
    assert "评议组织者" in (await scan(api, push, "oOrganizer", invite["scene"]))["Content"]
    assert "已失效" in (await scan(api, push, "oIntruder", invite["scene"]))["Content"]   # one-time
    await scan(api, push, "oOrganizer", f"m:{m['id']}:{m['join_code']}")
    prompt = await say(api, push, "oOrganizer", "开启 2")
    assert "确认开启第 2 位 李四" in prompt
    assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["state"]["open"] == []
    assert "已开启 李四" in await say(api, push, "oOrganizer", "确认")
    assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["state"]["open"] == ["s2"]
    await say(api, push, "oOrganizer", "结束 2")
    assert "已结束" in await say(api, push, "oOrganizer", "确认")
    assert "没有待确认" in await say(api, push, "oOrganizer", "确认")

    bind = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s1/bind")
    await scan(api, push, "oZhangSan", bind["scene"])
    token = await api.join(m)
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/open", json={"secretary": "s1"})
    await api.cast(m["id"], token, "s1", 9)
    assert "尚未公布" in await say(api, push, "oZhangSan", "结果")
    await say(api, push, "oOrganizer", "公布")
    assert "已在大屏公布" in await say(api, push, "oOrganizer", "确认")
    await api.close(m["id"], "s1")
    result = await say(api, push, "oZhangSan", "结果")
    assert "张三：评议等次 好，平均分 9.00，有效票 1 张" in result


async def test_without_credentials_the_qr_is_the_h5_join_url(aiohttp_client, settings, wechat_standin, push):
    """Console mode: only WECHAT_TOKEN; the screen's QR and the scan's link are the H5 join URL with the code."""
    api = Api(await aiohttp_client(create_app(settings.with_(wechat={"WECHAT_TOKEN": wechat_standin.token}))))
    m = await api.create_meeting()
    qr = await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr")
    assert qr == {"kind": "h5", "url": m["join_url"]}
    plain = type(push)(wechat_standin.token)
    resp = await plain.post(api.client, plain.scan(PHONE, f"m:{m['id']}:{m['join_code']}"))
    assert plain.open_reply(await resp.text())["Articles"]["item"]["Url"] == m["join_url"]
    resp = await plain.post(api.client, plain.text(PHONE, "测评"))          # the scan's code, still current
    assert plain.open_reply(await resp.text())["Articles"]["item"]["Url"] == m["join_url"]


async def test_the_screen_qr_is_made_once_per_code_period(api, wechat_standin):
    m = await api.create_meeting()
    urls = {(await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr"))["url"] for _ in range(5)}
    assert len(urls) == 1 and wechat_standin.calls["qrcode/create"] == 1


async def test_mini_program_needs_the_screen_code_the_first_time(api, wechat_standin):
    m = await api.create_meeting()
    await api.open(m["id"])
    code = wechat_standin.mini_program_code("oMini1")
    assert "请输入加入码" in (await api.call("POST", f"/api/meetings/{m['id']}/join", 400, json={"wx_code": code}))["error"]
    code = wechat_standin.mini_program_code("oMini1")
    first = await api.call("POST", f"/api/meetings/{m['id']}/join", json={"wx_code": code, "code": m["join_code"]})
    code = wechat_standin.mini_program_code("oMini1")
    again = await api.call("POST", f"/api/meetings/{m['id']}/join", json={"wx_code": code})
    assert voter_key(first["token"]) == voter_key(again["token"])
    used = await api.call("POST", f"/api/meetings/{m['id']}/join", 401, json={"wx_code": code})
    assert "无效或已使用" in used["error"]
    mine = await api.call("GET", f"/api/meetings/{m['id']}/ballots", headers=voter(first["token"]))
    assert mine == {"group": "未分组", "ballots": []}
    await api.call("POST", f"/api/meetings/{m['id']}/ballots", headers=voter(again["token"]),
                   json={"ballot_id": ballot_id(), "secretary": "s2", "score": 8, "problems": "调研不够"})
    mine = await api.call("GET", f"/api/meetings/{m['id']}/ballots", headers=voter(first["token"]))
    assert mine["ballots"] == [{"secretary": "s2", "score": 8, "problems": "调研不够", "suggestions": ""}]


async def test_the_result_command_says_nothing_while_that_secretary_is_still_being_scored(api, push):
    """结果 answered as soon as results were released, while that secretary's voting was still
    open: in 一述一评 the secretary could send 结果 after each tap and see what the last person gave."""
    m = await api.create_meeting(mode="batch")
    bind = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s1/bind")
    await scan(api, push, "oZhangSan", bind["scene"])
    await api.open(m["id"])
    await api.cast(m["id"], await api.join(m), "s1", 9)
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/release", json={"released": True})
    answer = await say(api, push, "oZhangSan", "结果")
    assert "测评尚未结束" in answer and "9" not in answer.split("：", 1)[1]
    await api.close(m["id"])
    assert "评议等次 好" in await say(api, push, "oZhangSan", "结果")


async def test_a_scan_of_an_unknown_or_malformed_scene_gets_help_not_silence(api, push):
    """A binding scene without its tag, a 5,000-character scene, a scan without a scene or a menu
    click got "success" (nothing shown); docs/wechat.md promises a short help, never silence."""
    m = await api.create_meeting()
    for scene in (f"b:{m['id']}:s1", "x" * 5000, "", f"m:{m['id']}:12:34", "ticket-of-another-campaign"):
        reply = await scan(api, push, "oStranger", scene)
        assert reply is not None and "二维码无效" in reply["Content"] and "测评" in reply["Content"], scene
    resp = await push.post(api.client, push.subscribe("oNewcomer", f"b:{m['id']}:s1", create_time=next(create_times)),
                           safe=True)
    welcome = push.open_reply(await resp.text(), safe=True)["Content"]
    assert "二维码无效" in welcome and "欢迎关注" in welcome
    resp = await push.post(api.client, push.click("oStranger", "V1001_TODAY"), safe=True)
    assert "帮助" in push.open_reply(await resp.text(), safe=True)["Content"]
    resp = await push.post(api.client, push.subscribe("oNewcomer2", create_time=next(create_times)), safe=True)
    assert "二维码无效" not in push.open_reply(await resp.text(), safe=True)["Content"]


async def test_organizer_commands_need_a_scanned_meeting_and_refuse_impossible_actions_at_once(api, push):
    """An organizer who had never scanned a meeting sent "开启 1" and it went to the newest meeting;
    and "开启 N" of a closed secretary asked for 确认 before refusing."""
    older = await api.create_meeting(mode="sequential")
    newest = await api.create_meeting(mode="sequential")
    invite = await api.admin("POST", "/api/admin/wechat/organizers")
    await scan(api, push, "oOrganizer", invite["scene"])
    assert "请先扫描" in await say(api, push, "oOrganizer", "开启 1")
    assert "没有待确认" in await say(api, push, "oOrganizer", "确认")
    for m in (older, newest):
        assert (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["state"]["open"] == []

    await scan(api, push, "oOrganizer", f"m:{older['id']}:{older['join_code']}")
    assert "尚未开启" in await say(api, push, "oOrganizer", "结束 1")
    assert "没有正在进行" in await say(api, push, "oOrganizer", "结束全部")
    assert "确认开启第 1 位 张三" in await say(api, push, "oOrganizer", "开启 1")
    assert "已开启 张三" in await say(api, push, "oOrganizer", "确认")
    assert "已在进行中" in await say(api, push, "oOrganizer", "开启 1")
    assert "请先结束「张三」" in await say(api, push, "oOrganizer", "开启 2")
    await say(api, push, "oOrganizer", "结束 1")
    assert "已结束" in await say(api, push, "oOrganizer", "确认")
    for command in ("开启 1", "结束 1"):
        answer = await say(api, push, "oOrganizer", command)
        assert "已结束" in answer and "确认" not in answer, answer
        assert "没有待确认" in await say(api, push, "oOrganizer", "确认")
    await say(api, push, "oOrganizer", "公布")
    await say(api, push, "oOrganizer", "确认")
    assert "无需重复公布" in await say(api, push, "oOrganizer", "公布")
    assert (await api.admin("GET", f"/api/admin/meetings/{newest['id']}"))["state"]["open"] == []


async def test_the_applicant_of_a_binding_is_told_when_the_organizer_confirms_or_rejects(
        api, push, wechat_standin):
    """A second account was told "确认后生效" and then nothing was sent when the organizer confirmed
    or rejected; and 结果 before release promised a notice ("公布后将通知您") that releasing never sends."""
    m = await api.create_meeting()
    s1 = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s1/bind")
    s2 = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s2/bind")
    await scan(api, push, "oZhangSan", s1["scene"])
    assert "通知您" in (await scan(api, push, "oZhangSanNewPhone", s1["scene"]))["Content"]
    await scan(api, push, "oLiSi", s2["scene"])
    await scan(api, push, "oNotLiSi", s2["scene"])
    pending = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/bindings"))["pending"]
    refs = {p["name"]: p["ref"] for p in pending}
    path = f"/api/admin/meetings/{m['id']}/bindings"
    await api.admin("POST", path, json={"ref": refs["张三"], "action": "confirm"})
    await api.admin("POST", path, json={"ref": refs["李四"], "action": "reject"})
    await api.admin("POST", path, 409, json={"ref": refs["李四"], "action": "reject"})    # a second click

    [confirmed] = await eventually(lambda: wechat_standin.delivered_to("oZhangSanNewPhone"))
    assert "已确认" in confirmed.text and "张三（第一党支部）" in confirmed.text and m["title"] in confirmed.text
    [rejected] = await eventually(lambda: wechat_standin.delivered_to("oNotLiSi"))
    assert "未同意" in rejected.text and "李四" in rejected.text
    outbox = await api.admin("GET", f"/api/admin/outbox?meeting={m['id']}")
    assert sorted((x["kind"], x["secretary"]) for x in outbox["messages"]) == [("confirmation", "s1"),
                                                                             ("confirmation", "s2")]
    assert wechat_standin.delivered_to("oZhangSan") == wechat_standin.delivered_to("oLiSi") == []

    answer = await say(api, push, "oZhangSanNewPhone", "结果")
    assert "尚未公布" in answer and "将通知您" not in answer and "再次发送“结果”" in answer


async def command(api, push, openid: str, text: str) -> dict:
    resp = await push.post(api.client, push.text(openid, text), safe=True)
    return push.open_reply(await resp.text(), safe=True)


def scanned_long_ago(redis_sync, openid: str, meeting: dict) -> None:
    """As if the account's last scan of the meeting had been made 11 minutes ago (outside the presence window)."""
    with redis_sync.pipeline() as writes:
        links.remember_scan(writes, openid, meeting["id"], meeting["join_code"], int(time.time()) - 660)
        writes.execute()


async def test_evaluate_after_an_unopened_scan_gives_a_card_that_admits_or_says_to_scan_again(
        api, push, phone, wechat_standin, site, redis_sync):
    """Someone scanned, did not open the card, then sent 测评: the card came without the scan's
    presence and the join page of the open meeting said the link had expired."""
    m = await api.create_meeting(mode="batch")
    await api.open(m["id"])
    wechat_standin.use_phone(PHONE)
    await scan(api, push, PHONE, f"m:{m['id']}:{m['join_code']}")          # the card is not opened
    card = (await command(api, push, PHONE, "测评"))["Articles"]["item"]
    async with phone.get(card["Url"]) as resp:
        page = await resp.text()
        assert resp.status == 200 and "请选择您的身份" in page and "过期" not in page
    async with phone.post(site.make_url(f"/wx/join/{m['id']}"),
                          data={"p": str(resp.url).split("p=")[1], "group": "党员代表"}) as resp:
        assert str(resp.url).endswith(f"/m/{m['id']}")

    scanned_long_ago(redis_sync, PHONE, m)                # joined before: 测评 needs no presence
    card = (await command(api, push, PHONE, "测评"))["Articles"]["item"]
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as browser:
        async with browser.get(card["Url"]) as resp:
            assert resp.status == 200 and str(resp.url).endswith(f"/m/{m['id']}")

    await scan(api, push, "oLate", f"m:{m['id']}:{m['join_code']}")
    scanned_long_ago(redis_sync, "oLate", m)              # never joined, the scan's presence is gone
    answer = (await command(api, push, "oLate", "测评"))["Content"]
    assert "重新扫描会场大屏上的二维码" in answer and m["title"] in answer


def decoded(ref: str) -> bytes:
    """Whatever base64 in a ref says (the old refs were base64url JSON, then "." and a signature)."""
    return b"".join(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)) for part in ref.split("."))


async def test_binding_refs_do_not_contain_the_openid_and_still_confirm_and_unbind(api, push):
    """The bindings and the organizers were shown masked, but the `ref` beside each was base64 JSON
    holding the full openid ({"p":"account","o":"oSEC1…"})."""
    openids = ["oSecretaryZhangSan000000001", "oSecretaryNewPhone000000002", "oTheOrganizer00000000000003"]
    m = await api.create_meeting()
    bind = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s1/bind")
    await scan(api, push, openids[0], bind["scene"])
    await scan(api, push, openids[1], bind["scene"])
    await scan(api, push, openids[2], (await api.admin("POST", "/api/admin/wechat/organizers"))["scene"])
    path = f"/api/admin/meetings/{m['id']}/bindings"
    state, account = await api.admin("GET", path), await api.admin("GET", "/api/admin/wechat")
    refs = ([a["ref"] for s in state["secretaries"] for a in s["accounts"]] + [p["ref"] for p in state["pending"]]
            + [o["ref"] for o in account["organizers"]])
    assert len(refs) == 3
    for ref in refs:
        assert not any(o in ref or o.encode() in decoded(ref) for o in openids), ref
    page = await (await api.client.get("/admin/wechat", headers=ADMIN)).text()
    assert "移除" in page and not any(o in page for o in openids)

    tampered = refs[1][:-2] + ("AA" if refs[1][-2:] != "AA" else "BB")
    assert "ref 无效" in (await api.admin("POST", path, 400, json={"ref": tampered, "action": "confirm"}))["error"]
    state = await api.admin("POST", path, json={"ref": state["pending"][0]["ref"], "action": "confirm"})
    assert state["secretaries"][0]["bound"] == 2 and state["pending"] == []
    state = await api.admin("POST", path, json={"ref": state["secretaries"][0]["accounts"][0]["ref"],
                                                "action": "unbind"})
    assert state["secretaries"][0]["bound"] == 1
    account = await api.admin("POST", "/api/admin/wechat", json={"remove_organizer": account["organizers"][0]["ref"]})
    assert account["organizers"] == []
