"""`python -m voting serve | demo` (docs/api.md)."""
from __future__ import annotations

import argparse
import gc
import logging
import sys

from aiohttp import web

from .app import create_app
from .appkeys import REDIS, SETTINGS
from .console.admin_auth import ADMIN_GUESSES, STRONG_BITS, token_bits, token_is_strong
from .console.demo import ensure_demo_meeting
from .settings import Settings
from .store.embedded_redis import EmbeddedRedisError


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m voting", description="述职评议现场测评服务")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, text in (("serve", "启动服务"), ("demo", "启动服务并创建演示会议（18 位党支部书记）")):
        p = sub.add_parser(name, help=text)
        p.add_argument("--host", default="0.0.0.0")
        p.add_argument("--port", type=int, default=8080)
        p.add_argument("--redis", metavar="URL", help="Redis 地址（默认：在 DATA_DIR 下启动内置 Redis）")
        p.add_argument("--data-dir", metavar="DIR", help="数据目录（默认 ./data 或 DATA_DIR）")
    return parser


def _announce(app: web.Application):
    async def on_startup(app: web.Application):
        # What startup imported (pandas, scoring, jinja2) lives as long as the process: leave it out of
        # garbage collection, whose full passes otherwise stall the loop 30-90 ms with screens open
        # (docs/performance.md).
        gc.collect()
        gc.freeze()
        s = app[SETTINGS]
        print(f"述职评议服务已启动：{s.base_url}", flush=True)
        print(f"  管理后台：{s.base_url}/admin?token={s.admin_token}", flush=True)
        print(f"  ADMIN_TOKEN={s.admin_token}", flush=True)
        if not token_is_strong(s.admin_token):
            print(f"  注意：ADMIN_TOKEN 过短（约 {token_bits(s.admin_token):.0f} 位，建议至少 {STRONG_BITS} 位），"
                  f"因此同一地址错误 {ADMIN_GUESSES} 次后十分钟内不能重新登录（已登录的不受影响）。"
                  "不设置 ADMIN_TOKEN 即自动生成足够长的令牌。", flush=True)
    app.on_startup.append(on_startup)


def _demo(app: web.Application):
    async def on_startup(app: web.Application):
        urls = await ensure_demo_meeting(app[REDIS], app[SETTINGS])
        print("演示会议：", urls["title"], flush=True)
        print(f"  管理后台：{urls['admin_url']}?token={app[SETTINGS].admin_token}", flush=True)
        print(f"  投票页面：{urls['ballot_url']}（手机扫大屏二维码进入）", flush=True)
        print(f"  大屏页面：{urls['screen_url']}", flush=True)
    app.on_startup.append(on_startup)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env(host=args.host, port=args.port, redis_url=args.redis,
                                     data_dir=args.data_dir)
        app = create_app(settings)      # extensions check their own settings (bot/: WECHAT_*)
    except ValueError as e:
        print(f"配置错误：{e}", file=sys.stderr)
        return 2
    _announce(app)
    if args.command == "demo":
        _demo(app)
    try:
        web.run_app(app, host=settings.host, port=settings.port, print=None, access_log=None,
                    shutdown_timeout=5)
    except (EmbeddedRedisError, OSError) as e:
        print(f"无法启动：{e}", file=sys.stderr)
        return 2
    return 0
