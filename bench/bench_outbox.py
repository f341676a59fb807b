"""Benchmark (not a test): 1,000 queued feedback messages drained at the configured rate, none lost or sent
twice across a restart of the service (docs/design.md §5).

    .venv/bin/python bench/bench_outbox.py [--rates 10,50] [--restarts term,kill] [--messages 1000]

Per run it starts its own redis-server (voting.store.embedded_redis, AOF `always`, as the service's default), the
tests' WeChat stand-in in this process (tests/wechat_standin.py: the real wechatpy client talks HTTP to it)
and the service (`python -m voting serve --redis URL`, WECHAT_* pointed at the stand-in, OUTBOX_RATE=rate).
It creates meetings of 500 secretaries, one ballot each, binds one WeChat account per secretary (half inside
the 48-hour window, so customer-service texts and template messages mix; a template id is configured), closes
the windows and asks `POST /api/admin/meetings/{id}/feedback`: one outbox message per secretary. When 40 % of
the messages have reached the stand-in, the service is stopped (`term`: SIGTERM, a clean stop; `kill`:
kill -9) and started again at once. The run ends when no message is queued.

Reported: drain rate before and after the restart (messages accepted by the stand-in per second, first to
last), the most messages accepted in any one-second window, the restart gap, and the check: messages
delivered once, delivered twice (must be 0), never delivered (must be 0, except `uncertain` ones, which the
organizer sees), and the final statuses.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import aiohttp
import redis.asyncio as aioredis
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench_ballots import ADMIN, ADMIN_TOKEN  # noqa: E402
from bot.identity import account, bindings  # noqa: E402
from bot.inbound import activity  # noqa: E402
from tests.wechat_standin import WeChatStandIn  # noqa: E402
from voting.store.embedded_redis import EmbeddedRedis, _free_port  # noqa: E402

PER_MEETING = 500


async def call(http: aiohttp.ClientSession, method: str, url: str, **kw) -> dict:
    """Not bench_ballots.admin_call: that one blocks the event loop, which here also runs WeChat's stand-in."""
    async with http.request(method, url, headers=kw.pop("headers", ADMIN), **kw) as r:
        body = await r.json()
        assert r.status < 300, (url, r.status, body)
        return body


