"""Benchmark (not a test): vote → projector delay with many open screens; docs/design.md §5 p95 < 300 ms, 500 screens.

    .venv/bin/python bench/bench_live.py [--screens 500] [--rate 200] [--seconds 10] [--fsync always]

Starts redis-server and the service (bench/baseline_app.Servers), creates a batch meeting of 18 secretaries,
opens `--screens` Server-Sent-Event streams to GET /api/meetings/{id}/live (aiohttp client, this process),
then casts new ballots open-loop at `--rate` (OpenLoop of bench_ballots.py). For every acknowledged ballot
(secretary s, reply votes n) and every screen, the delay is from the acknowledgement until the first `state`
event whose votes[s] >= n reaches that screen. Also reported: state events per second per screen, the
server-side split (ack → snapshot built, snapshot → screen) and this client's event-loop lag.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from baseline_app import Servers, pin_self
from bench_ballots import ADMIN_TOKEN, SECRETARIES, OpenLoop, make_meeting, percentiles, post


async def screen(http: aiohttp.ClientSession, url: str, events: list, opened: asyncio.Event):
    """One projector: records (arrival time, data) of every `state` event."""
    loop = asyncio.get_running_loop()
    async with http.get(url) as resp:
        assert resp.status == 200, resp.status
        name = b""
        async for line in resp.content:
            if line.startswith(b"event:"):
                name = line[6:].strip()
            elif line.startswith(b"data:") and name == b"state":
                events.append((loop.time(), line[5:].strip()))
                opened.set()


async def lag_probe(stop: asyncio.Event, out: list):
    loop = asyncio.get_running_loop()
    while not stop.is_set():
        t = loop.time()
        await asyncio.sleep(0.005)
        out.append((loop.time() - t - 0.005) * 1000)


def first_seen(events: list, decode) -> dict[str, dict[int, float]]:
    """For one screen: secretary -> vote count -> arrival time of the first event showing at least it."""
    seen: dict[str, dict[int, float]] = {}
    top: dict[str, int] = {}
    for t, data in events:
        for sid, n in decode(data)["votes"].items():
            for m in range(top.get(sid, 0) + 1, n + 1):
                seen.setdefault(sid, {})[m] = t
            top[sid] = max(top.get(sid, 0), n)
    return seen


async def run(args) -> dict:
    n_ballots = int(args.rate * args.seconds)
    voters = max(args.voters, math.ceil(n_ballots / SECRETARIES))
    with tempfile.TemporaryDirectory(prefix="bench-live-") as tmp, \
            Servers(Path(tmp), args.fsync, ADMIN_TOKEN, pin=args.pin, baseline=False) as srv:
        if args.pin:
            pin_self([1])
        mid, tokens = await make_meeting(srv.url(), voters)
        # Ballot k: secretary k mod 18 of voter k div 18, so every ballot is new and raises a count.
        reqs = [post(f"/api/meetings/{mid}/ballots", tokens[k // SECRETARIES],
                     json.dumps({"ballot_id": f"live-{k:08d}", "secretary": f"s{k % SECRETARIES + 1}",
                                 "score": 10 - k % 7})) for k in range(n_ballots)]
        loop = asyncio.get_running_loop()
        wall_offset = time.time() - loop.time()
        streams = [[] for _ in range(args.screens)]
        conn = aiohttp.TCPConnector(limit=0)
        timeout = aiohttp.ClientTimeout(total=None, sock_read=None)
        async with aiohttp.ClientSession(srv.url(), connector=conn, timeout=timeout) as http:
            opened = [asyncio.Event() for _ in streams]
            tasks = [asyncio.create_task(screen(http, f"/api/meetings/{mid}/live", ev, op))
                     for ev, op in zip(streams, opened)]
            t_open = loop.time()
            await asyncio.wait_for(asyncio.gather(*(op.wait() for op in opened)), 60)
            open_s = loop.time() - t_open
            await asyncio.sleep(1)
            srv.wait_quiet(args.quiet_wait)
            srv.redis_stalls()
            stop, lags = asyncio.Event(), []
            probe = asyncio.create_task(lag_probe(stop, lags))
            gen = OpenLoop("127.0.0.1", srv.ports["service"], reqs, args.rate, keep_body=True)
            before, t0 = srv.cpu(), loop.time()
            await gen.run()
            t1 = loop.time()
            use = Servers.usage(before, srv.cpu(), t1 - t0)
            stalls = srv.redis_stalls()
            await asyncio.sleep(args.grace)
            stop.set()
            await probe
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    return dict(analyse(gen, streams, t0, t1, wall_offset, lags, use, open_s, args), stalls=stalls)


def analyse(gen: OpenLoop, streams: list, t0: float, t1: float, wall_offset: float, lags: list, use: dict,
            open_s: float, args) -> dict:
    cache: dict[bytes, dict] = {}

    def decode(data: bytes) -> dict:   # every screen gets the same payloads: parse each once
        if data not in cache:
            cache[data] = json.loads(data)
        return cache[data]

    acks = [(gen.done[k], json.loads(gen.body[k])) for k in range(len(gen.status)) if gen.status[k] == 200]
    delays, missing, early = [], 0, 0
    for events in streams:
        seen = first_seen(events, decode)
        for t_ack, reply in acks:
            t = seen.get(reply["secretary"], {}).get(reply["votes"])
            if t is None:
                missing += 1
            else:
                early += t < t_ack     # the screen had it before the voter's phone: counts as 0
                delays.append(max(t - t_ack, 0) * 1000)
    # Server-side split, from the snapshot time ("at") carried in each payload.
    snaps = sorted((decode(d)["at"] - wall_offset, decode(d)["votes"]) for d in cache)
    build = []
    for t_ack, reply in acks:
        at = next((a for a, votes in snaps if votes.get(reply["secretary"], 0) >= reply["votes"]), None)
        if at is not None:
            build.append(max(at - t_ack, 0) * 1000)
    fanout = [(t - (decode(d)["at"] - wall_offset)) * 1000 for events in streams for t, d in events
              if t0 <= t <= t1 + args.grace]
    per_screen = [sum(t0 <= t <= t1 for t, _ in events) / (t1 - t0) for events in streams]
    lags.sort()
    return dict(acked=len(acks), errors=len(gen.status) - len(acks), sent_rate=gen.summary()["achieved_rate"],
                ack=percentiles(sorted((gen.done[k] - gen.due[k]) * 1000 for k in range(len(gen.due)))),
                delay=percentiles(sorted(delays)), build=percentiles(sorted(build)),
                fanout=percentiles(sorted(fanout)), missing=missing, early=early, n=len(delays),
                updates=(min(per_screen), sum(per_screen) / len(per_screen), max(per_screen)),
                lag=percentiles(lags), cpu=use, open_s=open_s, payload=max(map(len, cache)))


def report(r: dict, args) -> None:
    fmt = lambda p: f"p50 {p['p50']:.0f}  p95 {p['p95']:.0f}  p99 {p['p99']:.0f}  max {p['max']:.0f} ms"  # noqa: E731
    print(f"{args.screens} screens opened in {r['open_s']:.1f} s; {r['acked']} ballots acknowledged "
          f"({r['errors']} failed) at {r['sent_rate']:.0f}/s sent (target {args.rate:g}/s); "
          f"Redis appendfsync {args.fsync}")
    print(f"ballot acknowledged (from scheduled send) {fmt(r['ack'])}")
    print(f"vote -> projector, all screens         {fmt(r['delay'])}  "
          f"(n = {r['n']}, never shown {r['missing']}, "
          f"shown before the ack {r['early']})")
    print(f"  of which ack -> snapshot started     {fmt(r['build'])}")
    print(f"  and snapshot started -> screen       {fmt(r['fanout'])}  (reading the state from Redis, JSON, "
          "writing to every stream)")
    print(f"Redis latency events during casting (max ms): {r['stalls'] or 'none'}")
    lo, mean, hi = r["updates"]
    print(f"state events per screen: {mean:.2f}/s (min {lo:.2f}, max {hi:.2f}); largest payload {r['payload']} B")
    print(f"client event-loop lag: {fmt(r['lag'])}; CPU % of a core: "
          + ", ".join(f"{'client' if k == 'bench' else k} {max(v, 0):.0f}" for k, v in r["cpu"].items()))
    p95 = r["delay"]["p95"]
    print(f"\ntarget vote -> projector p95 < 300 ms with {args.screens} screens: "
          f"{'met' if p95 < 300 and not r['missing'] else 'MISSED'} (p95 {p95:.0f} ms); "
          f"coalesced to {mean:.1f} updates/s per screen (target: a few)")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--screens", type=int, default=500, help="open SSE streams")
    p.add_argument("--rate", type=float, default=200, help="ballots per second, open loop")
    p.add_argument("--seconds", type=float, default=10, help="seconds of casting")
    p.add_argument("--voters", type=int, default=0, help="voters to join (default: enough for new ballots only)")
    p.add_argument("--grace", type=float, default=2, help="seconds to keep listening after the last ballot")
    p.add_argument("--fsync", default="always", help="Redis appendfsync (always: the product default)")
    p.add_argument("--quiet-wait", type=float, default=60, help="wait up to this many s for idle CPUs first")
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True,
                   help="service on CPU 0; redis and this client on CPU 1 (default on)")
    args = p.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} CPUs  Python {sys.version.split()[0]}  "
          f"pin={args.pin}")
    r = asyncio.run(run(args))
    report(r, args)
    return 0 if r["delay"]["p95"] < 300 and not r["missing"] and not r["errors"] else 1


if __name__ == "__main__":
    sys.exit(main())
