"""Setting up a real 公众号 (what an operator following docs/wechat.md stumbled on): the 网页授权域名's verification
file, a 类目模板 with typed fields, credentials or an IP白名单 that WeChat refuses, and an EncodingAESKey copied
while the account is in 明文模式. Real wechatpy against the WeChat stand-in, real Redis."""
import logging

import pytest

from bot.outbox.queue import Outgoing
from bot.outbox.service import queue_messages
from voting.app import create_app

from .helpers import Api
from .outbox_support import eventually, make_app

VERIFY = "MP_verify_2DCaFsV02WRKsdf2.txt"


@pytest.fixture
async def api(aiohttp_client, wechat_settings):
    return Api(await aiohttp_client(make_app(wechat_settings)))


async def test_the_mp_verify_file_is_served_at_the_root_and_nothing_else_changes(aiohttp_client, settings):
    env = {"WECHAT_VERIFY_FILES": f"{VERIFY}, 6ynZPDvfTF.txt=8f3a21c9d0e4b7a6"}
    client = await aiohttp_client(create_app(settings.with_(wechat=env)))
    resp = await client.get(f"/{VERIFY}")
    assert resp.status == 200 and resp.content_type == "text/plain" and await resp.text() == "2DCaFsV02WRKsdf2"
    resp = await client.get("/6ynZPDvfTF.txt")
    assert await resp.text() == "8f3a21c9d0e4b7a6"
    assert (await client.get("/MP_verify_other.txt")).status == 404
    assert (await client.get("/")).status == 200


@pytest.mark.parametrize("value", ["MP_verify_x.html", "../etc/passwd.txt", "other.txt", "a.txt=has space",
                                   "MP_verify_.txt"])
def test_a_wrong_verify_file_setting_stops_the_service_naming_it(settings, value):
    with pytest.raises(ValueError, match="WECHAT_VERIFY_FILES"):
        create_app(settings.with_(wechat={"WECHAT_VERIFY_FILES": value}))


def secretary_note(text_len: int = 60) -> Outgoing:
    return Outgoing(key="fb:m1:s1:o-away", to="o-away", kind="feedback", text="您的评议结果……" * 10,
                    meeting="m1", meeting_title="2024年度村（社区）党组织书记抓基层党建述职评议会议",
                    secretary="s1", name="张三", topic="述职评议结果反馈", summary="评议等次：好，请查看详情" + "。" * text_len)


async def test_a_category_template_gets_its_own_field_names_and_values_of_20_characters(api, wechat_standin, aredis):
    wechat_standin.add_template("TPL-category", thing1="thing", thing2="thing", thing3="thing")
    await api.admin("POST", "/api/admin/wechat", json={
        "template_id": "TPL-category", "template_fields": {"topic": "thing1", "meeting": "thing2", "summary": "thing3"}})
    [(ident, _)] = await queue_messages(api.client.app, [secretary_note()])
    msg = await eventually(lambda: _final(api, ident))
    assert (msg["status"], msg["channel"]) == ("sent", "template"), msg
    [sent] = wechat_standin.delivered_to("o-away")
    data = {k: v["value"] for k, v in sent.body["data"].items()}
    assert set(data) == {"thing1", "thing2", "thing3"}
    assert all(len(v) <= 20 and "\n" not in v for v in data.values())
    assert data["thing1"] == "述职评议结果反馈" and data["thing2"].endswith("…")
    assert data["thing3"].startswith("张三：评议等次：好")


async def test_the_old_keyword_names_against_a_category_template_fail_saying_what_to_check(api, wechat_standin):
    wechat_standin.add_template("TPL-category", thing1="thing", thing2="thing", thing3="thing")
    await api.admin("POST", "/api/admin/wechat", json={"template_id": "TPL-category"})
    [(ident, _)] = await queue_messages(api.client.app, [secretary_note()])
    msg = await eventually(lambda: _final(api, ident))
    assert msg["status"] == "failed" and "47003" in msg["error"] and "字段名" in msg["error"]


async def _final(api, ident):
    from bot.appkeys import OUTBOX
    msg = await api.client.app[OUTBOX].get(ident)
    return msg if msg["status"] in ("sent", "failed", "skipped", "uncertain") else None


