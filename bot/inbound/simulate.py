"""`python -m bot simulate`: rehearse the official account without a phone.

    python -m bot simulate --openid o1 scan m:<meeting>:<code>
    python -m bot simulate --openid o1 text 帮助
    python -m bot simulate --openid o1 subscribe b:<meeting>:<secretary>:<sig>

Against a running service (`--url`, default PUBLIC_URL or http://127.0.0.1:8080). With the account's
WECHAT_TOKEN (and WECHAT_AES_KEY, WECHAT_APPID for safe mode) in the environment, the push goes to /wechat
signed and encrypted exactly as WeChat sends it; without them (console mode) it goes to the organizer's
`POST /api/admin/wechat/simulate` with ADMIN_TOKEN (environment, or DATA_DIR/admin_token). The reply is
printed as WeChat shows it. Exit 0 on a reply, 1 when the service refused, 2 for bad arguments.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from wechatpy.crypto import WeChatCrypto

from .messages import cdata
from .signing import sign

ACCOUNT = "gh_simulator"


def push_xml(openid: str, action: str, value: str) -> str:
    """The XML WeChat's servers post for a scan (SCAN), a subscribe (through a QR when value is a scene), or a
    text message."""
    now = int(time.time())
    fields = {"ToUserName": ACCOUNT, "FromUserName": openid, "CreateTime": now}
    if action == "text":
        fields.update(MsgType="text", Content=value, MsgId=now * 1000 + secrets.randbelow(1000))
    elif action == "scan":
        fields.update(MsgType="event", Event="SCAN", EventKey=value, Ticket="simulated")
    else:
        fields.update(MsgType="event", Event="subscribe", EventKey=f"qrscene_{value}" if value else "")
    inner = "".join(f"<{k}>{v if isinstance(v, int) else cdata(v)}</{k}>" for k, v in fields.items())
    return f"<xml>{inner}</xml>"


def show(reply: dict | None) -> str:
    """A reply as the person's chat shows it."""
    if not reply:
        return "（公众号没有回复）"
    if reply.get("MsgType") == "news" or reply.get("type") == "news":
        item = reply.get("Articles", {}).get("item", reply)
        title, description, url = (item.get(k) or item.get(k.lower(), "") for k in ("Title", "Description", "Url"))
        return f"【图文】{title}\n{description}\n→ {url}"
    return reply.get("Content") or reply.get("content", "")


def _http(url: str, data: bytes, headers: dict) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=data, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def via_webhook(base: str, env: dict, xml: str) -> dict | None:
    import xmltodict
    token, aes_key, appid = env["WECHAT_TOKEN"], env.get("WECHAT_AES_KEY", ""), env.get("WECHAT_APPID", "")
    timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
    params = {"timestamp": timestamp, "nonce": nonce, "signature": sign(token, timestamp, nonce),
              "openid": "simulated"}
    crypto = WeChatCrypto(token, aes_key, appid) if aes_key else None
    if crypto:
        envelope = xmltodict.parse(crypto.encrypt_message(xml, nonce, timestamp))["xml"]
        params.update(encrypt_type="aes", msg_signature=envelope["MsgSignature"])
        xml = f"<xml><ToUserName>{cdata(ACCOUNT)}</ToUserName><Encrypt>{cdata(envelope['Encrypt'])}</Encrypt></xml>"
    status, body = _http(f"{base}/wechat?{urllib.parse.urlencode(params)}", xml.encode(),
                         {"Content-Type": "text/xml"})
    text = body.decode("utf-8", "replace")
    if status != 200:
        raise SystemExit(f"服务拒绝了模拟消息（HTTP {status}）：{_error(text)}")
    if text in ("success", ""):
        return None
    if crypto:
        envelope = xmltodict.parse(text)["xml"]
        text = crypto.decrypt_message(text, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
    return xmltodict.parse(text)["xml"]


def via_admin(base: str, admin_token: str, openid: str, action: str, value: str) -> dict | None:
    status, body = _http(f"{base}/api/admin/wechat/simulate",
                         json.dumps({"openid": openid, "event": action, "value": value}).encode(),
                         {"Content-Type": "application/json", "Authorization": f"Bearer {admin_token}"})
    if status != 200:
        raise SystemExit(f"服务拒绝了模拟消息（HTTP {status}）：{_error(body.decode('utf-8', 'replace'))}")
    return json.loads(body)["reply"]


def _error(text: str) -> str:
    try:
        return json.loads(text)["error"]
    except (ValueError, KeyError, TypeError):
        return text[:200]


def _admin_token(env: dict) -> str:
    if env.get("ADMIN_TOKEN"):
        return env["ADMIN_TOKEN"]
    path = Path(env.get("DATA_DIR") or "data") / "admin_token"
    if path.exists():
        return path.read_text().strip()
    raise SystemExit("需要管理员令牌：请设置 ADMIN_TOKEN，或在服务的目录下运行（读取 data/admin_token）")


def main(argv: list[str] | None = None, env: dict | None = None) -> int:
    env = dict(os.environ if env is None else env)
    parser = argparse.ArgumentParser(prog="python -m bot", description="公众号模拟器：不用手机演练扫码和指令")
    sub = parser.add_subparsers(dest="command", required=True)
    sim = sub.add_parser("simulate", help="模拟一个微信用户向公众号扫码或发消息")
    sim.add_argument("--openid", default="o-simulator", help="模拟的微信用户（openid）")
    sim.add_argument("--url", default=env.get("PUBLIC_URL") or "http://127.0.0.1:8080", help="服务地址")
    sim.add_argument("--admin", action="store_true", help="经管理接口模拟（不经 /wechat 签名）")
    sim.add_argument("action", choices=["scan", "subscribe", "text"], help="scan 场景 | subscribe [场景] | text 内容")
    sim.add_argument("value", nargs="*", help="二维码场景（如 m:会议编号:加入码）或文字")
    args = parser.parse_args(argv)
    value = " ".join(args.value)
    if args.action in ("scan", "text") and not value:
        parser.error(f"{args.action} 需要{'二维码场景' if args.action == 'scan' else '文字内容'}")
    base = args.url.rstrip("/")
    try:
        if env.get("WECHAT_TOKEN") and not args.admin:
            reply = via_webhook(base, env, push_xml(args.openid, args.action, value))
        else:
            reply = via_admin(base, _admin_token(env), args.openid, args.action, value)
    except urllib.error.URLError as e:
        print(f"无法连接服务 {base}：{e.reason}", file=sys.stderr)
        return 1
    except SystemExit as e:
        print(e.code, file=sys.stderr)
        return 1
    print(show(reply))
    return 0
