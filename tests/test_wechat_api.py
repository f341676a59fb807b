"""The WeChat API facade (bot/wechat_api/client.py): real wechatpy against the tests' WeChat stand-in, real Redis."""
import asyncio
import time
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from bot.appkeys import WECHAT_API
from bot.wechat_api.client import WeChatApi
from bot.config import WeChatConfig
from bot.wechat_api.errors import Category, NotConfigured, WeChatError
from bot.inbound.messages import Article
from voting.app import create_app

from .helpers import free_port


@pytest.fixture
def config(wechat_standin) -> WeChatConfig:
    return WeChatConfig.from_env(wechat_standin.env(), timeout=0.5, attempts=3, backoff=0.05, token_wait=5)


@pytest.fixture
async def api(config, aredis):
    facade = WeChatApi(config, aredis)
    yield facade
    await facade.aclose()


async def test_two_processes_share_one_token_fetched_once(config, aredis, wechat_standin):
    """Two facades on one Redis stand for two service processes: their concurrent first calls make one
    /cgi-bin/token call, and later calls reuse the token."""
    first, second = WeChatApi(config, aredis), WeChatApi(config, aredis)
    try:
        qrs = await asyncio.gather(*(api.create_qr(f"m:{i}", 600) for i in range(6) for api in (first, second)))
        await second.send_text("o-secretary-1", "你好")
    finally:
        await first.aclose()
        await second.aclose()
    assert wechat_standin.calls["token"] == 1
    assert wechat_standin.calls["qrcode/create"] == 12 and len({q.url for q in qrs}) == 12


async def test_rejected_token_is_refreshed_once_and_the_call_retried_once(api, wechat_standin):
    wechat_standin.fail("qrcode/create", 40001)
    qr = await api.create_qr("m:abc", 600)
    assert wechat_standin.qrcodes[qr.url]["scene"] == "m:abc"
    assert wechat_standin.calls["token"] == 2 and wechat_standin.calls["qrcode/create"] == 2


async def test_expired_token_is_refreshed(api, wechat_standin):
    await api.send_text("o-1", "第一条")
    wechat_standin.expire_token()
    await api.send_text("o-1", "第二条")
    assert [d.text for d in wechat_standin.delivered_to("o-1")] == ["第一条", "第二条"]
    assert wechat_standin.calls["token"] == 2 and wechat_standin.calls["message/custom/send"] == 3


async def test_persistent_40001_ends_in_a_typed_error_not_recursion(api, wechat_standin):
    wechat_standin.fail_always("message/custom/send", 40001)
    with pytest.raises(WeChatError) as e:
        await api.send_text("o-1", "你好")
    assert (e.value.code, e.value.category) == (40001, Category.TOKEN)
    assert wechat_standin.calls["message/custom/send"] == 2 and wechat_standin.calls["token"] == 2
    assert wechat_standin.delivered == []


async def test_system_busy_is_retried_with_backoff(api, wechat_standin):
    wechat_standin.fail("message/custom/send", -1, -1)
    started = time.monotonic()
    await api.send_news("o-1", Article("测评结果", "点击查看", "http://voting.test/f/1"))
    assert time.monotonic() - started >= 0.05 + 0.1      # backoff 0.05 s, then doubled
    assert wechat_standin.calls["message/custom/send"] == 3
    [news] = wechat_standin.delivered_to("o-1")
    assert news.kind == "news" and news.body["news"]["articles"][0]["url"] == "http://voting.test/f/1"


async def test_system_busy_every_time_gives_up_after_the_attempts(api, wechat_standin):
    wechat_standin.fail_always("qrcode/create", -1)
    with pytest.raises(WeChatError) as e:
        await api.create_qr("m:abc", 600)
    assert (e.value.code, e.value.category) == (-1, Category.RETRY)
    assert wechat_standin.calls["qrcode/create"] == 3


