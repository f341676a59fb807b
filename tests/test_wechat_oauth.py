"""网页授权 and the link card: one person is one voter across the
official account and the mini-program, a forwarded card proves nobody's presence, a slow code exchange answers
at once and is never resent, and wrong credentials show in the log. Real wechatpy against the stand-in (which
follows the documentation: no unionid from snsapi_base), the service on a real port, real Redis."""
import logging
import time

import aiohttp
import pytest

from bot.appkeys import WECHAT_CONFIG

from .helpers import Api, voter_key
from .wechat_messages import PHONE, scan

pytestmark = pytest.mark.served

SOMEONE_ELSE = "oGroupChatMember0000000001"
UNION = "union-7"
TIMEOUT = 1.0          # the facade's request timeout in these tests (5 s in production)


def tuned(**changes):
    """`prepare` for start_site: the WeChat facade's tuning for this test."""
    def prepare(app):
        app[WECHAT_CONFIG] = app[WECHAT_CONFIG].with_(**changes)
    return prepare


async def wechat_site(start_site, env: dict):
    return await start_site(wechat=env, prepare=tuned(timeout=TIMEOUT, backoff=0.01))


@pytest.fixture
async def site(start_site, wechat_standin):
    """The service on a real port with the official account and the mini-program, pointed at the stand-in."""
    return await wechat_site(start_site, wechat_standin.env())


def browser():
    """Another phone's WeChat browser."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def open_meeting(api, **spec) -> dict:
    m = await api.create_meeting(mode="batch", **spec)
    await api.open(m["id"])
    return m


async def card_of(api, push, openid: str, m: dict) -> str:
    """The URL of the link card that a scan of the screen's current code brings `openid`."""
    reply = await scan(api, push, openid, f"m:{m['id']}:{m['join_code']}")
    return reply["Articles"]["item"]["Url"]


async def callback_url(session: aiohttp.ClientSession, card: str) -> str:
    """Tap the card and let WeChat's authorize page answer: the /wx/oauth URL it sends the browser to."""
    async with session.get(card, allow_redirects=False) as resp:          # /wx/enter sets the nonce cookie
        authorize = resp.headers["Location"]
    async with session.get(authorize, allow_redirects=False) as resp:
        return resp.headers["Location"]


def voter_cookie(session: aiohttp.ClientSession, site, mid: str) -> str | None:
    cookie = session.cookie_jar.filter_cookies(site.make_url("/")).get(f"vt_{mid}")
    return cookie.value if cookie else None


# --- 1. one person, one voter --------------------------------------------------------------------------------

async def test_official_account_then_mini_program_is_one_voter_though_snsapi_base_gives_no_unionid(
        api, push, phone, wechat_standin, site):
    """WeChat returns the unionid from sns/oauth2/access_token only for snsapi_userinfo, so our
    snsapi_base made the official-account side `oa:<openid>` while jscode2session made the mini-program side
    `u:<unionid>`: two voters for one person. The callback now asks user/info (UnionID机制) for it."""
    m = await open_meeting(api, voter_groups=[])
    wechat_standin.use_phone(PHONE, unionid=UNION)
    async with phone.get(await card_of(api, push, PHONE, m)) as resp:
        assert str(resp.url).endswith(f"/m/{m['id']}")
    assert wechat_standin.calls["user/info"] == 1
    first = voter_cookie(phone, site, m["id"])
    await api.cast(m["id"], first, "s1", 9)

    mini = await api.call("POST", f"/api/meetings/{m['id']}/join",
                          json={"wx_code": wechat_standin.mini_program_code("oMiniProgram0000000000007", UNION)})
    assert voter_key(mini["token"]) == voter_key(first)
    assert (await api.cast(m["id"], mini["token"], "s1", 7))["status"] == "revised"
    state = (await api.admin("GET", f"/api/admin/meetings/{m['id']}"))["state"]
    assert state["voted"] == 1 and state["votes"]["s1"] == 1