class Service:
    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log, self.proc = env, port, log, None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> float:
        started = time.monotonic()
        self.proc = subprocess.Popen([sys.executable, "-m", "voting", "serve", "--host", "127.0.0.1", "--port",
                                      str(self.port)], env=self.env, cwd=ROOT, stdout=open(self.log, "ab"),
                                     stderr=subprocess.STDOUT)
        async with aiohttp.ClientSession() as http:
            while True:
                try:
                    async with http.get(f"{self.url}/healthz") as r:
                        if r.status == 200:
                            return time.monotonic() - started
                except aiohttp.ClientError:
                    pass
                if self.proc.poll() is not None:
                    raise SystemExit(f"service exited: see {self.log}")
                await asyncio.sleep(0.05)

    async def stop(self, sig=signal.SIGTERM) -> None:
        """Waits in a thread: the stand-in shares this event loop and must go on answering the sends that
        the stopping service finishes (a blocked loop would turn them into read timeouts, i.e. `uncertain`)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            await asyncio.to_thread(self.proc.wait, 30)


async def prepare(http, base: str, redis, meetings: int) -> list[str]:
    """Meetings of PER_MEETING secretaries, one ballot each, one bound account each, windows closed."""
    mids = []
    for n in range(meetings):
        m = await call(http, "POST", f"{base}/api/admin/meetings", json={
            "title": f"压力测试会议{n + 1}", "mode": "batch",
            "secretaries": [{"name": f"书记{i}"} for i in range(PER_MEETING)]})
        await call(http, "POST", f"{base}/api/admin/meetings/{m['id']}/open")
        token = (await call(http, "POST", f"{base}/api/meetings/{m['id']}/join", json={"code": m["join_code"]},
                            headers={}))["token"]
        for i in range(1, PER_MEETING + 1):
            await call(http, "POST", f"{base}/api/meetings/{m['id']}/ballots", headers={
                "Authorization": f"Bearer {token}"}, json={"ballot_id": f"bench-{n}-{i:04d}", "secretary": f"s{i}",
                                                           "score": 6 + i % 5})
            openid = f"o-bench-{n}-{i}"
            await bindings.bind(redis, m["id"], f"s{i}", openid, force=True)
            if i % 2:                               # inside the 48-hour window
                async with redis.pipeline(transaction=False) as writes:
                    activity.touch(writes, openid)
                    await writes.execute()
        await call(http, "POST", f"{base}/api/admin/meetings/{m['id']}/close")
        mids.append(m["id"])
    await account.set_template_id(redis, "TPL-feedback")
    return mids


async def statuses(http, base: str) -> Counter:
    body = await call(http, "GET", f"{base}/api/admin/outbox?limit=2000")
    return Counter(m["status"] for m in body["messages"])


async def run(rate: float, restart: str, messages: int, keep_log: str = "") -> dict:
    meetings = messages // PER_MEETING
    standin = WeChatStandIn()
    runner = web.AppRunner(standin.app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    standin.base_url = f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}"
    with tempfile.TemporaryDirectory(prefix="bench-outbox-") as tmp, \
            EmbeddedRedis(Path(tmp) / "redis", appendfsync="always") as server:
        redis = aioredis.Redis.from_url(server.url, decode_responses=True)
        env = {**os.environ, "ADMIN_TOKEN": ADMIN_TOKEN, "DATA_DIR": str(Path(tmp) / "data"),
               "REDIS_URL": server.url, "OUTBOX_RATE": str(rate), **standin.env()}
        service = Service(env, _free_port(), Path(tmp) / "service.log")
        await service.start()
        async with aiohttp.ClientSession() as http:
            mids = await prepare(http, service.url, redis, meetings)
            enqueue_started = time.monotonic()
            queued = sum([(await call(http, "POST", f"{service.url}/api/admin/meetings/{mid}/feedback"))["queued"]
                          for mid in mids])
            enqueue_s = time.monotonic() - enqueue_started
            samples, restarted, gap = [], None, 0.0
            t0 = time.monotonic()
            while True:
                now = time.monotonic()
                samples.append((now - t0, len(standin.delivered)))
                if restarted is None and len(standin.delivered) >= 0.4 * queued:
                    restarted = now - t0
                    await service.stop(signal.SIGTERM if restart == "term" else signal.SIGKILL)
                    gap = await service.start()
                if len(standin.delivered) >= queued or (restarted and now - t0 > restarted + 20):
                    counts = await statuses(http, service.url)
                    if not counts["queued"]:
                        break
                await asyncio.sleep(0.05)
            counts = await statuses(http, service.url)
        await service.stop()
        await redis.aclose()
        log_text = service.log.read_text(errors="replace")
        if keep_log:
            Path(keep_log).write_text(log_text)
    await runner.cleanup()
    per_openid = Counter(d.to for d in standin.delivered)
    expected = {f"o-bench-{n}-{i}" for n in range(meetings) for i in range(1, PER_MEETING + 1)}
    before = [(t, c) for t, c in samples if t <= restarted]
    after = [(t, c) for t, c in samples if t > restarted + gap]
    return {
        "rate": rate, "restart": restart, "queued": queued, "enqueue_s": enqueue_s,
        "rate_before": _rate(before), "rate_after": _rate(after), "max_1s": _max_window(samples, 1.0),
        "restart_at_s": restarted, "restart_gap_s": gap, "drain_s": samples[-1][0],
        "delivered": len(standin.delivered), "once": sum(1 for n in per_openid.values() if n == 1),
        "twice": sum(1 for n in per_openid.values() if n > 1), "never": len(expected - set(per_openid)),
        "statuses": dict(counts), "channels": dict(Counter(d.kind for d in standin.delivered)),
        "log_errors": sum(1 for line in log_text.splitlines() if " ERROR " in line or "Traceback" in line)}


def _rate(samples) -> float:
    """Messages per second from the first to the last delivery within these samples."""
    moving = [(t, c) for (t, c), (_, prev) in zip(samples[1:], samples) if c > prev]
    if len(moving) < 2:
        return 0.0
    (t1, c1), (t2, c2) = moving[0], moving[-1]
    return (c2 - c1) / (t2 - t1) if t2 > t1 else 0.0


def _max_window(samples, width: float) -> int:
    best, j = 0, 0
    for i, (t, c) in enumerate(samples):
        while samples[j][0] < t - width:
            j += 1
        best = max(best, c - samples[j][1])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rates", default="10,50", help="OUTBOX_RATE values (messages/s), comma-separated")
    parser.add_argument("--restarts", default="term,kill", help="term (SIGTERM) and/or kill (kill -9)")
    parser.add_argument("--messages", type=int, default=1000, help="a multiple of 500")
    parser.add_argument("--log", default="", help="keep the service's log of the last run in this file")
    args = parser.parse_args()
    print(f"{'rate':>5} {'restart':>7} {'queued':>6} {'before/s':>8} {'after/s':>8} {'max 1 s':>7} "
          f"{'gap s':>6} {'drain s':>7} {'once':>5} {'twice':>5} {'never':>5}  statuses / channels", flush=True)
    for rate in (float(r) for r in args.rates.split(",")):
        for restart in args.restarts.split(","):
            r = asyncio.run(run(rate, restart, args.messages, args.log))
            print(f"{r['rate']:>5g} {r['restart']:>7} {r['queued']:>6} {r['rate_before']:>8.2f} "
                  f"{r['rate_after']:>8.2f} {r['max_1s']:>7} {r['restart_gap_s']:>6.1f} {r['drain_s']:>7.1f} "
                  f"{r['once']:>5} {r['twice']:>5} {r['never']:>5}  {r['statuses']} {r['channels']} "
                  f"(enqueue {r['enqueue_s']:.2f} s, restart at {r['restart_at_s']:.1f} s, {r['log_errors']} error lines "
                  f"in the service log)", flush=True)


if __name__ == "__main__":
    main()
