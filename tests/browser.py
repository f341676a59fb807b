"""Real headless Chromium (Debian's) for the page tests: fixtures and the phone profile with WeChat's user agent.

Screenshots go to `--screenshots DIR` when given (one file per test and step), else to the test's tmp_path.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from voting.app import create_app

from .helpers import Api

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
WECHAT_UA = ("Mozilla/5.0 (Linux; Android 13; V2183A Build/TP1A.220624.014; wv) AppleWebKit/537.36 "
             "(KHTML, like Gecko) Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 "
             "MMWEBSDK/20231202 MicroMessenger/8.0.47.2560(0x28002F35) WeChat/arm64 Weixin NetType/WIFI "
             "Language/zh_CN ABI/arm64")
PHONE = dict(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True,
             user_agent=WECHAT_UA, locale="zh-CN")
PROJECTOR = dict(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
CONSOLE = dict(viewport={"width": 1400, "height": 900}, locale="zh-CN")


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
def start_site(aiohttp_server, settings):
    """Start the service on a free port, with Settings changed as given; `prepare(app)` runs before it starts
    (e.g. to tune the WeChat config)."""
    async def start(prepare=None, **changes):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        app = create_app(settings.with_(public_url=f"http://127.0.0.1:{port}", port=port, **changes))
        if prepare is not None:
            prepare(app)
        return await aiohttp_server(app, port=port)
    return start


@pytest.fixture
async def site(start_site):
    return await start_site()


@pytest.fixture
async def api(aiohttp_client, site):
    return Api(await aiohttp_client(site))


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