async def test_without_a_mini_program_the_callback_does_not_ask_for_the_unionid(
        aiohttp_client, push, wechat_standin, start_site):
    site = await wechat_site(start_site, wechat_standin.env(WECHAT_MP_APPID="", WECHAT_MP_SECRET=""))
    api = Api(await aiohttp_client(site))
    m = await open_meeting(api, voter_groups=[])
    wechat_standin.use_phone(PHONE, unionid=UNION)
    async with browser() as session:
        async with session.get(await card_of(api, push, PHONE, m)) as resp:
            assert str(resp.url).endswith(f"/m/{m['id']}")
    assert wechat_standin.calls["sns/oauth2/access_token"] == 1 and wechat_standin.calls["user/info"] == 0


async def test_user_info_unavailable_is_a_503_rather_than_a_second_voter(api, push, phone, wechat_standin, site):
    """Falling back to the openid would make the person `oa:<openid>` now and `u:<unionid>` the next time."""
    m = await open_meeting(api, voter_groups=[])
    wechat_standin.use_phone(PHONE, unionid=UNION)
    card = await card_of(api, push, PHONE, m)
    wechat_standin.fail("user/info", -1, -1, -1)                     # every try of the facade's three
    async with phone.get(card) as resp:
        assert resp.status == 503 and "请稍后返回微信重新打开" in await resp.text()
    assert "wxu" not in {c.key for c in phone.cookie_jar}
    async with phone.get(card) as resp:                              # the card again, WeChat is back
        assert str(resp.url).endswith(f"/m/{m['id']}")
    mini = await api.call("POST", f"/api/meetings/{m['id']}/join",
                          json={"wx_code": wechat_standin.mini_program_code("oMiniProgram0000000000007", UNION)})
    assert voter_key(mini["token"]) == voter_key(voter_cookie(phone, site, m["id"]))


# --- 2. a link card proves the presence of the one who scanned -------------------------------------------------

async def test_a_forwarded_link_card_does_not_let_someone_else_join(api, push, phone, wechat_standin, site):
    """The card's signed state proved that a scan happened, not who scanned; forwarded into a
    group chat, it let anyone join the open meeting for 10 minutes without the screen's rotating code."""
    m = await open_meeting(api)
    wechat_standin.use_phone(PHONE)
    card = await card_of(api, push, PHONE, m)
    wechat_standin.use_phone(SOMEONE_ELSE)
    async with browser() as other:
        async with other.get(card) as resp:
            assert resp.status == 403 and "请用您自己的微信扫描会场大屏上的二维码" in await resp.text()
            present = resp.url.query["p"]
        async with other.post(site.make_url(f"/wx/join/{m['id']}"), data={"p": present, "group": "党员代表"}) as resp:
            assert resp.status == 403 and "请用您自己的微信扫描" in await resp.text()
        assert voter_cookie(other, site, m["id"]) is None
    wechat_standin.use_phone(PHONE)
    async with phone.get(card) as resp:
        assert resp.status == 200 and "请选择您的身份" in await resp.text()
    async with phone.post(site.make_url(f"/wx/join/{m['id']}"), data={"p": present, "group": "党员代表"}) as resp:
        assert str(resp.url).endswith(f"/m/{m['id']}")
    assert voter_cookie(phone, site, m["id"])


# --- 3. a slow or repeated code exchange ---------------------------------------------------------------------

async def test_a_slow_code_exchange_answers_503_at_once_and_is_not_resent(api, push, phone, wechat_standin, site):
    """With WeChat 8 s slow, /wx/oauth showed a blank page for 17 s, then 503: the exchange was
    retried after its read timeout, though WeChat had probably taken the single-use code (a retry earns 40163)."""
    m = await open_meeting(api, voter_groups=[])
    wechat_standin.use_phone(PHONE)
    card = await card_of(api, push, PHONE, m)
    wechat_standin.delay("sns/oauth2/access_token", 3 * TIMEOUT)
    started = time.monotonic()
    async with phone.get(card) as resp:
        assert resp.status == 503 and "请稍后返回微信重新打开" in await resp.text()
    assert time.monotonic() - started < 3 * TIMEOUT            # before WeChat's answer, not after retries
    assert wechat_standin.calls["sns/oauth2/access_token"] == 1
    wechat_standin.delay("sns/oauth2/access_token", None)
    async with phone.get(card) as resp:                         # opened again: a new authorization
        assert str(resp.url).endswith(f"/m/{m['id']}")