async def test_unreachable_wechat_is_retried_then_a_typed_error(config, aredis):
    down = WeChatApi(config.with_(api_base=f"http://127.0.0.1:{free_port()}"), aredis)
    try:
        with pytest.raises(WeChatError) as e:
            await down.create_qr("m:abc", 600)
    finally:
        await down.aclose()
    assert e.value.category is Category.RETRY and e.value.code is None and not e.value.uncertain


async def test_answer_slower_than_the_timeout_is_retried_then_a_typed_error(api, wechat_standin):
    wechat_standin.delay("qrcode/create", 1.0)                # the facade's timeout is 0.5 s
    started = time.monotonic()
    with pytest.raises(WeChatError) as e:
        await api.create_qr("m:abc", 600)
    assert e.value.category is Category.RETRY and e.value.uncertain
    assert wechat_standin.calls["qrcode/create"] == 3
    assert time.monotonic() - started < 3 * 2.0


async def test_send_that_may_have_arrived_is_not_sent_again(api, wechat_standin):
    """A read timeout on a send: WeChat may have delivered it, so the facade does not repeat it."""
    wechat_standin.delay("message/custom/send", 1.0)
    with pytest.raises(WeChatError) as e:
        await api.send_text("o-1", "你好")
    assert e.value.uncertain and e.value.category is Category.RETRY
    assert wechat_standin.calls["message/custom/send"] == 1


@pytest.mark.parametrize("code, category", [(45015, Category.FALLBACK), (45047, Category.FALLBACK),
                                            (43004, Category.SKIPPED), (43101, Category.SKIPPED),
                                            (45009, Category.QUOTA), (40003, Category.OTHER)])
async def test_send_errors_are_typed_for_the_outbox(api, wechat_standin, code, category):
    wechat_standin.fail("message/custom/send", code)
    with pytest.raises(WeChatError) as e:
        await api.send_text("o-1", "你好")
    assert (e.value.code, e.value.category) == (code, category)
    assert wechat_standin.calls["message/custom/send"] == 1


async def test_template_message(api, wechat_standin):
    msgid = await api.send_template("o-1", "TPL-feedback", {"grade": "好", "mean": "9.1"}, url="http://v.test/f")
    assert msgid == 1
    [sent] = wechat_standin.delivered_to("o-1")
    assert (sent.kind, sent.text, sent.body["url"]) == ("template", "好 | 9.1", "http://v.test/f")
    with pytest.raises(WeChatError) as e:
        await api.send_template("o-1", "TPL-unknown", {"grade": "好"})
    assert (e.value.code, e.value.category) == (40037, Category.OTHER)


async def test_temporary_qr_with_a_string_scene(api, wechat_standin):
    before = int(time.time())
    qr = await api.create_qr("m:abcdef:123456", 1800)
    assert qr.url.startswith("http://weixin.qq.com/q/") and qr.ticket and qr.scene == "m:abcdef:123456"
    assert before + 1800 <= qr.expires_at <= int(time.time()) + 1800
    assert wechat_standin.qrcodes[qr.url]["scene"] == "m:abcdef:123456"
    with pytest.raises(ValueError):
        await api.create_qr("m:" + "x" * 63, 1800)       # scene_str is at most 64 characters
    with pytest.raises(ValueError):
        await api.create_qr("m:abc", 2592001)            # a temporary QR lives at most 30 days


async def test_oauth_base_gives_the_phones_openid_once_per_code(api, wechat_standin):
    url = api.oauth_url("http://voting.test/m/abc?x=1", state="abc123")
    assert url.endswith("&response_type=code&scope=snsapi_base&state=abc123#wechat_redirect")
    wechat_standin.use_phone("o-phone-42", unionid="u-42")
    async with aiohttp.ClientSession() as session:
        async with session.get(url.partition("#")[0], allow_redirects=False) as resp:
            assert resp.status == 302
            location = urlsplit(resp.headers["Location"])
    query = parse_qs(location.query)
    assert location.path == "/m/abc" and query["x"] == ["1"] and query["state"] == ["abc123"]
    user = await api.oauth_user(query["code"][0])
    assert (user.openid, user.unionid) == ("o-phone-42", None)       # unionid: only for snsapi_userinfo
    for code, errcode in ((query["code"][0], 40163), ("not-a-code", 40029)):
        with pytest.raises(WeChatError) as e:
            await api.oauth_user(code)
        assert (e.value.code, e.value.category) == (errcode, Category.OTHER)
    assert wechat_standin.calls["token"] == 0


