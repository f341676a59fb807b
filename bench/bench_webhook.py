"""Benchmark (not a test): the official account's webhook under a scan storm (docs/design.md §5: reply p99 < 50 ms at
500 scans/s; WeChat's own deadline is 5 s).

    .venv/bin/python bench/bench_webhook.py [--rates 500,1000] [--seconds 20] [--pin]

Starts redis-server and `python -m voting serve` with an official account in safe (AES) mode, creates an open
meeting, then for each rate sends an open-loop stream of SCAN pushes for the meeting's QR (a new person each,
signed and encrypted beforehand exactly as WeChat sends them, so the generator's crypto is not measured)
with bench_ballots.OpenLoop: request k is due at start + k/rate whatever the earlier ones are doing, and its
latency counts from that due time. Every answer must be 200 and decrypt to a link card into the meeting.
"""
from __future__ import annotations

import argparse
import asyncio
import secrets
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import xmltodict
from wechatpy.crypto import WeChatCrypto

from baseline_app import Servers, pin_self
from bench_ballots import ADMIN_TOKEN, OpenLoop, admin_call

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.inbound.signing import sign  # noqa: E402
from bot.inbound.simulate import push_xml  # noqa: E402

TOKEN, APPID = "benchtoken", "wxbench000000001"
AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
ENV = {"WECHAT_TOKEN": TOKEN, "WECHAT_AES_KEY": AES_KEY, "WECHAT_APPID": APPID, "WECHAT_SECRET": "benchsecret",
       "WECHAT_API_BASE": "http://127.0.0.1:9", "WECHAT_OAUTH_BASE": "https://open.weixin.qq.com"}


def scan_requests(crypto: WeChatCrypto, scene: str, count: int, run: str) -> list[bytes]:
    """`count` SCAN pushes of different people, as raw HTTP requests to /wechat in safe mode."""
    out = []
    for i in range(count):
        timestamp, nonce = str(int(time.time())), secrets.token_hex(8)
        xml = push_xml(f"oBench{run}{i:07d}", "scan", scene)
        envelope = xmltodict.parse(crypto.encrypt_message(xml, nonce, timestamp))["xml"]
        body = f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{envelope['Encrypt']}]]>" \
               f"</Encrypt></xml>".encode()
        query = urlencode({"timestamp": timestamp, "nonce": nonce, "encrypt_type": "aes",
                           "msg_signature": envelope["MsgSignature"], "signature": sign(TOKEN, timestamp, nonce)})
        out.append(f"POST /wechat?{query} HTTP/1.1\r\nHost: bench\r\nContent-Type: text/xml\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return out


def check(crypto: WeChatCrypto, loop: OpenLoop, title: str) -> int:
    """How many answers are not a link card into the meeting (decrypting every one)."""
    bad = 0
    for status, body in zip(loop.status, loop.body):
        try:
            envelope = xmltodict.parse(body)["xml"]
            reply = xmltodict.parse(crypto.decrypt_message(body.decode(), envelope["MsgSignature"],
                                                           envelope["TimeStamp"], envelope["Nonce"]))["xml"]
            bad += status != 200 or title not in reply["Articles"]["item"]["Title"]
        except Exception:  # noqa: BLE001 - any undecodable answer is a failure of the run
            bad += 1
    return bad


async def run_rate(srv: Servers, crypto: WeChatCrypto, rate: int, seconds: float) -> dict:
    base = srv.url()
    m = admin_call(base, "POST", "/api/admin/meetings", {"title": f"扫码压力测试 {rate}/s", "mode": "batch",
                                                    "secretaries": [{"name": f"书记{i}"} for i in range(18)]})
    admin_call(base, "POST", f"/api/admin/meetings/{m['id']}/open")
    scene = f"m:{m['id']}:{m['join_code']}"
    requests = scan_requests(crypto, scene, int(rate * seconds), f"{rate}x")
    srv.wait_quiet()
    before = srv.cpu()
    started = time.monotonic()
    loop = OpenLoop("127.0.0.1", srv.ports["service"], requests, rate, keep_body=True)
    await loop.run(timeout=120)
    use = srv.usage(before, srv.cpu(), time.monotonic() - started)
    return dict(rate=rate, bad=check(crypto, loop, m["title"]), **loop.summary(),
                cpu_service=use["service"], cpu_redis=use["redis"])


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="500,1000")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--fsync", default="always")
    parser.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    if args.pin:
        pin_self([1])
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    failed = False
    with tempfile.TemporaryDirectory() as tmp, Servers(Path(tmp), args.fsync, ADMIN_TOKEN, pin=args.pin,
                                                       baseline=False, env=ENV) as srv:
        print(f"webhook scans, safe mode, appendfsync {args.fsync}, {args.seconds:g} s per rate "
              f"({time.strftime('%Y-%m-%d %H:%M')})")
        print(f"{'rate':>6} {'sent/s':>7} {'p50':>6} {'p90':>6} {'p99':>6} {'max':>7} {'bad':>4} {'conns':>5} "
              f"{'cpu svc':>7} {'cpu redis':>9}")
        for rate in (int(r) for r in args.rates.split(",")):
            r = await run_rate(srv, crypto, rate, args.seconds)
            failed |= bool(r["bad"] or r["errors"])
            print(f"{r['rate']:>6} {r['achieved_rate']:>7.0f} {r['p50']:>6.1f} {r['p90']:>6.1f} {r['p99']:>6.1f} "
                  f"{r['max']:>7.1f} {r['bad']:>4} {r['connections']:>5} {r['cpu_service']:>6.0f}% "
                  f"{r['cpu_redis']:>8.0f}%")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
