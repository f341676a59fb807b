"""The fuzz tests' machinery: the app served in a thread (hypothesis is synchronous), raw requests, the strategies
that draw them, and the checks: never a 5xx, never a traceback in the log."""
import asyncio
import json
import logging
import re
import socket
import threading
from contextlib import contextmanager

from aiohttp import web
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from .helpers import ADMIN_TOKEN

STREAMS = ("/live",)          # event streams never end: only their status line is read


class ServerThread:
    """The app on its own event loop in a thread, so that hypothesis (synchronous) can drive it."""

    def __init__(self, app: web.Application):
        self.app, self.loop, self.ready = app, asyncio.new_event_loop(), threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        asyncio.set_event_loop(self.loop)
        self.runner = web.AppRunner(self.app, access_log=None)
        self.loop.run_until_complete(self.runner.setup())
        site = web.TCPSite(self.runner, "127.0.0.1", 0)
        self.loop.run_until_complete(site.start())
        self.port = site._server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def __enter__(self):
        self.thread.start()
        assert self.ready.wait(20)
        return self

    def __exit__(self, *exc):
        asyncio.run_coroutine_threadsafe(self.runner.cleanup(), self.loop).result(20)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(20)

    def call(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(20)


def send(port: int, method: str, path: bytes, headers: list[tuple[bytes, bytes]], body: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        head = [method.encode() + b" " + path + b" HTTP/1.1", f"Host: 127.0.0.1:{port}".encode(),
                b"Connection: close", b"Content-Length: " + str(len(body)).encode()]
        s.sendall(b"\r\n".join(head + [n + b": " + v for n, v in headers]) + b"\r\n\r\n" + body)
        data = b""
        while b"\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        if not any(path.split(b"?")[0].endswith(x.encode()) for x in STREAMS):
            while chunk := s.recv(65536):
                data += chunk
    return int(data.split(b" ", 2)[1])


# Times and dates at the ends of what datetime holds (a reminder at year 1 and presets for 9999-12-31 were 500s).
EXTREME_DATES = ["0001-01-01T00:00", "0001-01-01T00:00+14:00", "9999-12-31T23:59:59-14:00", "0001-01-07",
                 "9999-12-31", "2026-02-30", "1970-01-01T07:59:59"]
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats(allow_nan=False) | st.text(max_size=40) |
    st.sampled_from(EXTREME_DATES),
    lambda children: st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=12), children, max_size=5),
    max_leaves=20)
FIELDS = ["title", "mode", "secretaries", "secretary", "score", "ballot_id", "problems", "suggestions", "code",
          "group", "token", "flag", "grade", "reason", "released", "expected", "roster", "preset", "eligibility",
          "sid", "score_s1", "ballot_s1", "next", "voter_groups", "signature", "timestamp", "nonce", "echostr",
          "at", "meeting_date", "deadline_1", "action", "text", "audience", "meeting"]
json_objects = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values, max_size=6)
texts = st.text(max_size=30) | st.sampled_from(["s1", "s2", "1", "10", "１０", "²", "\ud800", "=1+1", "a" * 600,
                                                *EXTREME_DATES])
CONTENT_TYPES = [b"application/json", b"text/plain", b"application/x-www-form-urlencoded",
                 b"multipart/form-data; boundary=xyz", b"application/xml", b"text/xml; charset=gbk",
                 b"application/json; charset=no-such", b""]


@st.composite
def requests(draw, routes, ids, voter_tokens):
    method, template = draw(st.sampled_from(routes))
    real, bogus = ids[:2], ids[2:]
    path = re.sub(r"\{[^}]+\}", lambda _: draw(st.sampled_from(real) if draw(st.integers(0, 4)) else
                                                 st.sampled_from(bogus)), template)
    query = draw(st.sampled_from([b"", b"?k=x", b"?code=123456", b"?token=bad", b"?done=s1,s9",
                                  b"?signature=1&timestamp=2&nonce=3&echostr=4", b"?meeting=%ff", b"?view=windows",
                                  b"?meeting_date=0001-01-01", b"?meeting_date=9999-12-31"]))
    kind = draw(st.sampled_from(["json", "json", "json", "bytes", "form", "empty"]))
    if kind == "json":
        body = json.dumps(draw(json_objects), ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    elif kind == "bytes":
        body = draw(st.binary(max_size=300))
    elif kind == "form":
        pairs = draw(st.lists(st.tuples(st.sampled_from(FIELDS), texts), max_size=8))
        body = "&".join(f"{k}={v}" for k, v in pairs).encode("utf-8", "surrogatepass")
    else:
        body = b""
    headers = [(b"Content-Type", draw(st.sampled_from(CONTENT_TYPES)))]
    admin = b"Bearer " + ADMIN_TOKEN.encode()
    auth = draw(st.sampled_from([None, admin, admin, admin, b"Bearer x.y", b"Bearer \xff\xfe", b"Basic abc",
                                 b"Bearer ", *(b"Bearer " + t.encode() for t in voter_tokens)]))
    if auth:
        headers.append((b"Authorization", auth))
    if draw(st.booleans()):
        headers.append((b"Cookie", draw(st.sampled_from([b"admin_session=abc", b"vt_x=1.2", b"jd=\xff"]))))
    return method, path.encode() + query, headers, body


def never_5xx(server: ServerThread, redis_sync, strategy, examples: int) -> list[int]:
    """Send `examples` requests drawn from `strategy` (method, path, headers, body); fail on any 5xx. The admin
    token's guess counter is reset before each, so that forged tokens do not lock the real one out."""
    seen = []

    @hsettings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def check(request):
        method, path, headers, body = request
        redis_sync.delete(*redis_sync.keys("voting:admin-guesses:*") or ["-"])
        status = send(server.port, method, path, headers, body)
        seen.append(status)
        assert status < 500, (method, path, headers, body[:200])

    check()
    return seen


@contextmanager
def served_without_crashes(app, caplog):
    """The app served in its thread; afterwards, no log record may carry a traceback."""
    caplog.set_level(logging.WARNING)
    with ServerThread(app) as srv:
        yield srv
    crashes = [r for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]
    assert crashes == [], [r.getMessage() for r in crashes]