async def test_user_info_gives_a_followers_unionid_and_nothing_for_a_non_follower(api, wechat_standin):
    """获取用户基本信息 (UnionID机制): what the OAuth callback asks when snsapi_base gave no unionid."""
    wechat_standin.use_phone("o-phone-42", unionid="u-42")
    wechat_standin.use_phone("o-phone-43")                    # an account bound to no open platform
    assert await api.unionid_of("o-phone-42") == "u-42"
    assert await api.unionid_of("o-phone-43") is None
    wechat_standin.unfollow("o-phone-42")
    assert await api.unionid_of("o-phone-42") is None        # subscribe 0: WeChat says nothing else
    assert [q["openid"] for e, q in wechat_standin.requests if e == "user/info"] == ["o-phone-42", "o-phone-43",
                                                                                    "o-phone-42"]


async def test_mini_program_login_fetches_no_access_token(api, wechat_standin):
    user = await api.mini_program_user(wechat_standin.mini_program_code("o-mini-1", unionid="u-1"))
    assert (user.openid, user.unionid) == ("o-mini-1", "u-1")
    user = await api.mini_program_user(wechat_standin.mini_program_code("o-mini-2"))
    assert (user.openid, user.unionid) == ("o-mini-2", None)
    assert wechat_standin.calls["token"] == 0
    assert all("access_token" not in query for _, query in wechat_standin.requests)
    with pytest.raises(WeChatError) as e:
        await api.mini_program_user("")
    assert e.value.code == 40029


async def test_wrong_secret_fails_once_for_all_waiting_callers(config, aredis, wechat_standin):
    """A refused token fetch is shared with the processes waiting for it: WeChat allows 2,000 fetches a day."""
    wrong = WeChatApi(config.with_(secret="wrong"), aredis)
    try:
        results = await asyncio.gather(*(wrong.send_text("o-1", "你好") for _ in range(5)), return_exceptions=True)
    finally:
        await wrong.aclose()
    assert all(isinstance(r, WeChatError) and r.code == 40125 and r.category is Category.OTHER for r in results)
    assert wechat_standin.calls["token"] == 1


async def test_console_mode_sends_nothing(aredis):
    console = WeChatApi(WeChatConfig.from_env({"WECHAT_TOKEN": "abc123"}), aredis)
    assert console.console
    with pytest.raises(NotConfigured):
        await console.send_text("o-1", "你好")
    with pytest.raises(NotConfigured):
        console.oauth_url("http://voting.test/m/1")
    with pytest.raises(NotConfigured):
        await console.mini_program_user("code")
    await console.aclose()


async def test_the_app_holds_a_facade_pointed_at_the_configured_base(aiohttp_client, wechat_settings,
                                                                    wechat_standin):
    client = await aiohttp_client(create_app(wechat_settings))
    qr = await client.app[WECHAT_API].create_qr("m:app", 600)
    assert wechat_standin.qrcodes[qr.url]["scene"] == "m:app"


@pytest.mark.parametrize("env, message", [
    ({"WECHAT_APPID": "wx1"}, "go together"),
    ({"WECHAT_TOKEN": "abc", "WECHAT_AES_KEY": "short", "WECHAT_APPID": "wx1", "WECHAT_SECRET": "s"}, "43"),
    ({"WECHAT_TOKEN": "abc", "WECHAT_AES_KEY": "a" * 43}, "WECHAT_APPID"),
    ({"WECHAT_API_BASE": "api.weixin.qq.com"}, "http"),
    ({"WECHAT_TOKEN": "含中文"}, "letters or digits"),
])
def test_wrong_wechat_settings_are_named_at_startup(settings, env, message):
    with pytest.raises(ValueError, match=message):
        create_app(settings.with_(wechat=env))
