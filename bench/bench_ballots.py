"""Benchmark (not a test): ballots through HTTP against a bare aiohttp handler doing one Redis round trip.

    .venv/bin/python bench/bench_ballots.py [--fsync always,everysec] [--duration 15] [--rate 1000] [--pin]

docs/design.md §5: throughput at least half the baseline's with the same load generator, and p99 < 50 ms at an
open-loop 1,000 ballots/s. Per Redis appendfsync policy it starts redis-server, the service and the baseline
(bench/baseline_app.py), joins the voters of three batch meetings, then measures:
  1. open-loop latency at --rate on a fresh Redis (OpenLoop below: Debian has no wrk2),
  2. closed-loop throughput with wrk + bench/ballots.lua, service and baseline alternating,
  3. open-loop latency again, after those runs have written tens of MB of AOF,
and checks each meeting's audit against the ballots acknowledged. Exit code 1 when a check fails.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import deque
from pathlib import Path

import aiohttp

from baseline_app import BENCH, Servers, pin_self

SECRETARIES = 18       # as at the 004 meeting
DISTURBED = 15         # % of a core used by other programs during a run: the run is retried once, then flagged
ADMIN_TOKEN = "bench-admin-token"
ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def admin_call(base: str, method: str, path: str, body: dict | None = None) -> dict:
    """One organizer's API call (blocking: for setting a benchmark up, not for measuring)."""
    request = urllib.request.Request(base + path, method=method, headers={**ADMIN, "Content-Type": "application/json"},
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.I)


