"""`python -m bot simulate`: an organizer rehearses the official account without a phone, against the running
service: through /wechat signed and encrypted like WeChat (with the account's token), or through the admin API
in console mode."""
import asyncio

from bot.inbound.simulate import main
from voting.app import create_app

from .helpers import ADMIN_TOKEN, Api


async def simulate(capsys, env, *argv) -> tuple[int, str]:
    code = await asyncio.to_thread(main, ["simulate", *argv], env)
    out = capsys.readouterr()
    return code, out.out + out.err


async def test_simulated_scan_and_commands_through_the_signed_webhook(aiohttp_server, aiohttp_client,
                                                                       wechat_settings, wechat_standin, capsys):
    server = await aiohttp_server(create_app(wechat_settings))
    api = Api(await aiohttp_client(server))
    m = await api.create_meeting()
    env = {**wechat_standin.env(), "PUBLIC_URL": str(server.make_url(""))}
    code, out = await simulate(capsys, env, "--openid", "o1", "scan", f"m:{m['id']}:{m['join_code']}")
    assert code == 0 and out.startswith(f"【图文】进入评议：{m['title']}") and "/wx/enter?s=j" in out    # then 网页授权
    code, out = await simulate(capsys, env, "--openid", "o1", "text", "帮助")
    assert code == 0 and "测评" in out
    code, out = await simulate(capsys, {**env, "WECHAT_TOKEN": "wrongtoken"}, "text", "帮助")
    assert code == 1 and "签名校验失败" in out


async def test_simulated_binding_in_console_mode_goes_through_the_admin_api(aiohttp_server, aiohttp_client,
                                                                            settings, capsys):
    server = await aiohttp_server(create_app(settings))
    api = Api(await aiohttp_client(server))
    m = await api.create_meeting()
    scene = (await api.admin("GET", f"/api/admin/meetings/{m['id']}/secretaries/s2/bind"))["scene"]
    env = {"ADMIN_TOKEN": ADMIN_TOKEN, "PUBLIC_URL": str(server.make_url(""))}
    code, out = await simulate(capsys, env, "--openid", "oLiSi", "subscribe", scene)
    assert code == 0 and "绑定成功" in out and "李四" in out
    code, out = await simulate(capsys, env, "--openid", "oLiSi", "scan", f"m:{m['id']}:{m['join_code']}")
    assert code == 0 and f"→ {m['join_url']}" in out                   # console mode: the H5 link
    code, out = await simulate(capsys, {**env, "ADMIN_TOKEN": "wrong"}, "text", "帮助")
    assert code == 1 and "管理员令牌错误" in out
