"""Benchmark (not a test): a QR scan storm in the room (docs/design.md §5: 1,000 phones, each opening the page,
joining and casting 18 ballots, within a minute; request p99 < 100 ms).

    .venv/bin/python bench/bench_storm.py [--phones 1000] [--seconds 60] [--pin]

Starts redis-server (AOF, appendfsync always) and `python -m voting serve`, creates a batch meeting of 18
secretaries (004's demo size) with every window open, then lets phones arrive uniformly over --seconds (open
loop: a phone arrives when it is due, whatever the others are doing). Each phone, with its own cookies, does
what a browser does after scanning the screen's QR: GET the join page (the QR's URL, with the code), POST the
join form with its group, GET the ballot page, POST the ballot form with 18 scores and comments (one form, 18
ballots), and follows the redirect to the confirmation. Latency per request, by kind; every ballot must be
counted once (the meeting's audit, and votes = phones for every secretary).
"""
from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import aiohttp

from baseline_app import Servers, pin_self
from bench_ballots import ADMIN_TOKEN, admin_call, percentiles

GROUPS = ("班子成员", "两代表一委员", "党员代表", "群众代表")
BALLOT_ID = re.compile(r'name="ballot_(s\d+)" value="([^"]+)"')


async def phone(base: str, m: dict, n: int, lat: dict, failures: list):
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        async def timed(kind: str, method: str, url: str, **kw) -> str:
            started = time.perf_counter()
            async with http.request(method, url, allow_redirects=False, **kw) as resp:
                body = await resp.text()
            lat[kind].append((time.perf_counter() - started) * 1000)
            if resp.status not in (200, 303):
                failures.append((kind, resp.status, body[:200]))
            return body
        await timed("join page", "GET", m["join_url"])
        code = m["join_url"].rsplit("code=", 1)[1]
        await timed("join", "POST", f"{base}/m/{m['id']}/join", data={"code": code, "group": GROUPS[n % 4]})
        page = await timed("ballot page", "GET", f"{base}/m/{m['id']}")
        form = []
        for sid, bid in BALLOT_ID.findall(page):
            form += [("sid", sid), (f"ballot_{sid}", bid), (f"score_{sid}", str(random.randint(4, 10))),
                     (f"problems_{sid}", "联系群众不够" if n % 3 == 0 else ""), (f"suggestions_{sid}", "")]
        if len(form) != 18 * 5:
            failures.append(("ballot page", 0, f"{len(form) // 5} secretaries on the page"))
            return
        await timed("ballots (18)", "POST", f"{base}/m/{m['id']}/vote", data=form)
        await timed("confirmation", "GET", f"{base}/m/{m['id']}?done=" + ",".join(f"s{i}" for i in range(1, 19)))


async def storm(srv: Servers, phones: int, seconds: float) -> tuple[dict, list, dict]:
    base = srv.url()
    m = admin_call(base, "POST", "/api/admin/meetings", {"title": "扫码压力测试", "mode": "batch", "expected": phones,
                                                    "secretaries": [{"name": f"书记{i}", "org": f"第{i}党支部"}
                                                                    for i in range(1, 19)]})
    admin_call(base, "POST", f"/api/admin/meetings/{m['id']}/open")
    m = admin_call(base, "GET", f"/api/admin/meetings/{m['id']}")          # the join URL with the current code
    lat, failures, tasks = defaultdict(list), [], []
    srv.wait_quiet()
    before, started = srv.cpu(), time.monotonic()
    loop = asyncio.get_running_loop()
    start = loop.time()
    for n in range(phones):
        await asyncio.sleep(max(0, start + n * seconds / phones - loop.time()))
        tasks.append(asyncio.create_task(phone(base, m, n, lat, failures)))
    await asyncio.gather(*tasks)
    use = srv.usage(before, srv.cpu(), time.monotonic() - started)
    results = admin_call(base, "GET", f"/api/admin/meetings/{m['id']}/results")
    audit = admin_call(base, "GET", f"/api/admin/meetings/{m['id']}/audit")
    votes = {s["votes"] for s in results["secretaries"]}
    return lat, failures, {"audit": audit["consistent"], "votes": votes, **use}


async def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--phones", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--fsync", default="always")
    parser.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True)
    args = parser.parse_args()
    if args.pin:
        pin_self([1])
    with tempfile.TemporaryDirectory() as tmp, Servers(Path(tmp), args.fsync, ADMIN_TOKEN, pin=args.pin,
                                                       baseline=False) as srv:
        lat, failures, check = await storm(srv, args.phones, args.seconds)
    everything = sorted(x for xs in lat.values() for x in xs)
    print(f"QR scan storm: {args.phones} phones over {args.seconds:g} s, appendfsync {args.fsync} "
          f"({time.strftime('%Y-%m-%d %H:%M')})")
    print(f"{'request':<14} {'n':>6} {'p50':>7} {'p90':>7} {'p99':>7} {'max':>7}  (ms)")
    for kind, xs in [*lat.items(), ("all", everything)]:
        p = percentiles(sorted(xs))
        print(f"{kind:<14} {len(xs):>6} {p['p50']:>7.1f} {p['p90']:>7.1f} {p['p99']:>7.1f} {p['max']:>7.1f}")
    print(f"failures {len(failures)}; audit consistent {check['audit']}; votes per secretary {sorted(check['votes'])}; "
          f"CPU service {check['service']:.0f}% redis {check['redis']:.0f}% bench {check['bench']:.0f}% "
          f"others {check['others']:.0f}%")
    for f in failures[:5]:
        print("  ", f)
    ok = not failures and check["audit"] and check["votes"] == {args.phones}
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