class _Conn(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one request at a time."""

    def __init__(self, gen: "OpenLoop"):
        self.gen, self.buf, self.k, self.transport = gen, bytearray(), -1, None

    def connection_made(self, transport):
        self.transport = transport

    def send(self, k: int, data: bytes):
        self.k = k
        self.transport.write(data)

    def data_received(self, data: bytes):
        self.buf += data
        while self.k >= 0 and (end := self.buf.find(b"\r\n\r\n")) >= 0:
            m = _CONTENT_LENGTH.search(self.buf, 0, end + 2)
            size = end + 4 + (int(m.group(1)) if m else 0)
            if len(self.buf) < size:
                return
            status, body = int(self.buf[9:12]), bytes(self.buf[end + 4:size])
            del self.buf[:size]
            k, self.k = self.k, -1
            self.gen.finish(self, k, status, body)

    def connection_lost(self, exc):
        self.gen.lost(self)


class OpenLoop:
    """Open-loop load: request k is due at start + k / rate whether or not earlier ones were answered, and its
    latency counts from that due time (no coordinated omission). A due request takes an idle keep-alive
    connection or, when none is idle, opens another (up to max_conns), as every phone in a room has its own."""

    def __init__(self, host: str, port: int, requests: list[bytes], rate: float, max_conns: int = 1000,
                 warm_conns: int = 128, keep_body: bool = False):
        n = len(requests)
        self.host, self.port, self.requests, self.rate = host, port, requests, rate
        self.max_conns, self.warm_conns, self.keep_body = max_conns, warm_conns, keep_body
        self.due, self.sent, self.done = [0.0] * n, [0.0] * n, [0.0] * n
        self.status, self.body = [0] * n, [b""] * n
        self.idle: list[_Conn] = []
        self.all: set[_Conn] = set()
        self.queue: deque[int] = deque()
        self.connecting = self.peak = 0
        self.left = n

    async def _connect(self):
        self.connecting += 1
        try:
            _, conn = await asyncio.get_running_loop().create_connection(lambda: _Conn(self), self.host, self.port)
        finally:
            self.connecting -= 1
        self.all.add(conn)
        self.peak = max(self.peak, len(self.all))
        self._ready(conn)

    def _ready(self, conn: _Conn):
        if self.queue:
            k = self.queue.popleft()
            self.sent[k] = self.loop.time()
            conn.send(k, self.requests[k])
        else:
            self.idle.append(conn)

    def _due(self, k: int):
        self.queue.append(k)
        if self.idle:
            self._ready(self.idle.pop())
        elif len(self.all) + self.connecting < self.max_conns:
                self.loop.create_task(self._connect())

    def finish(self, conn: _Conn, k: int, status: int, body: bytes):
        self.done[k], self.status[k] = self.loop.time(), status
        if self.keep_body:
            self.body[k] = body
        self._end_one()
        self._ready(conn)

    def lost(self, conn: _Conn):
        self.all.discard(conn)
        if conn in self.idle:
            self.idle.remove(conn)
        if conn.k >= 0:
            self.done[conn.k] = self.loop.time()
            self._end_one()

    def _end_one(self):
        self.left -= 1
        if self.left == 0:
            self.finished.set()

    async def run(self, timeout: float = 60):
        self.loop = asyncio.get_running_loop()
        self.finished = asyncio.Event()
        await asyncio.gather(*(self._connect() for _ in range(self.warm_conns)))
        start = self.loop.time() + 0.05
        for k in range(len(self.requests)):
            self.due[k] = due = start + k / self.rate
            wait = due - self.loop.time()
            if wait > 0.0005 or k % 64 == 0:
                await asyncio.sleep(max(wait, 0))
            self._due(k)
        if self.left:
            await asyncio.wait_for(self.finished.wait(), timeout)
        for conn in list(self.all):
            conn.transport.close()

    def summary(self) -> dict:
        n = len(self.requests)
        ok = [k for k in range(n) if self.status[k] == 200]
        lat = sorted((self.done[k] - self.due[k]) * 1000 for k in ok)
        lag = sorted((s - d) * 1000 for s, d in zip(self.sent, self.due))
        pct = percentiles(lat)
        return dict(rps=len(ok) / (max(self.done) - self.due[0]),
                    achieved_rate=n / (self.sent[-1] - self.due[0] + 1 / self.rate),
                    lag_p99=percentiles(lag)["p99"], errors=n - len(ok), connections=self.peak, **pct)


def percentiles(xs: list[float]) -> dict:
    """Nearest-rank p50/p90/p95/p99 and max of sorted `xs`."""
    if not xs:
        return dict.fromkeys(("p50", "p90", "p95", "p99", "max"), float("nan"))
    pick = lambda q: xs[min(len(xs) - 1, int(q / 100 * len(xs)))]  # noqa: E731
    return dict(p50=pick(50), p90=pick(90), p95=pick(95), p99=pick(99), max=xs[-1])


async def make_meeting(base: str, voters: int, secretaries: int = SECRETARIES) -> tuple[str, list[str]]:
    """A batch meeting, opened, with `voters` joined: (meeting id, voter tokens)."""
    async with aiohttp.ClientSession(base, connector=aiohttp.TCPConnector(limit=32)) as http:
        spec = {"title": "基准测试会议", "mode": "batch", "expected": voters,
                "secretaries": [{"name": f"书记{i}", "org": f"第{i}党支部"} for i in range(1, secretaries + 1)]}
        async with http.post("/api/admin/meetings", json=spec, headers=ADMIN) as r:
            assert r.status == 201, await r.text()
            mid = (await r.json())["id"]
        async with http.post(f"/api/admin/meetings/{mid}/open", headers=ADMIN) as r:
            assert r.status == 200, await r.text()

        async def join(_: int) -> str:
            for _attempt in range(2):   # the join code rotates: fetch the current one on a 403
                async with http.get(f"/api/admin/meetings/{mid}", headers=ADMIN) as r:
                    code = (await r.json())["join_code"]
                async with http.post(f"/api/meetings/{mid}/join", json={"code": code}) as r:
                    if r.status == 200:
                        return (await r.json())["token"]
            raise RuntimeError(f"join failed: {r.status} {await r.text()}")

        return mid, list(await asyncio.gather(*(join(i) for i in range(voters))))


async def audit(base: str, mid: str) -> dict:
    """The service's audit (counters against a replay of the ballot log) and the sum of results votes."""
    async with aiohttp.ClientSession(base, headers=ADMIN) as http:
        async with http.get(f"/api/admin/meetings/{mid}/audit") as r:
            data = await r.json()
        async with http.get(f"/api/admin/meetings/{mid}/results") as r:
            data["votes"] = sum((s["votes"] or 0) for s in (await r.json())["secretaries"])
    return data


def run_wrk(srv: Servers, name: str, mid: str, tokens_file: Path, args, duration: float) -> dict:
    """One closed-loop wrk run against `name`, with the CPU use of every process in % of one core."""
    env = dict(os.environ, BENCH_TOKENS=str(tokens_file), BENCH_MEETING=mid,
               BENCH_SECRETARIES=str(SECRETARIES), BENCH_RUN=secrets.token_hex(4))
    cmd = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{duration:g}s", "--timeout", "10s",
           "-s", str(BENCH / "ballots.lua"), f"{srv.url(name)}/api/meetings/{mid}/ballots"]
    if args.pin:
        cmd = ["taskset", "-c", "1"] + cmd
    before = srv.cpu()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    after = srv.cpu()
    data = json.loads(next(x for x in out.splitlines() if x.startswith("WRK_JSON ")).removeprefix("WRK_JSON "))
    wall = data["duration_us"] / 1e6
    data.update(rps=data["requests"] / wall, cpu=Servers.usage(before, after, wall),
                errors=sum(data[k] for k in ("failed", "connect_errors", "read_errors", "write_errors",
                                             "timeouts")),
                **{k: data[k + "_us"] / 1000 for k in ("p50", "p90", "p99", "max")})
    return data


