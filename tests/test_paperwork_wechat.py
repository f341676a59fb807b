"""The secretary's page reached from their bound WeChat: a phone that follows WeChat's
网页授权 redirects against the stand-in, with its own cookies; the account was bound by scanning the
secretary's binding QR (a signed, encrypted push to /wechat)."""
import itertools
import time

import aiohttp
import pytest

from .paperwork_support import PASSES

pytestmark = pytest.mark.served

ZHANG = "oZhangSan000000000000000001"
STRANGER = "oStranger000000000000000002"
_clock = itertools.count(int(time.time()) - 50)


@pytest.fixture
async def site(start_site, wechat_settings):
    """The service on a real port with the official account, PUBLIC_URL pointing at it: WeChat's redirects
    come back to it."""
    return await start_site(wechat=wechat_settings.wechat)


def phone_session():
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def bind(api, push, m, sid: str, openid: str) -> None:
    code = await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/{sid}/bind")
    resp = await push.post(api.client, push.scan(openid, code["scene"], create_time=next(_clock)), safe=True)
    assert "绑定成功" in push.open_reply(await resp.text(), safe=True)["Content"]


async def test_a_bound_secretary_opens_the_page_from_wechat_and_submits(api, push, site, wechat_standin):
    m = await api.create_meeting(preset="bjie-2023", secretaries=[{"name": "张三", "org": "第一党支部"},
                                                                  {"name": "李四", "org": "第二党支部"}])
    await bind(api, push, m, "s1", ZHANG)
    wechat_standin.use_phone(ZHANG)
    async with phone_session() as phone:
        async with phone.get(site.make_url(f"/paper/{m['id']}")) as resp:      # authorize → /wx/oauth → page
            html = await resp.text()
            assert resp.status == 200 and str(resp.url).endswith(f"/paper/{m['id']}/s1") and "张三" in html
            assert wechat_standin.calls["sns/oauth2/access_token"] == 1
        form = aiohttp.FormData({"text": PASSES, "action": "submit"})
        async with phone.post(site.make_url(f"/paper/{m['id']}/s1/report"), data=form) as resp:
            assert resp.status == 200 and "述职报告已提交" in await resp.text()
        async with phone.get(site.make_url(f"/paper/{m['id']}/s2")) as resp:
            assert resp.status == 403 and "仅限述职书记本人" in await resp.text()
        async with phone.post(site.make_url(f"/paper/{m['id']}/s2/report"), data={"text": "x"}) as resp:
            assert resp.status == 403
    row = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/paperwork"))["secretaries"][0]
    assert row["report"]["status"] == "submitted" and row["wechat_bound"] == 1

    await api.close(m["id"])
    await api.admin("POST", f"/api/admin/meetings/{m['id']}/paperwork/publish", json={"audience": "secretaries"})
    wechat_standin.use_phone(STRANGER)
    async with phone_session() as stranger:
        async with stranger.get(site.make_url(f"/paper/{m['id']}")) as resp:
            assert resp.status == 403 and "尚未绑定为本次会议的述职书记" in await resp.text()
        async with stranger.get(site.make_url(f"/reports/{m['id']}")) as resp:
            assert resp.status == 403 and "仅在本次会议的述职书记范围内公布" in await resp.text()
    wechat_standin.use_phone(ZHANG)
    async with phone_session() as phone:
        async with phone.get(site.make_url(f"/reports/{m['id']}")) as resp:
            assert resp.status == 200 and "带头落实“三会一课”制度" in await resp.text()


async def test_a_post_without_a_wechat_login_is_refused_not_redirected(api, site):
    m = await api.create_meeting()
    async with phone_session() as phone:
        async with phone.post(site.make_url(f"/paper/{m['id']}/s1/report"), data={"text": PASSES},
                              allow_redirects=False) as resp:
            assert resp.status == 403 and "返回微信重新打开" in await resp.text()