@pytest.mark.parametrize("fields", [
    {"topic": "thing1", "meeting": "thing2"}, {"topic": "thing1", "meeting": "thing1", "summary": "thing3"},
    {"topic": "thing1", "meeting": "thing 2", "summary": "thing3"}, {"topic": "1thing", "meeting": "a", "summary": "b"},
    {"topic": "t" * 33, "meeting": "a", "summary": "b"}, {"topic": 1, "meeting": "a", "summary": "b"}, ["thing1"],
    {"topic": "thing1.DATA", "meeting": "a", "summary": "b"}])
async def test_template_field_names_are_checked_and_nothing_stored_changes(api, fields):
    before = await api.admin("GET", "/api/admin/wechat")
    body = await api.admin("POST", "/api/admin/wechat", 400, json={"template_id": "TPL-x", "template_fields": fields})
    assert "字段名" in body["error"] or "template_fields" in body["error"]
    after = await api.admin("GET", "/api/admin/wechat")
    assert (after["template_fields"], after["template_id"]) == (before["template_fields"], before["template_id"]) \
        == ({"topic": "keyword1", "meeting": "keyword2", "summary": "keyword3"}, "")


async def test_ip_not_whitelisted_is_shown_with_the_ip_and_the_qr_says_why_it_is_a_link(api, wechat_standin):
    wechat_standin.fail_always("token", 40164)
    state = await api.admin("GET", "/api/admin/wechat")
    assert state["credentials"]["state"] == "error" and state["credentials"]["code"] == 40164
    assert "IP白名单" in state["credentials"]["message"] and "127.0.0.1" in state["credentials"]["message"]
    m = await api.create_meeting()
    await api.open(m["id"])
    qr = await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr")
    assert qr["kind"] == "h5" and "IP白名单" in qr["reason"] and qr["url"].startswith("http")
    bind = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s1/bind")
    assert bind["kind"] == "h5" and "IP白名单" in bind["reason"]


@pytest.mark.parametrize("code, what", [(40125, "AppSecret"), (40013, "AppID")])
async def test_wrong_credentials_are_shown_naming_what_to_check(api, wechat_standin, code, what):
    wechat_standin.fail_always("token", code)
    state = await api.admin("GET", "/api/admin/wechat")
    assert state["credentials"]["code"] == code and what in state["credentials"]["message"]
    assert "WECHAT_APPID" in state["credentials"]["message"]


async def test_the_credentials_check_asks_wechat_at_most_once_a_minute(api, wechat_standin):
    wechat_standin.fail_always("token", 40164)
    for _ in range(3):
        assert (await api.admin("GET", "/api/admin/wechat"))["credentials"]["state"] == "error"
    assert wechat_standin.calls["token"] == 1


async def test_accepted_credentials_say_so_and_a_working_qr_has_no_reason(api, wechat_standin):
    assert (await api.admin("GET", "/api/admin/wechat"))["credentials"]["state"] == "ok"
    m = await api.create_meeting()
    await api.open(m["id"])
    qr = await api.admin("GET", f"/api/admin/meetings/{m['id']}/qr")
    assert qr["kind"] == "wechat" and "reason" not in qr


async def test_a_signed_plaintext_push_in_safe_mode_tells_the_operator_to_unset_the_aes_key(api, push, caplog):
    unsigned = await api.client.post("/wechat", params={"signature": "0" * 40, "timestamp": push.signed("x")[0][
        "timestamp"], "nonce": "1"}, data=push.text("o-1", "你好"))
    assert unsigned.status == 403
    assert (await api.admin("GET", "/api/admin/wechat"))["plaintext_refused_at"] is None   # anyone can send that
    caplog.set_level(logging.WARNING)
    resp = await push.post(api.client, push.text("o-1", "你好"))
    assert resp.status == 403 and "安全模式" in (await resp.json())["error"]
    assert any("unset WECHAT_AES_KEY" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records)
    assert (await api.admin("GET", "/api/admin/wechat"))["plaintext_refused_at"] is not None