def ballot_requests(mid: str, tokens: list[str], count: int, seed: int = 2026):
    """`count` raw HTTP requests casting random ballots (new ones and revisions), and each one's
    (voter, secretary) pair."""
    rng = random.Random(seed)
    run = secrets.token_hex(4)
    reqs, pairs = [], []
    for k in range(count):
        v, s = rng.randrange(len(tokens)), rng.randint(1, SECRETARIES)
        body = json.dumps({"ballot_id": f"ol-{run}-{k}", "secretary": f"s{s}", "score": rng.randint(1, 10)})
        reqs.append(post(f"/api/meetings/{mid}/ballots", tokens[v], body))
        pairs.append((v, s))
    return reqs, pairs


def post(path: str, token: str, body: str) -> bytes:
    data = body.encode()
    return (f"POST {path} HTTP/1.1\r\nHost: bench\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n").encode() + data


async def open_phase(srv: Servers, phase: str, meeting: tuple[str, list[str]], args) -> list[dict]:
    rows = []
    for name, port in srv.ports.items():
        srv.wait_quiet(args.quiet_wait)
        srv.redis_stalls()
        reqs, pairs = ballot_requests(*meeting, int(args.rate * args.open_seconds))
        gen = OpenLoop("127.0.0.1", port, reqs, args.rate)
        before, t0 = srv.cpu(), time.monotonic()
        await gen.run()
        row = dict(gen.summary(), target=name, phase=phase, cpu=Servers.usage(before, srv.cpu(), time.monotonic() - t0),
                   stalls=srv.redis_stalls())
        if name == "service":
            acked = len({p for p, st in zip(pairs, gen.status) if st == 200})
            a = await audit(srv.url(), meeting[0])
            row["ok"] = a["consistent"] and a["ballots"] == a["votes"] == acked and row["errors"] == 0
            row["check"] = (f"audit consistent={a['consistent']}, counted={a['ballots']} (results {a['votes']}), "
                            f"distinct (voter, secretary) pairs acknowledged 200={acked}")
        rows.append(row)
    return rows


async def closed_phase(srv: Servers, meeting: tuple[str, list[str]], args, tmp: Path) -> list[dict]:
    tokens_file = tmp / "tokens.txt"
    tokens_file.write_text("\n".join(meeting[1]) + "\n")
    warm = [run_wrk(srv, name, meeting[0], tokens_file, args, args.warmup) for name in srv.ports]
    rows = []
    retried = []   # disturbed runs done again: their ballots count in the audit all the same
    for i in range(args.repeat):
        for name in list(srv.ports)[::1 if i % 2 == 0 else -1]:
            for attempt in range(2):
                srv.wait_quiet(args.quiet_wait)
                r = dict(run_wrk(srv, name, meeting[0], tokens_file, args, args.duration), target=name)
                if r["cpu"]["others"] < DISTURBED or attempt == 1:
                    break
                retried.append(r)
            rows.append(r)
    mine = [warm[0]] + [r for r in rows + retried if r["target"] == "service"]
    stored = sum(r["stored"] for r in mine)
    a = await audit(srv.url(), meeting[0])
    # wrk abandons the requests in flight when it stops: those may be counted without an acknowledgement.
    rows[0]["ok"] = a["consistent"] and a["ballots"] == a["votes"] and all(r["errors"] == 0 for r in mine) \
        and 0 <= a["ballots"] - stored <= args.connections * len(mine)
    rows[0]["check"] = (f"audit consistent={a['consistent']}, counted={a['ballots']} (results {a['votes']}), "
                        f"acknowledged as new={stored}, abandoned in flight at most {args.connections * len(mine)}")
    return rows