async def test_a_reloaded_callback_goes_on_to_the_page_in_the_browser_that_signed_in(
        api, push, wechat_standin, site):
    """A callback whose code was already used answered 403 even in the browser that had just
    signed in with it (a reload, WeChat's browser opening it again). Only there: the browser's nonce must fit."""
    m = await open_meeting(api, voter_groups=[])
    wechat_standin.use_phone(PHONE)
    card = await card_of(api, push, PHONE, m)
    async with browser() as phone:
        callback = await callback_url(phone, card)
        for _ in range(2):                                      # the second time, WeChat answers 40163
            async with phone.get(callback) as resp:
                assert resp.status == 200 and str(resp.url).endswith(f"/m/{m['id']}")
    assert wechat_standin.calls["sns/oauth2/access_token"] == 2
    async with browser() as stranger:                           # the same URL elsewhere: the login-CSRF refusal
        async with stranger.get(callback) as resp:
            assert resp.status == 403 and "不能转发" in await resp.text()
    async with browser() as fresh:                              # its own nonce, but never signed in
        callback = await callback_url(fresh, card)
        wechat_standin.fail("sns/oauth2/access_token", 40163)
        async with fresh.get(callback) as resp:
            assert resp.status == 403 and "授权已使用或已过期" in await resp.text()
        assert "wxu" not in {c.key for c in fresh.cookie_jar}


# --- 4. wrong credentials ------------------------------------------------------------------------------------

def config_warnings(caplog, what: str) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.levelno == logging.WARNING and f"WeChat {what} refused our configuration" in r.getMessage()]


async def test_a_wrong_mini_program_secret_is_logged_once_a_minute(aiohttp_client, wechat_standin, start_site,
                                                                   caplog):
    """The mini-program login's 40125 from jscode2session (invalid appsecret) told the person "凭证无效" and
    logged nothing."""
    site = await wechat_site(start_site, wechat_standin.env(WECHAT_MP_SECRET="wrong-secret"))
    api = Api(await aiohttp_client(site))
    m = await open_meeting(api)
    codes = [wechat_standin.mini_program_code(f"oMini{i:021d}") for i in range(3)]
    for code in codes:
        answer = await api.call("POST", f"/api/meetings/{m['id']}/join", 503, json={"wx_code": code})
        assert "配置有误" in answer["error"]
    lines = config_warnings(caplog, "sns/jscode2session")
    assert len(lines) == 1 and "40125" in lines[0] and "WECHAT_MP_SECRET" in lines[0]
    assert not any(code in r.getMessage() or "oMini" in r.getMessage() for r in caplog.records for code in codes)


async def test_a_wrong_official_account_secret_is_logged_once_a_minute(aiohttp_client, push, wechat_standin,
                                                                       start_site, caplog):
    """The code exchange's 40125 answered "微信授权失败" and logged nothing."""
    site = await wechat_site(start_site, wechat_standin.env(WECHAT_SECRET="wrong-secret"))
    api = Api(await aiohttp_client(site))
    m = await open_meeting(api, voter_groups=[])
    wechat_standin.use_phone(PHONE)
    for _ in range(2):
        async with browser() as phone:
            async with phone.get(await card_of(api, push, PHONE, m)) as resp:
                assert resp.status == 503 and "配置有误" in await resp.text()
    lines = config_warnings(caplog, "sns/oauth2/access_token")
    assert len(lines) == 1 and "40125" in lines[0] and "WECHAT_SECRET" in lines[0]
    codes = [q["code"] for e, q in wechat_standin.requests if e == "sns/oauth2/access_token"]
    assert len(codes) == 2
    assert not any(c in r.getMessage() or PHONE in r.getMessage() for r in caplog.records for c in codes)
