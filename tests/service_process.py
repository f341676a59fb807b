"""`python -m voting serve` as a subprocess, as an operator runs it: for the tests that kill, restart or run
several processes."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import psutil

from .helpers import ADMIN_TOKEN

ROOT = Path(__file__).resolve().parent.parent


def service_env(data_dir: Path, **extra) -> dict:
    """The embedded Redis under `data_dir` (no REDIS_URL) unless `extra` names one."""
    env = {**os.environ, "DATA_DIR": str(data_dir), "ADMIN_TOKEN": ADMIN_TOKEN, **extra}
    if "REDIS_URL" not in extra:
        env.pop("REDIS_URL", None)
    return env


async def start_service(env: dict, port: int, log_path: Path | None = None) -> subprocess.Popen:
    """Start it and wait until /healthz answers 200; its output to `log_path` (appended), when given."""
    out = open(log_path, "ab") if log_path else subprocess.PIPE
    proc = subprocess.Popen([sys.executable, "-m", "voting", "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    async with aiohttp.ClientSession() as http:
        for _ in range(400):
            try:
                async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                    if r.status == 200:
                        return proc
            except aiohttp.ClientError:
                pass
            assert proc.poll() is None, log_path.read_text() if log_path else proc.stdout.read().decode()
            await asyncio.sleep(0.05)
    raise AssertionError("service did not start")


def redis_servers_for(data_dir) -> list[psutil.Process]:
    """Redis rewrites its title to "redis-server unixsocket:<data dir>/redis.sock"."""
    where = str(data_dir.resolve()) + "/"
    return [p for p in psutil.process_iter(["name", "cmdline"])
            if p.info["name"] == "redis-server" and where in " ".join(p.info["cmdline"] or [])]