async def bench_policy(fsync: str, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-ballots-") as tmp, \
            Servers(Path(tmp), fsync, ADMIN_TOKEN, pin=args.pin) as srv:
        if args.pin:
            pin_self([1])
        meetings = [await make_meeting(srv.url(), args.voters) for _ in range(3)]
        res = {"fsync": fsync, "open": await open_phase(srv, "fresh Redis", meetings[0], args)}
        res["closed"] = await closed_phase(srv, meetings[1], args, Path(tmp))
        res["open"] += await open_phase(srv, "after closed-loop", meetings[2], args)
        res["aof_mb"] = srv.client.info("persistence")["aof_current_size"] / 1e6
        pin_self(None)
    return res


def report(results: list[dict], args) -> None:
    print(f"\n{'fsync':9}{'target':9}{'load':52}{'req/s':>7}{'p50':>7}{'p90':>7}{'p99':>7}{'max':>7}{'err':>4}"
          f"  CPU % of a core")
    for res in results:
        for r in res["closed"]:
            load = f"wrk -t{args.threads} -c{args.connections} -d{args.duration:g}s"
            print(f"{res['fsync']:9}{r['target']:9}{load:52}{r['rps']:7.0f}{r['p50']:7.1f}{r['p90']:7.1f}"
                  f"{r['p99']:7.1f}{r['max']:7.1f}{r['errors']:4d}  " + cpu(r["cpu"], "wrk"))
        for r in res["open"]:
            load = (f"open {args.rate:g}/s {r['phase']} (sent {r['achieved_rate']:.0f}/s, "
                    f"lag p99 {r['lag_p99']:.1f})")
            print(f"{res['fsync']:9}{r['target']:9}{load:52}{r['rps']:7.0f}{r['p50']:7.1f}{r['p90']:7.1f}"
                  f"{r['p99']:7.1f}{r['max']:7.1f}{r['errors']:4d}  " + cpu(r["cpu"], "generator"))
    print("(latencies in ms; open loop: from each request's scheduled send time)\n")
    for res in results:
        med, note = {}, ""
        for t in ("service", "baseline"):
            runs = [r["rps"] for r in res["closed"] if r["target"] == t]
            quiet = [r["rps"] for r in res["closed"] if r["target"] == t and r["cpu"]["others"] < DISTURBED]
            med[t] = statistics.median(quiet or runs)
            note += "" if len(quiet) == len(runs) else f"; {t}: {len(runs) - len(quiet)} disturbed run(s) " + \
                ("left out" if quiet else "kept: no quiet run")
        ratio = med["service"] / med["baseline"]
        print(f"[{res['fsync']}] closed-loop median req/s service/baseline = {med['service']:.0f}/"
              f"{med['baseline']:.0f} = {ratio:.2f} (target >= 0.50: {'met' if ratio >= 0.5 else 'MISSED'}){note}")
        for r in res["open"]:
            verdict = "met" if r["p99"] < 50 else "MISSED"
            print(f"  open loop {r['phase']:18} {r['target']:8} p99 {r['p99']:6.1f} ms (target < 50: {verdict}); "
                  f"{r['connections']} connections; Redis latency events (max ms): {r['stalls'] or 'none'}")
        for r in [res["closed"][0]] + [r for r in res["open"] if "check" in r]:
            print(f"  check: {r['check']} -> {'OK' if r['ok'] else 'FAILED'}")
        print(f"  AOF at the end: {res['aof_mb']:.0f} MB")


def cpu(use: dict, bench_as: str) -> str:
    """Per process, leaving out idle ones; "others" is approximate (tick-based machine totals), floored at 0."""
    return ", ".join(f"{bench_as if k == 'bench' else k} {max(v, 0):.0f}" for k, v in use.items()
                     if v >= 1 or k == "others") + (" DISTURBED" if use["others"] >= DISTURBED else "")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fsync", default="always,everysec", help="Redis appendfsync policies to run, comma-separated")
    p.add_argument("--voters", type=int, default=1000, help="voters joined per meeting")
    p.add_argument("--threads", type=int, default=2, help="wrk threads")
    p.add_argument("--connections", type=int, default=64, help="wrk connections")
    p.add_argument("--duration", type=float, default=15, help="seconds of each closed-loop wrk run")
    p.add_argument("--warmup", type=float, default=3, help="seconds of wrk warm-up per target")
    p.add_argument("--repeat", type=int, default=3, help="closed-loop runs per target, alternating (median)")
    p.add_argument("--rate", type=float, default=1000, help="open-loop arrival rate, requests/s")
    p.add_argument("--open-seconds", type=float, default=10, help="seconds of each open-loop run")
    p.add_argument("--quiet-wait", type=float, default=60,
                   help="before each run wait up to this many s for other programs to leave the CPUs")
    p.add_argument("--pin", action=argparse.BooleanOptionalAction, default=True,
                   help="servers on CPU 0; redis, wrk and the open-loop generator on CPU 1 (default on)")
    args = p.parse_args()
    print(f"{time.strftime('%Y-%m-%d %H:%M')}  {os.cpu_count()} CPUs  Python {sys.version.split()[0]}  "
          f"closed loop: wrk + bench/ballots.lua; open loop: OpenLoop (bench_ballots.py)  pin={args.pin}")
    results = [asyncio.run(bench_policy(f.strip(), args)) for f in args.fsync.split(",")]
    report(results, args)
    return 0 if all(r.get("ok", True) for res in results for r in res["closed"] + res["open"]) else 1


if __name__ == "__main__":
    sys.exit(main())
