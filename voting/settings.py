"""Settings of one service process, read from the environment (docs/api.md) or given by tests."""
from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass, field, replace
from pathlib import Path

FSYNC_POLICIES = ("always", "everysec", "no")
# docs/api.md: the official account, the mini-program, and where WeChat is reached (tests: a local stand-in).
WECHAT_ENV = ("WECHAT_TOKEN", "WECHAT_AES_KEY", "WECHAT_APPID", "WECHAT_SECRET", "WECHAT_MP_APPID",
              "WECHAT_MP_SECRET", "WECHAT_API_BASE", "WECHAT_OAUTH_BASE", "WECHAT_VERIFY_FILES")


@dataclass(frozen=True)
class Settings:
    host: str = "0.0.0.0"
    port: int = 8080
    redis_url: str | None = None          # None: start the embedded Redis under data_dir
    data_dir: Path = Path("data")
    admin_token: str = ""
    public_url: str = ""                  # base of QR codes and links; derived from host/port when empty
    appendfsync: str = "always"           # embedded Redis AOF policy
    redis_connections: int = 64           # per process; more requests wait for a free one
    join_code_period: int = 60            # seconds a join code on the screen stays current
    voter_token_ttl: int = 12 * 3600
    max_json_body: int = 16 * 1024
    max_upload_body: int = 5 * 1024 * 1024
    live_interval: float = 0.2            # at most one projector update per meeting per interval
    anonymity_min_group: int = 5          # voter groups smaller than this are never broken out
    trusted_proxies: tuple[str, ...] = ()  # reverse proxies whose X-Forwarded-For names the client
    deadline_poll: float = 0.5            # seconds between looks at the due closes (voting/console/deadlines.py)
    screen_page_seconds: float = 12.0     # the projector turns a page of results this often
    wechat: dict = field(default_factory=dict)   # WECHAT_* environment, read by bot/
    outbox_rate: float = 10.0             # OUTBOX_RATE: messages per second, all processes together (bot/outbox)
    outbox_lease: float = 15.0            # OUTBOX_LEASE: seconds before a dead process's messages are settled

    def __post_init__(self):
        if self.appendfsync not in FSYNC_POLICIES:
            raise ValueError(f"REDIS_APPENDFSYNC must be one of {', '.join(FSYNC_POLICIES)}")

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = self.host if self.host not in ("0.0.0.0", "::", "") else lan_address()
        return f"http://{host}:{self.port}"

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    @classmethod
    def from_env(cls, env=None, **overrides) -> "Settings":
        env = os.environ if env is None else env
        data_dir = Path(overrides.pop("data_dir", None) or env.get("DATA_DIR") or "data")
        values = dict(
            redis_url=env.get("REDIS_URL") or None,
            data_dir=data_dir,
            admin_token=env.get("ADMIN_TOKEN", ""),
            public_url=env.get("PUBLIC_URL", ""),
            appendfsync=env.get("REDIS_APPENDFSYNC", "always"),
            anonymity_min_group=_int(env, "ANONYMITY_MIN_GROUP", 5, 1),
            trusted_proxies=tuple(a.strip() for a in env.get("TRUSTED_PROXIES", "").split(",") if a.strip()),
            wechat={k: env[k] for k in WECHAT_ENV if env.get(k)},
            outbox_rate=_number(env, "OUTBOX_RATE", 10.0, 0.01, 1000),
            outbox_lease=_number(env, "OUTBOX_LEASE", 15.0, 1, 3600),
        )
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)


def _int(env, name: str, default: int, minimum: int) -> int:
    raw = env.get(name, "")
    if not raw:
        return default
    if not raw.strip().isascii() or not raw.strip().isdigit() or int(raw) < minimum:
        raise ValueError(f"{name} must be an integer of at least {minimum}")
    return int(raw)


def _number(env, name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw) if raw.isascii() else float("nan")
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise ValueError(f"{name} must be a number from {low:g} to {high:g}")
    return value


def persistent_admin_token(data_dir: Path) -> str:
    """ADMIN_TOKEN unset: generate one once and keep it in DATA_DIR, so links printed yesterday still work."""
    path = data_dir / "admin_token"
    if path.exists():
        token = path.read_text().strip()
        if token:
            return token
    data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = secrets.token_urlsafe(18)
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as f:
        f.write(token + "\n")
    return token


def lan_address() -> str:
    """The address phones on the same network reach this machine at (no packet is sent)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("10.255.255.255", 1))
            return s.getsockname()[0]
        except OSError:
            return "127.0.0.1"
