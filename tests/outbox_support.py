"""What the outbox, feedback and reminder tests share: the app with short tunings, waiting for an outcome, bound
secretaries, an assessed meeting, and the service as a subprocess pointed at the tests' WeChat stand-in."""
from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp

from bot.identity import bindings
from bot.inbound import activity
from bot.appkeys import OUTBOX_CONFIG, WECHAT_CONFIG
from reminders.appkeys import REMINDER_CONFIG
from voting.app import create_app

from .helpers import ADMIN, Api
from .service_process import service_env

def make_app(settings, outbox: dict | None = None, wechat: dict | None = None):
    """create_app (the reminders mount through their entry point) with short pauses."""
    app = create_app(settings)
    app[OUTBOX_CONFIG] = app[OUTBOX_CONFIG].with_(**{"idle_poll": 0.05, "backoff": 0.05, "stop_wait": 3,
                                                     **(outbox or {})})
    app[REMINDER_CONFIG] = app[REMINDER_CONFIG].with_(poll=0.05, min_every=1)
    app[WECHAT_CONFIG] = app[WECHAT_CONFIG].with_(**{"backoff": 0.01, "timeout": 2, **(wechat or {})})
    return app


async def eventually(check, timeout: float = 15, every: float = 0.05):
    """Wait until `await check()` (or check()) is truthy; return it."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        value = check()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if loop.time() > deadline:
            raise AssertionError(f"not within {timeout} s: {check}")
        await asyncio.sleep(every)


async def wrote_recently(redis, openid: str) -> None:
    """As if the person had written to the account: inside WeChat's 48-hour window (bot.inbound.activity)."""
    async with redis.pipeline(transaction=False) as writes:
        activity.touch(writes, openid)
        await writes.execute()


async def bind_all(redis, mid: str, accounts: dict[str, list[str]]) -> None:
    for sid, openids in accounts.items():
        for openid in openids:
            await bindings.bind(redis, mid, sid, openid, force=True)


async def assessed_meeting(api: Api, scores: dict[str, list[int]], comments: dict[str, list[tuple]] = None,
                           **spec) -> dict:
    """A meeting whose secretaries were scored (scores[sid] = one score per voter) and whose windows are closed.
    comments[sid] = [(problems, suggestions), ...] for the first voters."""
    secretaries = spec.pop("secretaries", None) or [{"name": n, "org": f"第{i}党支部"}
                                                    for i, n in enumerate(["张三", "李四", "王五", "赵六"], 1)]
    m = await api.create_meeting(secretaries=secretaries, **spec)
    await api.open(m["id"])
    voters = max((len(v) for v in scores.values()), default=0)
    tokens = [await api.join(m) for _ in range(voters)]
    for sid, values in scores.items():
        for n, score in enumerate(values):
            problems, suggestions = (comments or {}).get(sid, [])[n] if n < len((comments or {}).get(sid, [])) \
                else ("", "")
            await api.cast(m["id"], tokens[n], sid, score, problems=problems, suggestions=suggestions)
    await api.close(m["id"])
    return m


def outbox_service_env(tmp_path: Path, standin, redis_url: str, **extra) -> dict:
    """The environment of `python -m voting serve` on the tests' Redis, pointed at the WeChat stand-in."""
    return service_env(tmp_path / "data", REDIS_URL=redis_url, **standin.env(), **extra)


async def admin_call(method: str, url: str, json=None) -> tuple[int, dict]:
    async with aiohttp.ClientSession() as http:
        async with http.request(method, url, json=json, headers=ADMIN) as r:
            return r.status, await r.json()
