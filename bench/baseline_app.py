"""The servers under test: the docs/design.md §5 baseline app, and `Servers`, which runs it next to the service.

    .venv/bin/python bench/baseline_app.py --redis URL [--port P]

The baseline is a bare aiohttp handler doing exactly one Redis round trip: `POST /api/meetings/{id}/ballots`
reads the body and INCRs one key. Same route, request and Redis client setup as the service (hiredis,
decoded replies, a blocking pool of 64), minus everything a ballot needs beyond that round trip (token
check, JSON validation, the cast script).

`Servers` starts redis-server (voting.store.embedded_redis, AOF on with the given appendfsync), the service
(`python -m voting serve --redis URL`) and this baseline, each as its own process, and stops them all.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import redis
import redis.asyncio as aioredis
from aiohttp import web

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
from voting.store.embedded_redis import EmbeddedRedis, _child_setup, _free_port  # noqa: E402

COUNTER = "bench:baseline"
REDIS = web.AppKey("redis", aioredis.Redis)
TICK = os.sysconf("SC_CLK_TCK")


async def ballot(request: web.Request) -> web.Response:
    await request.read()
    n = await request.app[REDIS].incr(COUNTER)
    return web.json_response({"status": "stored", "votes": n})


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


def create_app(url: str, connections: int) -> web.Application:
    async def redis_ctx(app: web.Application):
        pool = aioredis.BlockingConnectionPool.from_url(url, decode_responses=True, timeout=10,
                                                        max_connections=connections)
        app[REDIS] = aioredis.Redis(connection_pool=pool)
        await app[REDIS].ping()
        yield
        await app[REDIS].aclose()
        await pool.aclose()

    app = web.Application()
    app.cleanup_ctx.append(redis_ctx)
    app.router.add_post("/api/meetings/{id}/ballots", ballot)
    app.router.add_get("/healthz", healthz)
    return app


def pin_self(cpus) -> None:
    os.sched_setaffinity(0, cpus or range(os.cpu_count()))


def _child(cpus):
    def pre():
        _child_setup()
        if cpus:
            os.sched_setaffinity(0, cpus)
    return pre


def _proc_cpu(pid: int) -> float:
    return sum(map(int, Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13])) / TICK


class Servers:
    """redis-server, the service and (optionally) the baseline, stopped on exit.
    pin: the aiohttp servers on CPU 0, redis on CPU 1 (where the load generators go too)."""

    def __init__(self, tmp: Path, fsync: str, admin_token: str, pin: bool = False, baseline: bool = True,
                 env: dict | None = None):
        self.tmp, self.fsync, self.admin_token, self.pin, self.baseline = tmp, fsync, admin_token, pin, baseline
        self.env = env or {}
        self.procs: dict[str, subprocess.Popen] = {}
        self.ports: dict[str, int] = {}

    def url(self, name: str = "service") -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    def _spawn(self, name: str, cmd: list[str]):
        self.ports[name] = port = _free_port()
        with open(self.tmp / f"{name}.log", "ab") as log:
            self.procs[name] = subprocess.Popen(
                cmd + ["--port", str(port)], cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                env=dict(os.environ, ADMIN_TOKEN=self.admin_token, **self.env),
                preexec_fn=_child([0] if self.pin else None))

    def __enter__(self):
        self.redis = EmbeddedRedis(self.tmp / "redis", self.fsync)
        self.redis_url = self.redis.start()
        self.client = redis.Redis.from_url(self.redis_url, decode_responses=True)
        self.client.config_set("latency-monitor-threshold", 1)
        if self.pin:
            os.sched_setaffinity(self.redis.proc.pid, [1])
        try:
            self._spawn("service", [sys.executable, "-m", "voting", "serve", "--host", "127.0.0.1",
                                    "--redis", self.redis_url, "--data-dir", str(self.tmp / "data")])
            if self.baseline:
                self._spawn("baseline", [sys.executable, str(BENCH / "baseline_app.py"), "--redis", self.redis_url])
            for name in self.ports:
                self._wait(name)
        except BaseException:
            self.__exit__()
            raise
        return self

    def _wait(self, name: str, timeout: float = 20):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url(name) + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start; see {self.tmp / (name + '.log')}")

    def __exit__(self, *exc):
        for proc in self.procs.values():
            proc.terminate()
        for proc in self.procs.values():
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self.client.close()
        self.redis.stop()

    def cpu(self) -> dict[str, float]:
        """CPU seconds so far of redis, each server, this process with its finished children (wrk), and
        the whole machine (so that what other programs used during a run can be told)."""
        out = {"redis": _proc_cpu(self.redis.proc.pid), **{n: _proc_cpu(p.pid) for n, p in self.procs.items()}}
        t = os.times()
        out["bench"] = t.user + t.system + t.children_user + t.children_system
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(
            int, Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9])
        out["machine"] = (user + nice + system + irq + softirq + steal) / TICK
        return out

    @staticmethod
    def usage(before: dict, after: dict, wall: float) -> dict[str, float]:
        """% of one core per process over `wall` seconds; "others": everything not started here."""
        use = {k: 100 * (after[k] - before[k]) / wall for k in before}
        use["others"] = use.pop("machine") - sum(use.values())
        return use

    def wait_quiet(self, limit: float = 60, threshold: float = 15) -> float:
        """Wait (up to `limit` s) for a second in which other programs use < threshold % of a core."""
        deadline = time.monotonic() + limit
        while True:
            before = self.cpu()
            time.sleep(1)
            others = self.usage(before, self.cpu(), 1)["others"]
            if others < threshold or time.monotonic() > deadline:
                return others

    def redis_stalls(self) -> dict[str, int]:
        """Longest Redis latency events (ms) since the last call, e.g. aof-fsync-always; then reset."""
        events = {e[0]: int(e[3]) for e in self.client.execute_command("LATENCY", "LATEST")}
        self.client.execute_command("LATENCY", "RESET")
        return events


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--redis", required=True, metavar="URL")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8091)
    p.add_argument("--connections", type=int, default=64, help="Redis pool size (the service's default)")
    args = p.parse_args()
    web.run_app(create_app(args.redis, args.connections), host=args.host, port=args.port, print=None,
                access_log=None)


if __name__ == "__main__":
    main()
